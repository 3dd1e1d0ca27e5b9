"""The contract between Python and the browser engine (static/atlas/), defined once.

Three parts, each documented in static/atlas/CONTRACT.md (a test checks that the file, this
module and the engine's modules use the same names):

- ``FEATURE``: the properties the engine reads on a feature, by readable name. On the wire
  they keep short keys (``_d0``...): every feature of every layer carries them, and the
  underscore keeps them apart from a feature's own data.
- ``EngineData`` and ``EngineView``: the engine's configuration. ``EngineData`` is the same
  for every session (built once, by ``geo.web.explorer.engine_config``); ``EngineView`` is
  what a session or an exported file opens with (built by ``ui/explorer.py`` and
  ``geo/web/page.py``, each setting only its own part). Their JSON keys are the fields'
  names in camelCase. ``check_config`` says what is wrong with a configuration.
- ``URL_KEYS``: the view's keys in an address, which the page writes and Python reads;
  ``window`` is a named window (``preset``, its old name, is still read).
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal, Union


@dataclass(frozen=True)
class FeatureKeys:
    """The wire keys of the properties the engine reads on a feature."""

    id: str = "_id"                 # the feature's id (events and crossings: links, the table)
    style: str = "_s"               # its look: the spec's Style as JSON (layers.symbols draws it)
    tooltip: str = "_t"             # tooltip HTML, built and escaped by the layer's spec
    popup: str = "_p"               # popup HTML, built and escaped by the layer's spec
    precision_radius: str = "_r"    # a precision circle's radius (m): drawn, never clicked
    area_outline: str = "_a"        # an area outline (a site known only within it): drawn, never clicked
    label: str = "_l"               # a permanent label's text (a point at a line's end)
    label_side: str = "_ld"         # which side of its point the label goes
    first_day: str = "_d0"          # first day shown (days since 1970-01-01; null: always)
    last_day: str = "_d1"           # last day shown (null: open-ended)
    group: str = "_g"               # the timeline's stack (an actor group's key)
    timeline_text: str = "_tl"      # a plain-text line for the timeline's mark
    status_history: str = "_h"      # [[day, status], ...]: a crossing's status from each day on
    closed_style: str = "_sc"       # the crossing's look while closed
    filter_fields: str = "_f"       # what the filters read: {k: kind, s: side, n: killed, p: precision, x: text}


FEATURE = FeatureKeys()


def feature_keys() -> dict[str, str]:
    """{readable name: wire key} of every feature property the engine reads."""
    return {f.name: getattr(FEATURE, f.name) for f in dataclasses.fields(FEATURE)}


# ---- the configuration ----------------------------------------------------------------------
IsoDate = str  # YYYY-MM-DD
Json = Any     # a JSON value built elsewhere (a FeatureCollection, a column of imported events)


@dataclass(frozen=True)
class EngineData:
    """The engine's data, the same for every session and in every exported file."""

    dated: str | dict[str, Json]          # every dated layer (FeatureCollections), or its file's URL
    static: list[list[Json]]              # [[layer, URL or FeatureCollection], ...], drawing order
    domain: list[IsoDate]                 # [first, last] day the timeline covers
    presets: list[dict[str, str]]         # the named windows: {key, label, start, end}
    groups: list[dict[str, str]]          # the timeline's stacks: {key, label, color}
    basemaps: dict[str, str]              # basemap key -> JavaScript name of folium's tile layer
    labels: list[dict[str, Json]]         # towns to label, most important first: {id, name, lat, lon, rank}
    bounds: list[list[float]]             # [[south, west], [north, east]]: the view with no other
    timeline_layer: str | None            # the layer whose events are the timeline's bars and marks
    label_layer: str | None               # the layer whose towns are labelled (labels shown with it)
    background_layer: str | None          # the layer whose fill gives way to online tiles
    imported_layer: str                   # the name a user's imported events go by in ``layers``
    url_keys: list[str]                   # the view's keys in an address (URL_KEYS)
    filter_choices: dict[str, list[dict[str, str]]]  # each filter's values: {kind|actor|side|precision: [{key, label}]}

    def to_json(self) -> dict[str, Any]:
        return _to_json(self)


@dataclass(frozen=True)
class EngineView:
    """What a session (the app) or an exported file opens with, and what may change later."""

    window: list[IsoDate]                 # [start, end] of the window it opens on
    layers: list[str]                     # layers shown (an import as ``imported_layer``)
    basemap: str
    legend: str                           # legend HTML, built by Python from the specs
    view: dict[str, float] | None = None  # {lat, lon, zoom}; None: the atlas's bounds
    event: str | None = None              # an event to open at the start
    link_base: str | None = None          # the address events link to; None (a file): no link box
    focus: dict[str, Json] | None = None  # an event to open now: {id, nonce} (once per nonce)
    imported_key: str | None = None       # which import ``imported`` is (a new key: redrawn)
    imported: Json = None                 # the imported events' columns (an Arrow table in the app)
    imported_meta: dict[str, Json] | None = None  # their styles, popup fields, title, source, ramp
    url_layers: list[str] | None = None   # the layers a link names (the app: never an import)
    filters: dict[str, str] | None = None  # the filters in force, as URL keys (geo.view.Filters)
    event_pages: dict[str, str] | None = None  # a static site: each event's own page (relative), by id

    def to_json(self) -> dict[str, Any]:
        return _to_json(self)


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def _to_json(obj: EngineData | EngineView) -> dict[str, Any]:
    return {_camel(f.name): getattr(obj, f.name) for f in dataclasses.fields(obj)}


def config_types() -> dict[str, Any]:
    """{JSON key: its Python type} of every key of the configuration."""
    out: dict[str, Any] = {}
    for cls in (EngineData, EngineView):
        hints = typing.get_type_hints(cls)
        out.update({_camel(f.name): hints[f.name] for f in dataclasses.fields(cls)})
    return out


def _fits(value: Any, kind: Any) -> bool:
    """Whether a JSON value fits a type of the contract (containers checked one level down)."""
    if kind is Any:
        return True
    origin = typing.get_origin(kind)
    if origin in (Union, types.UnionType):
        return any(_fits(value, k) for k in typing.get_args(kind))
    if origin is Literal:
        return value in typing.get_args(kind)
    if kind is type(None):
        return value is None
    if kind is float:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if origin is list:
        (item,) = typing.get_args(kind)
        return isinstance(value, list) and all(_fits(v, item) for v in value)
    if origin is dict:
        key, item = typing.get_args(kind)
        return isinstance(value, dict) and all(_fits(k, key) and _fits(v, item) for k, v in value.items())
    return isinstance(value, kind) and not (kind is int and isinstance(value, bool))


def check_config(config: Mapping[str, Any], *, whole: bool = True) -> list[str]:
    """What is wrong with a configuration: unknown keys, wrong types and, when ``whole``,
    missing keys of ``EngineData`` (empty when nothing is)."""
    kinds = config_types()
    problems = [f"unknown key {key!r}" for key in config if key not in kinds]
    problems += [f"{key}: {type(value).__name__} is not {kinds[key]}"
                 for key, value in config.items() if key in kinds and not _fits(value, kinds[key])]
    if whole:
        needed = [_camel(f.name) for f in dataclasses.fields(EngineData)]
        problems += [f"missing key {key!r}" for key in needed if key not in config]
    return problems


# ---- the address ----------------------------------------------------------------------------
# The view in an address: the page writes these (query string in the app; query or fragment
# in a static copy), Python reads them when a session starts.
URL_KEYS = ("start", "end", "layers", "basemap", "lat", "lon", "zoom")
URL_EVENT = "event"    # an event to open (the page drops it once the view moves)
URL_WINDOW = "window"  # a named window (PRESETS); an explicit start/end wins
URL_WINDOW_OLD = "preset"  # its old name, still read
