"""What the atlas writes for people: no CSV cell runs as a formula, no user text as Markdown."""

from __future__ import annotations

import csv
import io

import pandas as pd
import pytest

import shapely

import geo
from geo.imports import import_events
from geo.table import events_csv
from tests.test_import import acled_row, to_csv

FORMULAS = ["=HYPERLINK(\"http://evil.example\",\"x\")", "+cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0",
            "@SUM(1+1)*cmd|' /C calc'!A0", "\t=SUM(A1)", " \t=SUM(A1)", "\r=1+1", "\n=1"]
LIVE = ("=", "+", "-", "@")


def _cells(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")))


def _is_live(cell: str) -> bool:
    """Would a spreadsheet run this cell (as it strips blanks) as a formula?"""
    stripped = cell.lstrip(" \t\r\n")
    if not stripped.startswith(LIVE):
        return False
    try:
        float(stripped)
        return False  # a number, e.g. -61.5
    except ValueError:
        return True


def test_imported_events_csv_neutralises_every_formula_and_keeps_numbers():
    one_line = [f.replace("\n", "").replace("\r", "") for f in FORMULAS]  # names have no breaks
    rows = [acled_row(event_id_cnty=f"PAK{i}", notes=f, actor1=g, location=g)
            for i, (f, g) in enumerate(zip(FORMULAS, one_line, strict=True))]
    events = import_events(to_csv(rows)).events
    assert len(events) == len(FORMULAS)
    events.loc[0, "geometry"] = shapely.Point(-61.5, -26.0)  # a negative longitude and latitude
    cells = _cells(events_csv(events))
    for row in cells:
        for name, cell in row.items():
            assert not _is_live(cell), (name, cell)
    for cell, text in zip(cells, events["summary"], strict=True):
        assert cell["summary"] == ("'" + text if text else "")  # the text otherwise unchanged
    assert (cells[0]["lon"], cells[0]["lat"]) == ("-61.5", "-26.0")  # numbers stay numbers


def test_curated_events_csv_neutralises_formulas_and_keeps_negative_counts():
    events = geo.load_layer("events").head(3).copy()
    events["summary"] = ["=1+1", "@x", "plain text"]
    events["killed_low"] = [-4.0, 0.0, 2.0]  # a number column keeps its sign
    cells = _cells(events_csv(events))
    assert [c["summary"] for c in cells] == ["'=1+1", "'@x", "plain text"]
    assert cells[0]["killed_low"] == "-4.0"


@pytest.mark.parametrize("text", ["\uff1d1+1", "\uff0bA1", "\uff0d1+A1", "\uff20SUM(1)", "|calc",
                                  "\uff5ccalc", "\ufe661+1", "\u22121+A1", " \u3000\uff1d1",
                                  "\u200b=1+1", "=cmd|' /C calc'!A0"])
def test_look_alike_formula_signs_and_dde_pipes_are_neutralised(text):
    from geo.safe_csv import csv_bytes, neutralise_cell

    assert neutralise_cell(text) == "'" + text
    frame = pd.DataFrame({"note": [text, "plain"], "n": [-3, 4]})
    cells = _cells(csv_bytes(frame))
    assert [c["note"] for c in cells] == ["'" + text, "plain"]  # the fast column path too
    assert [c["n"] for c in cells] == ["-3", "4"]


@pytest.mark.parametrize("text", ["-3.5", "+92", "-0", "1e-5"])
def test_text_that_is_a_number_is_left_alone(text):
    from geo.safe_csv import neutralise_cell

    assert neutralise_cell(text) == text


def test_direction_reversing_and_over_long_values_are_cut_in_the_imported_table():
    from geo.limits import SHOWN_CELL_CHARS
    from geo.table import imported_table

    rows = [acled_row(event_id_cnty="PAK1", actor1="abc\u202egpj.exe\u2066x\u2069",
                      location="L" * 5000)]
    table = imported_table(import_events(to_csv(rows)).events)
    assert table["actor"][0] == "abc gpj.exe x "
    assert len(table["place"][0]) == SHOWN_CELL_CHARS and table["place"][0].endswith("…")
