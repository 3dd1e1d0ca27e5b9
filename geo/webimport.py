"""Imported events on the web map: up to 100,000 of them, without resending them all.

The curated layers send one GeoJSON feature with its popup per event on every rerun; for a
user's import of 100,000 events that is tens of megabytes per slider move. Here an import
is prepared once into numpy arrays (coordinates, first and last day, a style number), and a
date window is a numpy mask over them:

- a window of at most ``MARKER_CAP`` events is sent as compact markers
  ``[lon, lat, style, tooltip, popup]`` that static/atlas/imported.js draws in a
  Leaflet.markercluster group, with the atlas's own marker shapes; popups and tooltips are
  the layer spec's escaped HTML, built only for the rows shown and kept for the next move;
- a larger window is sent as a density grid ``[lat, lon, count]`` (one cell per occupied
  grid square, at most ``DENSITY_MAX_CELLS`` of them), drawn by Leaflet.heat, and the app
  says so and asks for a narrower window to see markers.

Every text comes from a user's file: the HTML is escaped by the layer spec, and the JSON is
made safe to sit inside an HTML ``<script>`` (no ``<``, ``>`` or ``&`` left in it) and inside
a Jinja template (no ``{{``, ``{%`` or ``{#``; folium compiles rendered scripts as templates,
and this layer's script is not even compiled: see ``webmap.ScriptLayer.render``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
import sys
import threading
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

import geopandas as gpd
import shapely

from geo.webmap import ScriptLayer, script_safe
from layers._spec import LayerSpec, LegendEntry
from layers.imported import IMPORTED

# Beyond this many events a window is drawn as density. Measured on 2,881 markers
# (bench/webimport_bench.py and a Streamlit page in headless Chromium, 2 shared cores): ~1 MB
# of JSON, 35 ms in Python once their popups are cached (0.33 s the first time), 20 ms for
# streamlit-folium to render, ~0.13 s for the browser to cluster them; slider move to map
# updated 0.30-0.35 s median (0.55 s on a busier machine), under the 0.5 s the app allows.
MARKER_CAP = 3_000
# The density grid starts at ~1 km squares and doubles until it has at most this many
# occupied cells (~25 bytes each in the payload).
DENSITY_STEP_DEG = 0.01
DENSITY_MAX_CELLS = 8_000
# The fields ``IMPORTED.style_of`` looks at: a style is computed once per distinct pair.
STYLE_FIELDS = ("kind", "actor")
# Popups are kept for at most this many rows (~2-3 KB each: 53-83 MB measured when full);
# the oldest go first.
POPUP_CACHE_ROWS = 30_000
TEMPLATE_SAMPLE = 200  # popups built to tell their shared markup from their values
COORD_DECIMALS = 5  # ~1 m
# Density colours, few to many events (sent with the data; the legend draws the same ramp).
HEAT_GRADIENT = {0.2: "#2c7bb6", 0.45: "#abd9e9", 0.65: "#ffffbf", 0.85: "#fdae61", 1.0: "#d7191c"}
HEAT_FULL_ZOOM = 6  # the atlas's opening zoom: at it and closer, a cell's count is its weight
HEAT_RADIUS_PX, HEAT_BLUR_PX, HEAT_MIN_OPACITY = 14, 12, 0.15
HEAT_SQUARE_DEG = 0.3
HEAT_SATURATION = 4.0

_NO_DAY = np.iinfo(np.int64).max  # a row with no date never shows


@dataclass(eq=False)
class PreparedImport:
    """An import ready for any window: arrays aligned with ``frame``'s rows."""

    frame: gpd.GeoDataFrame  # the imported events, for popups
    lon: np.ndarray  # float64, rounded to COORD_DECIMALS
    lat: np.ndarray
    first_day: np.ndarray  # int64 days since 1970-01-01
    last_day: np.ndarray  # end day, or the first day when there is no end
    style_idx: np.ndarray  # int32 index into ``styles``
    styles: tuple[dict[str, Any], ...]  # distinct marker styles, JSON-ready
    spec: LayerSpec = IMPORTED
    _html: dict[int, tuple[str, tuple[str, ...]]] = field(default_factory=dict, repr=False)
    _template: frozenset[str] | None = field(default=None, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def __len__(self) -> int:
        return len(self.lon)

    def mask(self, start: dt.date, end: dt.date) -> np.ndarray:
        """Which rows the window [start, end] shows (both days included; overlap counts)."""
        return (self.first_day <= _day(end)) & (self.last_day >= _day(start))

    def _build(self, rows: list[int]) -> list[tuple[str, str]]:
        props = self.frame.iloc[rows].drop(columns="geometry").to_dict("records")
        tooltip_of, popup_of = self.spec.tooltip_of, self.spec.popup_of
        return [(tooltip_of(p), popup_of(p) if popup_of else "") for p in props]

    def html_of(self, rows: np.ndarray) -> list[tuple[str, tuple[str, ...]]]:
        """(tooltip HTML, popup HTML in segments) of these rows, built once per row.

        The popup's segments joined are the spec's popup HTML: its markup and labels in
        shared strings, its values apart (see ``split_html``).
        """
        with self._lock:
            cached = self._html
            if self._template is None:  # the popups' markup, from a sample across the file
                sample = np.unique(np.linspace(0, len(self) - 1, min(len(self), TEMPLATE_SAMPLE)).astype(int))
                built = self._build(sample.tolist())
                self._template = html_template([p for _, p in built])
                for i, (tooltip, popup) in zip(sample.tolist(), built, strict=True):
                    cached[i] = (tooltip, split_html(popup, self._template))
            todo = list(dict.fromkeys(int(i) for i in rows if int(i) not in cached))
            for i, (tooltip, popup) in zip(todo, self._build(todo) if todo else [], strict=True):
                cached[i] = (tooltip, split_html(popup, self._template))
            if len(cached) > POPUP_CACHE_ROWS:  # drop the oldest entries, not those in use
                keep = set(int(i) for i in rows)
                for key in list(cached)[: len(cached) - POPUP_CACHE_ROWS]:
                    if key not in keep:
                        del cached[key]
            return [cached[int(i)] for i in rows]


@dataclass(frozen=True)
class ImportedShown:
    """What the map shows of an import for a window: for the app's caption and legend."""

    in_window: int  # imported events in the window
    drawn_as: Literal["markers", "density"]
    cells: int  # density cells sent (0 when drawn as markers)
    cell_deg: float | None = None  # density grid step in degrees
    payload_bytes: int = 0  # JSON sent to the browser for this window
    marker_cap: int = MARKER_CAP

    def message(self) -> str:
        """'12,345 imported events in the window, drawn as density: narrow the window ...'."""
        n = f"{self.in_window:,} imported event{'' if self.in_window == 1 else 's'} in the window"
        if self.drawn_as == "markers":
            return n + ("" if self.in_window == 0 else ", drawn as markers")
        return (n + f", drawn as density: narrow the window to at most {self.marker_cap:,} "
                "events to see markers")


def _day(value: dt.date) -> int:
    return int(np.datetime64(value, "D").astype(np.int64))


def _days(values: pd.Series) -> np.ndarray:
    """Day numbers of a datetime column; NaT becomes ``_NO_DAY``."""
    days = pd.to_datetime(values).to_numpy().astype("datetime64[D]")
    out = days.astype(np.int64)
    out[np.isnat(days)] = _NO_DAY
    return out


def _style_json(style: Any) -> dict[str, Any]:
    return {k: v for k, v in dataclasses.asdict(style).items() if v is not None}


def _styles(frame: pd.DataFrame, spec: LayerSpec,
            fields: Sequence[str]) -> tuple[np.ndarray, tuple[dict[str, Any], ...]]:
    """(style index per row, distinct styles): ``spec.style_of`` once per distinct field values."""
    n = len(frame)
    if n == 0:
        return np.zeros(0, dtype=np.int32), ()
    combined = np.zeros(n, dtype=np.int64)
    uniques = []
    for name in fields:
        column = frame[name] if name in frame else pd.Series([None] * n, index=frame.index)
        codes, values = pd.factorize(column, use_na_sentinel=False)
        combined = combined * len(values) + codes
        uniques.append((name, np.asarray(values, dtype=object), len(values)))
    keys, inverse = np.unique(combined, return_inverse=True)
    styles: dict[str, int] = {}
    per_key = np.empty(len(keys), dtype=np.int32)
    for j, key in enumerate(keys.tolist()):
        props, rest = {}, key
        for name, values, size in reversed(uniques):
            rest, code = divmod(rest, size)
            value = values[code]
            props[name] = None if value is None or (isinstance(value, float) and np.isnan(value)) else value
        text = json.dumps(_style_json(spec.style_of(props)), sort_keys=True)
        per_key[j] = styles.setdefault(text, len(styles))
    return per_key[inverse.ravel()], tuple(json.loads(t) for t in styles)


def prepare_imported(frame: gpd.GeoDataFrame, spec: LayerSpec = IMPORTED, *,
                     style_fields: Sequence[str] = STYLE_FIELDS) -> PreparedImport:
    """Arrays for drawing any window of an import (do once per upload; ~15 ms for 100,000 rows).

    Nothing HTML is built here: popups are built for the rows a window shows, when it shows
    them (``PreparedImport.html_of``).
    """
    geoms = np.asarray(frame.geometry.values)
    lon = np.round(shapely.get_x(geoms), COORD_DECIMALS) if len(geoms) else np.zeros(0)
    lat = np.round(shapely.get_y(geoms), COORD_DECIMALS) if len(geoms) else np.zeros(0)
    first = _days(frame[spec.date_field or "date"])
    last = first.copy()
    if spec.end_field and spec.end_field in frame:
        end = _days(frame[spec.end_field])
        has_end = end != _NO_DAY
        last[has_end] = end[has_end]
    first[~(np.isfinite(lon) & np.isfinite(lat))] = _NO_DAY  # not a point: never drawn
    style_idx, styles = _styles(frame, spec, style_fields)
    return PreparedImport(frame, lon, lat, first, last, style_idx, styles, spec)


def script_json(data: Any) -> str:
    """JSON that is safe inside an HTML <script> and a Jinja template (``webmap.script_safe``)."""
    return script_safe(json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False))


_TAG = re.compile(r"(<[^>]*>)")


def html_template(texts: Sequence[str]) -> frozenset[str]:
    """The pieces (tags, and the texts between them) that at least half of ``texts`` share:
    a popup's markup and labels, not its values."""
    seen = Counter(p for t in texts for p in set(_TAG.split(t)) if p)
    return frozenset(p for p, n in seen.items() if n >= max(2, (len(texts) + 1) // 2))


def split_html(text: str, template: frozenset[str]) -> tuple[str, ...]:
    """``text`` in segments: each run of template pieces joined into one, each value alone.

    ``"".join`` of the segments is ``text``. Segments are interned, so the popups a
    ``PreparedImport`` keeps share one copy of each run of markup and each repeated value.
    """
    out: list[str] = []
    run: list[str] = []
    for piece in _TAG.split(text):
        if not piece:
            continue
        if piece in template:
            run.append(piece)
            continue
        if run:
            out.append(sys.intern("".join(run)))
            run = []
        out.append(sys.intern(piece))
    if run:
        out.append(sys.intern("".join(run)))
    return tuple(out)


def pack_segments(texts: Sequence[Sequence[str]]) -> tuple[list[str], list[list[int]]]:
    """(parts, per text the indices of its segments in parts): each distinct segment once."""
    table: dict[str, int] = {}
    codes = [[table.setdefault(seg, len(table)) for seg in segments] for segments in texts]
    return list(table), codes


def pack_html(texts: Sequence[str]) -> tuple[list[str], list[list[int]]]:
    """(parts, codes) of whole texts: ``"".join(parts[i] for i in codes[k])`` is ``texts[k]``.

    Popups repeat their markup and labels, which are sent once; each popup is then its own
    values and a few numbers (about a third of its HTML's size).
    """
    template = html_template(texts)
    return pack_segments([split_html(t, template) for t in texts])


def density_cells(lon: np.ndarray, lat: np.ndarray, *, step: float = DENSITY_STEP_DEG,
                  max_cells: int = DENSITY_MAX_CELLS) -> tuple[np.ndarray, float]:
    """([[lat, lon, count], ...] of the occupied grid squares, the step used).

    The step doubles until at most ``max_cells`` squares are occupied; each cell sits at the
    centre of its square.
    """
    if len(lon) == 0:
        return np.zeros((0, 3)), step
    while True:
        qx = np.floor(lon / step).astype(np.int64)
        qy = np.floor(lat / step).astype(np.int64)
        x0, y0 = qx.min(), qy.min()
        height = int(qy.max() - y0) + 1
        keys, counts = np.unique((qx - x0) * height + (qy - y0), return_counts=True)
        if len(keys) <= max_cells:
            break
        step *= 2
    cx, cy = np.divmod(keys, height)
    cells = np.column_stack([(cy + y0 + 0.5) * step, (cx + x0 + 0.5) * step, counts])
    return cells, step


def heat_options(lon: np.ndarray, lat: np.ndarray) -> dict[str, Any]:
    """Leaflet.heat options for these points.

    Leaflet.heat sums the weights in squares of (radius + blur) / 2 pixels, about
    ``HEAT_SQUARE_DEG`` at the opening zoom, and overlapping blurred squares add up: a square
    reaches full colour at ``HEAT_SATURATION`` times the 95th percentile of events per square,
    so busy places stand out instead of the whole region turning red.
    """
    cells, _ = density_cells(lon, lat, step=HEAT_SQUARE_DEG, max_cells=len(lon) + 1)
    top = float(np.percentile(cells[:, 2], 95)) if len(cells) else 1.0
    return {"radius": HEAT_RADIUS_PX, "blur": HEAT_BLUR_PX, "minOpacity": HEAT_MIN_OPACITY,
            "max": max(1.0, HEAT_SATURATION * top), "maxZoom": HEAT_FULL_ZOOM,
            "gradient": {str(k): v for k, v in HEAT_GRADIENT.items()}}


def ImportedLayer(data: str) -> ScriptLayer:
    """Imported events drawn by static/atlas/imported.js (BorderAtlas.imported)."""
    return ScriptLayer("imported", data)


def imported_data(prepared: PreparedImport, start: dt.date, end: dt.date, *,
                  marker_cap: int = MARKER_CAP) -> tuple[dict[str, Any], ImportedShown]:
    """The browser data of a window (markers or density) and what it shows."""
    idx = np.flatnonzero(prepared.mask(start, end))
    n = len(idx)
    if n <= marker_cap:
        html = prepared.html_of(idx)
        parts, popups = pack_segments([p for _, p in html])
        lon, lat = prepared.lon[idx].tolist(), prepared.lat[idx].tolist()
        styles = prepared.style_idx[idx].tolist()
        points = [[x, y, s, t, p] for x, y, s, (t, _), p
                  in zip(lon, lat, styles, html, popups, strict=True)]
        data = {"kind": "markers", "styles": list(prepared.styles), "parts": parts, "points": points}
        return data, ImportedShown(n, "markers", 0, None, marker_cap=marker_cap)
    lon, lat = prepared.lon[idx], prepared.lat[idx]
    cells, step = density_cells(lon, lat)
    data = {"kind": "density", "cells": np.round(cells, COORD_DECIMALS).tolist(),
            "options": heat_options(lon, lat)}
    return data, ImportedShown(n, "density", len(cells), step, marker_cap=marker_cap)


def imported_layer(prepared: PreparedImport, start: dt.date, end: dt.date, *,
                   marker_cap: int = MARKER_CAP) -> tuple[ScriptLayer, ImportedShown]:
    """The map element of an import's window: add it to the data feature group.

    At most ``marker_cap`` events in the window: clustered markers with tooltips and
    popups; more: a density (heat) layer of the window's events on a grid.
    """
    data, shown = imported_data(prepared, start, end, marker_cap=marker_cap)
    text = script_json(data)
    return ImportedLayer(text), dataclasses.replace(shown, payload_bytes=len(text.encode("utf-8")))


def legend_html(shown: ImportedShown | None, spec: LayerSpec = IMPORTED,
                entries: Sequence[LegendEntry] | None = None) -> str:
    """The imported layer's legend: its kinds and actors (``entries``, by default all of the
    spec's) and the cluster symbol, or the density ramp when the window is drawn as density."""
    from geo.webmap import legend_block, legend_row, swatch_svg

    if shown is not None and shown.drawn_as == "density":
        ramp = ('<svg width="28" height="16" viewBox="0 0 28 16" aria-hidden="true">'
                '<defs><linearGradient id="ba-heat-ramp">'
                + "".join(f'<stop offset="{o}" stop-color="{c}"/>' for o, c in HEAT_GRADIENT.items())
                + '</linearGradient></defs><rect x="1" y="3" width="26" height="10" '
                'fill="url(#ba-heat-ramp)"/></svg>')
        rows = [legend_row(ramp, f"Density: few to many events ({shown.in_window:,} in the window)")]
    else:
        cluster = ('<svg width="28" height="16" viewBox="0 0 28 16" aria-hidden="true">'
                   '<circle cx="14" cy="8" r="7" fill="#ffffff" stroke="#37474f" stroke-width="2"/>'
                   '<text x="14" y="11" font-size="8" text-anchor="middle" fill="#263238">9</text></svg>')
        rows = [legend_row(swatch_svg(e.style, e.geometry), e.label)
                for e in (spec.legend if entries is None else entries)]
        rows.append(legend_row(cluster, "Cluster of nearby imported events (click to zoom in)"))
    return f'<div class="ba-legend">{legend_block(spec.title, rows)}</div>'

