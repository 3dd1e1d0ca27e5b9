"""Crossings layer: official border crossings and joint border markets, from their opening."""

from __future__ import annotations

from collections.abc import Mapping
from html import escape
from typing import Any

from layers import palette as pal
from layers._popup import fmt_date, fmt_precision, sources_html, table_html
from layers._spec import LayerSpec, LegendEntry, Style

_STYLES = {
    "crossing": Style(color=pal.BLACK, weight=1.2, fill=pal.YELLOW, fill_opacity=1.0,
                      marker="square", size=11),
    "border-market": Style(color=pal.BLACK, weight=1.2, fill=pal.SKY_BLUE, fill_opacity=1.0,
                           marker="diamond", size=11, hatch=pal.MARKET_HATCH),
}


def _style(p: Mapping[str, Any]) -> Style:
    return _STYLES.get(str(p.get("kind")), _STYLES["crossing"])


def _popup(p: Mapping[str, Any]) -> str:
    rows = [
        ("Kind", "Border market" if p.get("kind") == "border-market" else "Border crossing"),
        ("Pakistan side", p.get("pk_side")),
        ("Iran side", p.get("ir_side")),
        ("Opened", fmt_date(p.get("opened")) or "date not established"),
        ("Status", p.get("status")),
        ("Position", fmt_precision(p.get("precision_m"))),
        ("About", p.get("summary")),
    ]
    return table_html(str(p.get("name", "")), rows, sources_html(p.get("sources")))


CROSSINGS = LayerSpec(
    name="crossings",
    title="Border crossings and markets",
    geometry="point",
    description="Official crossings and joint border markets; those with a known opening date "
    "appear on the map from that date.",
    style_of=_style,
    legend=(
        LegendEntry("Border crossing", _STYLES["crossing"], "point"),
        LegendEntry("Joint border market", _STYLES["border-market"], "point"),
    ),
    tooltip_of=lambda p: escape(str(p.get("name", ""))),
    popup_of=_popup,
    date_field="opened",
    label_field="name",
    z=35,
)
