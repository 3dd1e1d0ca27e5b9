"""When a feature is shown: the time rule a layer declares, and the one span function.

A layer's spec holds a ``TimeRule`` (which fields place its features in time); ``spans``
turns a frame and its rule into each feature's first and last day, as integers (days since
1970-01-01), for every door at once: the table and the figure (``geo.assemble.in_window``),
animation frames, imports (``geo.web.imported.PreparedImport``) and the browser's engine
(``geo.web.explorer``, which sends the same integers, so the browser only compares days).
A window [start, end] shows a feature iff ``first <= end and last >= start``.

An event's ``date`` is the day it is known to, or the day its period is coded on;
``time_precision`` says how long that period is: ``day`` (the day is known), ``week`` (the
seven days from ``date``), ``month`` (the calendar month of ``date``; the atlas's own events
then have ``date`` on the 1st) or ``mid-week`` (the week around ``date``, three days either
side: ACLED codes a week-precision event on the middle of its week). An optional
``end_date`` closes a multi-day event. ``date_last`` is the last day the event may fall on:
the later of ``end_date`` and the end of the precision period. The build writes it into
data/events.geojson (checked against ``spans`` by the validator's rule, ``date_last``).
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
import pandas as pd

TIME_PRECISIONS = ("day", "week", "month")  # what a curated event may say (data/curated)
# What the span rule understands: the curated precisions and those imports are coded in.
SPAN_PRECISIONS = (*TIME_PRECISIONS, "mid-week")
DEFAULT_PRECISION = "day"

# Day numbers beyond any date: a feature open at one end gets these, one with no date that
# never shows gets (DAY_MAX, DAY_MIN). int32-safe, so an import's columns keep them as is.
DAY_MIN = -1_000_000
DAY_MAX = 1_000_000
EPOCH = dt.date(1970, 1, 1)


@dataclass(frozen=True)
class TimeRule:
    """Which fields of a layer place its features in time (a layer spec's ``time``).

    Parameters
    ----------
    date_field
        The first day a feature is shown (for an event, the day it is coded on).
    end_field
        An optional later last day (a multi-day event); empty: none.
    precision_field
        An optional field naming the period ``date_field`` stands for, one of
        ``SPAN_PRECISIONS`` (empty or unknown: the day).
    lasts
        True for a state that begins and lasts (a crossing's opening): shown from its date
        on, and always when it has none. False: a feature with no date is never shown.
    history_field
        An optional dated status history (a list of {date, status}); a window's frame gets
        each feature's status on its last day (``geo.assemble.WINDOW_STATUS``).
    """

    date_field: str
    end_field: str | None = None
    precision_field: str | None = None
    lasts: bool = False
    history_field: str | None = None

    @property
    def fields(self) -> tuple[str, ...]:
        """The fields the rule reads, in its order (for the data contract's check)."""
        return tuple(f for f in (self.date_field, self.end_field, self.precision_field,
                                 self.history_field) if f)


class Timed(Protocol):
    """What the core needs of a layer: its name and time rule (a ``layers`` spec has both)."""

    @property
    def name(self) -> str: ...

    @property
    def time(self) -> TimeRule | None: ...


def day_number(value: dt.date) -> int:
    """Days since 1970-01-01 of a date."""
    return (value - EPOCH).days


def day_date(day: int) -> dt.date:
    """The date of a day number."""
    return EPOCH + dt.timedelta(days=int(day))


def _day_numbers(values: Any) -> tuple[np.ndarray, np.ndarray]:
    """(day numbers as int64, which are missing) of ISO dates, timestamps or None."""
    stamps = pd.to_datetime(pd.Series(values), errors="coerce")
    days = stamps.to_numpy().astype("datetime64[D]")
    missing = np.isnat(days)
    out = days.astype(np.int64)
    out[missing] = 0
    return out, missing


def _period_last(first: np.ndarray, precision: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(first, last) day of each period of ``precision`` coded on day ``first``."""
    start, last = first.copy(), first.copy()
    week = precision == "week"
    last[week] += 6
    mid = precision == "mid-week"
    start[mid] -= 3
    last[mid] += 3
    month = precision == "month"
    if month.any():
        months = first[month].astype("datetime64[D]").astype("datetime64[M]")
        start[month] = months.astype("datetime64[D]").astype(np.int64)
        last[month] = (months + 1).astype("datetime64[D]").astype(np.int64) - 1
    return start, last


def spans(frame: pd.DataFrame, rule: TimeRule | None) -> tuple[np.ndarray, np.ndarray]:
    """Every feature's (first day, last day), int64 day numbers, by ``rule`` (the one rule).

    No rule: always shown (``DAY_MIN``, ``DAY_MAX``). A feature of a lasting rule shows from
    its date on (always without one); any other feature spans its precision period, to its
    end date when that is later, and never shows without a date (``DAY_MAX``, ``DAY_MIN``).
    A field the frame lacks counts as empty.
    """
    n = len(frame)
    if rule is None:
        return np.full(n, DAY_MIN, dtype=np.int64), np.full(n, DAY_MAX, dtype=np.int64)
    column = frame[rule.date_field] if rule.date_field in frame else [None] * n
    first, missing = _day_numbers(column)
    if rule.lasts:
        first[missing] = DAY_MIN
        return first, np.full(n, DAY_MAX, dtype=np.int64)
    if rule.precision_field and rule.precision_field in frame:
        precision = frame[rule.precision_field].astype("string").fillna("").to_numpy(dtype=object)
        first, last = _period_last(first, precision)
    else:
        last = first.copy()
    if rule.end_field and rule.end_field in frame:
        end, no_end = _day_numbers(frame[rule.end_field])
        last = np.where(no_end, last, np.maximum(last, end))
    first[missing] = DAY_MAX
    last[missing] = DAY_MIN
    return first, last


def meets(first: np.ndarray, last: np.ndarray, start: dt.date, end: dt.date) -> np.ndarray:
    """Which spans meet the window [start, end] (both days included)."""
    return (first <= day_number(end)) & (last >= day_number(start))


def period_end(first: dt.date, precision: str) -> dt.date:
    """The last day of the period of ``precision`` that starts on ``first``."""
    if precision == "day":
        return first
    if precision == "week":
        return first + dt.timedelta(days=6)
    if precision == "month":
        return first.replace(day=calendar.monthrange(first.year, first.month)[1])
    raise ValueError(f"unknown time precision {precision!r}; use one of {', '.join(TIME_PRECISIONS)}")


def date_last(first: dt.date, precision: str = DEFAULT_PRECISION,
              end: dt.date | None = None) -> dt.date:
    """The last day of an event: the later of ``end`` and the end of its precision period."""
    last = period_end(first, precision)
    return max(last, end) if end is not None else last


def precision_problem(first: dt.date, precision: str) -> str | None:
    """Why ``first`` cannot start a period of ``precision``, or None when it can."""
    if precision not in TIME_PRECISIONS:
        return f"time_precision {precision!r} is not one of {', '.join(TIME_PRECISIONS)}"
    if precision == "month" and first.day != 1:
        return f"time_precision 'month' needs the date on the 1st, not {first.isoformat()}"
    return None


def describe_when(first: dt.date, precision: str = DEFAULT_PRECISION,
                  end: dt.date | None = None) -> str:
    """How a reader is told when: '2024-01-16', 'week of 2024-01-15', 'sometime in May 2013',
    with 'to <end>' when the event runs past its period."""
    if precision == "month":
        text = f"sometime in {first.strftime('%B %Y')}"
    elif precision == "week":
        text = f"week of {first.isoformat()}"
    else:
        text = first.isoformat()
    if end is not None and end > period_end(first, precision):
        text += f" to {end.isoformat()}"
    return text
