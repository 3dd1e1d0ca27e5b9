"""Counts of people as readers see them: '3', or '3–5' where sources differ (low–high).

One formatter for every door: the atlas's popups (``layers``), the imported events' table
(``geo.table``) and their columns for the browser (``geo.web.explorer``). The rule is written
once, for one pair (``_whole`` and ``_pair_text``); a column applies it to each distinct value
and each distinct pair, so a popup pays for one pair and 100,000 imported rows for the few
hundred distinct counts they hold.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd


def _whole(value: Any) -> int | None:
    """A count as a whole number (rounded half to even), or None when it is not a finite number."""
    number = pd.to_numeric(value, errors="coerce")
    if pd.isna(number):
        return None
    number = float(number)
    return int(round(number)) if math.isfinite(number) else None


def _pair_text(low: int | None, high: int | None) -> str | None:
    """'3', '3–5', the one known when only one is, None when neither is."""
    if low is None:
        return None if high is None else str(high)
    return str(low) if high is None or high == low else f"{low}–{high}"


def _codes(values: Any) -> tuple[np.ndarray, list[int | None]]:
    """Each value's code and the whole number of each code (the last one for missing values)."""
    raw = pd.Series(values, dtype=object).to_numpy()
    codes, uniques = pd.factorize(raw, use_na_sentinel=True)
    wholes = [_whole(v) for v in uniques] + [None]
    return np.where(codes < 0, len(uniques), codes), wholes


def count_ranges(low: Any, high: Any) -> pd.Series:
    """Per row, '3' or '3–5' (low–high, whole numbers), the one known when only one is, and
    <NA> when neither is (a string Series on a plain range index)."""
    lo, lo_whole = _codes(low)
    hi, hi_whole = _codes(high)
    pairs, inverse = np.unique(lo * len(hi_whole) + hi, return_inverse=True)
    texts = np.array([_pair_text(lo_whole[p // len(hi_whole)], hi_whole[p % len(hi_whole)])
                      for p in pairs.tolist()] + [None], dtype=object)
    return pd.Series(pd.array(texts[inverse.reshape(-1)] if len(lo) else [], dtype="string"))


def count_range(low: Any, high: Any) -> str:
    """'3', '3–5' or 'unknown' for one low/high pair that may be missing."""
    text = _pair_text(_whole(low), _whole(high))
    return "unknown" if text is None else text
