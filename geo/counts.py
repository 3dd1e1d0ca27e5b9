"""Counts of people as readers see them: '3', or '3–5' where sources differ (low–high).

One formatter for every door: the atlas's popups (``layers``), the imported events' table
(``geo.table``) and their columns for the browser (``geo.web.explorer``).
"""

from __future__ import annotations

from typing import Any

import pandas as pd


def _whole(values: Any) -> pd.Series:
    numbers = pd.to_numeric(pd.Series(values, dtype=object), errors="coerce").astype("Float64")
    return numbers.round().astype("Int64")


def count_ranges(low: Any, high: Any) -> pd.Series:
    """Per row, '3' or '3–5' (low–high, whole numbers), the one known when only one is, and
    <NA> when neither is (a string Series on a plain range index)."""
    lo, hi = _whole(low), _whole(high)
    text = lo.astype("string").fillna(hi.astype("string"))
    ranged = (lo.notna() & hi.notna() & (lo != hi)).fillna(False).to_numpy(dtype=bool)
    text[ranged] = text[ranged] + "–" + hi[ranged].astype("string")
    return text


def count_range(low: Any, high: Any) -> str:
    """'3', '3–5' or 'unknown' for one low/high pair that may be missing."""
    text = count_ranges([low], [high]).iloc[0]
    return "unknown" if pd.isna(text) else str(text)
