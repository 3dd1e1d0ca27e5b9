"""The web map: a folium map whose data layers are spec-styled GeoJSON, served offline.

The base map (basemap tiles, view, controls) is built once per basemap; the data layers are
feature groups that streamlit-folium swaps in place, so moving the date window does not
rebuild the map or lose the user's zoom. Each layer's features are prepared once (style,
tooltip and popup from its spec, geometry simplified for the browser) and a window is then
just a selection of prepared JSON fragments.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
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
from branca.element import Element, Figure, MacroElement
from jinja2 import Template

import geopandas as gpd
import shapely

from geo._paths import PROJECT_ROOT
from geo.assemble import WINDOW_STATUS, crossing_status, in_window
from layers import SPECS, LayerSpec
from layers.border import border_label
from layers.events import PRECISION_STYLE

ASSET_BASE = "/app/static"  # where Streamlit's static serving puts ./static
REGION_BOUNDS = ((24.4, 57.8), (31.6, 67.4))  # (south, west), (north, east): both provinces
MIN_PRECISION_CIRCLE_M = 500
WEB_GRID_DEG = 1e-5  # below this a circle would hide under the marker

BASEMAPS = {
    "offline": ("Offline: bundled context map", None),
    "osm": ("OpenStreetMap (online)", xyz.OpenStreetMap.Mapnik),
    "satellite": ("Satellite imagery, Esri (online)", xyz.Esri.WorldImagery),
}


def _style_json(style: Any, **extra: Any) -> dict[str, Any]:
    out = {k: v for k, v in dataclasses.asdict(style).items() if v is not None}
    out.update(extra)
    return out


@dataclass(frozen=True)
class PreparedLayer:
    """A layer ready for the browser: one JSON fragment per feature, with its row index."""

    name: str
    frame: gpd.GeoDataFrame  # the full layer, for window masks
    fragments: tuple[str, ...]  # feature JSON, aligned with frame rows
    circles: tuple[str | None, ...]  # precision-circle JSON (events), aligned with frame rows
    labels: tuple[str, ...] = ()  # permanent labels, always shown with the layer
    closed: Mapping[int, str] = dataclasses.field(default_factory=dict)  # row -> closed look


def _props_of(row: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in row.items() if k != "geometry"}


def prepare_layer(name: str, frame: gpd.GeoDataFrame, spec: LayerSpec | None = None) -> PreparedLayer:
    """Precompute the browser features of a layer (do once per process, then cache)."""
    spec = spec or SPECS[name]
    geoms = np.asarray(frame.geometry.values)
    if spec.web_simplify_deg:
        geoms = shapely.simplify(geoms, spec.web_simplify_deg, preserve_topology=True)
    # Coordinates no finer than the simplification (and never below ~1 m): smaller payload.
    grid = max(WEB_GRID_DEG, spec.web_simplify_deg / 10)
    geoms = shapely.set_precision(geoms, grid)
    fragments, circles, labels = [], [], []
    closed: dict[int, str] = {}
    records = frame.drop(columns="geometry").to_dict("records")
    for row, (props, geom) in enumerate(zip(records, geoms, strict=True)):
        geometry = json.loads(shapely.to_geojson(geom))
        style = spec.style_of(props)
        out: dict[str, Any] = {"_id": str(props.get("id", "")), "_s": _style_json(style)}
        if spec.tooltip_of is not None:
            out["_t"] = spec.tooltip_of(props)
        if spec.popup_of is not None:
            out["_p"] = spec.popup_of(props)
        if name == "border":  # its length, labelled below the Gwadar Bay end, over open sea
            x, y = geom.coords[-1]
            labels.append(_feature_json({"type": "Point", "coordinates": [x, y]},
                                        {"_id": "border#label", "_l": border_label(props), "_ld": "bottom"}))
        if name == "context":
            out["_s"]["interactive"] = False
            out.pop("_t", None)
        fragments.append(_feature_json(geometry, out))
        history = props.get("status_history")
        if name == "crossings" and isinstance(history, list) and any(
                e.get("status") == "closed" for e in history):  # drawn hollow while closed
            look = spec.style_of({**props, WINDOW_STATUS: "closed"})
            closed[row] = _feature_json(geometry, {**out, "_s": _style_json(look)})
        radius = props.get("precision_m")
        if name == "events" and radius and float(radius) >= MIN_PRECISION_CIRCLE_M:
            circles.append(_feature_json(geometry, {
                "_id": f"{out['_id']}#precision", "_r": float(radius),
                "_s": _style_json(PRECISION_STYLE, interactive=False)}))
        else:
            circles.append(None)
    return PreparedLayer(name, frame, tuple(fragments), tuple(circles), tuple(labels), closed)


def _feature_json(geometry: Mapping[str, Any], props: Mapping[str, Any]) -> str:
    return script_safe(json.dumps({"type": "Feature", "geometry": geometry, "properties": props},
                                  ensure_ascii=False, separators=(",", ":")))


def window_geojson(prepared: PreparedLayer, start: dt.date, end: dt.date) -> tuple[str, int]:
    """(FeatureCollection JSON of the features shown in the window, how many features)."""
    mask = in_window(prepared.frame, prepared.name, start, end).to_numpy()
    idx = np.flatnonzero(mask)
    circles = [prepared.circles[i] for i in idx if prepared.circles[i]]
    history = prepared.frame["status_history"] if prepared.closed else None
    parts = circles + [
        prepared.closed[i] if i in prepared.closed and crossing_status(history.iloc[i], end) == "closed"
        else prepared.fragments[i] for i in idx] + list(prepared.labels)
    return '{"type":"FeatureCollection","features":[' + ",".join(parts) + "]}", len(idx)


# Layers with no date field never change with the window: the browser fetches them once
# from static/web/ (written by `make data`) instead of receiving them on every rerun.
STATIC_LAYERS = tuple(name for name, spec in SPECS.items() if spec.date_field is None)
WEB_DIR = PROJECT_ROOT / "static" / "web"


def static_layer_json(prepared: PreparedLayer) -> str:
    """The browser file of an undated layer: all of its features, labels included."""
    start, end = dt.date.min, dt.date.max
    return window_geojson(prepared, start, end)[0] + "\n"


def write_static_layers(prepared: Mapping[str, PreparedLayer], out_dir: Path = WEB_DIR) -> list[Path]:
    """Write static/web/<layer>.json for every undated layer (deterministic bytes)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name in STATIC_LAYERS:
        path = out_dir / f"{name}.json"
        path.write_text(static_layer_json(prepared[name]), encoding="utf-8")
        written.append(path)
    return written


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


class StaticLayers(MacroElement):
    """The undated layers to show, added to the map itself by BorderAtlas.showStatic.

    They sit outside the swapped feature groups, so a new date window leaves them drawn.
    """

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "BorderAtlas.showStatic({{ this._parent._parent.get_name() }}, {{ this.layers|tojson }});"
        "{% endmacro %}"
    )

    def __init__(self, layers: list[tuple[str, str]]) -> None:
        super().__init__()
        self._name = "StaticLayers"
        self.layers = [list(item) for item in layers]


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


class _Text(Element):
    """Text put into a page as it is, never compiled as a template."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def render(self, **kwargs: Any) -> str:
        return self.text


class ScriptLayer(MacroElement):
    """A layer drawn by ``BorderAtlas.<function>(data)`` (static/atlas/*.js).

    ``data`` is JSON made safe by ``script_safe``. Rendered like a MacroElement, except
    that the script goes into the page as text: folium would otherwise compile it again as
    a template, where text from a file could be code.
    """

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "var {{ this.get_name() }} = BorderAtlas.{{ this.function }}({{ this.data }})"
        ".addTo({{ this._parent.get_name() }});"
        "{% endmacro %}"
    )

    def __init__(self, function: str, data: str) -> None:
        super().__init__()
        self._name = f"BorderAtlas_{function}"
        self.function = function
        self.data = data

    def render(self, **kwargs: Any) -> None:
        figure = self.get_root()
        assert isinstance(figure, Figure), "render the map this layer is on"
        script = self._template.module.__dict__["script"](self, kwargs)
        figure.script.add_child(_Text(script), name=self.get_name())
        for child in self._children.values():
            child.render(**kwargs)


def DataLayer(data: str) -> ScriptLayer:
    """A pre-serialised GeoJSON layer drawn by static/atlas/atlas.js (BorderAtlas.layer)."""
    return ScriptLayer("layer", data)


def base_map(basemap: str = "offline", *, asset_base: str = ASSET_BASE) -> folium.Map:
    """The map without data layers: view, scale, tiles (online basemaps only), local assets."""
    if basemap not in BASEMAPS:
        raise ValueError(f"unknown basemap {basemap!r}; choose one of {', '.join(BASEMAPS)}")
    # minZoom/maxZoom as Leaflet spells them: folium passes its min_zoom/max_zoom only to a
    # tile layer, and the offline map has none.
    m = folium.Map(location=(28.0, 62.6), zoom_start=6, tiles=None, control_scale=True,
                   world_copy_jump=False, minZoom=3, maxZoom=14)
    # Every script and stylesheet comes from the app itself (vendored from npm).
    m.default_js = [
        ("leaflet", f"{asset_base}/vendor/leaflet/leaflet.js"),
        ("jquery", f"{asset_base}/vendor/jquery/jquery.min.js"),
        ("markercluster", f"{asset_base}/vendor/leaflet.markercluster/leaflet.markercluster.js"),
        ("leaflet_heat", f"{asset_base}/vendor/leaflet.heat/leaflet-heat.js"),
        ("border_atlas", f"{asset_base}/atlas/atlas.js"),
        ("border_atlas_imported", f"{asset_base}/atlas/imported.js"),
    ]
    m.default_css = [
        ("leaflet_css", f"{asset_base}/vendor/leaflet/leaflet.css"),
        ("markercluster_css", f"{asset_base}/vendor/leaflet.markercluster/MarkerCluster.css"),
        ("border_atlas_css", f"{asset_base}/atlas/atlas.css"),
        ("border_atlas_imported_css", f"{asset_base}/atlas/imported.css"),
    ]
    provider = BASEMAPS[basemap][1]
    if provider is not None:
        folium.TileLayer(tiles=provider.build_url(), attr=provider.html_attribution,
                         name=BASEMAPS[basemap][0], max_zoom=provider.get("max_zoom", 18)).add_to(m)
    m.fit_bounds([list(REGION_BOUNDS[0]), list(REGION_BOUNDS[1])])
    return m


def data_groups(prepared: Mapping[str, PreparedLayer], layers: Sequence[str],
                start: dt.date, end: dt.date) -> tuple[list[folium.FeatureGroup], dict[str, int]]:
    """One feature group per shown layer, in drawing order, and the count shown of each."""
    counts: dict[str, int] = {}
    static: list[tuple[str, str]] = []
    dated: list[ScriptLayer] = []
    for name in SPECS:  # SPECS is in drawing order
        if name not in layers or name not in prepared:
            continue
        if name in STATIC_LAYERS and (WEB_DIR / f"{name}.json").exists():
            static.append((name, static_layer_url(name)))
            counts[name] = len(prepared[name].frame)
        else:
            data, counts[name] = window_geojson(prepared[name], start, end)
            dated.append(DataLayer(data))
    # One group: the static list first (drawn once, under everything), then the dated data.
    group = folium.FeatureGroup(name="atlas", control=False)
    for child in (StaticLayers(static), *dated):
        group.add_child(child)
    return [group], counts


SVG_SHAPES = {
    "circle": '<circle cx="8" cy="8" r="6"/>',
    "dot": '<circle cx="8" cy="8" r="3"/>',
    "triangle": '<polygon points="8,1.5 14.5,14 1.5,14"/>',
    "square": '<rect x="2.5" y="2.5" width="11" height="11"/>',
    "diamond": '<polygon points="8,1 15,8 8,15 1,8"/>',
    "hexagon": '<polygon points="8,1.5 13.6,4.7 13.6,11.3 8,14.5 2.4,11.3 2.4,4.7"/>',
    "pentagon": '<polygon points="8,1.5 14.2,6 11.8,13.5 4.2,13.5 1.8,6"/>',
    "triangle-down": '<polygon points="1.5,2 14.5,2 8,14.5"/>',
    "star": '<polygon points="8,1 9.8,6 15,6.2 10.9,9.4 12.4,14.5 8,11.5 3.6,14.5 5.1,9.4 1,6.2 6.2,6"/>',
    "cross": '<path d="M2,4 L4,2 L8,6 L12,2 L14,4 L10,8 L14,12 L12,14 L8,10 L4,14 L2,12 L6,8 Z"/>',
}
_SVG_DASH = {"solid": "", "dash": ' stroke-dasharray="5 3"', "dot": ' stroke-dasharray="1.5 3"',
             "dashdot": ' stroke-dasharray="5 2 1.5 2"'}


def swatch_svg(style: Any, geometry: str) -> str:
    """A 28x16 legend swatch drawn like the map draws the feature."""
    from html import escape

    stroke = escape(style.color)
    if geometry == "point":
        fill = escape(style.fill or "#ffffff")
        body = (f'<g transform="translate(6,0)" fill="{fill}" stroke="{stroke}" '
                f'stroke-width="{style.weight}">{SVG_SHAPES.get(style.marker or "circle")}</g>')
    elif geometry == "line":
        body = (f'<line x1="1" y1="8" x2="27" y2="8" stroke="{stroke}" stroke-width="{style.weight}"'
                f'{_SVG_DASH[style.dash]} stroke-opacity="{style.opacity}"/>')
    else:
        fill = escape(style.fill or "none")
        body = (f'<rect x="2" y="2" width="24" height="12" fill="{fill}" fill-opacity="{style.fill_opacity}" '
                f'stroke="{stroke}" stroke-width="{style.weight}"{_SVG_DASH[style.dash]}/>')
    return f'<svg width="28" height="16" viewBox="0 0 28 16" aria-hidden="true">{body}</svg>'


def legend_row(swatch: str, label: str) -> str:
    """One legend line: a swatch (SVG markup) and its label (escaped here)."""
    from html import escape

    return f'<div class="ba-legend-row">{swatch}<span>{escape(label)}</span></div>'


def legend_block(title: str, rows: Sequence[str]) -> str:
    """A titled group of legend lines."""
    from html import escape

    return f'<div class="ba-legend-block"><b>{escape(title)}</b>{"".join(rows)}</div>'


def legend_html(layers: Sequence[str]) -> str:
    """The legend of the shown layers, from the same specs the map draws with."""
    blocks = [legend_block(spec.title, [legend_row(swatch_svg(e.style, e.geometry), e.label)
                                        for e in spec.legend])
              for name, spec in SPECS.items() if name in layers and spec.legend]
    return '<div class="ba-legend">' + "".join(blocks) + "</div>"


LEGEND_CSS = """<style>
.ba-legend { font-size: 0.8rem; line-height: 1.2; }
.ba-legend-block { margin-bottom: 0.6rem; }
.ba-legend-block b { display: block; margin-bottom: 0.2rem; }
.ba-legend-row { display: flex; align-items: center; gap: 0.35rem; margin: 0.1rem 0; }
.ba-legend-row svg { flex: 0 0 28px; }
</style>"""
