"""The explorer's map document and the data its time engine (static/atlas/, ES modules) runs on.

folium builds the map (view, controls, scale, tile layers, the undated layers); the engine,
loaded into the same document, owns the dated layers, the date window, the timeline and
playback. Python sends the dated data once; the browser filters it on every move. The same
document, with its scripts and data written inside it, is the exported HTML file
(``geo.web.page``).
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import folium
import numpy as np
import pandas as pd
from branca.element import Element

from geo._paths import asset
from geo.assemble import crossing_status
from geo.counts import count_ranges
from geo.filters import SEARCH_FIELDS, normalise_search, precision_class
from geo.imports.problems import ROW_LABELS
from geo.limits import IMPORTED_NOTES_CHARS, IMPORTED_TEXT_CHARS
from geo.timespan import DAY_MAX, DAY_MIN, day_number, spans
from geo.view import BASEMAPS, PRESET_LABELS, PRESETS, filter_choices
from geo.web.contract import FEATURE, URL_KEYS, EngineData
from geo.web.imported import HEAT_GRADIENT, PreparedImport
from geo.web.layers import (
    ASSET_BASE,
    REGION_BOUNDS,
    PreparedLayer,
    RawText,
    base_map,
    legend_block,
    legend_row,
    map_figure,
    script_safe,
    static_layer_names,
    swatch_svg,
    tile_layer,
    with_lang,
)
from layers import SPECS, LayerSpec
from layers import palette as pal
from layers.imported import IMPORTED, ORIGIN_NAMES, imported_actor_group
from layers.symbols import symbols_json

MAP_ELEMENT_ID = "ba-timeline"
# The engine's ES modules (static/atlas/), each importing the others as "#atlas/<name>": the
# page's import map says where that is (the app's static files, or the file itself).
ENGINE_DIR = "atlas"
ENGINE_MODULES = ("access.js", "fit.js", "days.js", "ticks.js", "bins.js", "status.js", "labels.js", "symbols.js", "features.js",
                  "window-model.js", "player.js", "throttle.js", "timeline.js", "dated-layer.js", "imported-layer.js",
                  "label-layer.js", "legend.js", "static-layers.js", "url-state.js", "filters.js",
                  "filter-controls.js", "wheel.js", "tile-notice.js", "engine.js")
MODULE_PREFIX = "#atlas/"
ENGINE_CSS = ("atlas/atlas.css", "atlas/engine.css")
VENDOR_JS = ("vendor/leaflet/leaflet.js",)  # the engine binds its own popups: no jQuery
VENDOR_CSS = ("vendor/leaflet/leaflet.css",)
# Imported text sent to the browser per event, and its label in the popup. Long texts
# (summaries, notes) stay on the server: they are in the table and the downloads.
IMPORTED_FIELDS = (("what", "What"), ("actor", "Actor"), ("target", "Target"), ("place", "Place"),
                   ("country", "Country"), ("killed", "Killed"), ("when_precision", "Date precision"),
                   ("location_precision", "Location precision"), ("placed", "How it was placed"),
                   ("to_border", "Distance to border"), ("notes", "Notes"), ("import_note", "Import note"),
                   ("source", "Source"), ("ref", "Imported from"), ("id", "Id"))


def _span(prepared: PreparedLayer) -> tuple[np.ndarray, np.ndarray]:
    """(first day, last day) of every feature of a dated layer: the one rule,
    ``geo.timespan.spans`` of its spec's time rule."""
    return spans(prepared.frame, SPECS[prepared.name].time)


def _day_or_none(day: int, open_end: int) -> int | None:
    """A span's day for the engine: None where the span is open at that end."""
    return None if day == open_end else int(day)


def dated_collection(prepared: PreparedLayer) -> dict[str, Any]:
    """A dated layer for the engine: every feature (and precision circle), each with its days.

    Each feature gets its first and last day (None: open), its timeline group and a
    plain-text line for the timeline (``FEATURE`` in ``geo.web.contract``).
    """
    first, last = _span(prepared)
    spec = SPECS[prepared.name]
    records = prepared.frame.drop(columns="geometry").to_dict("records")
    features = []
    for i, props in enumerate(records):
        days = {FEATURE.first_day: _day_or_none(first[i], DAY_MIN),
                FEATURE.last_day: _day_or_none(last[i], DAY_MAX)}
        circle = prepared.circles[i]
        if circle:
            feature = json.loads(circle)
            feature["properties"].update(days)
            features.append(feature)
        feature = json.loads(prepared.fragments[i])
        feature["properties"].update(days)
        history_field = spec.time.history_field if spec.time is not None else None
        history = props.get(history_field) if history_field else None
        if i in prepared.closed and isinstance(history, list):
            # The status after each dated change (``crossing_status``, the one rule), and the
            # look of the crossing while closed: the engine styles it by the window's last day.
            when = {pd.Timestamp(e["date"]).date() for e in history}
            # a halted crossing is closed on its day only: the status changes again the day after
            when |= {pd.Timestamp(e["date"]).date() + dt.timedelta(days=1) for e in history
                     if e.get("status") == "halted"}
            changes = sorted(when)
            feature["properties"][FEATURE.status_history] = [[day_number(d), crossing_status(history, d)]
                                           for d in changes]
            feature["properties"][FEATURE.closed_style] = json.loads(prepared.closed[i])["properties"][FEATURE.style]
        if spec.timeline_group is not None:
            feature["properties"][FEATURE.group] = spec.timeline_group(props)
            feature["properties"][FEATURE.filter_fields] = filter_fields(props)
        if spec.timeline_text is not None:
            feature["properties"][FEATURE.timeline_text] = spec.timeline_text(props)
        features.append(feature)
    return {"type": "FeatureCollection", "features": features}


def filter_fields(props: Mapping[str, Any]) -> dict[str, Any]:
    """What the browser's filters read of an event (static/atlas/filters.js, the rule of
    ``geo.filters``): its kind, side, highest toll, precision class and normalised text."""
    def plain(value: Any) -> Any:  # a missing value (None, NaN) as None
        return None if value is None or (isinstance(value, float) and value != value) else value

    killed = plain(props.get("killed_high"))
    killed = plain(props.get("killed_low")) if killed is None else killed
    return {"k": plain(props.get("kind")), "s": plain(props.get("border_side")) or None,
            "n": None if killed is None else int(killed),
            "p": precision_class(props.get("time_precision")),
            "x": "\n".join(normalise_search(props.get(name)) for name in SEARCH_FIELDS)}


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


def module_source(name: str) -> str:
    """The text of one of the engine's modules."""
    return asset(f"{ENGINE_DIR}/{name}").read_text(encoding="utf-8")


def import_map(asset_base: str | None, module_urls: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Where the page finds the engine's modules: under ``asset_base`` (the app's static
    files); at ``module_urls`` (each module's own address, e.g. a static site's content-named
    copy); or, with neither, inside the page itself as ``data:`` URLs (an exported file:
    Chromium refuses module scripts from file:// addresses, and a data: URL is no request)."""
    if module_urls is not None:
        return {"imports": {MODULE_PREFIX + name: module_urls[name] for name in ENGINE_MODULES}}
    if asset_base is not None:
        return {"imports": {MODULE_PREFIX: f"{asset_base}/{ENGINE_DIR}/"}}
    return {"imports": {MODULE_PREFIX + name: "data:text/javascript;base64,"
                        + base64.b64encode(module_source(name).encode("utf-8")).decode("ascii")
                        for name in ENGINE_MODULES}}


def module_addresses(imports: Mapping[str, Any]) -> list[str]:
    """The addresses the import map sends the engine's modules to, when they are requests
    (the app's static files, a site's assets); none when the modules are inside the page."""
    mapped = imports.get("imports", {})
    if MODULE_PREFIX in mapped:
        return [mapped[MODULE_PREFIX] + name for name in ENGINE_MODULES]
    return [url for url in (mapped.get(MODULE_PREFIX + name) for name in ENGINE_MODULES)
            if url and not url.startswith("data:")]


def engine_boot_html(imports: Mapping[str, Any], map_name: str) -> str:
    """The import map, a preload of every module it sends to an address, and the one module
    script that starts the engine on folium's map (module scripts run after the page is
    parsed, so after folium's map script). Without the preloads the browser finds the modules
    a level of imports at a time (engine.js, then what it imports, then theirs); with them it
    asks for all at once. They come after the import map, which must be read before any
    module is fetched."""
    preloads = "".join(f'<link rel="modulepreload" href="{html.escape(url, quote=True)}">\n'
                       for url in module_addresses(imports))
    return (f'<script type="importmap">{script_safe(json.dumps(imports, separators=(",", ":")))}</script>\n'
            f"{preloads}"
            f'<script type="module">import {{attach}} from "{MODULE_PREFIX}engine.js";\n'
            f"window.BorderAtlasEngine = attach(L, {map_name}, document);</script>")


def json_block(element_id: str, text: str) -> str:
    """JSON data in the page (read by the engine, never run): ``text`` is script-safe JSON."""
    return f'<script type="application/json" id="{element_id}">{text}</script>'


def build_map(asset_base: str = ASSET_BASE, *, online_basemaps: bool = True,
              inline_modules: bool = False,
              module_urls: Mapping[str, str] | None = None) -> tuple[folium.Map, dict[str, str]]:
    """The folium map of the explorer: base map, every basemap's tiles (off until chosen;
    none without ``online_basemaps``), the engine's modules (served from ``asset_base``,
    from ``module_urls``, or written into the page with ``inline_modules``) and the
    timeline's container.

    A user who knows folium can add to this map: anything added shows in the explorer.
    """
    m = base_map("offline")
    m.default_js = [(path, f"{asset_base}/{path}") for path in VENDOR_JS]
    m.default_css = [(path, f"{asset_base}/{path}") for path in (*VENDOR_CSS, *ENGINE_CSS)]
    tiles = {}
    for key in BASEMAPS if online_basemaps else ():
        layer = tile_layer(key, show=False, control=False)
        if layer is not None:
            layer.add_to(m)
            tiles[key] = layer.get_name()
    page = map_figure(m)
    page.html.add_child(Element(f'<div id="{MAP_ELEMENT_ID}" class="ba-timeline"></div>'))
    boot = engine_boot_html(import_map(None if inline_modules else asset_base, module_urls), m.get_name())
    page.header.add_child(RawText(boot), name="ba_engine")
    return m, tiles


def map_document(asset_base: str = ASSET_BASE) -> MapDocument:
    """The explorer's map page (the same for every user; build once per process).

    The symbol table (under a kilobyte) is written into the page, so the map is drawn
    without waiting for one more request.
    """
    m, tiles = build_map(asset_base)
    page = map_figure(m)
    page.title = "Border Atlas map"  # the frame's own title, for screen readers
    page.header.add_child(RawText(json_block("ba-symbols", script_safe(symbols_json().strip()))),
                          name="ba_symbols", index=0)
    return MapDocument(with_lang(page.render()), tiles)


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


def dated_layer_names() -> tuple[str, ...]:
    """The layers a date window filters (those whose spec has a time rule), in drawing order."""
    return tuple(name for name, spec in SPECS.items() if spec.time is not None)


def dated_layers(layers_prepared: Mapping[str, PreparedLayer]) -> dict[str, Any]:
    """Every dated layer for the engine: {layer: FeatureCollection with days}."""
    return {name: dated_collection(p) for name, p in layers_prepared.items()
            if name in SPECS and SPECS[name].time is not None}


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
              if name in static_layer_names() and name in static_sources]
    return EngineData(
        dated=dated,
        static=static,
        domain=[domain[0].isoformat(), domain[1].isoformat()],
        presets=presets(domain),
        groups=actor_groups(),
        basemaps=dict(basemaps),
        labels=labels,
        bounds=[list(REGION_BOUNDS[0]), list(REGION_BOUNDS[1])],  # the view with no other
        # what each layer does in the engine comes from its spec, never from its name
        timeline_layer=_first_layer(lambda spec: spec.timeline_group is not None),
        label_layer=_first_layer(lambda spec: spec.zoom_labels),
        background_layer=_first_layer(lambda spec: not spec.interactive),
        imported_layer=IMPORTED.name,
        url_keys=list(URL_KEYS),
        filter_choices=filter_choices(),
    ).to_json()


def _first_layer(has: Callable[[LayerSpec], bool]) -> str | None:
    """The first layer (in drawing order) whose spec ``has`` a role in the engine."""
    return next((name for name, spec in SPECS.items() if has(spec)), None)


def config_json(config: Mapping[str, Any]) -> str:
    """The engine's data as JSON text that is safe inside an HTML <script>."""
    return script_safe(json.dumps(config, ensure_ascii=False, separators=(",", ":"), allow_nan=False))


# ---- imported events: columns for the browser -------------------------------------------
def _short(values: pd.Series) -> pd.Series:
    text = values.astype("string").str.slice(0, IMPORTED_TEXT_CHARS)
    return text.astype("category")  # one copy of each distinct text on the wire


def _distinct_map(values: pd.Series, fn: Any) -> pd.Series:
    """``fn`` of each value, computed once per distinct value (NA stays NA), as text."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    texts = np.array([fn(u) for u in uniques] + [None], dtype=object)
    return pd.Series(texts[codes], index=values.index, dtype="string")


def _whole(values: pd.Series, *, separators: bool = True) -> pd.Series:
    """Whole numbers as text ('1,234', or '1234' without ``separators``); NA stays NA."""
    form = "{:,}" if separators else "{}"
    return _distinct_map(values.round().astype("Int64"), form.format)


def _precision_texts(metres: pd.Series) -> pd.Series:
    """'± 12 km' or '± 500 m' per row (``layers._popup.fmt_precision``, vectorised); NA: none."""
    m = pd.to_numeric(metres, errors="coerce").astype("Float64")
    km = "± " + _whole(m / 1000, separators=False) + " km"
    small = "± " + _whole(m, separators=False) + " m"
    return km.where(m >= 1000, small)


def _border_texts(km: pd.Series, side: pd.Series, metres: pd.Series) -> pd.Series:
    """'12 km, Pakistani side' per row, with the caution when the location's precision spans
    the border (``layers.imported.border_text``, vectorised); NA where the distance is unknown."""
    dist = pd.to_numeric(km, errors="coerce").astype("Float64")
    radius = pd.to_numeric(metres, errors="coerce").astype("Float64") / 1000
    named = side.map({"IRN": "Iranian side", "PAK": "Pakistani side"}).astype("string")
    text = _whole(dist) + " km"
    spans = named.notna() & radius.notna() & (radius >= dist)
    caution = (", " + named + " as placed; the location's precision (± " + _whole(radius)
               + " km) spans the border")
    return text.where(named.isna(), text + ", " + named).where(~spans.fillna(False), text + caution)


def imported_columns(prepared: PreparedImport, name: str) -> tuple[pd.DataFrame, dict[str, Any]]:
    """An import as columns the engine draws (sent once per upload as an Arrow table), and
    what it needs to read them: marker styles, popup fields and labels.

    Every text is the user's, and the engine writes it as text, never as markup.
    """
    frame = prepared.frame
    n = len(frame)

    def col(key: str) -> pd.Series:
        return frame[key] if key in frame else pd.Series([None] * n, index=frame.index)

    low = pd.to_numeric(col("killed_low"), errors="coerce").round().astype("Int64")  # people
    high_n = pd.to_numeric(col("killed_high"), errors="coerce").round().astype("Int64")
    killed = count_ranges(col("killed_low"), col("killed_high"))  # the one casualty formatter
    killed.index = frame.index
    origin = _distinct_map(col("origin").astype("string"),
                           lambda o: f"{ORIGIN_NAMES.get(o, o)}, {ROW_LABELS.get(o, 'row')} ")
    ref = origin.fillna("row ") + _whole(pd.to_numeric(col("row"), errors="coerce"),
                                         separators=False).fillna("?")
    out = pd.DataFrame({
        "lon": prepared.lon.astype("float32"),
        "lat": prepared.lat.astype("float32"),
        "d0": np.clip(prepared.first_day, DAY_MIN, DAY_MAX).astype("int32"),
        "d1": np.clip(prepared.last_day, DAY_MIN, DAY_MAX).astype("int32"),
        "style": prepared.style_idx.astype("int16"),
        "group": _short(col("actor").map(lambda a: imported_actor_group(str(a)) if isinstance(a, str) else "other")),
        "what": _short(col("kind").astype("string").str.replace("-", " ")),
        "actor": _short(col("actor")),
        "target": _short(col("target")),
        "place": _short(col("place")),
        "killed": _short(killed),
        # what the browser's filters read (static/atlas/filters.js) beside group and place
        "kind": _short(col("kind")),
        "side": _short(col("border_side")),
        "dead": high_n.fillna(low).astype("float32"),  # the highest toll a source gives
        # the one popup's other fields, as layers.imported's table of them says each
        "country": _short(col("country")),
        "when_precision": _short(col("date_precision").replace("", pd.NA)),
        "location_precision": _short(_precision_texts(col("precision_m"))),
        "placed": _short(col("location_note").replace("", pd.NA)),
        "to_border": _short(_border_texts(col("border_distance_km"), col("border_side"), col("precision_m"))),
        "notes": col("summary").astype("string").replace("", pd.NA).str.slice(0, IMPORTED_NOTES_CHARS),
        "import_note": _short(col("import_note").replace("", pd.NA)),
        "source": _short(col("source")),
        "ref": _short(ref),
        "id": col("id").astype("string"),
    })
    meta = {"styles": list(prepared.styles), "title": IMPORTED.title, "source": name,
            "ramp": list(HEAT_GRADIENT.values()),
            "fields": [{"key": k, "label": label} for k, label in IMPORTED_FIELDS]}
    return out.reset_index(drop=True), meta


# The mark that tells an imported event's shape from the atlas's: a white dot at its centre.
IMPORTED_DOT = '<circle cx="14" cy="8" r="1.8" fill="#FFFFFF" stroke="#000000" stroke-width="0.6"/>'


def imported_legend_html() -> str:
    """The imported layer's legend: its kinds and actors, and the density ramp used when
    zoomed out."""
    ramp = ('<svg width="28" height="16" viewBox="0 0 28 16" aria-hidden="true">'
            '<defs><linearGradient id="ba-heat-ramp">'
            + "".join(f'<stop offset="{o}" stop-color="{c}"/>' for o, c in HEAT_GRADIENT.items())
            + '</linearGradient></defs><rect x="1" y="3" width="26" height="10" '
            'fill="url(#ba-heat-ramp)"/></svg>')
    # Imported shapes are pierced by a white dot (static/atlas/imported-layer.js draws it too),
    # so they never pass for the atlas's own.
    rows = [legend_row(swatch_svg(e.style, e.geometry).replace("</svg>", IMPORTED_DOT + "</svg>"), e.label)
            for e in IMPORTED.legend]
    rows.append(legend_row(ramp, "Zoomed out: density, few to many events (the scale on the map "
                                 "gives the counts)"))
    return (f'<div class="ba-legend ba-legend-imported">{legend_block(f"Yours: {IMPORTED.title}", rows)}'
            '<p class="ba-note">Your file\'s events: shapes with a white centre dot.</p></div>')
