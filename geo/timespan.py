"""When an event happened: its first day, its precision, and the last day it may have been.

An event's ``date`` is the first day of the period it is known to; ``time_precision`` says
how long that period is (as ACLED codes it): ``day`` (the day is known), ``week`` (the seven
days from ``date``) or ``month`` (the calendar month; ``date`` is then the 1st). An optional
``end_date`` closes a multi-day event. ``date_last`` is the last day the event may fall on:
the later of ``end_date`` and the end of the precision period. The build writes it into
data/events.geojson, and every date window uses it (``geo.assemble.in_window``).
"""

from __future__ import annotations

import calendar
import datetime as dt

TIME_PRECISIONS = ("day", "week", "month")
DEFAULT_PRECISION = "day"


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
