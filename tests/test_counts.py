"""One casualty formatter: popups, the imported table and the browser's columns agree."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

import geopandas as gpd
import shapely

from geo.counts import count_range, count_ranges
from geo.table import imported_table
from geo.web.explorer import imported_columns
from geo.web.imported import prepare_imported
from layers._popup import fmt_range

PAIRS = [(3, 5), (3, 3), (None, 4), (2, None), (None, None), (0, 12)]
EXPECTED = ["3–5", "3", "4", "2", "unknown", "0–12"]


def test_count_range():
    assert [count_range(lo, hi) for lo, hi in PAIRS] == EXPECTED
    assert [fmt_range(lo, hi) for lo, hi in PAIRS] == EXPECTED


def test_every_door_formats_casualties_alike():
    n = len(PAIRS)
    frame = gpd.GeoDataFrame({
        "id": [f"e{i}" for i in range(n)],
        "date": pd.to_datetime(["2024-01-16"] * n), "end_date": pd.to_datetime([None] * n),
        "kind": "strike", "actor": "Iran", "place": "Panjgur", "country": "PAK",
        "killed_low": [np.nan if lo is None else float(lo) for lo, _ in PAIRS],
        "killed_high": [np.nan if hi is None else float(hi) for _, hi in PAIRS],
        "precision_m": 1000.0, "border_distance_km": 10.0, "border_side": "PAK", "row": range(n),
    }, geometry=shapely.points([62.0] * n, [27.0] * n), crs="EPSG:4326")
    table = imported_table(frame)["killed"].tolist()
    columns, _ = imported_columns(prepare_imported(frame), "test")
    browser = [None if pd.isna(v) else str(v) for v in columns["killed"]]
    wanted = [None if e == "unknown" else e for e in EXPECTED]
    assert table == [e or "" for e in wanted]
    assert browser == wanted


COUNTS = st.one_of(st.none(), st.just(np.nan), st.just(pd.NA), st.integers(-5, 2000),
                   st.floats(allow_nan=True, allow_infinity=True), st.sampled_from(["4", "x", "", "2.5"]))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(COUNTS, COUNTS), max_size=40))
def test_a_column_reads_each_row_as_one_pair_does(pairs):
    """The column (imports, table) and the single pair (popups) follow one rule, row by row,
    whatever repeats, is missing, fractional, infinite or not a number."""
    low = [lo for lo, _ in pairs]
    high = [hi for _, hi in pairs]
    column = count_ranges(low, high)
    assert list(column.index) == list(range(len(pairs)))
    assert [("unknown" if pd.isna(v) else v) for v in column] == [count_range(lo, hi) for lo, hi in pairs]
    for text in column:
        if pd.isna(text):
            continue
        low_text, _, high_text = text.partition("–")
        assert not high_text or int(high_text) != int(low_text)  # a range only where they differ
