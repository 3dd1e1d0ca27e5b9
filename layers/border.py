"""Border layer: the Iran-Pakistan boundary, labelled with measured and published lengths."""

from __future__ import annotations

from collections.abc import Mapping
from html import escape
from typing import Any

from layers import palette as pal
from layers._popup import sources_html, table_html
from layers._spec import LayerSpec, LegendEntry, Style

BORDER_STYLE = Style(color=pal.BLACK, weight=2.5)


def border_label(p: Mapping[str, Any]) -> str:
    published = sorted({int(x["km"]) for x in p.get("published_lengths") or []})
    pub = " / ".join(f"{km:,} km" for km in published)
    return f"Iran–Pakistan border: {float(p['length_km']):,.0f} km measured (published: {pub})"


def _border_popup(p: Mapping[str, Any]) -> str:
    rows: list[tuple[str, Any]] = [
        ("Measured length", f"{float(p['length_km']):,.1f} km (geodesic, WGS84)")]
    pubs = []
    for item in p.get("published_lengths") or []:
        src = item.get("source", {})
        rows.append((f"Published: {src.get('publisher', '')}", f"{item.get('km')} km"))
        pubs.append(src)
    rows.append(("Why they differ", p.get("length_note")))
    return table_html(str(p.get("name", "Border")), rows,
                      sources_html(list(p.get("sources") or []) + pubs))


BORDER = LayerSpec(
    name="border",
    title="International border",
    geometry="line",
    description="The Iran–Pakistan boundary from the Afghanistan tripoint to Gwadar Bay, "
    "traced from OpenStreetMap's country polygons.",
    style_of=lambda _p: BORDER_STYLE,
    legend=(LegendEntry("Iran–Pakistan border", BORDER_STYLE, "line"),),
    tooltip_of=lambda p: escape(border_label(p)),
    popup_of=_border_popup,
    z=50,
    web_simplify_deg=0.0005,
    end_label=border_label,
    # Out in the Gulf of Oman, about 35 km south of the line's end at Gwadar Bay: anchored at
    # the end itself, the label covered Jiwani, Gwadar and Gabd on the Makran coast; further
    # out, it falls off the bottom of the map's opening view on a tall screen.
    end_label_side="bottom",
    end_label_at=(61.6, 24.85),
    attribution="© OpenStreetMap contributors (ODbL)",
    line_obstacle=True,
)
