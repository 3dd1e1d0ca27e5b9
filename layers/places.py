"""Places layer: the towns that events, routes and crossings refer to."""

from __future__ import annotations

from collections.abc import Mapping
from html import escape
from typing import Any

from layers import palette as pal
from layers._popup import fmt_precision, sources_html, table_html
from layers._spec import LayerSpec, LegendEntry, Style

PLACE_STYLE = Style(color=pal.BLACK, weight=1.0, fill="#FFFFFF", fill_opacity=1.0,
                    marker="circle", size=6)


def _popup(p: Mapping[str, Any]) -> str:
    rows = [
        ("Persian", p.get("name_fa")),
        ("Urdu", p.get("name_ur")),
        ("Country", p.get("country")),
        ("Position", fmt_precision(p.get("precision_m"))),
        ("GeoNames id", p.get("geonameid")),
        ("Note", p.get("note")),
    ]
    return table_html(str(p.get("name_en", "")), rows, sources_html(p.get("sources")))


PLACES = LayerSpec(
    name="places",
    title="Towns",
    geometry="point",
    description="Towns named by the events, routes and crossings (GeoNames where it has "
    "them, a cited source where it does not).",
    style_of=lambda _p: PLACE_STYLE,
    legend=(LegendEntry("Town", PLACE_STYLE, "point"),),
    tooltip_of=lambda p: escape(str(p.get("name_en", ""))),
    popup_of=_popup,
    label_field="name_en",
    z=30,
    zoom_labels=True,
    attribution="GeoNames (CC BY 4.0)",
    print_labels="town",
)
