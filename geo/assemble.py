"""Assemble the layers of a view: load once, then filter each by the date window."""

from __future__ import annotations

import datetime as dt
from functools import cache

import pandas as pd

import geopandas as gpd

from geo._schema import LAYER_NAMES
from geo.io import load_layer

# Which field places a feature in time, and its optional end (None: always shown).
TIME_FIELDS: dict[str, tuple[str, str | None]] = {
    "events": ("date", "end_date"),
    "crossings": ("opened", None),
    "imported": ("date", "end_date"),  # a user's events (layers.imported), not a shipped layer
}


@cache
def _cached(name: str) -> gpd.GeoDataFrame:
    return load_layer(name)


def shipped_layer(name: str) -> gpd.GeoDataFrame:
    """The shipped layer, loaded and validated once per process. Do not modify it."""
    return _cached(name)


def in_window(frame: gpd.GeoDataFrame, name: str, start: dt.date, end: dt.date) -> pd.Series:
    """Which features of layer ``name`` the window [start, end] shows (both days included).

    An event shows if it overlaps the window; a crossing shows from its opening date (one
    with no known date always shows); undated layers always show.
    """
    if name not in TIME_FIELDS or frame.empty:
        return pd.Series(True, index=frame.index)
    date_field, end_field = TIME_FIELDS[name]
    first = pd.to_datetime(frame[date_field])
    lo, hi = pd.Timestamp(start), pd.Timestamp(end)
    if end_field is None:  # a state that begins (opening) and lasts
        return first.isna() | (first <= hi)
    last = pd.to_datetime(frame[end_field]).fillna(first) if end_field in frame else first
    return (first <= hi) & (last >= lo)


def window(name: str, start: dt.date, end: dt.date,
           frame: gpd.GeoDataFrame | None = None) -> gpd.GeoDataFrame:
    """The features of layer ``name`` shown for the window (a new frame; the source is untouched)."""
    frame = shipped_layer(name) if frame is None else frame
    return frame[in_window(frame, name, start, end)]


def assemble(layers: tuple[str, ...], start: dt.date, end: dt.date) -> dict[str, gpd.GeoDataFrame]:
    """{layer: features shown} for a view, in drawing order of ``LAYER_NAMES``."""
    return {n: window(n, start, end) for n in LAYER_NAMES if n in layers}
