"""The one time rule: what each layer's spec declares, the spans it gives, and that every door
(the table's ``in_window``, the browser's day numbers, an import's mask) agrees with it."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import geopandas as gpd
import shapely

from geo._schema import DATE, HISTORY, SCHEMAS
from geo.assemble import in_window
from geo.imports.layouts import ACLED_TIME_SPAN
from geo.timespan import DAY_MAX, DAY_MIN, SPAN_PRECISIONS, TimeRule, day_number, spans
from geo.web.explorer import dated_collection, imported_columns
from geo.web.imported import prepare_imported
from geo.web.layers import prepare_layer
from layers import SPECS
from layers.imported import IMPORTED

D = dt.date
FIRST = D(2012, 1, 1)
LAST = D(2026, 12, 31)


def test_every_dated_spec_reads_fields_its_data_contract_declares():
    """The spec's rule and the data contract are one list: each field the rule reads is a
    date (or a history, or the precision choice) in ``geo/_schema.py``."""
    dated = {name: spec.time for name, spec in SPECS.items() if spec.time is not None}
    assert set(dated) == {"events", "crossings"}
    for name, rule in dated.items():
        kinds = {f.name: f.kind for f in SCHEMAS[name].fields}
        assert kinds[rule.date_field] == DATE
        if rule.end_field:
            assert kinds[rule.end_field] == DATE
        if rule.history_field:
            assert kinds[rule.history_field] == HISTORY
        if rule.precision_field:
            choices = next(f.choices for f in SCHEMAS[name].fields if f.name == rule.precision_field)
            assert set(choices or ()) <= set(SPAN_PRECISIONS)


def _frame(rows: list[dict]) -> pd.DataFrame:
    return pd.DataFrame(rows)


def test_spans_by_precision():
    rule = TimeRule("date", end_field="end_date", precision_field="time_precision")
    frame = _frame([
        {"date": "2024-01-16", "end_date": None, "time_precision": "day"},
        {"date": "2024-01-15", "end_date": None, "time_precision": "week"},
        {"date": "2024-01-17", "end_date": None, "time_precision": "mid-week"},  # ACLED 2
        {"date": "2024-02-15", "end_date": None, "time_precision": "month"},  # ACLED 3: mid-month
        {"date": "2024-01-16", "end_date": "2024-03-02", "time_precision": "week"},
        {"date": "2024-01-16", "end_date": None, "time_precision": None},
        {"date": None, "end_date": None, "time_precision": "day"},
    ])
    first, last = spans(frame, rule)
    day = day_number
    assert list(zip(first.tolist(), last.tolist(), strict=True)) == [
        (day(D(2024, 1, 16)), day(D(2024, 1, 16))),
        (day(D(2024, 1, 15)), day(D(2024, 1, 21))),
        (day(D(2024, 1, 14)), day(D(2024, 1, 20))),
        (day(D(2024, 2, 1)), day(D(2024, 2, 29))),
        (day(D(2024, 1, 16)), day(D(2024, 3, 2))),
        (day(D(2024, 1, 16)), day(D(2024, 1, 16))),
        (DAY_MAX, DAY_MIN),  # no date: never shown
    ]


def test_a_lasting_state_and_no_rule():
    lasting = TimeRule("opened", lasts=True)
    frame = _frame([{"opened": "2020-05-01"}, {"opened": None}])
    first, last = spans(frame, lasting)
    assert first.tolist() == [day_number(D(2020, 5, 1)), DAY_MIN] and last.tolist() == [DAY_MAX] * 2
    assert spans(frame, None)[0].tolist() == [DAY_MIN] * 2


def test_acled_codes_name_periods_the_rule_knows():
    assert set(ACLED_TIME_SPAN.values()) <= set(SPAN_PRECISIONS)


# -- the property: the browser's day numbers and in_window agree ----------------------------

dates = st.dates(min_value=FIRST, max_value=LAST)
events = st.lists(st.fixed_dictionaries({
    "date": st.one_of(st.none(), dates),
    "precision": st.sampled_from([*SPAN_PRECISIONS, "", None]),
    "length": st.one_of(st.none(), st.integers(-5, 90)),
}), min_size=1, max_size=25)
windows = st.tuples(dates, st.integers(0, 400)).map(lambda t: (t[0], t[0] + dt.timedelta(days=t[1])))


def _events_frame(rows: list[dict]) -> gpd.GeoDataFrame:
    """Dated points of every precision, some lasting (an end date), some with none."""
    def end(r: dict) -> dt.date | None:
        if r["date"] is None or r["length"] is None:
            return None
        return r["date"] + dt.timedelta(days=max(r["length"], 0))

    n = len(rows)
    frame = pd.DataFrame({
        "id": [f"e{i}" for i in range(n)],
        "date": pd.to_datetime([r["date"] for r in rows]),
        "end_date": pd.to_datetime([end(r) for r in rows]),
        "time_precision": [r["precision"] for r in rows],
        "kind": "strike", "actor": "Iran", "place": "Panjgur", "summary": "",
        "precision_m": 1000.0,
    })
    points = shapely.points(np.linspace(61.0, 64.0, n), np.linspace(26.0, 28.0, n))
    return gpd.GeoDataFrame(frame, geometry=points, crs="EPSG:4326")


def _browser_shows(d0: list, d1: list, start: dt.date, end: dt.date) -> np.ndarray:
    """The engine's comparison (static/atlas/engine.js): a null first day is -inf, a null
    last day +inf; a feature shows iff d0 <= window end and d1 >= window start."""
    a, b = day_number(start), day_number(end)
    lo = np.array([-1e9 if x is None else x for x in d0], dtype=float)
    hi = np.array([1e9 if x is None else x for x in d1], dtype=float)
    return (lo <= b) & (hi >= a)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=events, window=windows)
def test_the_browsers_spans_agree_with_in_window(rows, window):
    start, end = window
    frame = _events_frame(rows)
    expected = in_window(frame, SPECS["events"].time, start, end).to_numpy()

    # The atlas's events as the engine gets them (features with _d0/_d1; circles skipped).
    feats = [f for f in dated_collection(prepare_layer("events", frame))["features"]
             if "_r" not in f["properties"] and "_a" not in f["properties"]]
    props = [f["properties"] for f in feats]
    assert [p["_id"] for p in props] == frame["id"].tolist()
    shown = _browser_shows([p["_d0"] for p in props], [p["_d1"] for p in props], start, end)
    assert np.array_equal(shown, expected)

    # The same rows as an import: its mask and its columns for the browser.
    as_import = in_window(frame, IMPORTED.time, start, end).to_numpy()
    assert np.array_equal(as_import, expected)
    prepared = prepare_imported(frame)
    assert np.array_equal(prepared.mask(start, end), expected)
    columns, _ = imported_columns(prepared, "test")
    assert np.array_equal(_browser_shows(columns["d0"].tolist(), columns["d1"].tolist(), start, end),
                          expected)


@settings(max_examples=30, deadline=None)
@given(opened=st.lists(st.one_of(st.none(), dates), min_size=1, max_size=10), window=windows)
def test_a_lasting_layers_browser_spans_agree_with_in_window(opened, window):
    start, end = window
    rule = SPECS["crossings"].time
    assert rule is not None and rule.lasts
    frame = pd.DataFrame({"opened": pd.to_datetime(opened)})
    first, last = spans(frame, rule)
    d0 = [None if x == DAY_MIN else int(x) for x in first]
    d1 = [None if x == DAY_MAX else int(x) for x in last]
    assert np.array_equal(_browser_shows(d0, d1, start, end),
                          in_window(frame, rule, start, end).to_numpy())


@pytest.mark.parametrize("name", ["events", "crossings"])
def test_the_shipped_layers_browser_file_agrees_with_in_window(layers, name):
    """The shipped dated layers as sent (``dated_collection``) against the table's rule."""
    frame = layers[name]
    props = [f["properties"] for f in dated_collection(prepare_layer(name, frame))["features"]
             if "_r" not in f["properties"] and "_a" not in f["properties"]]
    for start, end in [(D(2012, 10, 15), D(2012, 10, 15)), (D(2013, 5, 20), D(2013, 5, 21)),
                       (D(2024, 1, 15), D(2024, 1, 22)), (D(2025, 6, 1), D(2025, 12, 31))]:
        expected = in_window(frame, SPECS[name].time, start, end).to_numpy()
        got = _browser_shows([p["_d0"] for p in props], [p["_d1"] for p in props], start, end)
        assert np.array_equal(got, expected), (name, start, end)
