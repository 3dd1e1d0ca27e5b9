"""The importer's fast paths give what the plain ones give: Arrow's CSV reader against pandas'
C parser, the line-length shortcut against measuring every line, the border distance in
slices against all at once. (How fast they are is for bench/import_bench.py.)
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import geo
import geo.measure as measure
from geo.imports import import_events
from geo.imports.read import (
    _may_hold_a_long_line,
    _read_csv_arrow,
    _read_csv_in_chunks,
    read_header,
)
from geo.limits import MAX_LINE_BYTES

NAMES = ["a", "b", "c"]

# Texts both readers take, each a trap for one of them: quotes inside and after fields,
# doubled quotes, line breaks inside quotes, blank and all-space lines, bare carriage
# returns, CRLF, a byte-order mark inside a row, empty fields, non-ASCII letters.
SAME = [
    "a,b,c\n1,2,3\n",
    'a,b,c\n"x"y,2,3\n',
    'a,b,c\n"line\none",2,3\n',
    'a,b,c\n1,2,3\n\n4,5,6\n',
    'a,b,c\n  ,  ,  \n',
    "a,b,c\r1,2,3\r4,5,6\r",
    "a,b,c\r\n1,2,3\r\n\r\n",
    'a,b,c\n"1""q",,\n',
    'a,b,c\n"a" ,b,c\n',
    "a,b,c\n\ufeff1,2,3\n",
    "a,b,c\nZāhedān,سراوان,Panjgūr\n",
    "a,b,c\n",
    "a;b;c\n1;2,5;3\n",
]


def _arrow(text: str) -> pd.DataFrame | None:
    data = text.encode("utf-8")
    _, sep, _ = read_header(text, "t.csv")
    return _read_csv_arrow(data, sep, "utf-8-sig", NAMES)


def _pandas(text: str) -> pd.DataFrame:
    _, sep, _ = read_header(text, "t.csv")
    return _read_csv_in_chunks(text.encode("utf-8"), sep, "utf-8-sig", NAMES)


@pytest.mark.parametrize("text", SAME)
def test_arrow_reads_what_pandas_reads(text):
    fast = _arrow(text)
    assert fast is not None, "Arrow declined a file it reads"
    pd.testing.assert_frame_equal(fast, _pandas(text))


@pytest.mark.parametrize("text", [
    "a,b,c\n1,2\n",  # short row: pandas pads it
    "a,b,c\n1,2,3,4\n",  # long row: the slow path names it
    'a,b,c\n1,2,"3\n',  # a quote left open at the end: pandas refuses, Arrow would read on
    'a,b,c\nx"y,2,3\n4,5,"6\n',  # the same behind a bare quote (an odd count all the same)
    'a,b,c\nx"y,2,"3"\n',  # a bare quote: an odd count, left to pandas
    'a,b,c\nx"y,2,"3""\n',  # a bare quote, and the last quote left open: an even count
    'a,b,c\n1,2,3',  # no line break at the end
    'a,b,c\n1,2,"3\n"\n',  # the last row ends in a line break (read by pandas all the same)
])
def test_arrow_declines_what_it_would_read_otherwise(text):
    assert _arrow(text) is None


def test_arrow_declines_text_that_is_not_utf8():
    text = "a,b,c\ncafé,2,3\n"
    assert _read_csv_arrow(text.encode("cp1252"), ",", "cp1252", NAMES) is None


def test_an_import_through_either_reader_is_the_same(tmp_path, monkeypatch):
    from tests.test_import import acled_row, to_csv

    rows = [acled_row(event_id_cnty=f"PAK{i}", notes=f'said "{i}"\nand more') for i in range(30)]
    data = to_csv(rows)
    fast = import_events(data, filename="acled.csv")
    monkeypatch.setattr("geo.imports.read._read_csv_arrow", lambda *args: None)
    plain = import_events(data, filename="acled.csv")
    pd.testing.assert_frame_equal(fast.events, plain.events)
    assert fast.problems == plain.problems and fast.notes == plain.notes


@pytest.mark.parametrize("at", [0, 1, MAX_LINE_BYTES // 2 - 1, MAX_LINE_BYTES // 2 + 7,
                                 3 * MAX_LINE_BYTES // 2, 2 * MAX_LINE_BYTES])
def test_a_line_over_the_limit_is_never_ruled_out(at):
    data = b"x,y\n" * (at // 4) + b"z" * (MAX_LINE_BYTES + 1) + b"\n" + b"1,2\n" * 1000
    assert _may_hold_a_long_line(data)
    assert _may_hold_a_long_line(data.rstrip(b"\n") + b"z" * 10)  # the last line, unended


def test_short_lines_are_ruled_out():
    assert not _may_hold_a_long_line(b"1,2,3\n" * (MAX_LINE_BYTES // 2))


def test_the_distance_in_slices_is_the_distance_all_at_once(monkeypatch):
    border = geo.load_layer("border").geometry.iloc[0]
    rng = np.random.default_rng(5)
    lon, lat = rng.uniform(57, 67, 2_001), rng.uniform(24, 32, 2_001)
    lon[[3, 700]] = np.nan
    whole = measure.distance_to_border_km(lon, lat, border)
    monkeypatch.setattr(measure, "DISTANCE_SLICE", 97)
    sliced = measure.distance_to_border_km(lon, lat, border)
    np.testing.assert_array_equal(sliced, whole)
    assert np.isnan(sliced[[3, 700]]).all() and np.isfinite(np.delete(sliced, [3, 700])).all()
