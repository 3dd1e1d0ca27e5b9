"""Assemble the layers of a view: load once, then filter each by the date window."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from functools import cache
from pathlib import Path

import pandas as pd

import geopandas as gpd

from geo.io import layer_path, load_layer
from geo.timespan import Timed, TimeRule, meets, spans

# The column ``window`` adds to a layer with a status history: its status on the window's
# last day.
WINDOW_STATUS = "window_status"
_OPEN = ("opened", "reopened", "inaugurated")


@cache
def _cached(name: str, path: Path) -> gpd.GeoDataFrame:
    return load_layer(name)


def shipped_layer(name: str) -> gpd.GeoDataFrame:
    """The layer's data (a shipped layer's or a registered one's), loaded and validated once
    per process and file. Do not modify it."""
    return _cached(name, layer_path(name))


def in_window(frame: gpd.GeoDataFrame, rule: TimeRule | None, start: dt.date, end: dt.date) -> pd.Series:
    """Which features the window [start, end] shows (both days included), by the layer's
    time rule (its spec's ``time``; None: an undated layer, always shown).

    The one window rule (``geo.timespan.spans``): a feature shows iff its span meets the
    window; an event's span is its precision period, to its end date when later; a
    crossing's runs from its opening on (one with no known date always shows).
    """
    first, last = spans(frame, rule)
    return pd.Series(meets(first, last, start, end), index=frame.index)


def crossing_status(history: object, day: dt.date) -> str | None:
    """A feature's status (a crossing's) on ``day`` from its status_history: open, closed, approved or None.

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


def window(layer: Timed, start: dt.date, end: dt.date,
           frame: gpd.GeoDataFrame | None = None) -> gpd.GeoDataFrame:
    """The features of ``layer`` (a spec: its name and time rule) shown for the window, its
    shipped frame unless ``frame`` is given (a new frame; the source is untouched). A layer
    with a status history gets each feature's status on the window's last day."""
    frame = shipped_layer(layer.name) if frame is None else frame
    rule = layer.time
    shown = frame[in_window(frame, rule, start, end)]
    history = rule.history_field if rule is not None else None
    if history and history in shown:
        shown = shown.assign(**{WINDOW_STATUS: [crossing_status(h, end) for h in shown[history]]})
    return shown


def assemble(layers: Iterable[Timed], start: dt.date, end: dt.date) -> dict[str, gpd.GeoDataFrame]:
    """{layer name: features shown} for a view's layers (specs), in the order given."""
    return {layer.name: window(layer, start, end) for layer in layers}
