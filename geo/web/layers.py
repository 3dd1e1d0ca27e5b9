"""The atlas's layers for the browser: spec-styled GeoJSON, the base map and the legend.

Each layer's features are prepared once (style, tooltip and popup from its spec, geometry
simplified for the browser); what each layer needs beyond that (a permanent label at a
line's end, precision circles, a closed look, no interaction) is read from fields of its
spec, so a new layer needs no change here. The undated layers become browser files
(static/web/, written by ``make data``); the time engine (``geo.web.explorer``) gets the
dated ones. The legend's swatches are drawn from the one symbol table, ``layers.symbols``.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import folium
import numpy as np
import xyzservices.providers as xyz
from branca.element import Element, Figure

import geopandas as gpd
import shapely

from geo._paths import STATIC_DIR, asset
from geo.assemble import WINDOW_STATUS, shipped_layer
from geo.errors import BorderAtlasError
from geo.view import BASEMAPS
from geo.web.contract import FEATURE as F
from layers import SPECS, LayerSpec, symbols

ASSET_BASE = "/app/static"  # where Streamlit's static serving puts ./static
REGION_BOUNDS = ((24.4, 57.8), (31.6, 67.4))  # (south, west), (north, east): both provinces
MIN_PRECISION_CIRCLE_M = 500
WEB_GRID_DEG = 1e-5  # below this a circle would hide under the marker
SWATCH_HALF = 7.0  # a legend marker: the symbol table's unit box at 7 px (a 14 px box)



def tile_layer(basemap: str, **options: Any) -> folium.TileLayer | None:
    """The tile layer of a basemap (``geo.view.BASEMAPS``); None for the offline one."""
    entry = BASEMAPS[basemap]
    if entry.tiles is None:
        return None
    provider = xyz.query_name(entry.tiles)
    return folium.TileLayer(tiles=provider.build_url(), attr=provider.html_attribution, name=entry.label,
                            max_zoom=provider.get("max_zoom", 18), **options)


def style_json(style: Any, **extra: Any) -> dict[str, Any]:
    """A Style as the browser reads it: its set fields, plus any extra."""
    out = {k: v for k, v in dataclasses.asdict(style).items() if v is not None}
    out.update(extra)
    return out


@dataclass(frozen=True)
class PreparedLayer:
    """A layer ready for the browser: one JSON fragment per feature, with its row index."""

    name: str
    frame: gpd.GeoDataFrame  # the full layer, for window masks
    fragments: tuple[str, ...]  # feature JSON, aligned with frame rows
    circles: tuple[str | None, ...]  # precision-circle or area JSON (events), aligned with frame rows
    labels: tuple[str, ...] = ()  # permanent labels, always shown with the layer
    closed: Mapping[int, str] = dataclasses.field(default_factory=dict)  # row -> closed look


def prepare_layer(name: str, frame: gpd.GeoDataFrame, spec: LayerSpec | None = None) -> PreparedLayer:
    """Precompute the browser features of a layer (do once per process, then cache)."""
    spec = spec or SPECS[name]
    geoms = np.asarray(frame.geometry.values)
    if spec.web_simplify_deg:
        geoms = shapely.simplify(geoms, spec.web_simplify_deg, preserve_topology=True)
    # Coordinates no finer than the simplification (and never below ~1 m): smaller payload.
    grid = max(WEB_GRID_DEG, spec.web_simplify_deg / 10)
    geoms = shapely.set_precision(geoms, grid)
    fragments: list[str] = []
    circles: list[str | None] = []
    labels: list[str] = []
    closed: dict[int, str] = {}
    records = frame.drop(columns="geometry").to_dict("records")
    for row, (props, geom) in enumerate(zip(records, geoms, strict=True)):
        geometry = json.loads(shapely.to_geojson(geom))
        style = spec.style_of(props)
        out: dict[str, Any] = {F.id: str(props.get("id", "")), F.style: style_json(style)}
        if spec.tooltip_of is not None:
            out[F.tooltip] = spec.tooltip_of(props)
        if spec.popup_of is not None:
            out[F.popup] = spec.popup_of(props)
        if spec.end_label is not None and geom.geom_type == "LineString" and not geom.is_empty:
            x, y = spec.end_label_at or geom.coords[-1]
            labels.append(_feature_json({"type": "Point", "coordinates": [x, y]},
                                        {F.id: f"{name}#label", F.label: spec.end_label(props),
                                         F.label_side: spec.end_label_side}))
        if not spec.interactive:
            out[F.style]["interactive"] = False
            out.pop(F.tooltip, None)
            out.pop(F.popup, None)
        fragments.append(_feature_json(geometry, out))
        history_field = spec.time.history_field if spec.time is not None else None
        history = props.get(history_field) if history_field else None
        if isinstance(history, list) and any(e.get("status") in ("closed", "halted") for e in history):
            look = spec.style_of({**props, WINDOW_STATUS: "closed"})  # drawn hollow while closed
            closed[row] = _feature_json(geometry, {**out, F.style: style_json(look)})
        radius = props.get("precision_m")
        area = props.get("area_geometry")
        if spec.area_style is not None and isinstance(area, Mapping):
            # The site is known only within an area: draw the area, not a circle (``_a``).
            circles.append(_feature_json(area, {
                "_id": f"{out['_id']}#area", "_a": 1,
                "_s": style_json(spec.area_style, interactive=False)}))
        elif spec.precision_style is not None and radius and float(radius) >= MIN_PRECISION_CIRCLE_M:
            circles.append(_feature_json(geometry, {
                F.id: f"{out[F.id]}#precision", F.precision_radius: float(radius),
                F.style: style_json(spec.precision_style, interactive=False)}))
        else:
            circles.append(None)
    return PreparedLayer(name, frame, tuple(fragments), tuple(circles), tuple(labels), closed)


def subset_layer(prepared: PreparedLayer, keep: np.ndarray) -> PreparedLayer:
    """The prepared layer with only the rows ``keep`` marks (a view's filters applied)."""
    rows: list[int] = np.flatnonzero(keep).tolist()
    if len(rows) == len(prepared.fragments):
        return prepared
    renumber = {old: new for new, old in enumerate(rows)}
    return PreparedLayer(prepared.name, prepared.frame.iloc[rows],
                         tuple(prepared.fragments[i] for i in rows),
                         tuple(prepared.circles[i] for i in rows), prepared.labels,
                         {renumber[i]: look for i, look in prepared.closed.items() if i in renumber})


@functools.lru_cache(maxsize=1)
def _shipped_prepared(stamp: tuple[Any, ...]) -> tuple[dict[str, PreparedLayer], dict[str, BorderAtlasError]]:
    from geo import layer_names

    prepared, errors = {}, {}
    for name in layer_names():
        try:
            prepared[name] = prepare_layer(name, shipped_layer(name))
        except BorderAtlasError as exc:
            errors[name] = exc
    return prepared, errors


def shipped_prepared() -> tuple[dict[str, PreparedLayer], dict[str, BorderAtlasError]]:
    """Every shipped layer ready for the browser, and the error of each that failed to load:
    the one cache of the prepared layers (the app, the HTML file), kept until the data
    files change (their folder, names or times)."""
    import geo.io

    folder = geo.io.DATA_DIR
    from geo._schema import ADDED_FILES

    files = sorted(folder.glob("*.geojson")) + [p for p in ADDED_FILES.values() if p.exists()]
    return _shipped_prepared((str(folder), tuple(SPECS), *((str(p), p.stat().st_mtime_ns) for p in files)))


def _feature_json(geometry: Mapping[str, Any], props: Mapping[str, Any]) -> str:
    return script_safe(json.dumps({"type": "Feature", "geometry": geometry, "properties": props},
                                  ensure_ascii=False, separators=(",", ":")))


def layer_geojson(prepared: PreparedLayer) -> str:
    """FeatureCollection JSON of every feature of a layer: precision circles, the features,
    then their permanent labels (an undated layer's browser file; the engine draws the
    dated ones from ``geo.web.explorer.dated_collection``)."""
    parts = [c for c in prepared.circles if c] + list(prepared.fragments) + list(prepared.labels)
    return '{"type":"FeatureCollection","features":[' + ",".join(parts) + "]}"


# Layers with no date field never change with the window: the browser fetches them once
# from static/web/ (written by `make data`) instead of receiving them on every rerun.
def static_layer_names() -> tuple[str, ...]:
    """The layers with no time rule, in drawing order."""
    return tuple(name for name, spec in SPECS.items() if spec.time is None)


WEB_DIR = STATIC_DIR / "web"


def static_layer_json(prepared: PreparedLayer) -> str:
    """The browser file of an undated layer: all of its features, labels included."""
    return layer_geojson(prepared) + "\n"


def write_static_layers(prepared: Mapping[str, PreparedLayer], out_dir: Path = WEB_DIR) -> list[Path]:
    """Write static/web/<layer>.json for every undated layer (deterministic bytes)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name in static_layer_names():
        path = out_dir / f"{name}.json"
        path.write_text(static_layer_json(prepared[name]), encoding="utf-8")
        written.append(path)
    return written


SYMBOLS_FILE = asset("atlas/symbols.json")


def write_symbols(path: Path = SYMBOLS_FILE) -> Path:
    """Write the symbol table for the browser (``layers.symbols``; deterministic bytes)."""
    path.write_text(symbols.symbols_json(), encoding="utf-8")
    return path


@functools.lru_cache(maxsize=64)
def _digest(path: Path, mtime_ns: int) -> str:
    return hashlib.sha1(path.read_bytes()).hexdigest()[:12]


def static_layer_url(name: str, *, asset_base: str = ASSET_BASE) -> str:
    """URL of an undated layer's file, with a content hash so browsers never keep a stale copy.

    The hash is computed once per file version, not on every rerun.
    """
    path = WEB_DIR / f"{name}.json"
    digest = _digest(path, path.stat().st_mtime_ns) if path.exists() else "missing"
    return f"{asset_base}/web/{name}.json?v={digest}"


_TEMPLATE_OPENING = re.compile(r"\{(?=[{%#])")  # never a JSON brace: those meet '"' or '}'


def script_safe(json_text: str) -> str:
    """JSON text made safe inside an HTML <script> and a Jinja template.

    No '<', '>' or '&' (nothing can close the script or open a comment), no line
    separators, and no '{{', '{%' or '{#' (folium compiles a rendered script again as a
    Jinja template): each is written as a JSON escape, which JavaScript reads as the same
    text. Only valid inside JSON strings, which is the only place these can occur in JSON.
    """
    text = (json_text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))
    return _TEMPLATE_OPENING.sub(r"\\u007b", text)


class RawText(Element):
    """Text put into a page as it is, never compiled as a template."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def render(self, **kwargs: Any) -> str:
        return self.text


def base_map(basemap: str = "offline") -> folium.Map:
    """The map without data layers: scale and the tiles of an online basemap; the engine sets
    the view. Its scripts and styles are the caller's to set (``geo.web.explorer.build_map``)."""
    if basemap not in BASEMAPS:
        raise ValueError(f"unknown basemap {basemap!r}; choose one of {', '.join(BASEMAPS)}")
    # minZoom/maxZoom as Leaflet spells them: folium passes its min_zoom/max_zoom only to a
    # tile layer, and the offline map has none.
    m = folium.Map(location=(28.0, 62.6), zoom_start=6, tiles=None, control_scale=True,
                   world_copy_jump=False, minZoom=3, maxZoom=14)
    tiles = tile_layer(basemap)
    if tiles is not None:
        tiles.add_to(m)
    # No fit_bounds here: the engine fits REGION_BOUNDS (or the linked view) without an
    # animation. An animated fit still pending when a linked view is applied would finish
    # afterwards and undo it (Leaflet completes a queued zoom animation after a setView).
    return m


PAGE_LANG = "en"


def with_lang(page: str) -> str:
    """A rendered page whose <html> says its language (WCAG 3.1.1; screen readers pick their
    voice by it). branca's Figure template writes a bare ``<html>`` and has no option for it."""
    return page.replace("<html>", f'<html lang="{PAGE_LANG}">', 1)


def map_figure(m: folium.Map) -> Figure:
    """The page a map is drawn in (its header and body), which folium types as any element."""
    root = m.get_root()
    if not isinstance(root, Figure):
        raise TypeError(f"the map is not in a page but in a {type(root).__name__}")
    return root


def _svg_dash(style: Any) -> str:
    pattern = symbols.dash_px(style.dash, style.weight)
    return "" if pattern is None else f' stroke-dasharray="{" ".join(symbols.fmt_number(v) for v in pattern)}"'


def swatch_svg(style: Any, geometry: str) -> str:
    """A 28x16 legend swatch drawn like the map draws the feature: its shape and dash from
    the one symbol table (``layers.symbols``)."""
    from html import escape

    stroke = escape(style.color)
    if geometry == "point":
        fill = escape(style.fill or "#ffffff")
        body = (f'<g fill="{fill}" stroke="{stroke}" stroke-width="{style.weight}">'
                f'{symbols.svg_shape(style.marker, 14, 8, SWATCH_HALF)}</g>')
    elif geometry == "line":
        body = (f'<line x1="1" y1="8" x2="27" y2="8" stroke="{stroke}" stroke-width="{style.weight}"'
                f'{_svg_dash(style)} stroke-opacity="{style.opacity}"/>')
    else:
        fill = escape(style.fill or "none")
        body = (f'<rect x="2" y="2" width="24" height="12" fill="{fill}" fill-opacity="{style.fill_opacity}" '
                f'stroke="{stroke}" stroke-width="{style.weight}"{_svg_dash(style)}/>')
    return f'<svg width="28" height="16" viewBox="0 0 28 16" aria-hidden="true">{body}</svg>'


def legend_row(swatch: str, label: str) -> str:
    """One legend line: a swatch (SVG markup) and its label (escaped here)."""
    from html import escape

    return f'<div class="ba-legend-row">{swatch}<span>{escape(label)}</span></div>'


def legend_block(title: str, rows: Sequence[str]) -> str:
    """A titled group of legend lines."""
    from html import escape

    return f'<div class="ba-legend-block"><b>{escape(title)}</b>{"".join(rows)}</div>'


def legend_entries(name: str, spec: LayerSpec) -> tuple[Any, ...]:
    """The legend entries the map shows for a layer.

    An undated layer (always drawn whole) lists only the entries that stand for some feature
    of its data (``LegendEntry.shows``), as print does: the places legend names the kinds of
    place there are, not every kind a place could be. A dated layer lists them all, since the
    window decides what is drawn.
    """
    if spec.time is not None or not any(e.shows is not None for e in spec.legend):
        return spec.legend
    frame = shipped_layer(name)
    rows = [{k: v for k, v in row.items() if k != "geometry"}
            for row in frame.to_dict("records")] if frame is not None else []
    kept = tuple(e for e in spec.legend if e.shows is None or any(e.shows(r) for r in rows))
    return kept or spec.legend


def legend_html(layers: Sequence[str]) -> str:
    """The legend of the shown layers, from the same specs the map draws with."""
    blocks = [legend_block(spec.title, [legend_row(swatch_svg(e.style, e.geometry), e.label)
                                        for e in legend_entries(name, spec)])
              for name, spec in SPECS.items() if name in layers and spec.legend]
    return '<div class="ba-legend">' + "".join(blocks) + "</div>"
