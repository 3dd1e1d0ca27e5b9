"""Turn the curated TOML tables (data/curated/*.toml) into GeoJSON features.

In:  data/curated/{base,places,crossings,events,routes}.toml, edited by people (SCHEMA.md);
     data/border.geojson, for each event's distance to the border and side.
Out: features of the places, crossings, events and routes layers.

Besides the schema, the build checks what the data claims about the map: every place, event
and crossing is on the side of the border its country says (crossings: within their radius
of the line), no two places of different countries share a point, no route has a zero-length
leg, and every precision radius covers what its ``covers`` field names (a place, or a border
stretch defined in base.toml).
"""

from __future__ import annotations

import datetime as dt
import math
import re
import tomllib
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np

import shapely
from shapely import geometry as sgeom

from geo._paths import CURATED_DIR
from geo._schema import AREA_KINDS, SCHEMAS
from geo._validate import derived_deaths, parse_date, validate_features
from geo.acled import acled_types
from geo.build.sources import aggregator_of, registry_problems
from geo.errors import LayerValidationError
from geo.io import feature
from geo.measure import (
    border_stretch,
    buffer_km,
    distance_to_border_km,
    distances_km,
    farthest_km,
    point_distance_km,
    side_of_border,
)
from geo.timespan import DEFAULT_PRECISION, date_last, precision_problem

TABLES = {"places": "place", "crossings": "crossing", "events": "event", "routes": "route"}
# Fields that stay in the TOML (coordinates become geometry; source keys become sources).
_NOT_PROPERTIES = {"lat", "lon", "sources", "waypoints"}
# A crossing's status changes: [[status_change]] tables in crossings.toml.
_STATUS_FIELDS = ("date", "status", "note")
_OPENING = ("opened", "inaugurated")
# Fields the build derives for events: never written in events.toml.
_DERIVED = ("deaths_low", "deaths_high", "acled_event_type", "area_geometry", "area_name", "date_last",
            "border_distance_km", "border_side")
# A location_note that admits the event's place lies outside its radius is refused: the
# event needs a radius that covers the place, or an ``area``. Each pattern is one way of
# saying it (found in the record's notes before the rule).
OUTSIDE_RADIUS = (
    re.compile(r"\b(?:site|place|location)\b[^.;]*\b(?:not covered by|outside|beyond)\b[^.;]*\bradius", re.I),
    re.compile(r"\bradius (?:does not|doesn't|cannot|can't|will not) (?:cover|reach|include)\b[^.;]*"
               r"\b(?:site|place|location|where)\b", re.I),
    re.compile(r"\b(?:may|might|could) (?:well )?lie outside\b[^.;]*\bradius", re.I),
    re.compile(r"\boutside the \d[\d,.]* ?km radius\b", re.I),
)
AREA_NAMES = {"province:IR-13": "Sistan and Baluchestan", "province:PK-BA": "Balochistan",
              "country:IRN": "Iran", "country:PAK": "Pakistan"}
AREA_SIMPLIFY_DEG = 0.01  # ~1 km: an area is drawn at the scale of a province or a stretch
STRETCH_BUFFER_KM = 10.0  # a border stretch as an area: the land within this of the line


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


def build(border: Any, curated_dir: Path = CURATED_DIR,
          provinces: dict[str, Any] | None = None) -> dict[str, list[dict[str, Any]]]:
    """Return {layer: features} for the curated layers; raise listing every problem.

    ``provinces`` maps an ISO 3166-2 code to the province's polygon (the shipped provinces
    layer by default), for events placed only within a province (``area``).
    """
    sources, tables = load_tables(curated_dir)
    problems: list[str] = registry_problems(sources)
    out: dict[str, list[dict[str, Any]]] = {}
    changes = tables.get("crossings", {}).get("status_change", [])
    stretches = tables.get("base", {}).get("border_stretch", {})
    for layer, item in TABLES.items():
        entries = tables.get(layer, {}).get(item, [])
        if not entries:
            problems.append(f"{layer}.toml: no [[{item}]] entries")
        tables[layer] = entries
    points: dict[str, dict[Any, Any]] = {}  # layer -> id -> point
    for layer in ("places", "crossings", "events"):
        feats, points[layer] = _point_features(layer, tables[layer], sources, problems)
        if layer == "crossings":
            _status_histories(feats, changes, sources, problems)
        if feats:
            _border_fields(layer, feats, border, problems)
        if layer == "places":
            _shared_points(feats, problems)
        if layer == "events":
            named = {**{f"place:{k}": v for k, v in points["places"].items()},
                     **{f"crossing:{k}": v for k, v in points["crossings"].items()}}
            areas = _Areas(border, stretches, provinces)
            for point, props in feats:
                _area_fields(point, props, areas, problems)
            _covers_problems(feats, named, stretches, border, problems)
            _crossing_change_problems(feats, changes, sources, problems)
        out[layer] = [feature(p, props) for p, props in sorted(feats, key=_order)]
    routes = _routes(tables["routes"], points["places"], sources, problems)
    out["routes"] = [feature(g, p) for g, p in sorted(routes, key=_order)]
    for layer, built in out.items():
        problems += _contract_problems(layer, built)
    if problems:
        raise LayerValidationError("data/curated", problems)
    return out


def _contract_problems(layer: str, feats: list[dict[str, Any]]) -> list[str]:
    """What in a built layer breaks its data contract (geo._schema: a field missing, of the
    wrong kind, not one of its choices), each problem naming the file and the entry's id, so
    that a bad table is refused here rather than when the written layer is read."""
    try:
        validate_features({"type": "FeatureCollection", "features": feats}, SCHEMAS[layer],
                          f"{layer}.toml")
    except LayerValidationError as exc:
        return [f"{layer}.toml {p}" for p in exc.problems]
    return []


def _point_features(layer: str, entries: list[dict[str, Any]], sources: dict[str, Any],
                    problems: list[str]) -> tuple[list[tuple[Any, dict[str, Any]]], dict[Any, Any]]:
    """(point, properties) of each entry of a point layer, and the points by id."""
    feats = []
    by_id: dict[Any, Any] = {}
    for i, entry in enumerate(entries):
        where = f"{layer}.toml entry {i} (id {entry.get('id')!r})"
        point = _point(entry, where, problems)
        by_id[entry.get("id")] = point
        props = _props(entry, sources, where, problems)
        if layer == "events":
            _time_span(props, where, problems)
            _event_fields(entry, props, where, problems)
        feats.append((point, props))
    return feats, by_id


def _event_fields(entry: dict[str, Any], props: dict[str, Any], where: str, problems: list[str]) -> None:
    """Derive all deaths and the ACLED types; refuse derived fields written by hand and a
    location note that admits the place lies outside the radius."""
    for name in _DERIVED:
        if name in entry:
            problems.append(f"{where}: {name} is computed by the build; leave it out of events.toml")
    deaths = derived_deaths(props)
    if deaths is not None:
        props["deaths_low"], props["deaths_high"] = deaths
    try:
        props["acled_event_type"], props["acled_sub_event_type"] = acled_types(props)
    except ValueError as exc:
        problems.append(f"{where}: {exc}")
    note = str(props.get("location_note") or "")
    for pattern in OUTSIDE_RADIUS:
        found = pattern.search(note)
        if found:
            problems.append(f"{where}: location_note admits the place lies outside the radius "
                            f"({found.group(0)!r}); widen precision_m to cover it, or give an "
                            "area (province:<code> or border:<stretch>) when only the area is known")
            break


class _Areas:
    """The areas an event may be placed in, as lon/lat polygons, made once each."""

    def __init__(self, border: Any, stretches: dict[str, Any], provinces: dict[str, Any] | None) -> None:
        self.border, self.stretches, self._provinces = border, stretches, provinces
        self._made: dict[str, Any] = {}

    def provinces(self) -> dict[str, Any]:
        """ISO 3166-2 code -> polygon of the two border provinces, and ISO3 -> the two
        countries' polygons (``country:<ISO3>``, for a site known only to be in Iran or Pakistan)."""
        if self._provinces is None:
            from geo.io import load_layer

            frame = load_layer("provinces")
            self._provinces = dict(zip(frame["iso_3166_2"], frame.geometry, strict=True))
        if "PAK" not in self._provinces:
            from geo.io import load_layer

            ctx = load_layer("context")
            countries = ctx[(ctx["kind"] == "country") & ctx["country"].isin(["IRN", "PAK"])]
            self._provinces.update(zip(countries["country"], countries.geometry, strict=True))
        return self._provinces

    def name(self, area: str) -> str:
        """The area in words: a stretch's name, or the province or country."""
        what, _, key = area.partition(":")
        if what == "border":
            name = str(self.stretches[key].get("name", key))
            return name[:1].lower() + name[1:]
        return AREA_NAMES.get(area, area)

    def get(self, area: str) -> Any | None:
        """The polygon of ``area`` ("province:<code>", "border:<stretch>"), None if unknown."""
        if area in self._made:
            return self._made[area]
        what, _, name = area.partition(":")
        shape = None
        if what in ("province", "country") and name in self.provinces() and (what == "country") == (len(name) == 3):
            shape = self.provinces()[name]
        elif what == "border" and name in self.stretches:
            st = self.stretches[name]
            line = border_stretch(self.border, tuple(st["from"][::-1]), tuple(st["to"][::-1]))
            shape = buffer_km(line, float(st.get("buffer_km", STRETCH_BUFFER_KM)))
        if shape is not None:
            tolerance = AREA_SIMPLIFY_DEG * (5 if what == "country" else 1)
            shape = shapely.simplify(shape, tolerance, preserve_topology=True)
        self._made[area] = shape
        return shape


def _area_fields(point: Any, props: dict[str, Any], areas: _Areas, problems: list[str]) -> None:
    """An event known only within an area: the area exists, holds the point, and the radius
    reaches the whole area (so a reader of precision_m alone is not misled); the area's
    outline goes with the event (``area_geometry``) for the map, the figures and downloads."""
    area = props.get("area")
    if area is None:
        return
    where = f"events.toml (id {props.get('id')!r})"
    what = str(area).partition(":")[0]
    shape = areas.get(str(area)) if what in AREA_KINDS else None
    if shape is None:
        problems.append(f"{where}: area {area!r} names no area: use province:IR-13, province:PK-BA, "
                        "border:<stretch in base.toml>, or country:IRN / country:PAK (the atlas ships no "
                        "district outlines)")
        return
    if point.is_empty or not shape.contains(point):
        problems.append(f"{where}: the point ({point.x:.4f}, {point.y:.4f}) is not inside its area {area}; "
                        "give a representative point inside it")
        return
    rings = [shape.exterior] if shape.geom_type == "Polygon" else [g.exterior for g in shape.geoms]
    xy = np.vstack([np.asarray(r.coords) for r in rings])
    reach_m = float(distances_km(point.x, point.y, xy[:, 0], xy[:, 1]).max()) * 1000
    radius = props.get("precision_m")
    if radius is None:
        props["precision_m"] = int(math.ceil(reach_m / 1000) * 1000)
    elif float(radius) < reach_m:
        problems.append(f"{where}: precision_m {radius} does not reach the whole of its area {area} "
                        f"({reach_m / 1000:.0f} km from the point); leave precision_m out and the build sets it")
    props["area_geometry"] = shapely.geometry.mapping(shapely.set_precision(shape, 1e-4))
    props["area_name"] = areas.name(str(area))


def _crossing_change_problems(feats: list[tuple[Any, dict[str, Any]]], changes: list[dict[str, Any]],
                              sources: dict[str, Any], problems: list[str]) -> None:
    """The one rule for crossing changes: an event of kind closure or reopening names the
    crossings it changed (``crossings``), and each has a status change of the same sense in
    crossings.toml within the event's days, citing at least one of the event's sources."""
    by_crossing: dict[str, list[dict[str, Any]]] = {}
    for change in changes:
        by_crossing.setdefault(str(change.get("crossing")), []).append(change)
    wanted = {"closure": ("closed", "halted"), "reopening": ("opened", "reopened", "inaugurated")}
    for _, props in feats:
        kind = props.get("kind")
        where = f"events.toml (id {props.get('id')!r})"
        named = props.get("crossings") or []
        if kind not in wanted:
            if named:
                problems.append(f"{where}: only a closure or reopening names crossings")
            continue
        if not named:
            problems.append(f"{where}: a {kind} names the crossings it changed (crossings = [ids]); "
                            "each must have a [[status_change]] in crossings.toml")
            continue
        first, last = str(props.get("date")), str(props.get("date_last") or props.get("date"))
        urls = {s.get("url") for s in props.get("sources", [])}
        for cid in named:
            match = [c for c in by_crossing.get(str(cid), [])
                     if c.get("status") in wanted[str(kind)] and first <= str(c.get("date")) <= last]
            if not match:
                problems.append(f"{where}: crossing {cid!r} has no {'/'.join(wanted[str(kind)])} status change "
                                f"in crossings.toml between {first} and {last}")
            elif not any(urls & {sources.get(k, {}).get("url") for k in c.get("sources", [])} for c in match):
                problems.append(f"{where}: the status change of {cid!r} cites none of the event's sources")


def _border_fields(layer: str, feats: list[tuple[Any, dict[str, Any]]], border: Any,
                   problems: list[str]) -> None:
    """Check each point's side of the border; give events their distance to it and side."""
    lon = np.array([p.x if not p.is_empty else np.nan for p, _ in feats])
    lat = np.array([p.y if not p.is_empty else np.nan for p, _ in feats])
    dist = distance_to_border_km(lon, lat, border)
    side = side_of_border(lon, lat, border, dist)
    _side_problems(layer, feats, dist, side, problems)
    if layer == "events":
        for (_, props), d, s in zip(feats, dist, side, strict=True):
            props["border_distance_km"] = round(float(d), 1)
            props["border_side"] = s


def _routes(entries: list[dict[str, Any]], place_points: dict[Any, Any], sources: dict[str, Any],
            problems: list[str]) -> list[tuple[Any, dict[str, Any]]]:
    """(line, properties) of each route: its waypoints are places, at least two, no leg empty."""
    routes = []
    for i, entry in enumerate(entries):
        where = f"routes.toml entry {i} (id {entry.get('id')!r})"
        waypoints = entry.get("waypoints", [])
        missing = [w for w in waypoints if w not in place_points]
        if missing:
            problems.append(f"{where}: waypoints not in places.toml: {', '.join(missing)}")
            continue
        if len(waypoints) < 2:
            problems.append(f"{where}: a route needs at least two waypoints")
            continue
        for a, b in zip(waypoints[:-1], waypoints[1:], strict=True):
            if place_points[a].equals(place_points[b]):
                problems.append(f"{where}: leg {a} -> {b} has zero length (the places share a point)")
        props = _props(entry, sources, where, problems)
        props["waypoints"] = list(waypoints)
        line = sgeom.LineString([place_points[w] for w in waypoints])
        routes.append((line, props))
    return routes


def _time_span(props: dict[str, Any], where: str, problems: list[str]) -> None:
    """Give an event its time_precision (default day) and its computed date_last."""
    props.setdefault("time_precision", DEFAULT_PRECISION)
    first, end = parse_date(props.get("date")), parse_date(props.get("end_date"))
    precision = props["time_precision"]
    if first is None:
        problems.append(f"{where}: date {props.get('date')!r} is not a date (YYYY-MM-DD)")
        return
    why = precision_problem(first, precision)
    if why:
        problems.append(f"{where}: {why}")
        return
    props["date_last"] = date_last(first, precision, end).isoformat()


def _status_histories(feats: list[tuple[Any, dict[str, Any]]], changes: list[dict[str, Any]],
                      sources: dict[str, Any], problems: list[str]) -> None:
    """Attach each crossing's [[status_change]] entries, in date order, as status_history.

    ``opened`` must agree with the first opened/inaugurated change; when it is missing it is
    taken from there (the window shows a crossing from that day), unless a closure or a
    reopening comes first: then the crossing was in use before the record begins, its first
    opening is unknown and it shows in every window.
    """
    by_id: dict[Any, list[dict[str, Any]]] = {props.get("id"): [] for _, props in feats}
    for i, change in enumerate(changes):
        where = f"crossings.toml status_change {i} (crossing {change.get('crossing')!r}, {change.get('date')!r})"
        if change.get("crossing") not in by_id:
            problems.append(f"{where}: no [[crossing]] has that id")
            continue
        entry = {k: change[k] for k in _STATUS_FIELDS if k in change}
        entry["sources"] = _cite(change.get("sources", []), sources, where, problems)
        if not entry["sources"]:
            problems.append(f"{where}: needs at least one source")
        by_id[change["crossing"]].append(entry)
    for _, props in feats:
        history = sorted(by_id[props.get("id")], key=lambda e: (str(e.get("date")), str(e.get("status"))))
        props["status_history"] = history
        openings = [e["date"] for e in history if e.get("status") in _OPENING]
        first = next((e for e in history if e.get("status") in (*_OPENING, "reopened", "closed")), None)
        existed = first is not None and first.get("status") not in _OPENING  # before the record
        if openings and "opened" not in props and not existed:
            props["opened"] = openings[0]
        elif openings and "opened" in props and props["opened"] != openings[0]:
            problems.append(f"crossings.toml (id {props.get('id')!r}): opened {props['opened']} is not "
                            f"the first opened/inaugurated date in its status changes ({openings[0]})")


def _side_problems(layer: str, feats: list[tuple[Any, dict[str, Any]]], dist: np.ndarray,
                   side: np.ndarray, problems: list[str]) -> None:
    """Each point on the side of the border its country says; a crossing within its radius."""
    for (_, props), d, s in zip(feats, dist, side, strict=True):
        where = f"{layer}.toml (id {props.get('id')!r})"
        if layer == "crossings":
            radius_km = float(props.get("precision_m", 0)) / 1000
            if not d <= radius_km:
                problems.append(f"{where}: the point is {d:.1f} km from the border, beyond its "
                                f"{radius_km:g} km radius; a crossing is on the border")
            continue
        country = props.get("country")
        if country in ("IRN", "PAK") and s is not None and s != country and d > 0.001:
            problems.append(f"{where}: country is {country} but the point is {d:.2f} km inside {s}")
        if country in ("IRN", "PAK") and d <= 0.001:
            problems.append(f"{where}: the point lies on the border line; put it on the {country} side")


def _shared_points(feats: list[tuple[Any, dict[str, Any]]], problems: list[str]) -> None:
    seen: dict[tuple[float, float], dict[str, Any]] = {}
    for point, props in feats:
        if point.is_empty:
            continue
        key = (round(point.x, 6), round(point.y, 6))
        other = seen.setdefault(key, props)
        if other is not props and other.get("country") != props.get("country"):
            problems.append(f"places.toml: {other.get('id')!r} ({other.get('country')}) and "
                            f"{props.get('id')!r} ({props.get('country')}) share one point")


def _covers_problems(feats: list[tuple[Any, dict[str, Any]]], named: dict[str, Any],
                     stretches: dict[str, Any], border: Any, problems: list[str]) -> None:
    """Every ``covers`` claim of an event holds: the named thing lies within its radius.

    ``place:<id>`` or ``crossing:<id>``: its point; ``border:<stretch>``: every point of that stretch of the
    atlas's own border (``[border_stretch.<stretch>]`` in base.toml: the border between the
    points nearest ``from`` and ``to``, each [lat, lon]).
    """
    cut: dict[str, Any] = {}
    for point, props in feats:
        claims = props.get("covers") or []
        where = f"events.toml (id {props.get('id')!r})"
        if not isinstance(claims, list):
            problems.append(f"{where}: covers must be a list like [\"border:kech\", \"place:rask\"]")
            continue
        radius_km = float(props.get("precision_m", 0)) / 1000
        for claim in claims:
            what, _, name = str(claim).partition(":")
            if claim in named:
                far = point_distance_km((point.x, point.y), (named[claim].x, named[claim].y))
            elif what == "border" and name in stretches:
                if name not in cut:
                    st = stretches[name]
                    cut[name] = border_stretch(border, tuple(st["from"][::-1]), tuple(st["to"][::-1]))
                far = farthest_km(point.x, point.y, cut[name])
            else:
                problems.append(f"{where}: covers {claim!r} names no place (place:<id>), crossing "
                                "(crossing:<id>) or border stretch (border:<id> in base.toml)")
                continue
            if far > radius_km:
                problems.append(f"{where}: its {radius_km:g} km radius does not cover {claim} "
                                f"(which reaches {far:.1f} km from the point)")


LONG_GAP_DAYS = 183  # six months: a longer gap in 2012-2025 needs a recorded search (coverage.toml)
RECORD_YEARS = (2012, 2025)


def searched_table(curated_dir: Path = CURATED_DIR) -> list[dict[str, Any]]:
    """The ``[[searched]]`` entries of coverage.toml: what was searched for a gap, what was found."""
    return list(load_tables(curated_dir)[1].get("coverage", {}).get("searched", []))


def gap_reason(after: str, before: str, searched: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The recorded search that covers the gap's days (from the day after ``after`` to the day
    before ``before``), if any."""
    first = (dt.date.fromisoformat(after) + dt.timedelta(days=1)).isoformat()
    last = (dt.date.fromisoformat(before) - dt.timedelta(days=1)).isoformat()
    for entry in searched:
        if str(entry.get("from")) <= first and last <= str(entry.get("to")):
            return entry
    return None


def unexplained_gaps(props: list[dict[str, Any]], searched: list[dict[str, Any]]) -> list[tuple[int, str, str]]:
    """Gaps of more than six months within the record's years with no recorded search."""
    lo, hi = RECORD_YEARS
    return [(days, a, b) for days, a, b in event_gaps(props)
            if days > LONG_GAP_DAYS and lo <= int(a[:4]) and int(b[:4]) <= hi + 1
            and gap_reason(a, b, searched) is None]


def _year_table(props: list[dict[str, Any]]) -> list[str]:
    """Events per year, by kind and by side of the border, as aligned text rows."""
    kinds = [k for k, _ in Counter(p["kind"] for p in props).most_common()]
    sides = ("IRN", "PAK", "far")
    head = ["year", "all", *kinds, *sides]
    rows = [head]
    for year in sorted({p["date"][:4] for p in props}):
        these = [p for p in props if p["date"][:4] == year]
        kc = Counter(p["kind"] for p in these)
        sc = Counter(p["border_side"] if isinstance(p.get("border_side"), str) else "far" for p in these)
        rows.append([year, str(len(these)), *(str(kc.get(k, 0)) for k in kinds), *(str(sc.get(s, 0)) for s in sides)])
    width = [max(len(r[i]) for r in rows) for i in range(len(head))]
    return ["    " + "  ".join(c.rjust(w) for c, w in zip(r, width, strict=True)) for r in rows]


def _reprints(props: list[dict[str, Any]]) -> tuple[list[str], list[str]]:
    """(lines flagging each source on an aggregator or reprint site, ids of events whose only
    sources are such copies)."""
    flagged: dict[str, str] = {}
    only: list[str] = []
    for p in props:
        marks = [aggregator_of(src) for src in p.get("sources") or []]
        for src, mark in zip(p.get("sources") or [], marks, strict=True):
            if mark:
                flagged[str(src.get("url"))] = f"{src.get('publisher')} <{src.get('url')}>: {mark}"
        if marks and all(marks):
            only.append(str(p.get("id")))
    return sorted(flagged.values()), only


def coverage_report(events: list[dict[str, Any]], searched: list[dict[str, Any]] | None = None,
                    registry: dict[str, Any] | None = None) -> str:
    """Events per year (by kind and side), the longest gaps with what was searched for them, and
    the sources on aggregators or reprint sites, with the count of events that have no other.

    A gap runs from the last day of every event so far to the first day of the next one.
    """
    props = [f["properties"] for f in events]
    if not props:
        return "coverage: no events"
    searched = searched_table() if searched is None else searched
    years = Counter(p["date"][:4] for p in props)
    kinds = Counter(p["kind"] for p in props)
    sides = Counter(p["border_side"] if isinstance(p.get("border_side"), str) else "beyond 500 km (no side)"
                    for p in props)
    lines = [f"coverage: {len(props)} events, {min(years)}-{max(years)}",
             "  per year: " + ", ".join(f"{y} {n}" for y, n in sorted(years.items())),
             "  per kind: " + ", ".join(f"{k} {n}" for k, n in kinds.most_common()),
             "  per side: " + ", ".join(f"{s} {n}" for s, n in sorted(sides.items())),
             "  per year by kind and side (far: beyond 500 km):", *_year_table(props)]
    gaps = event_gaps(props)
    if gaps:
        days, after, before = max(gaps)
        lines.append(f"  longest gap: {days} days, {after} to {before}")
        lines.append("  gaps over six months, longest first:")
        for d, a, b in sorted((g for g in gaps if g[0] > LONG_GAP_DAYS), reverse=True):
            reason = gap_reason(a, b, searched)
            why = (f"searched: {reason['searched']} Found: {reason['found']}" if reason
                   else "NO RECORDED SEARCH (add one to coverage.toml or fill the gap)")
            lines.append(f"    {d} days, {a} to {b}: {why}")
    flagged, only = _reprints(props)
    if registry:  # every source of every curated file, not only the events'
        flagged = sorted(f"{key} ({src.get('publisher')}): {mark}" for key, src in registry.items()
                         if (mark := aggregator_of(src)))
    lines.append(f"  events whose only sources are reprints or aggregators: {len(only)}"
                 + (f" ({', '.join(only)})" if only else ""))
    if flagged:
        lines.append("  sources on aggregators or reprint sites (look for the original):")
        lines += [f"    {line}" for line in flagged]
    return "\n".join(lines)


def event_gaps(props: list[dict[str, Any]]) -> list[tuple[int, str, str]]:
    """(days without an event, last day before, first day after) for each gap between events."""
    spans = sorted((dt.date.fromisoformat(p["date"]), dt.date.fromisoformat(p.get("date_last") or p["date"]))
                   for p in props)
    gaps = []
    reach = spans[0][1]
    for first, last in spans[1:]:
        days = (first - reach).days - 1
        if days > 0:
            gaps.append((days, reach.isoformat(), first.isoformat()))
        reach = max(reach, last)
    return gaps


def _order(item: tuple[Any, dict[str, Any]]) -> tuple[str, str]:
    """Features in date order (undated layers by id), so rebuilt files diff cleanly."""
    props = item[1]
    return (str(props.get("date", "")), str(props.get("id", "")))


def published_areas(curated_dir: Path = CURATED_DIR) -> tuple[dict[str, Any], dict[str, Any]]:
    """(source registry, published area table) for the base build."""
    sources, tables = load_tables(curated_dir)
    return sources, tables.get("base", {}).get("published_area", {})
