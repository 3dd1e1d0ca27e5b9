"""The import's shortcuts give what the long way gives: columns stripped only when a value may
have space around it, coordinates parsed by Arrow when it can, long values screened by their
bytes, types looked up once per distinct text. (How fast they are is for bench/import_bench.py.)
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from geo.imports import _numbers, import_events
from geo.imports.layouts import _col, _join, _mapped, _may_have_outer_space, _wrap
from geo.imports.read import drop_long_fields
from geo.limits import MAX_FIELD_CHARS

# Values with and without white space around them: ASCII spaces and tabs, a no-break space,
# an ideographic space, a line separator, non-ASCII letters at either end, empty values.
PADDED = [" Quetta", "Quetta ", "\tQuetta\t", "\u00a0Quetta", "Quetta\u3000", "\u2028Quetta",
          "Zāhedān", "سراوان", "", " ", "Panjgur"]
PLAIN = ["Quetta", "Zahedan", "", "Panjgur", "a b"]


def _texts(values: list[str]) -> pd.Series:
    return pd.Series(values, dtype=str)


@pytest.mark.parametrize("values", [PADDED, PLAIN, [v for v in PADDED if v.strip() == v]])
def test_a_column_is_stripped_as_python_strips(values):
    table = pd.DataFrame({"place": _texts(values)})
    got = _col(table, "place")
    assert got.tolist() == [v.strip() for v in values]
    assert got.dtype == table["place"].dtype


def test_outer_space_is_seen_in_every_chunk_and_slice():
    assert not _may_have_outer_space(pa.array(PLAIN, pa.large_string()))
    for padded in (" a", "a ", "a\t", "\u00a0a", "é"):  # non-ASCII ends are stripped, to be safe
        chunked = pa.chunked_array([pa.array(PLAIN), pa.array(["x", padded])])
        assert _may_have_outer_space(chunked), padded
        sliced = pa.array(["ok", padded, "ok"], pa.large_string())
        assert _may_have_outer_space(sliced.slice(1, 1))
        assert not _may_have_outer_space(sliced.slice(2, 1))
    assert not _may_have_outer_space(pa.array(["", ""], pa.large_string()))
    assert _may_have_outer_space(pa.array(["a", None]))


def test_join_and_wrap_as_pandas_does():
    left, right = _texts(["a", "", "c", ""]), _texts(["x", "y", "", ""])
    assert _join(left, right, ", ").tolist() == ["a, x", "y", "c", ""]
    assert _wrap(left, "(", ")").tolist() == ["(a)", "", "(c)", ""]
    assert _join(left, right, ", ").dtype == left.dtype


def test_lookup_once_per_distinct_text():
    text = _texts(["iran", "pakistan", "iran", "mars", ""])
    got = _mapped(text, {"iran": "IRN", "pakistan": "PAK"})
    expected = text.astype(object).map({"iran": "IRN", "pakistan": "PAK"})
    pd.testing.assert_series_equal(got, expected, check_dtype=False)


@pytest.mark.parametrize("values", [
    ["61.5", "61,5", "", "-3e2"],  # Arrow takes all of them
    ["61.5", "x", " 1", "1_0", "0x10", ""],  # Arrow refuses one: pandas reads the column
    ["inf", "nan", "1e400", "+1"],
])
def test_coordinates_parse_as_pandas_parses(values):
    text = _texts(values)
    expected = pd.to_numeric(text.str.replace(",", ".", regex=False), errors="coerce")
    got = _numbers(text)
    np.testing.assert_array_equal(got, expected.to_numpy(dtype=float, na_value=np.nan))
    got[0] = 0.0  # writable: swaps are made in place


def test_the_byte_screen_never_hides_a_long_value():
    n = MAX_FIELD_CHARS
    frame = pd.DataFrame({"a": _texts(["x" * n, "é" * (n // 2 + 1), "y"]),
                          "b": _texts(["é" * (n + 1), "", ""])})
    kept, rows, problems = drop_long_fields(frame, np.array([2, 3, 4]))
    assert rows.tolist() == [3, 4]  # 'é' is two bytes: the second value is long in bytes only
    assert [p.row for p in problems] == [2]
    assert f"{n + 1:,} characters" in problems[0].reason


def test_padded_acled_fields_import_stripped():
    header = ("event_id_cnty,event_date,event_type,sub_event_type,actor1,country,location,"
              "admin1,latitude,longitude,geo_precision,fatalities,notes")
    rows = [" PAK1 , 16 January 2024 , Battles ,Armed clash,\u00a0Army\u00a0, Pakistan ,"
            " Panjgur ,Balochistan, 26.97 , 64.09 , 1 , 2 ,note ",
            "PAK2,17 January 2024,Battles,Armed clash,Army,Iran,Saravan,Sistan,27.37,62.33,1,0,n"]
    data = ("\n".join([header, *rows]) + "\n").encode()
    events = import_events(data, filename="acled.csv", max_bytes=len(data)).events
    assert events["id"].tolist() == ["PAK1", "PAK2"]
    assert events["actor"].tolist() == ["Army", "Army"]
    assert events["place"].tolist() == ["Panjgur, Balochistan", "Saravan, Sistan"]
    assert events["country"].tolist() == ["PAK", "IRN"]
    assert events["kind"].tolist() == ["clash", "clash"]
    assert events["killed_low"].tolist() == [2.0, 0.0]
    assert events.geometry.x.round(2).tolist() == [64.09, 62.33]


def test_a_file_just_over_the_field_limit_is_searched():
    header = "event_id_cnty,event_date,event_type,actor1,latitude,longitude,notes\n"
    good = "PAK1,16 January 2024,Battles,Army,26.97,64.09,n\n"
    long_row = "PAK2,16 January 2024,Battles,Army,26.97,64.09," + "x" * (MAX_FIELD_CHARS + 1) + "\n"
    data = (header + good + long_row).encode()
    assert len(data) < 2 * MAX_FIELD_CHARS
    result = import_events(data, filename="acled.csv", max_bytes=len(data))
    assert result.events["id"].tolist() == ["PAK1"]
    assert [(p.row, p.category) for p in result.problems] == [(3, "value too long")]
    frame = pd.DataFrame({"a": _texts(["y" * (MAX_FIELD_CHARS + 1)])})
    assert drop_long_fields(frame, np.array([2]), file_bytes=MAX_FIELD_CHARS + 1)[1].size == 0
    small = drop_long_fields(frame.iloc[:0], np.array([], dtype=int), file_bytes=MAX_FIELD_CHARS)
    assert small[1].size == 0 and small[2] == []
