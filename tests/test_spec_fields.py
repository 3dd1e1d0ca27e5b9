"""What a layer does in print is fields of its spec, read by the renderer (no layer names):
its precision circles' style and its credit line."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from matplotlib.colors import to_hex
from matplotlib.figure import Figure

from geo.assemble import window
from geo.figure import furniture
from geo.figure.drawn import draw_layer, map_crs, project_box
from layers import SPECS, Style, credits

CRISIS = (dt.date(2024, 1, 15), dt.date(2024, 1, 22))
EXTENT = (57.5, 24.5, 66.5, 31.5)


def _draw(spec):
    frame = window(spec, *CRISIS)
    crs = map_crs(EXTENT)
    ax = Figure().add_subplot()
    return draw_layer(ax, spec, frame, crs, project_box(EXTENT, crs), greyscale=False,
                      tolerance_m=100.0)


def test_print_draws_precision_circles_in_the_specs_style():
    events = SPECS["events"]
    look = Style(color="#123456", weight=0.5, dash="dot", fill="#abcdef", fill_opacity=0.2)
    drawn = _draw(replace(events, precision_style=look))
    circles = drawn.artists[0]
    assert {to_hex(c) for c in circles.get_edgecolor()} == {"#123456"}
    assert {to_hex(c) for c in circles.get_facecolor()} == {"#abcdef"}
    without = _draw(replace(events, precision_style=None))
    assert len(without.artists) == len(drawn.artists) - 1  # no circles, the markers alone


def test_the_credit_line_reads_the_specs_attribution(monkeypatch):
    # provinces are Natural Earth's, cut along OpenStreetMap's border: both are credited
    line = furniture.source_line(("provinces",), [])
    assert "Map data: Natural Earth; © OpenStreetMap contributors (ODbL)." in line
    # the table is read-only to its readers and replaced whole (layers.LayerTable): so here
    monkeypatch.setattr(SPECS, "_specs", {**SPECS, "places": replace(SPECS["places"], attribution="A gazetteer (CC0)")})
    line = furniture.source_line(("places",), [])
    assert "A gazetteer (CC0)" in line and "GeoNames" not in line
    # the background (the locator inset's countries) is always credited
    assert line.startswith("Map data: Natural Earth; A gazetteer (CC0).")


def test_the_apps_credit_line_names_each_credit_once():
    assert credits() == "© OpenStreetMap contributors (ODbL); GeoNames (CC BY 4.0); Natural Earth"
