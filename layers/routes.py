"""Routes layer: schematic drug- and fuel-smuggling corridors through named waypoints."""

from __future__ import annotations

from collections.abc import Mapping
from html import escape
from typing import Any

from layers import palette as pal
from layers._popup import sources_html, table_html
from layers._spec import LayerSpec, LegendEntry, Style

_STYLES = {
    "drugs": Style(color=pal.REDDISH_PURPLE, weight=3.0, dash="dash", opacity=0.9),
    "fuel": Style(color=pal.ORANGE, weight=3.0, dash="dot", opacity=0.95),
}
_LABELS = {"drugs": "Drug-trafficking route (schematic)", "fuel": "Fuel-smuggling route (schematic)"}


def _style(p: Mapping[str, Any]) -> Style:
    return _STYLES.get(str(p.get("kind")), _STYLES["drugs"])


def _popup(p: Mapping[str, Any]) -> str:
    waypoints = p.get("waypoints")
    rows = [
        ("Kind", _LABELS.get(str(p.get("kind")), p.get("kind"))),
        ("Through", " → ".join(str(w) for w in waypoints) if isinstance(waypoints, list | tuple) else waypoints),
        ("Drawn", "schematically: straight lines between the towns the sources name, not roads"),
        ("What the sources say", p.get("summary")),
    ]
    return table_html(str(p.get("name", "")), rows, sources_html(p.get("sources")))


ROUTES = LayerSpec(
    name="routes",
    title="Smuggling routes (schematic)",
    geometry="line",
    description="Drug routes from Helmand and Nimroz through Balochistan to Iran and the "
    "Makran coast, and fuel routes from Iran into Pakistan, drawn through cited towns.",
    style_of=_style,
    legend=tuple(LegendEntry(_LABELS[k], s, "line") for k, s in _STYLES.items()),
    tooltip_of=lambda p: escape(str(p.get("name", ""))),
    popup_of=_popup,
    z=20,
    line_obstacle=True,
    cites_sources=True,
)
