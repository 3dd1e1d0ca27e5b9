"""The data contract of each shipped layer: geometry type and the fields every feature carries."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from geo.acled import ACLED_TYPES, EVENT_TYPE_OF
from geo.timespan import TIME_PRECISIONS

# Field kinds understood by the validator (geo._validate).
STR, INT, NUM, BOOL, DATE, SOURCES, STR_LIST, INT_LIST, ANY, HISTORY = (
    "str", "int", "number", "bool", "date", "sources", "list[str]", "list[int]", "any",
    "status_history",
)


@dataclass(frozen=True)
class Field:
    name: str
    kind: str
    required: bool = True
    choices: tuple[str, ...] | None = None


@dataclass(frozen=True)
class LayerSchema:
    name: str
    geometry_types: tuple[str, ...]
    fields: tuple[Field, ...]

    @property
    def date_fields(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields if f.kind == DATE)


ISO3 = ("IRN", "PAK", "AFG", "IRQ", "SYR", "CHE", "OMN", "ARE", "TKM", "IND", "CHN", "TUR", "USA", "RUS")
# What happened (data/curated/SCHEMA.md says what each means; geo.acled maps each to ACLED).
EVENT_KINDS = ("strike", "attack", "bombing", "clash", "shelling", "shoot-down", "abduction", "release",
               "protest", "crackdown", "closure", "reopening", "border", "diplomatic")
# An event whose site is known only within an area: "province:<ISO 3166-2>", "border:<stretch>"
# or "country:<ISO3>" (Iran or Pakistan, when no more is known).
AREA_KINDS = ("province", "border", "country")
# What a place is (places.toml `kind`): the places layer draws and names each kind as itself.
PLACE_KINDS = ("town", "village", "valley", "mountain")
# A crossing's dated status changes (status_history entries). "halted": closed on that day for a
# time whose end no source gives; the map draws it closed on that day only.
CROSSING_STATUSES = ("opened", "closed", "reopened", "approved", "inaugurated", "halted")
# A point's side of the border (border_side), as readers are told it.
BORDER_SIDES = {"IRN": "Iranian side", "PAK": "Pakistani side"}

_COMMON = (Field("id", STR), Field("sources", SOURCES))

SCHEMAS: dict[str, LayerSchema] = {
    "border": LayerSchema(
        "border",
        ("LineString",),
        _COMMON
        + (
            Field("name", STR),
            Field("length_km", NUM),
            Field("published_lengths", ANY),
            Field("length_note", STR),
        ),
    ),
    "provinces": LayerSchema(
        "provinces",
        ("Polygon", "MultiPolygon"),
        _COMMON
        + (
            Field("name_en", STR),
            Field("name_fa", STR),
            Field("name_ur", STR),
            Field("iso_3166_2", STR),
            Field("country", STR, choices=ISO3),
            Field("area_km2", NUM),
            Field("published_area_km2", NUM),
            Field("published_area_source", ANY),
        ),
    ),
    "context": LayerSchema(
        "context",
        ("Polygon", "MultiPolygon", "LineString", "MultiLineString"),
        _COMMON
        + (
            Field("kind", STR, choices=("country", "province", "coast")),
            Field("name", STR),
            Field("country", STR, required=False),
        ),
    ),
    "places": LayerSchema(
        "places",
        ("Point",),
        _COMMON
        + (
            Field("name_en", STR),
            Field("name_fa", STR, required=False),
            Field("name_ur", STR, required=False),
            Field("kind", STR, choices=PLACE_KINDS),
            Field("country", STR, choices=ISO3),
            Field("precision_m", NUM),
            Field("geonameid", INT, required=False),
            Field("note", STR, required=False),
        ),
    ),
    "crossings": LayerSchema(
        "crossings",
        ("Point",),
        _COMMON
        + (
            Field("name", STR),
            Field("kind", STR, choices=("crossing", "border-market")),
            Field("pk_side", STR),
            Field("ir_side", STR),
            Field("precision_m", NUM),
            Field("opened", DATE, required=False),
            Field("status", STR, required=False),
            Field("status_history", HISTORY),
            Field("summary", STR),
        ),
    ),
    "events": LayerSchema(
        "events",
        ("Point",),
        _COMMON
        + (
            Field("date", DATE),
            Field("end_date", DATE, required=False),
            Field("time_precision", STR, choices=TIME_PRECISIONS),
            Field("date_last", DATE),
            Field("kind", STR, choices=EVENT_KINDS),
            Field("actor", STR),
            Field("target", STR),
            Field("place", STR),
            Field("country", STR, choices=ISO3),
            Field("precision_m", NUM),
            Field("location_note", STR),
            Field("killed_low", INT, required=False),
            Field("killed_high", INT, required=False),
            Field("injured_low", INT, required=False),
            Field("injured_high", INT, required=False),
            Field("perpetrators_killed_low", INT, required=False),
            Field("perpetrators_killed_high", INT, required=False),
            Field("deaths_low", INT, required=False),
            Field("deaths_high", INT, required=False),
            Field("casualty_note", STR, required=False),
            Field("area", STR, required=False),
            Field("area_geometry", ANY, required=False),
            Field("area_name", STR, required=False),
            Field("crossings", STR_LIST, required=False),
            Field("acled_event_type", STR, required=False, choices=tuple(ACLED_TYPES)),
            Field("acled_sub_event_type", STR, required=False, choices=tuple(EVENT_TYPE_OF)),
            Field("summary", STR),
            Field("footnotes", INT_LIST, required=False),
            Field("paper_note", STR, required=False),
            Field("covers", STR_LIST, required=False),
            Field("border_distance_km", NUM),
            Field("border_side", STR, required=False, choices=tuple(BORDER_SIDES)),
        ),
    ),
    "routes": LayerSchema(
        "routes",
        ("LineString",),
        _COMMON
        + (
            Field("name", STR),
            Field("kind", STR, choices=("drugs", "fuel")),
            Field("schematic", BOOL),
            Field("waypoints", STR_LIST),
            Field("summary", STR),
        ),
    ),
}

# The shipped layers: each has its file in data/.
LAYER_NAMES: tuple[str, ...] = tuple(SCHEMAS)
# The layer whose line is the Iran–Pakistan border: distances and sides are measured to it.
BORDER_LAYER = "border"
# Layers added at run time (``layers.register``): their files, by name.
ADDED_FILES: dict[str, Path] = {}


def layer_names() -> tuple[str, ...]:
    """Every layer the atlas knows: the shipped ones (``LAYER_NAMES``), then those added with
    ``layers.register``, in the order they were added."""
    return tuple(SCHEMAS)


def add_schema(schema: LayerSchema, file: Path) -> None:
    """Make ``schema`` a layer of the atlas, its features read from ``file`` (a GeoJSON
    FeatureCollection); ``layers.register`` calls this with the layer's spec."""
    if schema.name in SCHEMAS:
        raise ValueError(f"a layer named {schema.name!r} already exists")
    SCHEMAS[schema.name] = schema
    ADDED_FILES[schema.name] = Path(file)


def remove_schema(name: str) -> None:
    """Forget a layer added with ``add_schema`` (a shipped layer cannot be removed)."""
    if name not in ADDED_FILES:
        raise ValueError(f"{name!r} is not an added layer")
    del SCHEMAS[name], ADDED_FILES[name]


def check_layer_names(names: Iterable[str]) -> tuple[str, ...]:
    """The one check of layer names: ``names`` in the atlas's order (``layer_names()``); the
    first unknown one raises ``UnknownLayerError``, which lists the known layers."""
    from geo.errors import UnknownLayerError

    names = list(names)
    known = layer_names()
    for name in names:
        if name not in SCHEMAS:
            raise UnknownLayerError(name, known)
    return tuple(n for n in known if n in names)
