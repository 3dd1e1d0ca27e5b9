"""Provinces layer: Sistan and Baluchestan (Iran) and Balochistan (Pakistan)."""

from __future__ import annotations

from collections.abc import Mapping
from html import escape
from typing import Any

from layers import palette as pal
from layers._popup import sources_html, table_html
from layers._spec import LayerSpec, LegendEntry, Style

# Iran warm, Pakistan green: neither reads as the sea of the offline basemap.
_PROVINCE_FILL = {"IRN": pal.ORANGE, "PAK": pal.BLUISH_GREEN}


def _province_style(props: Mapping[str, Any]) -> Style:
    return Style(color=pal.GREY, weight=1.0, fill=_PROVINCE_FILL.get(str(props.get("country")),
                                                                     pal.LIGHT_GREY),
                 fill_opacity=0.16)


def _province_popup(p: Mapping[str, Any]) -> str:
    title = str(p.get("name_en", ""))
    rows = [
        ("Persian", p.get("name_fa")),
        ("Urdu", p.get("name_ur")),
        ("ISO 3166-2", p.get("iso_3166_2")),
        ("Measured area", f"{float(p['area_km2']):,.0f} km²"),
        ("Published area", f"{float(p['published_area_km2']):,.0f} km²"),
        ("On the published figures", p.get("published_area_note")),
    ]
    pub = p.get("published_area_source")
    return table_html(title, rows, sources_html(list(p.get("sources") or []) + ([pub] if pub else [])))


PROVINCES = LayerSpec(
    name="provinces",
    title="Provinces: Sistan and Baluchestan, Balochistan",
    geometry="polygon",
    description="The two provinces the border divides, from Natural Earth, cut along the "
    "OpenStreetMap border line so they meet it exactly.",
    style_of=_province_style,
    legend=(
        LegendEntry("Sistan and Baluchestan (Iran)", _province_style({"country": "IRN"}), "polygon"),
        LegendEntry("Balochistan (Pakistan)", _province_style({"country": "PAK"}), "polygon"),
    ),
    tooltip_of=lambda p: escape(str(p.get("name_en", ""))),
    popup_of=_province_popup,
    label_field="name_en",
    z=10,
    web_simplify_deg=0.002,
    # Natural Earth's provinces, cut along OpenStreetMap's border (data/README.md)
    attribution="Natural Earth; © OpenStreetMap contributors (ODbL)",
    focus=True,
    print_labels="area",
)
