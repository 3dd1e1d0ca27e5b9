"""Events layer: strikes, attacks, abductions, border steps and diplomacy, each a dated, sourced point.

Marker shape says what happened (kind); colour says who acted (actor group). An imprecise
site is drawn with a circle of its precision radius; a site known only within an area (a
province, a stretch of the border) with the area's outline instead.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping
from functools import partial
from html import escape
from typing import Any

from geo._validate import parse_date
from geo.timespan import DEFAULT_PRECISION, describe_when
from layers import palette as pal
from layers._popup import (
    fmt_date,
    fmt_precision,
    fmt_range,
    missing,
    number,
    sections_html,
    sources_html,
)
from layers._spec import LayerSpec, LegendEntry, Marker, Style

# Actor text -> group, first match wins. Joint actions before single governments; armed
# groups before governments because "militants operating from the Iranian side" is not Iran.
_ACTOR_RULES = (
    ("joint", re.compile(r"\b(pakistan and iran|iran and pakistan)\b", re.I)),
    ("militant", re.compile(r"jaish|islamic state|militant|armed group|gunmen|insurgent|\bbl[af]\b", re.I)),
    ("IRN", re.compile(r"^(iran|iranian)|\birgc\b", re.I)),
    ("PAK", re.compile(r"^(pakistan|pakistani)", re.I)),
)

PRECISION_STYLE = Style(color=pal.GREY, weight=1.0, dash="dash", fill=pal.GREY, fill_opacity=0.06)
# The outline of the area an event is known to lie in (``area``): dash-dot, so it is never
# taken for a precision circle or a province's edge.
AREA_STYLE = Style(color=pal.GREY, weight=1.5, dash="dashdot", fill=pal.GREY, fill_opacity=0.05)
AREA_LABELS = {"province:IR-13": "somewhere in Sistan and Baluchestan",
               "province:PK-BA": "somewhere in Balochistan",
               "country:PAK": "somewhere in Pakistan", "country:IRN": "somewhere in Iran"}


def actor_group(actor: Any) -> str:
    """Which palette group an actor belongs to: IRN, PAK, militant, joint or other."""
    text = "" if missing(actor) else str(actor)
    for group, pattern in _ACTOR_RULES:
        if pattern.search(text):
            return group
    return "other"


def _style(p: Mapping[str, Any]) -> Style:
    marker = pal.KIND_MARKERS.get(str(p.get("kind")), "circle")
    group = actor_group(p.get("actor"))
    return Style(color=pal.BLACK, weight=1.0, fill=pal.ACTOR_COLORS[group], fill_opacity=1.0,
                 marker=marker, size=14 if p.get("kind") in ("strike", "bombing") else 11,
                 hatch=pal.ACTOR_HATCHES.get(group))


def casualties_text(p: Mapping[str, Any]) -> str:
    """The victims: killed and injured (attackers are counted apart, ``perpetrators_text``)."""
    killed = fmt_range(p.get("killed_low"), p.get("killed_high"))
    injured = fmt_range(p.get("injured_low"), p.get("injured_high"))
    if killed == "unknown" and injured == "unknown":
        return "not reported"
    return f"{killed} killed, {injured} injured"


def perpetrators_text(p: Mapping[str, Any]) -> str | None:
    """Attackers or militants killed, when reported."""
    killed = fmt_range(p.get("perpetrators_killed_low"), p.get("perpetrators_killed_high"))
    return None if killed == "unknown" else killed


def deaths_text(p: Mapping[str, Any]) -> str | None:
    """All deaths (victims and perpetrators), as ACLED counts fatalities; None if unknown."""
    deaths = fmt_range(p.get("deaths_low"), p.get("deaths_high"))
    return None if deaths == "unknown" else deaths


def area_text(p: Mapping[str, Any]) -> str | None:
    """Where an event known only within an area lies, in words; None for a located event."""
    area = p.get("area")
    if missing(area):
        return None
    name = p.get("area_name")
    if not missing(name):
        return f"somewhere in {name}" if not str(area).startswith("border:") else f"somewhere along {name}"
    return AREA_LABELS.get(str(area), str(area))


def border_text(p: Mapping[str, Any]) -> str:
    dist = number(p.get("border_distance_km"))
    if dist is None:
        return "unknown"
    side = {"IRN": "Iranian side", "PAK": "Pakistani side"}.get(str(p.get("border_side")), "")
    return f"{dist:,.0f} km" + (f", {side}" if side else "")


def when_text(p: Mapping[str, Any]) -> str:
    """When an event happened, as a reader is told: a day, 'week of …', 'sometime in …',
    with its end date when it ran longer."""
    start = parse_date(fmt_date(p.get("date")))
    if start is None:
        return fmt_date(p.get("date"))
    precision = p.get("time_precision")
    precision = DEFAULT_PRECISION if missing(precision) else str(precision)
    end = parse_date(fmt_date(p.get("end_date")))
    try:
        return describe_when(start, precision, end)
    except ValueError:  # an unknown precision (a file not built by the atlas): say the day
        return describe_when(start, DEFAULT_PRECISION, end)


def _popup(p: Mapping[str, Any]) -> str:
    """What, when, where and casualties first; then how the point was placed, where the paper
    differs, and the sources with what each supports, each in a section of its own."""
    footnotes = p.get("footnotes")
    notes = ", ".join(str(n) for n in footnotes) if isinstance(footnotes, list | tuple) and len(footnotes) else None
    rows = [
        ("When", when_text(p)),
        ("What", str(p.get("kind", "")).replace("-", " ")),
        ("Actor", p.get("actor")),
        ("Target", p.get("target")),
        ("Where", p.get("place")),
        ("Area (site unknown)", area_text(p)),
        ("Casualties", casualties_text(p)),
        ("Attackers killed", perpetrators_text(p)),
        ("All deaths", deaths_text(p)),
        ("ACLED type", acled_text(p)),
        ("Distance to border", border_text(p)),
        ("Paper's footnotes", notes),
    ]
    placed = p.get("location_note")
    precision = fmt_precision(p.get("precision_m"))
    placement = "" if missing(placed) else f'<p>{escape(str(placed))}</p>'
    placed_title = ("How the place is known (the site itself is not)" if area_text(p)
                    else f"How the point was placed (precision {precision})")
    note = p.get("casualty_note")
    paper = p.get("paper_note")
    sources = p.get("sources")
    count = len(sources) if isinstance(sources, list | tuple) else 0
    sections = [
        ("Casualties: who says what", "" if missing(note) else f"<p>{escape(str(note))}</p>"),
        (placed_title, placement),
        ("Where the paper differs", "" if missing(paper) else f"<p>{escape(str(paper))}</p>"),
        (f"Sources ({count})", sources_html(sources, with_notes=True)),
    ]
    return sections_html(f"{when_text(p)} — {p.get('place', '')}", p.get("summary"), rows, sections)


def acled_text(p: Mapping[str, Any]) -> str | None:
    """ACLED's event type and sub-event type of the event (geo.acled's crosswalk)."""
    etype, sub = p.get("acled_event_type"), p.get("acled_sub_event_type")
    if missing(etype) or missing(sub):
        return None
    return f"{etype}: {sub}"


def _line(p: Mapping[str, Any]) -> str:
    """One line of plain text: when, what and where (the timeline's; escaped for the tooltip)."""
    return f"{when_text(p)}: {str(p.get('kind', '')).replace('-', ' ')}, {p.get('place', '')}"


def _tooltip(p: Mapping[str, Any]) -> str:
    return escape(_line(p))


def kind_and_actor_legend(kind_markers: Mapping[str, Marker], *, size: float = 11,
                          actor_fill_opacity: float = 1.0,
                          actors: Collection[str] | None = None,
                          kind_of: Callable[[Mapping[str, Any]], str] | None = None,
                          group_of: Callable[[Any], str] = actor_group) -> tuple[LegendEntry, ...]:
    """Legend entries for event-like layers: one per kind (shape), one per actor (colour).

    ``actors`` limits the actor entries to those groups (all of them by default). Each entry
    says which features it stands for (``LegendEntry.shows``): ``kind_of`` gives a feature's
    kind (its ``kind`` by default), ``group_of`` its actor's group.
    """
    kind_of = kind_of or _kind

    kinds = tuple(
        LegendEntry(f"Kind: {kind.replace('-', ' ')}",
                    Style(color=pal.BLACK, fill="#FFFFFF", fill_opacity=1.0, marker=marker, size=size),
                    "point", shows=partial(_is, kind_of, kind))
        for kind, marker in kind_markers.items()
    )
    colours = tuple(
        LegendEntry(f"Actor: {pal.ACTOR_LABELS[g]}",
                    Style(color=pal.BLACK, fill=c, fill_opacity=actor_fill_opacity, marker="circle",
                          size=size, hatch=pal.ACTOR_HATCHES.get(g)), "point",
                    shows=partial(_is_group, group_of, g))
        for g, c in pal.ACTOR_COLORS.items() if actors is None or g in actors
    )
    return kinds + colours


def _kind(p: Mapping[str, Any]) -> str:
    return str(p.get("kind"))


def _is(kind_of: Callable[[Mapping[str, Any]], str], kind: str, p: Mapping[str, Any]) -> bool:
    return kind_of(p) == kind


def _is_group(group_of: Callable[[Any], str], group: str, p: Mapping[str, Any]) -> bool:
    return group_of(p.get("actor")) == group


def _has_precision(p: Mapping[str, Any]) -> bool:
    radius = number(p.get("precision_m"))
    return radius is not None and radius > 0 and not has_area(p)


def has_area(p: Mapping[str, Any]) -> bool:
    """The event is known only within an area, drawn as the area's outline."""
    return isinstance(p.get("area_geometry"), Mapping)


EVENTS = LayerSpec(
    name="events",
    title="Strikes, attacks and diplomacy",
    geometry="point",
    description="Dated events with sources: shape by kind, colour by actor, a dashed circle "
    "for the location's precision.",
    style_of=_style,
    legend=kind_and_actor_legend(pal.KIND_MARKERS)
    + (LegendEntry("Location precision", PRECISION_STYLE, "polygon", shows=_has_precision),
       LegendEntry("Site unknown within this area", AREA_STYLE, "polygon", shows=has_area)),
    tooltip_of=_tooltip,
    popup_of=_popup,
    date_field="date",
    end_field="end_date",
    label_field="place",
    z=60,
    precision_style=PRECISION_STYLE,
    area_style=AREA_STYLE,
    timeline_group=lambda p: actor_group(p.get("actor")),
    timeline_text=_line,
)
