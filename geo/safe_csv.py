"""CSV for spreadsheets: no cell of a download can run as a formula (OWASP "CSV injection").

Every CSV the atlas writes goes through ``csv_bytes``. A text cell that a spreadsheet would
read as a formula, one starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return
(OWASP's list), or a pipe (``|calc``: dynamic data exchange), also after leading blanks
(spreadsheets strip them, so ``" \\t=SUM(A1)"`` is a formula too), and also when the sign
is a look-alike that a spreadsheet may fold to it (the full-width ``＝ ＋ － ＠ ｜``, the
small forms ``﹦ ﹢ ﹣ ﹫``, the minus sign ``−``: every character whose compatibility form
(NFKC) is one of the signs), gets a leading apostrophe, as OWASP recommends; the cell's text is otherwise unchanged and
pandas quotes it as CSV requires. Numbers stay numbers: a negative count or longitude in a
numeric column is written as a number, and a text cell that is exactly a number ("-3.5")
is left alone, since no spreadsheet runs it.
"""

from __future__ import annotations

import re
import unicodedata

import pandas as pd

FORMULA_SIGNS = ("=", "+", "-", "@", "|")
FORMULA_START = (*FORMULA_SIGNS, "\t", "\r")
# Look-alikes: the signs' full-width and small forms (NFKC folds them to the sign) and the
# minus sign, which LibreOffice and Excel take for a minus in a formula.
LOOK_ALIKES = tuple(sorted({chr(c) for c in range(0x80, 0x10000)
                            if unicodedata.normalize("NFKC", chr(c)) in FORMULA_SIGNS} | {"\u2212"}))
_STARTS = FORMULA_START + LOOK_ALIKES
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_LEADING_BLANKS = " \t\r\n\x0b\x0c\u00a0\u3000\u200b\ufeff"


def neutralise_cell(value: object) -> object:
    """``value`` made safe for a spreadsheet: formula-like text gets a leading apostrophe."""
    if not isinstance(value, str) or not value:
        return value
    stripped = value.lstrip(_LEADING_BLANKS)
    formula_like = value.startswith(_STARTS) or stripped.startswith(_STARTS)
    if not formula_like or _PLAIN_NUMBER.fullmatch(value.strip()):
        return value
    return "'" + value


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """The frame as UTF-8 CSV, every text cell (and header) passed through ``neutralise_cell``."""
    return _safe(frame).to_csv(index=False).encode("utf-8")


def csv_lines(frame: pd.DataFrame) -> tuple[str, list[str]]:
    """The header line and each row's line of ``csv_bytes(frame)``: the header followed by any
    of the rows, in order, is the CSV of those rows (a cell's text does not depend on the
    other rows), so a table's rows can be written once and picked many times."""
    safe = _safe(frame)
    header = safe.iloc[:0].to_csv(index=False)
    return header, [safe.iloc[i:i + 1].to_csv(index=False, header=False) for i in range(len(safe))]


def _safe(frame: pd.DataFrame) -> pd.DataFrame:
    safe = frame.copy()
    for column in safe.columns:
        if not (pd.api.types.is_numeric_dtype(safe[column]) or pd.api.types.is_bool_dtype(safe[column])):
            safe[column] = _neutralise_column(safe[column])
    safe.columns = [neutralise_cell(str(c)) for c in safe.columns]
    return safe


def _neutralise_column(series: pd.Series) -> pd.Series:
    """``neutralise_cell`` on every cell, called only where a cell may start a formula (fast)."""
    # Text columns are searched as they are (Arrow's string functions: no Python call a cell).
    text = series if isinstance(series.dtype, pd.StringDtype) else series.astype(object)
    heads = text.str[:1].isin(_STARTS) | text.str.lstrip(_LEADING_BLANKS).str[:1].isin(_STARTS)
    candidates = heads.fillna(False).to_numpy(dtype=bool)
    if not candidates.any():
        return series
    out = text.copy()
    out[candidates] = text[candidates].map(neutralise_cell)
    return out
