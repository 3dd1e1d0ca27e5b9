"""Places layer: the towns, villages, valleys and mountains that events, routes and crossings
refer to, each drawn and named as what it is (its ``kind``)."""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from html import escape
from typing import Any

from geo._schema import PLACE_KINDS
from layers import palette as pal
from layers._popup import fmt_precision, sources_html, table_html
from layers._spec import LayerSpec, LegendEntry, Style

# One look per kind: a settlement is a white circle (a village smaller than a town), a valley
# a white downward triangle (its V), a mountain or ridge the relief sign in grey. Shapes differ,
# so the kinds stay apart in greyscale.
KIND_STYLES: dict[str, Style] = {
    "town": Style(color=pal.BLACK, weight=1.0, fill="#FFFFFF", fill_opacity=1.0,
                  marker="circle", size=6),
    "village": Style(color=pal.BLACK, weight=1.0, fill="#FFFFFF", fill_opacity=1.0,
                     marker="circle", size=4),
    "valley": Style(color=pal.BLACK, weight=1.0, fill="#FFFFFF", fill_opacity=1.0,
                    marker="triangle-down", size=7),
    "mountain": Style(color=pal.BLACK, weight=0.8, fill=pal.GREY, fill_opacity=1.0,
                      marker="peak", size=9),
}
KIND_LABELS = {
    "town": "Town or city",
    "village": "Village",
    "valley": "Valley",
    "mountain": "Mountain or ridge",
}
assert set(KIND_STYLES) == set(PLACE_KINDS) == set(KIND_LABELS)


def _kind(p: Mapping[str, Any]) -> str:
    """The place's kind; a feature without one (an older file) is a town, as all places were."""
    kind = p.get("kind")
    return kind if kind in KIND_STYLES else "town"


def _style(p: Mapping[str, Any]) -> Style:
    return KIND_STYLES[_kind(p)]


def _is(kind: str, p: Mapping[str, Any]) -> bool:
    return _kind(p) == kind


def _tooltip(p: Mapping[str, Any]) -> str:
    name = escape(str(p.get("name_en", "")))
    kind = _kind(p)
    return name if kind == "town" else f"{name} ({escape(KIND_LABELS[kind].lower())})"


def _geonameid(value: Any) -> str | None:
    """A GeoNames id as digits: a column with gaps reads back as floats (1159713.0)."""
    if isinstance(value, float):
        return None if value != value else str(int(value))  # NaN: no id
    return None if value is None else str(value)


def _popup(p: Mapping[str, Any]) -> str:
    rows = [
        ("Kind", KIND_LABELS[_kind(p)]),
        ("Persian", p.get("name_fa")),
        ("Urdu", p.get("name_ur")),
        ("Country", p.get("country")),
        ("Position", fmt_precision(p.get("precision_m"))),
        ("GeoNames id", _geonameid(p.get("geonameid"))),
        ("Note", p.get("note")),
    ]
    return table_html(str(p.get("name_en", "")), rows, sources_html(p.get("sources")))


PLACES = LayerSpec(
    name="places",
    title="Places",
    geometry="point",
    description="Towns, villages, valleys and mountains named by the events, routes and "
    "crossings, each drawn as what it is (GeoNames where it has them, a cited source where it "
    "does not).",
    style_of=_style,
    legend=tuple(LegendEntry(KIND_LABELS[k], KIND_STYLES[k], "point", shows=partial(_is, k))
                 for k in PLACE_KINDS),
    tooltip_of=_tooltip,
    popup_of=_popup,
    label_field="name_en",
    z=30,
    zoom_labels=True,
    attribution="GeoNames (CC BY 4.0)",
    print_labels="town",
)
