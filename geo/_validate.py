"""Check a layer's features against its schema; collect every problem, then raise once."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable, Mapping
from typing import Any

from shapely import geometry as sgeom
from shapely.validation import explain_validity

from geo._schema import (
    ANY,
    BOOL,
    CROSSING_STATUSES,
    DATE,
    HISTORY,
    INT,
    INT_LIST,
    NUM,
    SOURCES,
    STR,
    STR_LIST,
    LayerSchema,
)
from geo.errors import LayerValidationError
from geo.timespan import DEFAULT_PRECISION, date_last, precision_problem

_PARTIAL_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_SOURCE_KEYS = ("title", "publisher", "date", "url")
_WGS84_NAMES = ("urn:ogc:def:crs:OGC:1.3:CRS84", "urn:ogc:def:crs:EPSG::4326", "EPSG:4326")


def parse_date(value: Any) -> dt.date | None:
    """Return the date of an ISO ``YYYY-MM-DD`` string, or None if it is not one."""
    if not isinstance(value, str):
        return None
    try:
        return dt.date.fromisoformat(value) if len(value) == 10 else None
    except ValueError:
        return None


def _partial_date_ok(value: Any) -> bool:
    if value == "n.d.":  # the publisher states no date; said openly, as citation styles do
        return True
    if not isinstance(value, str) or not _PARTIAL_DATE.match(value):
        return False
    parts = [int(p) for p in value.split("-")]
    parts += [1] * (3 - len(parts))
    try:
        dt.date(*parts)
    except ValueError:
        return False
    return True


def _check_value(kind: str, value: Any) -> str | None:
    """Return why ``value`` is not of ``kind``, or None if it is."""
    if kind == STR:
        return None if isinstance(value, str) and value.strip() else "is not a non-empty text"
    if kind == INT:
        ok = isinstance(value, int) and not isinstance(value, bool) and value >= 0
        return None if ok else f"{value!r} is not a whole number >= 0"
    if kind == NUM:
        ok = (
            isinstance(value, int | float)
            and not isinstance(value, bool)
            and math.isfinite(value)
            and value >= 0
        )
        return None if ok else f"{value!r} is not a finite number >= 0"
    if kind == BOOL:
        return None if isinstance(value, bool) else f"{value!r} is not true/false"
    if kind == DATE:
        return None if parse_date(value) else f"{value!r} is not a date (YYYY-MM-DD)"
    if kind == STR_LIST:
        ok = isinstance(value, list) and bool(value) and all(isinstance(v, str) for v in value)
        return None if ok else "is not a non-empty list of texts"
    if kind == INT_LIST:
        ok = isinstance(value, list) and all(
            isinstance(v, int) and not isinstance(v, bool) for v in value
        )
        return None if ok else "is not a list of whole numbers"
    if kind == SOURCES:
        return _check_sources(value)
    if kind == HISTORY:
        return _check_history(value)
    if kind == ANY:
        return None
    raise ValueError(f"unknown field kind {kind!r}")


def _check_sources(value: Any) -> str | None:
    if not isinstance(value, list) or not value:
        return "has no sources (needs a list of {title, publisher, date, url})"
    for i, src in enumerate(value):
        if not isinstance(src, Mapping):
            return f"source {i} is not an object"
        missing = [k for k in _SOURCE_KEYS if not (isinstance(src.get(k), str) and src[k].strip())]
        if missing:
            return f"source {i} lacks {', '.join(missing)}"
        if not _partial_date_ok(src["date"]):
            return f"source {i} date {src['date']!r} is not YYYY, YYYY-MM, YYYY-MM-DD or n.d."
        if not src["url"].startswith(("https://", "http://")):
            return f"source {i} url {src['url']!r} is not a web address"
    return None


def _check_history(value: Any) -> str | None:
    """A crossing's status history: dated entries in date order, each with its sources."""
    if not isinstance(value, list):
        return "is not a list of {date, status, note, sources}"
    previous = None
    for i, entry in enumerate(value):
        if not isinstance(entry, Mapping):
            return f"entry {i} is not an object"
        day = parse_date(entry.get("date"))
        if day is None:
            return f"entry {i} date {entry.get('date')!r} is not a date (YYYY-MM-DD)"
        if entry.get("status") not in CROSSING_STATUSES:
            return f"entry {i} status {entry.get('status')!r} is not one of {', '.join(CROSSING_STATUSES)}"
        if previous is not None and day < previous:
            return f"entry {i} ({day}) is before entry {i - 1} ({previous}): keep date order"
        why = _check_sources(entry.get("sources"))
        if why:
            return f"entry {i} {why}"
        previous = day
    return None


def _geometry_problems(geometry: Any, schema: LayerSchema) -> tuple[Any, list[str]]:
    if not isinstance(geometry, Mapping):
        return None, ["has no geometry"]
    gtype = geometry.get("type")
    if gtype not in schema.geometry_types:
        return None, [f"geometry is {gtype!r}, expected {' or '.join(schema.geometry_types)}"]
    try:
        geom = sgeom.shape(geometry)
    except Exception as exc:  # shapely raises several types for malformed coordinates
        return None, [f"geometry cannot be read: {exc}"]
    problems = []
    if geom.is_empty:
        problems.append("geometry is empty")
    else:
        minx, miny, maxx, maxy = geom.bounds
        if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
            problems.append(
                f"coordinates {geom.bounds} are outside longitude/latitude range "
                "(data must be WGS84 longitude, latitude)"
            )
        elif not geom.is_valid:
            problems.append(f"geometry is invalid: {explain_validity(geom)}")
    return geom, problems


def validate_features(
    collection: Mapping[str, Any], schema: LayerSchema, path: str
) -> list[tuple[dict[str, Any], Any]]:
    """Validate a parsed GeoJSON FeatureCollection; return (properties, shapely geometry) pairs.

    Raises
    ------
    LayerValidationError
        Listing every problem, each naming the feature (index and id) and field.
    """
    problems: list[str] = list(_crs_problems(collection.get("crs")))
    features = collection.get("features")
    if not isinstance(features, list):
        raise LayerValidationError(path, ["'features' is not a list"])
    if not features:
        problems.append("has no features")
    seen: dict[Any, int] = {}
    out: list[tuple[dict[str, Any], Any]] = []
    for index, feature in enumerate(features):
        props = feature.get("properties") if isinstance(feature, Mapping) else None
        fid = props.get("id") if isinstance(props, Mapping) else None
        where = f"feature {index}" + (f" (id {fid!r})" if fid is not None else "")
        if not isinstance(props, Mapping):
            problems.append(f"{where}: has no properties object")
            continue
        geom, geom_problems = _geometry_problems(feature.get("geometry"), schema)
        problems.extend(f"{where}: {p}" for p in geom_problems)
        problems.extend(f"{where}: {p}" for p in _field_problems(props, schema))
        problems.extend(f"{where}: {p}" for p in _range_problems(props))
        if fid is not None:
            if fid in seen:
                problems.append(f"{where}: id repeats feature {seen[fid]}")
            else:
                seen[fid] = index
        out.append((dict(props), geom))
    if problems:
        raise LayerValidationError(path, problems)
    return out


def _crs_problems(crs: Any) -> Iterable[str]:
    """A collection's named CRS, when it has one, must be WGS84."""
    if crs is None:
        return
    name = (crs.get("properties") or {}).get("name") if isinstance(crs, Mapping) else None
    if name not in _WGS84_NAMES:
        yield f"CRS is {name or crs!r}; layers must be WGS84 (EPSG:4326)"


def _field_problems(props: Mapping[str, Any], schema: LayerSchema) -> Iterable[str]:
    """Each field of the schema: given when required, of its kind, one of its choices."""
    for field in schema.fields:
        value = props.get(field.name)
        if value is None:
            if field.required:
                yield f"field {field.name!r} is missing"
            continue
        why = _check_value(field.kind, value)
        if why is None and field.choices is not None and value not in field.choices:
            why = f"{value!r} is not one of {', '.join(field.choices)}"
        if why:
            yield f"field {field.name!r} {why}"


def derived_deaths(props: Mapping[str, Any]) -> tuple[int, int] | None:
    """All deaths (victims killed + perpetrators killed), low and high, as ACLED counts
    ``fatalities``; a count not reported adds nothing; None when neither is reported."""
    parts = [(props.get(f"{w}_low"), props.get(f"{w}_high")) for w in ("killed", "perpetrators_killed")]
    known = [(lo, hi) for lo, hi in parts if isinstance(lo, int) and isinstance(hi, int)]
    if not known:
        return None
    return sum(lo for lo, _ in known), sum(hi for _, hi in known)


def _deaths_problems(props: Mapping[str, Any]) -> Iterable[str]:
    """``deaths_low``/``deaths_high``, when given, are the victims plus the perpetrators."""
    low, high = props.get("deaths_low"), props.get("deaths_high")
    if low is None and high is None:
        return
    expected = derived_deaths(props)
    if expected != (low, high):
        yield (f"fields 'deaths_low'/'deaths_high' ({low}, {high}) are not killed + perpetrators_killed "
               f"({expected})")


def _range_problems(props: Mapping[str, Any]) -> Iterable[str]:
    """Cross-field checks: ranges ordered, end not before start."""
    for what in ("killed", "injured", "perpetrators_killed", "deaths"):
        low, high = props.get(f"{what}_low"), props.get(f"{what}_high")
        if isinstance(low, int) and isinstance(high, int) and low > high:
            yield f"field '{what}_low' {low} is above '{what}_high' {high}"
        elif (low is None) != (high is None):
            yield f"fields '{what}_low' and '{what}_high' must be given together"
    yield from _deaths_problems(props)
    start, end = parse_date(props.get("date")), parse_date(props.get("end_date"))
    if start and end and end < start:
        yield f"field 'end_date' {props['end_date']} is before 'date' {props['date']}"
    precision = props.get("time_precision")
    if start and isinstance(precision, str):
        why = precision_problem(start, precision)
        if why:
            yield why
    last = parse_date(props.get("date_last"))
    if start and last and not (isinstance(precision, str) and precision_problem(start, precision)):
        expected = date_last(start, precision or DEFAULT_PRECISION, end)
        if last != expected:
            yield (f"field 'date_last' {props['date_last']} is not the last day of the event "
                   f"({expected}: the later of end_date and the end of its {precision or DEFAULT_PRECISION})")
