"""The explorer's map document and the data its time engine (static/atlas/engine.js) runs on.

folium builds the map (view, controls, scale, tile layers, the undated layers); the engine,
loaded into the same document, owns the dated layers, the date window, the timeline and
playback. Python sends the dated data once; the browser filters it on every move. The same
document, with its scripts and data written inside it, is the exported HTML file
(``geo.web.page``).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import folium
import numpy as np
import pandas as pd
from branca.element import Element, MacroElement
from jinja2 import Template

from geo.assemble import TIME_FIELDS, crossing_status
from geo.view import BASEMAPS, PRESET_LABELS, PRESETS
from geo.web.imported import HEAT_GRADIENT, PreparedImport
from geo.web.layers import (
    ASSET_BASE,
    REGION_BOUNDS,
    STATIC_LAYERS,
    PreparedLayer,
    base_map,
    legend_block,
    legend_row,
    map_figure,
    script_safe,
    swatch_svg,
    tile_layer,
)
from layers import SPECS
from layers import palette as pal
from layers.imported import IMPORTED, ORIGIN_NAMES, imported_actor_group
from layers.symbols import symbols_json

MAP_ELEMENT_ID = "ba-timeline"
# The browser's own scripts and styles, in load order (after Leaflet).
ENGINE_JS = ("atlas/atlas.js", "atlas/engine.js")
ENGINE_CSS = ("atlas/atlas.css", "atlas/engine.css")
VENDOR_JS = ("vendor/leaflet/leaflet.js",)  # the engine binds its own popups: no jQuery
VENDOR_CSS = ("vendor/leaflet/leaflet.css",)
# Imported text sent to the browser per event, and its label in the popup. Long texts
# (summaries, notes) stay on the server: they are in the table and the downloads.
IMPORTED_FIELDS = (("what", "What"), ("actor", "Actor"), ("target", "Target"), ("place", "Place"),
                   ("killed", "Killed"), ("source", "Source"), ("ref", "Imported from"), ("id", "Id"))
IMPORTED_TEXT_CHARS = 120


def _days(values: pd.Series) -> np.ndarray:
    """Days since 1970-01-01 of ISO dates or timestamps; NaN where there is none."""
    stamps = pd.to_datetime(values, errors="coerce")
    days = (stamps - pd.Timestamp("1970-01-01")).dt.days
    return days.to_numpy(dtype="float64", na_value=np.nan)


def _span(prepared: PreparedLayer) -> tuple[np.ndarray, np.ndarray]:
    """(first day, last day) of every feature of a dated layer, by the window rule of
    ``geo.assemble``: an event spans its date to its last day; a crossing shows from its
    opening (NaN: always)."""
    frame = prepared.frame
    date_field, end_field = TIME_FIELDS[prepared.name]
    first = _days(frame[date_field])
    if end_field is None:
        return first, np.full(len(frame), np.nan)
    last_field = "date_last" if "date_last" in frame else end_field
    last = _days(frame[last_field]) if last_field in frame else first
    return first, np.where(np.isnan(last), first, last)


def _int_or_none(x: float) -> int | None:
    return None if np.isnan(x) else int(x)


def dated_collection(prepared: PreparedLayer) -> dict[str, Any]:
    """A dated layer for the engine: every feature (and precision circle), each with its days.

    ``_d0``/``_d1`` are the first and last day (None: open), ``_g`` the actor group and
    ``_tl`` a plain-text line for the timeline.
    """
    first, last = _span(prepared)
    spec = SPECS[prepared.name]
    records = prepared.frame.drop(columns="geometry").to_dict("records")
    features = []
    for i, props in enumerate(records):
        days = {"_d0": _int_or_none(first[i]), "_d1": _int_or_none(last[i])}
        circle = prepared.circles[i]
        if circle:
            feature = json.loads(circle)
            feature["properties"].update(days)
            features.append(feature)
        feature = json.loads(prepared.fragments[i])
        feature["properties"].update(days)
        history = props.get(spec.history_field) if spec.history_field else None
        if i in prepared.closed and isinstance(history, list):
            # The status after each dated change (``crossing_status``, the one rule), and the
            # look of the crossing while closed: the engine styles it by the window's last day.
            when = {pd.Timestamp(e["date"]).date() for e in history}
            # a halted crossing is closed on its day only: the status changes again the day after
            when |= {pd.Timestamp(e["date"]).date() + dt.timedelta(days=1) for e in history
                     if e.get("status") == "halted"}
            changes = sorted(when)
            feature["properties"]["_h"] = [[(d - dt.date(1970, 1, 1)).days, crossing_status(history, d)]
                                           for d in changes]
            feature["properties"]["_sc"] = json.loads(prepared.closed[i])["properties"]["_s"]
        if spec.timeline_group is not None:
            feature["properties"]["_g"] = spec.timeline_group(props)
        if spec.timeline_text is not None:
            feature["properties"]["_tl"] = spec.timeline_text(props)
        features.append(feature)
    return {"type": "FeatureCollection", "features": features}


def actor_groups() -> list[dict[str, str]]:
    """The timeline's stacks: one per actor group, in the palette's order and colours."""
    return [{"key": k, "label": pal.ACTOR_LABELS[k], "color": c} for k, c in pal.ACTOR_COLORS.items()]


def presets(domain: tuple[dt.date, dt.date]) -> list[dict[str, str]]:
    """The named windows, with their full labels; "everything" is the whole domain."""
    out = []
    for key, (start, end) in PRESETS.items():
        label = PRESET_LABELS[key]
        if key == "everything":
            start, end = domain
            label = f"Everything ({start.year}–{end.year})"
        out.append({"key": key, "label": label, "start": start.isoformat(), "end": end.isoformat()})
    return out


@dataclass(frozen=True)
class MapDocument:
    """The map page: its HTML, and the JavaScript names of its basemap tile layers."""

    html: str
    basemaps: dict[str, str]


class _Attach(MacroElement):
    """Hands the folium map to the engine once folium has built it."""

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "BorderAtlasEngine.attach({{ this.map_name }});"
        "{% endmacro %}"
    )

    def __init__(self, map_name: str) -> None:
        super().__init__()
        self._name = "BorderAtlasAttach"
        self.map_name = map_name


def build_map(asset_base: str = ASSET_BASE, *, online_basemaps: bool = True) -> tuple[folium.Map, dict[str, str]]:
    """The folium map of the explorer: base map, every basemap's tiles (off until chosen;
    none without ``online_basemaps``), the engine's scripts and the timeline's container.

    A user who knows folium can add to this map: anything added shows in the explorer.
    """
    m = base_map("offline")
    m.default_js = [(path, f"{asset_base}/{path}") for path in (*VENDOR_JS, *ENGINE_JS)]
    m.default_css = [(path, f"{asset_base}/{path}") for path in (*VENDOR_CSS, *ENGINE_CSS)]
    tiles = {}
    for key in BASEMAPS if online_basemaps else ():
        layer = tile_layer(key, show=False, control=False)
        if layer is not None:
            layer.add_to(m)
            tiles[key] = layer.get_name()
    map_figure(m).html.add_child(Element(f'<div id="{MAP_ELEMENT_ID}" class="ba-timeline"></div>'))
    m.add_child(_Attach(m.get_name()))
    return m, tiles


def map_document(asset_base: str = ASSET_BASE) -> MapDocument:
    """The explorer's map page (the same for every user; build once per process).

    The symbol table (under a kilobyte) is written into the page, before atlas.js, so the
    map is drawn without waiting for one more request.
    """
    m, tiles = build_map(asset_base)
    symbols = script_safe(symbols_json().strip())
    page = map_figure(m)
    page.header.add_child(Element(f"<script>window.BA_SYMBOLS = {symbols};</script>"),
                          name="ba_symbols", index=0)
    return MapDocument(page.render(), tiles)


LABEL_NEAR_KM = 30  # a town's label rank: the curated events within this distance of it


def town_labels(places: PreparedLayer, events: PreparedLayer | None) -> list[dict[str, Any]]:
    """The towns' names for the map, most important first: a town with more of the atlas's
    events near it is labelled before one with fewer (then by name). The engine shows as many
    as fit at the current zoom without overlapping. ``places`` is a layer whose spec has
    ``zoom_labels``; ``events``, the timeline's layer."""
    import shapely

    from geo.measure import distances_km

    frame, spec = places.frame, SPECS[places.name]
    near = np.zeros(len(frame), dtype=int)
    if events is not None and len(events.frame):
        lons, lats = events.frame.geometry.x.to_numpy(), events.frame.geometry.y.to_numpy()
        for i, town in enumerate(frame.geometry.values):
            near[i] = int((distances_km(town.x, town.y, lons, lats) <= LABEL_NEAR_KM).sum())
    labels = [{"id": str(row["id"]), "name": str(row[spec.label_field]),
               "lat": round(float(geom.y), 5), "lon": round(float(geom.x), 5), "rank": int(n)}
              for (_, row), geom, n in zip(frame.iterrows(), frame.geometry.values, near, strict=True)
              if not shapely.is_empty(geom)]
    return sorted(labels, key=lambda t: (-t["rank"], t["name"]))


DATED_FILE = "dated"  # static/web/dated.json: the dated layers for the browser (make data)
# The shipped layers a date window filters (those whose spec has a date field).
DATED_LAYERS = tuple(name for name, spec in SPECS.items() if spec.date_field is not None)


def dated_layers(layers_prepared: Mapping[str, PreparedLayer]) -> dict[str, Any]:
    """Every dated layer for the engine: {layer: FeatureCollection with days}."""
    return {name: dated_collection(p) for name, p in layers_prepared.items() if name in TIME_FIELDS}


def dated_json(layers_prepared: Mapping[str, PreparedLayer]) -> str:
    """The browser file of the dated layers (deterministic bytes)."""
    return json.dumps(dated_layers(layers_prepared), ensure_ascii=False, separators=(",", ":"),
                      sort_keys=True, allow_nan=False) + "\n"


def engine_config(layers_prepared: Mapping[str, PreparedLayer], *, domain: tuple[dt.date, dt.date],
                  static_sources: Mapping[str, Any], basemaps: Mapping[str, str],
                  dated_source: str | None = None) -> dict[str, Any]:
    """What the engine needs once: dated layers (or the URL of their browser file, which the
    server sends compressed and the browser caches), undated layer sources, presets, groups,
    town labels."""
    dated: Any = dated_source if dated_source is not None else dated_layers(layers_prepared)
    on_timeline = [p for name, p in layers_prepared.items() if SPECS[name].timeline_group is not None]
    labels = [label for name, p in layers_prepared.items() if SPECS[name].zoom_labels
              for label in town_labels(p, on_timeline[0] if on_timeline else None)]
    static = [[name, static_sources[name]] for name in SPECS
              if name in STATIC_LAYERS and name in static_sources]
    return {
        "dated": dated,
        "static": static,
        "domain": [domain[0].isoformat(), domain[1].isoformat()],
        "presets": presets(domain),
        "groups": actor_groups(),
        "basemaps": dict(basemaps),
        "labels": labels,
        "bounds": [list(REGION_BOUNDS[0]), list(REGION_BOUNDS[1])],  # the view with no other
    }


def config_json(config: Mapping[str, Any]) -> str:
    """The engine's data as JSON text that is safe inside an HTML <script>."""
    return script_safe(json.dumps(config, ensure_ascii=False, separators=(",", ":"), allow_nan=False))


# ---- imported events: columns for the browser -------------------------------------------
def _short(values: pd.Series) -> pd.Series:
    text = values.astype("string").str.slice(0, IMPORTED_TEXT_CHARS)
    return text.astype("category")  # one copy of each distinct text on the wire


def imported_columns(prepared: PreparedImport, name: str) -> tuple[pd.DataFrame, dict[str, Any]]:
    """An import as columns the engine draws (sent once per upload as an Arrow table), and
    what it needs to read them: marker styles, popup fields and labels.

    Every text is the user's, and the engine writes it as text, never as markup.
    """
    frame = prepared.frame
    n = len(frame)

    def col(key: str) -> pd.Series:
        return frame[key] if key in frame else pd.Series([None] * n, index=frame.index)

    killed = col("killed_low").astype("string").fillna("")
    high = col("killed_high").astype("string").fillna("")
    killed = killed.where((high == "") | (high == killed), killed + "–" + high)
    origin = col("origin").map(lambda o: ORIGIN_NAMES.get(str(o), str(o)))
    ref = origin + ", row " + col("row").astype("string").fillna("?")
    out = pd.DataFrame({
        "lon": prepared.lon.astype("float32"),
        "lat": prepared.lat.astype("float32"),
        "d0": np.clip(prepared.first_day, -10**6, 10**6).astype("int32"),
        "d1": np.clip(prepared.last_day, -10**6, 10**6).astype("int32"),
        "style": prepared.style_idx.astype("int16"),
        "group": _short(col("actor").map(lambda a: imported_actor_group(str(a)) if isinstance(a, str) else "other")),
        "what": _short(col("kind").astype("string").str.replace("-", " ")),
        "actor": _short(col("actor")),
        "target": _short(col("target")),
        "place": _short(col("place")),
        "killed": _short(killed.replace("", pd.NA)),
        "source": _short(col("source")),
        "ref": _short(ref),
        "id": col("id").astype("string"),
    })
    meta = {"styles": list(prepared.styles), "title": IMPORTED.title, "source": name,
            "ramp": list(HEAT_GRADIENT.values()),
            "fields": [{"key": k, "label": label} for k, label in IMPORTED_FIELDS]}
    return out.reset_index(drop=True), meta


def static_urls(names: Sequence[str], url_of) -> dict[str, str]:
    """{layer: its browser file's URL} for the undated layers."""
    return {name: url_of(name) for name in names if name in STATIC_LAYERS}


def imported_legend_html() -> str:
    """The imported layer's legend: its kinds and actors, and the density ramp used when
    zoomed out."""
    ramp = ('<svg width="28" height="16" viewBox="0 0 28 16" aria-hidden="true">'
            '<defs><linearGradient id="ba-heat-ramp">'
            + "".join(f'<stop offset="{o}" stop-color="{c}"/>' for o, c in HEAT_GRADIENT.items())
            + '</linearGradient></defs><rect x="1" y="3" width="26" height="10" '
            'fill="url(#ba-heat-ramp)"/></svg>')
    rows = [legend_row(swatch_svg(e.style, e.geometry), e.label) for e in IMPORTED.legend]
    rows.append(legend_row(ramp, "Zoomed out: density, few to many events"))
    return f'<div class="ba-legend">{legend_block(IMPORTED.title, rows)}</div>'
