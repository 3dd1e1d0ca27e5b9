"""A window's table and downloads picked from rows written once (``geo.table.EventRows``) are
byte for byte what writing them for the window gives, and the app writes the rows once."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from geo import load_layer
from geo.assemble import window
from geo.filters import apply_filters
from geo.table import EventRows, events_csv, events_geojson, events_table
from geo.view import Filters
from layers import SPECS
from tests._element import report

APP = str(Path(__file__).resolve().parent.parent / "app.py")


def _written(events) -> tuple[pd.DataFrame, bytes, bytes]:
    return events_table(events), events_csv(events), events_geojson(events, "events")


def _same(picked, written, rows: int) -> None:
    pd.testing.assert_frame_equal(picked[0], written[0], check_dtype=rows > 0)
    assert picked[1] == written[1]
    assert picked[2] == written[2]


@pytest.fixture(scope="module")
def atlas():
    events = load_layer("events")
    return events, EventRows.of(events, "events")


FILTERS = [Filters(), Filters(kinds=("strike", "clash")), Filters(sides=("PAK",)), Filters(min_killed=3),
           Filters(precision="day"), Filters(search="jaish"), Filters(actors=("militant",))]


def test_any_window_and_filter_picks_what_writing_it_gives(atlas):
    events, rows = atlas
    assert events["area_geometry"].map(lambda a: isinstance(a, dict)).any()  # areas are covered
    draw = random.Random(20)
    for filters in FILTERS:
        for _ in range(25):
            start = dt.date(2012, 1, 1) + dt.timedelta(days=draw.randrange(0, 5200))
            end = start + dt.timedelta(days=draw.choice([0, 6, 30, 400, 3000]))
            shown = apply_filters(window(SPECS["events"], start, end, events), filters, SPECS["events"])
            _same(rows.outputs(shown), _written(shown), len(shown))


def test_every_event_and_none(atlas):
    events, rows = atlas
    _same(rows.outputs(events), _written(events), len(events))
    _same(rows.outputs(events.iloc[:0]), _written(events.iloc[:0]), 0)
    _same(rows.outputs(events.iloc[::-1]), _written(events.iloc[::-1]), len(events))  # any order


def test_formula_cells_quotes_and_new_lines_pick_the_same(atlas):
    cells = ["=1+1", "＝HYPERLINK()", "|calc", " \t@SUM(A1)", "-3.5", '"quoted", comma\nnew line', "ünï ✓"]
    events = atlas[0].copy()
    for i, column in enumerate(("place", "actor", "summary")):
        events[column] = [cells[(j + i) % len(cells)] for j in range(len(events))]
    rows = EventRows.of(events, "events")
    assert b"'=1+1" in rows.outputs(events)[1]  # neutralised, as every CSV is
    for picked in (events.iloc[::3], events.iloc[5:6], events):
        _same(rows.outputs(picked), _written(picked), len(picked))


def test_rows_not_written_are_refused(atlas):
    events, rows = atlas
    other = events.iloc[:2].set_axis([10_000, 10_001])
    with pytest.raises(ValueError, match="not among the rows"):
        rows.outputs(other)


def test_the_app_writes_the_atlas_rows_once_for_every_window(monkeypatch):
    import ui.data

    built = []
    real = ui.data.EventRows.of

    def counted(events, name):
        built.append(len(events))
        return real(events, name)

    monkeypatch.setattr(ui.data.EventRows, "of", counted)
    ui.data.event_rows.clear()
    at = AppTest.from_file(APP, default_timeout=90).run()
    events = load_layer("events")
    for start, end in [("2024-01-10", "2024-01-20"), ("2019-01-01", "2019-12-31"), ("2016-03-01", "2016-03-02")]:
        report(at, start, end)
        expected = window(SPECS["events"], dt.date.fromisoformat(start), dt.date.fromisoformat(end), events)
        assert at.subheader[0].value.endswith(f"({len(expected)})")
        table = at.dataframe[0].value
        assert sorted(table["date"]) == sorted(expected["date"].dt.strftime("%Y-%m-%d"))
    assert built == [len(events)]  # once, not once a window
