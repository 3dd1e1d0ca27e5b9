"""Imported events layer: a user's ACLED, UCDP or GeoJSON events, drawn like the atlas's own.

Shape says what happened (kind, as in ``layers.events``, plus a square for protests and a
dot for anything else); colour says who acted (the same actor groups and palette, with the
names ACLED and UCDP use for governments and armed groups). Markers are smaller than the
curated events so those stay on top and legible. The popup is the browser's
(static/atlas/imported-layer.js), from the fields ``geo.web.explorer.imported_columns``
sends, each written as text; a source is a link only when it is an http(s) address.

Not in ``layers.SPECS``: that registry is the shipped data layers. The app passes
``IMPORTED`` to the web map itself when a user has imported a file.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import lru_cache
from html import escape
from typing import Any

from geo.timespan import TimeRule
from layers import palette as pal
from layers._popup import fmt_date, missing
from layers._spec import LayerSpec, LegendEntry, Marker, Style
from layers.events import actor_group, kind_and_actor_legend

# What happened -> marker: the curated kinds' shapes, plus the one only imports have.
KIND_MARKERS: dict[str, Marker] = {**pal.KIND_MARKERS, "other": "dot"}

# Actor names as ACLED and UCDP write them ("Military Forces of Pakistan (2018-)",
# "Government of Iran", "BLA: Balochistan Liberation Army", "TTP", "Jondullah"), checked
# before the curated layer's rules. Armed groups first: "Unidentified Armed Group
# (Pakistan)" is not Pakistan.
_IMPORT_ACTOR_RULES = (
    ("militant", re.compile(
        r"armed group|militant|insurgent|gunmen|rebel|jaish|j[ou]n?d[aeou]ll?ah|\bttp\b|taliban|"
        r"taleban|tehreek|lashkar|islamic state|\bisis\b|\bisil\b|daesh|\bis-?kp?\b|al[- ]qaeda|"
        r"liberation (army|front)|\bbl[af]\b|\bbr[ag]s?\b|sipah", re.I)),
    ("IRN", re.compile(r"(forces|government|police|military|navy|army) of iran\b|revolutionary guard|"
                       r"\birgc\b|basij", re.I)),
    ("PAK", re.compile(r"(forces|government|police|military|navy|army) of pakistan\b|frontier corps|"
                       r"\blevies\b|\bisi\b", re.I)),
)
_URL = re.compile(r"https?://[^\s<>\"'`]+")
_URL_TRAILING = ".,;:!?)]}"
ORIGIN_NAMES = {"acled": "ACLED export", "ucdp": "UCDP GED export", "geojson": "GeoJSON file",
                "gpkg": "GeoPackage"}


@lru_cache(maxsize=4096)
def imported_actor_group(actor: str) -> str:
    """Palette group of an ACLED/UCDP actor name: IRN, PAK, militant, joint or other."""
    for group, pattern in _IMPORT_ACTOR_RULES:
        if pattern.search(actor):
            return group
    return actor_group(actor)


def _group(actor: Any) -> str:
    return "other" if missing(actor) else imported_actor_group(str(actor))


def _style(p: Mapping[str, Any]) -> Style:
    kind = str(p.get("kind"))
    group = _group(p.get("actor"))
    return Style(color=pal.BLACK, weight=0.75, fill=pal.ACTOR_COLORS[group],
                 fill_opacity=0.85, marker=KIND_MARKERS.get(kind, "dot"),
                 size=9 if kind in ("strike", "bombing") else 7, hatch=pal.ACTOR_HATCHES.get(group))


def _shape_kind(p: Mapping[str, Any]) -> str:
    """The kind whose shape a feature is drawn with ("other" for a kind without one)."""
    kind = str(p.get("kind"))
    return kind if kind in KIND_MARKERS else "other"


def imported_legend(kinds: Iterable[Any] | None = None,
                    actors: Iterable[Any] | None = None) -> tuple[LegendEntry, ...]:
    """Legend entries of the given kinds and actors (e.g. those on a map; all by default).

    A kind without a shape of its own is drawn as "other", so it brings that entry.
    """
    markers = KIND_MARKERS
    if kinds is not None:
        shown = {k if k in KIND_MARKERS else "other" for k in map(str, kinds)}
        markers = {k: m for k, m in KIND_MARKERS.items() if k in shown}
    groups = None if actors is None else {_group(a) for a in actors}
    return kind_and_actor_legend(markers, size=9, actor_fill_opacity=0.85, actors=groups,
                                 kind_of=_shape_kind, group_of=_group)


def _tooltip(p: Mapping[str, Any]) -> str:
    kind = str(p.get("kind", "")).replace("-", " ")
    return escape(f"{fmt_date(p.get('date'))}: {kind}, {p.get('place', '')} (imported)")


IMPORTED = LayerSpec(
    name="imported",
    title="Imported events",
    geometry="point",
    description="Events from an imported ACLED, UCDP or GeoJSON file: shape by kind, colour by "
    "actor, as the atlas's own events; not checked by the atlas's editors.",
    style_of=_style,
    legend=imported_legend(),
    tooltip_of=_tooltip,
    # The importer codes each source's time precision into time_precision (geo.imports.layouts).
    time=TimeRule("date", end_field="end_date", precision_field="time_precision"),
    label_field=None,
    z=55,  # under the curated events (60), so those stay on top
    timeline_group=lambda p: _group(p.get("actor")),  # its stacks, and the actor filter's groups
    # style_fields: what _style reads, so a renderer may style each distinct pair once.
    extra={"style_fields": ("kind", "actor")},
)
