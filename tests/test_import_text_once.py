"""A UTF-8 CSV's decoded text is let go once its header is read; its lines are then counted in
the bytes. Held here to the text's own count on files with fields over several lines, blank
lines, every kind of line break, a byte-order mark and characters of several bytes."""

from __future__ import annotations

import codecs
import gc
import weakref

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import geo.imports.read as import_read
from geo.errors import EventImportError
from geo.imports.read import read_csv

_FIELD = st.lists(st.sampled_from(["a", "ü", "Quetta", "日本", " ", "1,2", "x\ny", "p\r\nq", "r\rs",
                                   "", "“q”", '"', "0"]), max_size=4).map("".join)
_BREAK = st.sampled_from(["\n", "\r\n", "\r"])


@st.composite
def _csv(draw) -> tuple[bytes, str, str]:
    """(bytes, text, codec) of a small CSV whose fields may hold line breaks and quotes."""
    width = draw(st.integers(1, 4))
    brk = draw(_BREAK)
    header = ",".join(f"c{i}" for i in range(width))
    rows = draw(st.lists(st.lists(_FIELD, min_size=width, max_size=width), max_size=6))
    lines = [header] + [",".join('"' + f.replace('"', '""') + '"' if set(f) & set(',"\r\n') else f
                                 for f in row) for row in rows]
    blank = draw(st.integers(0, len(lines)))
    lines.insert(blank, draw(st.sampled_from(["", " ", "\t"])))
    text = brk.join(lines) + draw(st.sampled_from(["", brk, brk * 2]))
    bom = draw(st.booleans())
    data = (codecs.BOM_UTF8 if bom else b"") + text.encode("utf-8")
    return data, text, "utf-8-sig"


def _as_text_would(data: bytes, text: str, codec: str) -> import_read.RawTable:
    with pytest.MonkeyPatch.context() as m:
        m.setattr(import_read, "UTF8_CODECS", ())  # count in the text, as for any other codec
        return read_csv(data, text, codec, "t.csv")


@settings(max_examples=150, deadline=None)
@given(case=_csv())
def test_lines_counted_in_the_bytes_are_the_texts(case):
    data, text, codec = case
    try:
        expected = _as_text_would(data, text, codec)
    except EventImportError as exc:  # the same refusal is expected either way
        try:
            read_csv(data, [text], codec, "t.csv")
        except EventImportError as again:
            assert str(again) == str(exc)
            return
        raise AssertionError(f"only the text path refused: {exc}") from None
    got = read_csv(data, [text], codec, "t.csv")
    pd.testing.assert_frame_equal(got.table, expected.table)
    assert got.rows.tolist() == expected.rows.tolist()
    assert got.problems == expected.problems and got.notes == expected.notes
    assert got.rows_read == expected.rows_read


def test_a_multiline_note_is_counted_the_same_after_a_bom_and_wide_characters():
    text = ('c0,notes,c2\r\n1,"日本\r\nü",x\r\n\r\n2,"a,b,c\r\nd,e,f",y\r\n')
    data = codecs.BOM_UTF8 + text.encode("utf-8")
    got = read_csv(data, [text], "utf-8-sig", "t.csv")
    expected = _as_text_would(data, text, "utf-8-sig")
    assert got.notes == expected.notes and got.problems == expected.problems
    assert [p.category for p in got.notes] == ["line count"]
    assert [p.category for p in got.problems] == ["multi-line field"]  # the c0,notes,c2 lookalike


class _Text(str):
    """A str that can be watched for being let go (a plain str cannot hold a weak reference)."""


def test_the_text_is_let_go_before_the_rows_are_parsed(monkeypatch):
    text = _Text("event_date,latitude,longitude\n16 January 2024,27.1,62.3\n")
    watch = weakref.ref(text)
    seen = []
    parse = import_read._read_csv_arrow

    def parse_and_look(*args, **kwargs):
        gc.collect()
        seen.append(watch() is None)
        return parse(*args, **kwargs)

    monkeypatch.setattr(import_read, "_read_csv_arrow", parse_and_look)
    held = [text]
    del text
    raw = read_csv(str(held[0]).encode(), held, "utf-8-sig", "t.csv")
    assert seen == [True] and len(raw.table) == 1


def test_a_file_of_bare_carriage_returns_counts_them_in_the_bytes_too():
    text = 'c0,notes\r1,"a\rb"\r2,"ü"\r\r'
    data = text.encode("utf-8")
    got = read_csv(data, [text], "utf-8-sig", "t.csv")
    expected = _as_text_would(data, text, "utf-8-sig")
    assert got.notes == expected.notes and got.problems == expected.problems
    assert [p.category for p in got.notes] == ["line count"]
