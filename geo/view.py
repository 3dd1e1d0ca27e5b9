"""What a map shows: a date window, a set of layers and a basemap, parsed from any door.

The app's URL, the CLI's options and a figure recipe all become a ``View``, and every bad
value is reported by name, never as a traceback.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from geo._paths import DATA_DIR
from geo._schema import check_layer_names, layer_names
from geo.errors import BorderAtlasError, UnknownLayerError, ViewError
from geo.imports.problems import IMPORT_KINDS
from geo.limits import EVENT_ID_MAX, MIN_EXTENT_DEGREES, SEARCH_MAX_CHARS, SEARCH_MAX_WORDS
from geo.safe_text import quote


def data_years(path: Any = None, default: tuple[int, int] = (2012, 2025)) -> tuple[dt.date, dt.date]:
    """The span the slider covers: from 1 January of the first event's year to 31 December of
    the year of the last day of the last event (data/events.geojson, read as plain JSON)."""
    from geo.io import read_json_file  # within the limits: never a device, never too deep

    try:
        props = [f["properties"] for f in read_json_file(path or DATA_DIR / "events.geojson")["features"]]
        first = min(int(p["date"][:4]) for p in props)
        last = max(int((p.get("date_last") or p["date"])[:4]) for p in props)
    except (BorderAtlasError, ValueError, KeyError, TypeError, IndexError):
        first, last = default  # no data yet, or damaged (the layer's loader names the fault)
    return dt.date(first, 1, 1), dt.date(last, 12, 31)


# The span the slider covers follows the shipped events.
ATLAS_START, ATLAS_END = data_years()


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
# The days any view may show: imported events from 1900 on; nothing can be dated after 2100
# (a date at the end of the calendar, 9999-12-31, has no next day to end a window on).
FIRST_VIEW_DAY, LAST_VIEW_DAY = dt.date(1900, 1, 1), dt.date(2100, 12, 31)


# ---- Filters: which events a view shows, beyond its window ---------------------------------
# The values each filter takes (the same in the URL, the command line, a recipe and the page).
FILTER_KINDS: tuple[str, ...] = IMPORT_KINDS  # the atlas's kinds, and protest/other of imports
ACTOR_GROUPS: tuple[str, ...] = ("IRN", "PAK", "militant", "joint", "other")  # layers.palette's
SIDES: tuple[str, ...] = ("IRN", "PAK")  # the side of the border an event lies on
# Time precision, finest first: a filter keeps events dated this finely or finer.
PRECISIONS: tuple[str, ...] = ("day", "week", "month", "year")
# The keys of the filters in a URL and a recipe (the command line's options are --kind, ...,
# --min-killed, with '-' for '_').
FILTER_KEYS: tuple[str, ...] = ("kind", "actor", "side", "min_killed", "precision", "search")
MAX_KILLED_FILTER = 1_000_000
_SIDE_TEXT = {"IRN": "Iranian side", "PAK": "Pakistani side"}
_GROUP_TEXT = {"IRN": "Iran", "PAK": "Pakistan", "militant": "armed group",
               "joint": "Iran and Pakistan jointly", "other": "other or unknown"}
_CONTROL_CHARS = frozenset(chr(c) for c in (*range(0x00, 0x20), *range(0x7F, 0xA0))) - {" "}


def filter_choices() -> dict[str, list[dict[str, str]]]:
    """Each filter's values and their words, for the browser's controls: kind, actor group,
    side and time precision (the URL's keys, in the same order everywhere)."""
    def listed(keys: tuple[str, ...], text: Mapping[str, str]) -> list[dict[str, str]]:
        return [{"key": k, "label": text.get(k, k)} for k in keys]

    kinds = {k: k.replace("-", " ").capitalize() for k in FILTER_KINDS}
    precisions = {"day": "To the day", "week": "To the week or finer", "month": "To the month or finer",
                  "year": "To the year or finer"}
    return {"kind": listed(FILTER_KINDS, kinds), "actor": listed(ACTOR_GROUPS, {k: v.capitalize() for k, v in _GROUP_TEXT.items()}),
            "side": listed(SIDES, {k: v.capitalize() for k, v in _SIDE_TEXT.items()}),
            "precision": listed(PRECISIONS, precisions)}


def _choices(key: str, value: Any, allowed: tuple[str, ...]) -> tuple[str, ...]:
    """Values of a multiple-choice filter (a comma-separated text or a list), each one of
    ``allowed`` (matched without regard to case), in ``allowed``'s order; ViewError names the
    first that is not."""
    if isinstance(value, str):
        items = value.split(",")
    elif isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
        items = list(value)
    else:
        raise ViewError(f"{quote(value)} is not a list of names; choose from {', '.join(allowed)}",
                        field=key, value=value)
    by_lower = {a.lower(): a for a in allowed}
    picked = set()
    for item in (i.strip() for i in items):
        if not item:
            continue
        if item.lower() not in by_lower:
            raise ViewError(f"{quote(item)} is not one of {', '.join(allowed)}", field=key, value=item)
        picked.add(by_lower[item.lower()])
    return tuple(a for a in allowed if a in picked)


def _min_killed(value: Any) -> int:
    if isinstance(value, bool):
        value = repr(value)
    text = str(value).strip()
    if isinstance(value, int) or text.isascii() and text.isdigit():
        number = int(text)
        if 0 <= number <= MAX_KILLED_FILTER:
            return number
    raise ViewError(f"{quote(value)} is not a whole number of people from 0 to {MAX_KILLED_FILTER:,}",
                    field="min_killed", value=value)


def _search(value: Any) -> str:
    if not isinstance(value, str):
        raise ViewError(f"{quote(value)} is not text", field="search", value=value)
    if any(c in _CONTROL_CHARS for c in value.replace("\t", " ")):
        raise ViewError(f"{quote(value)} holds a control character", field="search", value=value)
    text = " ".join(value.split())
    if len(text) > SEARCH_MAX_CHARS:
        raise ViewError(f"{quote(text)} is {len(text):,} characters; a search is at most "
                        f"{SEARCH_MAX_CHARS}", field="search", value=value)
    if len(text.split()) > SEARCH_MAX_WORDS:
        raise ViewError(f"{quote(text)} has {len(text.split())} words; a search is at most "
                        f"{SEARCH_MAX_WORDS}", field="search", value=value)
    return text


def _precision(value: Any) -> str | None:
    text = str(value).strip().lower()
    if text in ("", "any"):
        return None
    if text not in PRECISIONS:
        raise ViewError(f"{quote(value)} is not one of {', '.join(PRECISIONS)} (or any)",
                        field="precision", value=value)
    return text


@dataclass(frozen=True)
class Filters:
    """Which events a view shows, beyond its date window (``geo.filters`` applies them).

    Empty choices and defaults filter nothing. ``kinds``: what happened; ``actors``: who
    acted (actor groups); ``sides``: the side of the border an event lies on; ``min_killed``:
    the highest figure of people killed that a source gives is at least this (0: any, events
    without a figure included); ``precision``: the coarsest time precision kept (``week``
    keeps events known to the day or the week); ``search``: every word of it appears in the
    place, actor, target or summary (without regard to case or accents).
    """

    kinds: tuple[str, ...] = ()
    actors: tuple[str, ...] = ()
    sides: tuple[str, ...] = ()
    min_killed: int = 0
    precision: str | None = None
    search: str = ""

    def __post_init__(self) -> None:  # every door (URL, CLI, recipe, page) is checked here
        for name, key, allowed in (("kinds", "kind", FILTER_KINDS), ("actors", "actor", ACTOR_GROUPS),
                                   ("sides", "side", SIDES)):
            value = getattr(self, name)
            object.__setattr__(self, name, _choices(key, value if isinstance(value, str) else list(value),
                                                    allowed))
        object.__setattr__(self, "min_killed", _min_killed(self.min_killed))
        object.__setattr__(self, "precision", None if self.precision is None else _precision(self.precision))
        object.__setattr__(self, "search", _search(self.search))

    @property
    def active(self) -> bool:
        """Whether the filters leave any event out."""
        return self != Filters()

    def to_query(self) -> dict[str, str]:
        """The filters as URL (and recipe) keys: only those that filter."""
        out = {"kind": ",".join(self.kinds), "actor": ",".join(self.actors),
               "side": ",".join(self.sides), "min_killed": str(self.min_killed or ""),
               "precision": self.precision or "", "search": self.search}
        return {k: v for k, v in out.items() if v}

    def describe(self) -> str:
        """The filters in words, for a heading, a figure or a file ('' when none)."""
        parts = []
        if self.kinds:
            parts.append("kind " + " or ".join(k.replace("-", " ") for k in self.kinds))
        if self.actors:
            parts.append("actor " + " or ".join(_GROUP_TEXT[a] for a in self.actors))
        if self.sides:
            parts.append(" or ".join(_SIDE_TEXT[s] for s in self.sides))
        if self.min_killed:
            parts.append(f"at least {self.min_killed:,} killed")
        if self.precision:
            parts.append("dated to the day" if self.precision == "day"
                         else f"dated to the {self.precision} or finer")
        if self.search:
            parts.append(f"matching “{self.search}”")
        return "; ".join(parts)


def filters_from_mapping(data: Mapping[str, Any], *, strict: bool = True) -> tuple[Filters, list[str]]:
    """Filters from URL, recipe or command-line keys (``FILTER_KEYS``); (filters, notes).

    ``strict``: a bad value raises ViewError naming its key (a recipe, the command line);
    otherwise it is left out and named in the notes (a URL).
    """
    args: dict[str, Any] = {}
    notes: list[str] = []
    for key, arg, parse in (("kind", "kinds", lambda v: _choices("kind", v, FILTER_KINDS)),
                            ("actor", "actors", lambda v: _choices("actor", v, ACTOR_GROUPS)),
                            ("side", "sides", lambda v: _choices("side", v, SIDES)),
                            ("min_killed", "min_killed", _min_killed),
                            ("precision", "precision", _precision),
                            ("search", "search", _search)):
        if data.get(key) is None:
            continue
        try:
            args[arg] = parse(data[key])
        except ViewError as exc:
            if strict:
                raise
            notes.append(f"{exc}; not filtering by {key.replace('_', ' ')}")
    return Filters(**args), notes


@dataclass(frozen=True)
class View:
    start: dt.date = PRESETS[DEFAULT_PRESET][0]
    end: dt.date = PRESETS[DEFAULT_PRESET][1]
    layers: tuple[str, ...] = field(default_factory=layer_names)  # every layer known
    basemap: str = DEFAULT_BASEMAP
    extent: tuple[float, float, float, float] | None = None  # lon_min, lat_min, lon_max, lat_max
    filters: Filters = Filters()  # which events beyond the window (geo.filters)
    notes: tuple[str, ...] = field(default=(), compare=False)  # what was fixed while parsing

    def __post_init__(self) -> None:
        for name in ("start", "end"):
            day = getattr(self, name)
            if not isinstance(day, dt.date) or not FIRST_VIEW_DAY <= day <= LAST_VIEW_DAY:
                raise ViewError(f"{quote(day)} is outside {FIRST_VIEW_DAY}–{LAST_VIEW_DAY}, the "
                                "days a map can show", field=name, value=day)
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
    filters, filter_notes = filters_from_mapping(query, strict=False)
    return View(start=start, end=end, layers=layers, basemap=basemap, filters=filters,
                notes=tuple(notes + filter_notes))


# ---- The map's view and a linked event, from the URL --------------------------------------
MIN_ZOOM, MAX_ZOOM = 3, 14  # the web map's zoom range
EVENT_ID_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-_#")


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
