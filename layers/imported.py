"""Imported events layer: a user's ACLED, UCDP or GeoJSON events, drawn like the atlas's own.

Shape says what happened (kind, as in ``layers.events``, plus a square for protests and a
dot for anything else); colour says who acted (the same actor groups and palette, with the
names ACLED and UCDP use for governments and armed groups). Markers are smaller than the
curated events so those stay on top and legible. Every text in a tooltip or popup comes
from an uploaded file, so every one is escaped; a source is a link only when it is an
http(s) address.

Not in ``layers.SPECS``: that registry is the shipped data layers. The app passes
``IMPORTED`` to the web map itself when a user has imported a file.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import lru_cache
from html import escape
from typing import Any

from geo.imports.problems import ROW_LABELS
from layers import palette as pal
from layers._popup import fmt_date, fmt_precision, fmt_range, missing, number, table_html
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


def linked_text_html(text: Any) -> str:
    """Text with its http(s) addresses as links; everything escaped, nothing else linked."""
    if missing(text):
        return ""
    text = str(text)
    out, last = [], 0
    for match in _URL.finditer(text):
        url = match.group(0).rstrip(_URL_TRAILING)
        end = match.start() + len(url)
        out.append(escape(text[last:match.start()]))
        out.append(f'<a href="{escape(url, quote=True)}" target="_blank" '
                   f'rel="noopener noreferrer nofollow">{escape(url)}</a>')
        last = end
    out.append(escape(text[last:]))
    return "".join(out)


def source_html(p: Mapping[str, Any]) -> str:
    body = linked_text_html(p.get("source"))
    return f'<div class="ba-sources"><b>Source:</b> {body}</div>' if body else ""


def border_text(p: Mapping[str, Any]) -> str:
    """'12 km, Pakistani side', with a caution when the location is vaguer than the distance."""
    dist = number(p.get("border_distance_km"))
    if dist is None:
        return "unknown"
    text = f"{dist:,.0f} km"
    side = {"IRN": "Iranian side", "PAK": "Pakistani side"}.get(str(p.get("border_side")), "")
    if side and (radius := number(p.get("precision_m"))) is not None and radius / 1000 >= dist:
        return text + f", {side} as placed; the location's precision (± {radius / 1000:,.0f} km) spans the border"
    return text + (f", {side}" if side else "")


def _what(p: Mapping[str, Any]) -> str:
    kind = str(p.get("kind", "")).replace("-", " ")
    original = p.get("event_type")
    return f"{kind} ({original})" if not missing(original) and str(original).lower() != kind else kind


def _popup(p: Mapping[str, Any]) -> str:
    start, end = fmt_date(p.get("date")), fmt_date(p.get("end_date"))
    killed = fmt_range(p.get("killed_low"), p.get("killed_high"))
    origin = str(p.get("origin", ""))
    provenance = ORIGIN_NAMES.get(origin, origin)
    if not missing(p.get("row")):
        provenance += f", {ROW_LABELS.get(origin, 'row')} {int(p['row'])}"
    rows = [
        ("Date", f"{start} to {end}" if end and end != start else start),
        ("Date precision", p.get("date_precision")),
        ("What", _what(p)),
        ("Actor", p.get("actor")),
        ("Target", p.get("target")),
        ("Place", p.get("place")),
        ("Country", p.get("country")),
        ("Killed", None if killed == "unknown" else killed),
        ("Location precision", fmt_precision(p.get("precision_m"))),
        ("How it was placed", p.get("location_note")),
        ("Distance to border", border_text(p)),
        ("Summary", p.get("summary")),
        ("Import note", p.get("import_note")),
        ("Imported from", provenance),
        ("Id", p.get("id")),
    ]
    return table_html(f"{start} — {p.get('place') or 'imported event'}", rows, source_html(p))


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
    popup_of=_popup,
    date_field="date",
    end_field="end_date",
    label_field=None,
    z=55,  # under the curated events (60), so those stay on top
    # style_fields: what _style reads, so a renderer may style each distinct pair once.
    extra={"cluster": True, "style_fields": ("kind", "actor")},
)
