"""Turn the curated TOML tables (data/curated/*.toml) into GeoJSON features.

In:  data/curated/{base,places,crossings,events,routes}.toml, edited by people (SCHEMA.md);
     data/border.geojson, for each event's distance to the border and side.
Out: features of the places, crossings, events and routes layers.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import numpy as np

from shapely import geometry as sgeom

from geo._errors import LayerValidationError
from geo._paths import CURATED_DIR
from geo.io import feature
from geo.measure import distance_to_border_km, side_of_border

TABLES = {"places": "place", "crossings": "crossing", "events": "event", "routes": "route"}
# Fields that stay in the TOML (coordinates become geometry; source keys become sources).
_NOT_PROPERTIES = {"lat", "lon", "sources", "waypoints"}


def load_tables(curated_dir: Path = CURATED_DIR) -> tuple[dict[str, Any], dict[str, Any]]:
    """Read every curated TOML file: (merged source registry, {file stem: parsed table}).

    A source key defined twice with different contents is an error.
    """
    sources: dict[str, Any] = {}
    tables: dict[str, Any] = {}
    problems = []
    for path in sorted(curated_dir.glob("*.toml")):
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise LayerValidationError(str(path.name), [f"not valid TOML: {exc}"]) from None
        for key, src in data.get("sources", {}).items():
            if key in sources and sources[key] != src:
                problems.append(f"{path.name}: source {key!r} is defined differently elsewhere")
            sources[key] = src
        tables[path.stem] = data
    if problems:
        raise LayerValidationError("data/curated", problems)
    return sources, tables


def _cite(keys: list[str], sources: dict[str, Any], where: str, problems: list[str]) -> list[Any]:
    out = []
    for key in keys or []:
        if key not in sources:
            problems.append(f"{where}: source {key!r} is not defined in any data/curated file")
            continue
        src = sources[key]
        out.append({k: src[k] for k in ("title", "publisher", "date", "url", "note") if k in src})
    return out


def _props(entry: dict[str, Any], sources: dict[str, Any], where: str, problems: list[str]) -> dict[str, Any]:
    props = {k: v for k, v in entry.items() if k not in _NOT_PROPERTIES}
    props["sources"] = _cite(entry.get("sources", []), sources, where, problems)
    return props


def _point(entry: dict[str, Any], where: str, problems: list[str]) -> Any:
    lat, lon = entry.get("lat"), entry.get("lon")
    if not isinstance(lat, int | float) or not isinstance(lon, int | float):
        problems.append(f"{where}: lat/lon missing or not numbers")
        return sgeom.Point()
    return sgeom.Point(float(lon), float(lat))


def build(border: Any, curated_dir: Path = CURATED_DIR) -> dict[str, list[dict[str, Any]]]:
    """Return {layer: features} for the curated layers; raise listing every problem."""
    sources, tables = load_tables(curated_dir)
    problems: list[str] = []
    out: dict[str, list[dict[str, Any]]] = {}
    for layer, item in TABLES.items():
        entries = tables.get(layer, {}).get(item, [])
        if not entries:
            problems.append(f"{layer}.toml: no [[{item}]] entries")
        tables[layer] = entries
    place_points = {}
    for layer in ("places", "crossings", "events"):
        feats = []
        for i, entry in enumerate(tables[layer]):
            where = f"{layer}.toml entry {i} (id {entry.get('id')!r})"
            point = _point(entry, where, problems)
            if layer == "places":
                place_points[entry.get("id")] = point
            feats.append((point, _props(entry, sources, where, problems)))
        if layer == "events" and feats:
            lon = np.array([p.x if not p.is_empty else np.nan for p, _ in feats])
            lat = np.array([p.y if not p.is_empty else np.nan for p, _ in feats])
            dist = distance_to_border_km(lon, lat, border)
            side = side_of_border(lon, lat, border, dist)
            for (_, props), d, s in zip(feats, dist, side, strict=True):
                props["border_distance_km"] = round(float(d), 1)
                props["border_side"] = s
        out[layer] = [feature(p, props) for p, props in sorted(feats, key=_order)]
    routes = []
    for i, entry in enumerate(tables["routes"]):
        where = f"routes.toml entry {i} (id {entry.get('id')!r})"
        waypoints = entry.get("waypoints", [])
        missing = [w for w in waypoints if w not in place_points]
        if missing:
            problems.append(f"{where}: waypoints not in places.toml: {', '.join(missing)}")
            continue
        if len(waypoints) < 2:
            problems.append(f"{where}: a route needs at least two waypoints")
            continue
        props = _props(entry, sources, where, problems)
        props["waypoints"] = list(waypoints)
        line = sgeom.LineString([place_points[w] for w in waypoints])
        routes.append((line, props))
    out["routes"] = [feature(g, p) for g, p in sorted(routes, key=_order)]
    if problems:
        raise LayerValidationError("data/curated", problems)
    return out


def _order(item: tuple[Any, dict[str, Any]]) -> tuple[str, str]:
    """Features in date order (undated layers by id), so rebuilt files diff cleanly."""
    props = item[1]
    return (str(props.get("date", "")), str(props.get("id", "")))


def published_areas(curated_dir: Path = CURATED_DIR) -> tuple[dict[str, Any], dict[str, Any]]:
    """(source registry, published area table) for the base build."""
    sources, tables = load_tables(curated_dir)
    return sources, tables.get("base", {}).get("published_area", {})
