"""Context layer: neighbouring countries, provinces and the coast (background)."""

from __future__ import annotations

from collections.abc import Mapping
from html import escape
from typing import Any

from layers import palette as pal
from layers._spec import LayerSpec, Style

_CONTEXT_STYLES = {
    "country": Style(color=pal.LIGHT_GREY, weight=0.8, fill=pal.PAPER, fill_opacity=1.0),
    "province": Style(color=pal.LIGHT_GREY, weight=0.5, dash="dot"),
    "coast": Style(color=pal.GREY, weight=0.8),
}


def _context_style(props: Mapping[str, Any]) -> Style:
    return _CONTEXT_STYLES.get(str(props.get("kind")), _CONTEXT_STYLES["province"])


CONTEXT = LayerSpec(
    name="context",
    title="Context: countries, provinces, coast",
    geometry="polygon",
    description="Neighbouring countries and provinces and the coastline (Natural Earth), the "
    "background of the offline basemap and of exported figures.",
    style_of=_context_style,
    legend=(),
    tooltip_of=lambda p: escape(str(p.get("name", ""))),
    z=0,
    web_simplify_deg=0.01,
    interactive=False,
    attribution="Natural Earth",
    background=True,
)
