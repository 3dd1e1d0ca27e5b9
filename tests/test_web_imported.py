"""Imported events prepared for the browser: window masks and style dedupe.

Every file is a synthetic ACLED export written here (the real column layout) and read with
``import_events``, so the tests run offline. What the browser draws of them (and that their
texts stay text) is tested in tests/test_browser_import.py; speed in bench/explorer_bench.py.
"""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pandas as pd
import pytest

from geo.assemble import in_window
from geo.imports import import_events
from geo.imports.layouts import ACLED_COLUMNS
from geo.web.imported import prepare_imported
from geo.web.layers import style_json
from layers import SPECS
from layers.imported import IMPORTED

SUB_EVENTS = [("Battles", "Armed clash"), ("Explosions/Remote violence", "Air/drone strike"),
              ("Explosions/Remote violence", "Suicide bomb"), ("Violence against civilians", "Attack"),
              ("Protests", "Peaceful protest"), ("Strategic developments", "Agreement"),
              ("Strategic developments", "Arrests")]
ACTORS = ["Military Forces of Pakistan (2018-)", "Police Forces of Pakistan (2018-)",
          "BLA: Balochistan Liberation Army", "Unidentified Armed Group (Pakistan)",
          "Military Forces of Iran (1989-)", "Jaish al Adl", "Protesters (Pakistan)",
          "Civilians (Iran)", ""]
FIRST_DAY = dt.date(2017, 1, 1)
DAYS = (dt.date(2024, 12, 31) - FIRST_DAY).days


def acled_csv(path, n: int, *, seed: int = 0) -> pd.DataFrame:
    """Write an n-row ACLED export to ``path``; return the events ``import_events`` keeps."""
    rng = np.random.default_rng(seed)
    pick = rng.integers(0, 10_000, n)
    dates = pd.Timestamp(FIRST_DAY) + pd.to_timedelta(rng.integers(0, DAYS + 1, n), unit="D")
    lon = np.round(rng.uniform(57.5, 66.5, n), 4)
    lat = np.round(rng.uniform(24.5, 31.5, n), 4)
    table = pd.DataFrame({c: "" for c in ACLED_COLUMNS}, index=range(n))
    table["event_id_cnty"] = [f"PAK{i}" for i in range(n)]
    table["event_date"] = pd.DatetimeIndex(dates).strftime("%d %B %Y")
    table["year"] = pd.DatetimeIndex(dates).year.astype(str)
    table["time_precision"] = (pick % 3 + 1).astype(str)
    table["event_type"] = [SUB_EVENTS[i % len(SUB_EVENTS)][0] for i in pick]
    table["sub_event_type"] = [SUB_EVENTS[i % len(SUB_EVENTS)][1] for i in pick]
    table["actor1"] = [ACTORS[i % len(ACTORS)] for i in pick // 7]
    table["actor2"] = [ACTORS[(i + 3) % len(ACTORS)] for i in pick]
    table["country"] = np.where(lon < 62, "Iran", "Pakistan")
    table["admin1"] = np.where(lon < 62, "Sistan and Baluchestan", "Balochistan")
    table["location"] = [f"Place {i % 500}" for i in pick]
    table["latitude"], table["longitude"] = lat.astype(str), lon.astype(str)
    table["geo_precision"] = (pick % 3 + 1).astype(str)
    table["source"] = "Dawn; https://example.org/a?b=1&c=2"
    table["notes"] = "Gunmen attacked a checkpoint. " + table["location"]
    table["fatalities"] = (pick % 4).astype(str)
    table.to_csv(path, index=False)
    result = import_events(path, max_bytes=200 * 2**20)
    assert len(result.events) == n, result.summary()
    return result.events


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    frame = acled_csv(tmp_path_factory.mktemp("small") / "small.csv", 400, seed=1)
    # Some events last several days (ACLED has no end dates; UCDP and GeoJSON files do).
    rng = np.random.default_rng(2)
    lasting = rng.random(len(frame)) < 0.3
    frame.loc[lasting, "end_date"] = frame.loc[lasting, "date"] + pd.to_timedelta(
        rng.integers(0, 40, lasting.sum()), unit="D")
    return frame


@pytest.fixture(scope="module")
def large(tmp_path_factory):
    return acled_csv(tmp_path_factory.mktemp("large") / "large.csv", 100_000, seed=3)


def pandas_window(frame: pd.DataFrame, start: dt.date, end: dt.date) -> np.ndarray:
    """An independent filter: an event shows if its period meets [start, end]: the day, the
    seven days around a week-precision ACLED date (coded mid-week), the calendar month of a
    month-precision one; to its end_date when that is later."""
    date = frame["date"].dt.normalize()
    mid_week = frame["time_precision"] == "mid-week"
    month = frame["time_precision"] == "month"
    three = pd.Timedelta(days=3)
    first = date.where(~mid_week, date - three).where(~month, date.dt.to_period("M").dt.start_time)
    last = date.where(~mid_week, date + three).where(
        ~month, date.dt.to_period("M").dt.end_time.dt.normalize())
    last = np.maximum(last, frame["end_date"].fillna(last).dt.normalize())
    return ((first <= pd.Timestamp(end)) & (last >= pd.Timestamp(start))).to_numpy()


WINDOWS = [(dt.date(2017, 1, 1), dt.date(2024, 12, 31)), (dt.date(2020, 3, 1), dt.date(2020, 3, 31)),
           (dt.date(2021, 6, 5), dt.date(2021, 6, 5)), (dt.date(2016, 1, 1), dt.date(2016, 12, 31)),
           (dt.date(2019, 1, 1), dt.date(2019, 12, 31)), (dt.date(2024, 12, 31), dt.date(2025, 2, 1))]


@pytest.mark.parametrize(("start", "end"), WINDOWS)
def test_window_mask_matches_pandas(small, start, end):
    prepared = prepare_imported(small)
    expected = pandas_window(small, start, end)
    assert np.array_equal(prepared.mask(start, end), expected)
    assert np.array_equal(expected, in_window(small, SPECS["events"].time, start, end).to_numpy())


def test_window_mask_on_100k_rows(large):
    prepared = prepare_imported(large)
    for start, end in WINDOWS:
        assert np.array_equal(prepared.mask(start, end), pandas_window(large, start, end))


def test_styles_are_deduplicated_and_match_the_spec(large):
    prepared = prepare_imported(large)
    pairs = large[["kind", "actor"]].drop_duplicates().to_dict("records")
    distinct = {json.dumps(style_json(IMPORTED.style_of(p)), sort_keys=True) for p in pairs}
    assert 1 < len(prepared.styles) == len(distinct) <= 45  # kinds x actor groups, not 100,000
    assert len({json.dumps(s, sort_keys=True) for s in prepared.styles}) == len(prepared.styles)
    sample = np.random.default_rng(6).choice(len(large), 300, replace=False)
    records = large.iloc[sample].drop(columns="geometry").to_dict("records")
    for i, props in zip(sample, records, strict=True):
        assert prepared.styles[prepared.style_idx[i]] == style_json(IMPORTED.style_of(props))


def test_empty_import_and_empty_window(small):
    empty = prepare_imported(small.iloc[:0])
    assert len(empty) == 0 and empty.mask(dt.date(2020, 1, 1), dt.date(2020, 1, 2)).shape == (0,)
    assert not prepare_imported(small).mask(dt.date(2000, 1, 1), dt.date(2000, 1, 2)).any()
