"""Assemble the layers of a view: load once, then filter each by the date window."""

from __future__ import annotations

import datetime as dt
from functools import cache

import pandas as pd

import geopandas as gpd

from geo._schema import LAYER_NAMES
from geo.io import load_layer

# Which field places a feature in time, and its optional end (None: a state that lasts).
# An event's end is its date_last (geo.timespan): the later of end_date and the end of its
# time precision (a week, a month), computed by the build.
TIME_FIELDS: dict[str, tuple[str, str | None]] = {
    "events": ("date", "date_last"),
    "crossings": ("opened", None),
    "imported": ("date", "end_date"),  # a user's events (layers.imported), not a shipped layer
}
# The column ``window`` adds to crossings: their status on the window's last day.
WINDOW_STATUS = "window_status"
_OPEN = ("opened", "reopened", "inaugurated")


@cache
def _cached(name: str) -> gpd.GeoDataFrame:
    return load_layer(name)


def shipped_layer(name: str) -> gpd.GeoDataFrame:
    """The shipped layer, loaded and validated once per process. Do not modify it."""
    return _cached(name)


def in_window(frame: gpd.GeoDataFrame, name: str, start: dt.date, end: dt.date) -> pd.Series:
    """Which features of layer ``name`` the window [start, end] shows (both days included).

    The one window rule: an event shows iff ``date <= end and date_last >= start`` (its
    whole span, precision period included, meets the window; without date_last, its
    end_date or date stands in). A crossing shows from its opening date (one with no known
    date always shows); undated layers always show.
    """
    if name not in TIME_FIELDS or frame.empty:
        return pd.Series(True, index=frame.index)
    date_field, end_field = TIME_FIELDS[name]
    first = pd.to_datetime(frame[date_field])
    lo, hi = pd.Timestamp(start), pd.Timestamp(end)
    if end_field is None:  # a state that begins (opening) and lasts
        return first.isna() | (first <= hi)
    last = first
    for field in (end_field, "end_date"):  # a frame built without date_last falls back
        if field in frame:
            last = pd.to_datetime(frame[field]).fillna(last)
            break
    return (first <= hi) & (last >= lo)


def crossing_status(history: object, day: dt.date) -> str | None:
    """A crossing's status on ``day`` from its status_history: open, closed, approved or None.

    The latest opened/reopened/inaugurated or closed entry on or before ``day`` decides;
    before any of those, "approved" if an approval came first, else None (no dated status).
    A "halted" entry (closed for a time no source bounds) makes the crossing closed on its
    own day only.
    """
    state = None
    approved = False
    for entry in history if isinstance(history, list | tuple) else ():
        when = pd.Timestamp(entry["date"]).date()
        if when > day:
            break  # status_history is in date order (checked by the build)
        if entry["status"] in _OPEN:
            state = "open"
        elif entry["status"] == "closed":
            state = "closed"
        elif entry["status"] == "halted" and when == day:
            return "closed"  # closed that day; how long after is not known, so not drawn
        elif entry["status"] == "approved":
            approved = True
    return state or ("approved" if approved else None)


def window(name: str, start: dt.date, end: dt.date,
           frame: gpd.GeoDataFrame | None = None) -> gpd.GeoDataFrame:
    """The features of layer ``name`` shown for the window (a new frame; the source is untouched)."""
    frame = shipped_layer(name) if frame is None else frame
    shown = frame[in_window(frame, name, start, end)]
    if name == "crossings" and "status_history" in shown:
        shown = shown.assign(**{WINDOW_STATUS: [crossing_status(h, end) for h in shown["status_history"]]})
    return shown


def assemble(layers: tuple[str, ...], start: dt.date, end: dt.date) -> dict[str, gpd.GeoDataFrame]:
    """{layer: features shown} for a view, in drawing order of ``LAYER_NAMES``."""
    return {n: window(n, start, end) for n in LAYER_NAMES if n in layers}
