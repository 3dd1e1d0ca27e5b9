"""Crossings layer: official border crossings and joint border markets, from their opening.

A crossing closed on the window's last day (``window_status``, added by ``geo.assemble.window``
from its status_history) is drawn hollow.
"""

from __future__ import annotations

from collections.abc import Mapping
from html import escape
from typing import Any

from geo.timespan import TimeRule
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
    style = _STYLES.get(str(p.get("kind")), _STYLES["crossing"])
    if p.get("window_status") == "closed":
        return style.with_(fill="#FFFFFF", fill_opacity=0.0, weight=2.0)
    return style


def history_text(history: Any) -> str | None:
    """The status history as one line per change: '2025-06-22 closed: note'."""
    if not isinstance(history, list | tuple) or not history:
        return None
    lines = []
    for entry in history:
        note = entry.get("note")
        lines.append(f"{fmt_date(entry.get('date'))} {entry.get('status')}" + (f": {note}" if note else ""))
    return "; ".join(lines)


def _popup(p: Mapping[str, Any]) -> str:
    rows = [
        ("Kind", "Border market" if p.get("kind") == "border-market" else "Border crossing"),
        ("Pakistan side", p.get("pk_side")),
        ("Iran side", p.get("ir_side")),
        ("Opened", fmt_date(p.get("opened")) or "date not established"),
        ("Status", p.get("status")),
        ("Status changes", history_text(p.get("status_history"))),
        ("Position", fmt_precision(p.get("precision_m"))),
        ("About", p.get("summary")),
    ]
    return table_html(str(p.get("name", "")), rows, sources_html(_all_sources(p)))


def _all_sources(p: Mapping[str, Any]) -> list[Any]:
    """The crossing's sources, then those of its status changes not already listed."""
    out = list(p.get("sources") or [])
    history = p.get("status_history")
    for entry in history if isinstance(history, list | tuple) else ():
        out += [s for s in entry.get("sources") or [] if s not in out]
    return out


CROSSINGS = LayerSpec(
    name="crossings",
    title="Border crossings and markets",
    geometry="point",
    description="Official crossings and joint border markets; those with a known opening date "
    "appear on the map from that date, and one closed at the window's end is drawn hollow.",
    style_of=_style,
    legend=(
        LegendEntry("Border crossing", _STYLES["crossing"], "point"),
        LegendEntry("Joint border market", _STYLES["border-market"], "point"),
    ),
    tooltip_of=lambda p: escape(str(p.get("name", ""))),
    popup_of=_popup,
    time=TimeRule("opened", lasts=True, history_field="status_history"),
    label_field="name",
    z=35,
    cites_sources=True,
)
