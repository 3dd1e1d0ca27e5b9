"""What a map shows: a date window, a set of layers and a basemap, parsed from any door.

The app's URL, the CLI's options and a figure recipe all become a ``View``, and every bad
value is reported by name, never as a traceback.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from geo._paths import DATA_DIR
from geo._schema import LAYER_NAMES, check_layer_names
from geo.errors import UnknownLayerError, ViewError
from geo.limits import MIN_EXTENT_DEGREES
from geo.safe_text import quote


def data_years(path: Any = None, default: tuple[int, int] = (2012, 2025)) -> tuple[dt.date, dt.date]:
    """The span the slider covers: from 1 January of the first event's year to 31 December of
    the year of the last day of the last event (data/events.geojson, read as plain JSON)."""
    try:
        text = (path or DATA_DIR / "events.geojson").read_text(encoding="utf-8")
        props = [f["properties"] for f in json.loads(text)["features"]]
        first = min(int(p["date"][:4]) for p in props)
        last = max(int((p.get("date_last") or p["date"])[:4]) for p in props)
    except (OSError, ValueError, KeyError, TypeError):  # no data yet: the atlas's planned span
        first, last = default
    return dt.date(first, 1, 1), dt.date(last, 12, 31)


# The span the slider covers follows the shipped events.
ATLAS_START, ATLAS_END = data_years()
DEFAULT_LAYERS: tuple[str, ...] = LAYER_NAMES


@dataclass(frozen=True)
class Basemap:
    """A basemap a user can pick: its label, and its tiles (an ``xyzservices`` provider name;
    None: the offline map, drawn from the bundled context layer)."""

    label: str
    tiles: str | None = None


# The one table of basemaps: the app's choices, the URL's values and the web map's tiles.
BASEMAPS: dict[str, Basemap] = {
    "offline": Basemap("Offline: bundled context map"),
    "osm": Basemap("OpenStreetMap (online)", "OpenStreetMap.Mapnik"),
    "satellite": Basemap("Satellite imagery, Esri (online)", "Esri.WorldImagery"),
}
DEFAULT_BASEMAP = "offline"

# Named windows a user can pick instead of dragging the slider.
PRESETS: dict[str, tuple[dt.date, dt.date]] = {
    "crisis-week": (dt.date(2024, 1, 15), dt.date(2024, 1, 22)),
    "dec2023-apr2024": (dt.date(2023, 12, 1), dt.date(2024, 4, 30)),
    "everything": (ATLAS_START, ATLAS_END),
}
PRESET_LABELS = {
    "crisis-week": "Crisis week (15–22 Jan 2024)",
    "dec2023-apr2024": "Dec 2023 – Apr 2024",
    "everything": f"Everything ({ATLAS_START.year}–{ATLAS_END.year})",
}
DEFAULT_PRESET = "crisis-week"



@dataclass(frozen=True)
class View:
    start: dt.date = PRESETS[DEFAULT_PRESET][0]
    end: dt.date = PRESETS[DEFAULT_PRESET][1]
    layers: tuple[str, ...] = DEFAULT_LAYERS
    basemap: str = DEFAULT_BASEMAP
    extent: tuple[float, float, float, float] | None = None  # lon_min, lat_min, lon_max, lat_max
    notes: tuple[str, ...] = field(default=(), compare=False)  # what was fixed while parsing

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ViewError(f"end date {self.end} is before start date {self.start}")
        try:
            check_layer_names(self.layers)
        except UnknownLayerError as exc:
            raise ViewError(str(exc), value=exc.value) from None
        if self.basemap not in BASEMAPS:
            raise ViewError(f"unknown basemap {self.basemap!r}; choose one of {', '.join(BASEMAPS)}")
        if self.extent is not None:
            check_extent(self.extent)

    def with_(self, **changes: Any) -> View:
        return replace(self, **changes)

    def to_query(self) -> dict[str, str]:
        """URL query parameters that reopen this view."""
        query = {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "layers": ",".join(self.layers),
            "basemap": self.basemap,
        }
        return query


def parse_date_param(name: str, value: Any) -> dt.date:
    """An ISO date, or ViewError naming the parameter and the value."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ViewError(f"{quote(text)} is not a date (use YYYY-MM-DD)", field=name, value=value) from None


def parse_layers_param(value: Any) -> tuple[str, ...]:
    """Layer names from a comma-separated text or a list, in the atlas's drawing order."""
    names = [n.strip() for n in (value.split(",") if isinstance(value, str) else value)]
    names = [n for n in names if n]
    try:
        return check_layer_names(names)
    except UnknownLayerError as exc:
        raise ViewError(str(exc), field="layers", value=exc.value) from None


def check_extent(extent: Any) -> tuple[float, float, float, float]:
    """lon_min, lat_min, lon_max, lat_max within WGS84 range, in order and at least
    ``MIN_EXTENT_DEGREES`` a side (smaller, the scale bar and grid cannot be drawn)."""
    try:
        x0, y0, x1, y1 = (float(v) for v in extent)
    except (TypeError, ValueError):
        raise ViewError(f"{quote(extent)} is not four numbers lon_min,lat_min,lon_max,lat_max",
                        field="extent", value=extent) from None
    if not (-180 <= x0 < x1 <= 180 and -90 <= y0 < y1 <= 90):
        raise ViewError(f"{x0},{y0},{x1},{y1} is not lon_min<lon_max in [-180,180], "
                        "lat_min<lat_max in [-90,90]", field="extent", value=extent)
    if min(x1 - x0, y1 - y0) < MIN_EXTENT_DEGREES:
        raise ViewError(f"{x0},{y0},{x1},{y1} is {x1 - x0:.3g}° by {y1 - y0:.3g}°, "
                        f"smaller than the minimum of {MIN_EXTENT_DEGREES:g}° a side (about 1 km)", field="extent", value=extent)
    return (x0, y0, x1, y1)


def view_from_query(query: Mapping[str, Any]) -> View:
    """A View from URL query parameters; a bad parameter falls back to its default.

    What was wrong is kept in ``View.notes`` so the app can tell the user.
    """
    default = View()
    notes: list[str] = []
    start, end = default.start, default.end
    # a named window: ``window=`` (``preset=`` in older links)
    key = "window" if "window" in query else "preset"
    preset = query.get(key)
    if preset is not None:
        if preset in PRESETS:
            start, end = PRESETS[preset]
        else:
            notes.append(f"{key} {quote(preset)} is unknown; showing the default window")
    for name in ("start", "end"):
        if name in query:
            try:
                value = parse_date_param(name, query[name])
            except ViewError as exc:
                notes.append(f"{exc}; using the default")
                continue
            if not ATLAS_START <= value <= ATLAS_END:
                notes.append(f"{name}: {value} is outside {ATLAS_START}–{ATLAS_END}; using the default")
                continue
            start, end = (value, end) if name == "start" else (start, value)
    if end < start:
        notes.append(f"end {end} is before start {start}; showing the default window")
        start, end = default.start, default.end
    layers = default.layers
    if "layers" in query:
        try:
            layers = parse_layers_param(query["layers"])
        except ViewError as exc:
            notes.append(f"{exc}; showing the default layers")
    basemap = query.get("basemap", default.basemap)
    if basemap not in BASEMAPS:
        notes.append(f"basemap {quote(basemap)} is unknown; using {DEFAULT_BASEMAP}")
        basemap = DEFAULT_BASEMAP
    return View(start=start, end=end, layers=layers, basemap=basemap, notes=tuple(notes))


# ---- The map's view and a linked event, from the URL --------------------------------------
MIN_ZOOM, MAX_ZOOM = 3, 14  # the web map's zoom range
EVENT_ID_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-_#")
EVENT_ID_MAX = 120


@dataclass(frozen=True)
class MapView:
    """Where the web map looks: centre (WGS84) and zoom."""

    lat: float
    lon: float
    zoom: int


def map_view_from_query(query: Mapping[str, Any]) -> tuple[MapView | None, list[str]]:
    """The map's centre and zoom from ``lat``, ``lon`` and ``zoom``, all three or none.

    A bad value is left out and named in the returned notes.
    """
    keys = ("lat", "lon", "zoom")
    if not any(k in query for k in keys):
        return None, []
    try:
        lat, lon, zoom = float(query["lat"]), float(query["lon"]), float(query["zoom"])
    except (KeyError, TypeError, ValueError):
        return None, ["lat, lon and zoom must be three numbers; showing the whole region"]
    if not (-85 <= lat <= 85 and -180 <= lon <= 180 and MIN_ZOOM <= zoom <= MAX_ZOOM):
        return None, [f"lat/lon/zoom outside -85..85, -180..180, {MIN_ZOOM}..{MAX_ZOOM}; "
                      "showing the whole region"]
    return MapView(round(lat, 4), round(lon, 4), int(zoom)), []


def event_id_param(value: Any) -> str | None:
    """An event id from the URL if it could be one (lower-case slug), else None."""
    text = str(value)
    if 0 < len(text) <= EVENT_ID_MAX and set(text) <= EVENT_ID_CHARS:
        return text
    return None
