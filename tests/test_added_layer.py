"""A new dated layer needs only its spec, its data contract and its file.

The layer below is registered at run time (``layers.register``): no renderer, no table of
names and no JavaScript is changed, yet the window's rows, the printed figure (with its
legend), the map's engine data and the offline HTML file all carry it, and the HTML file's
engine draws its markers in real Chromium, in and out of the window.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Iterator, Mapping
from html import escape
from pathlib import Path
from typing import Any

import pytest

from geo._schema import DATE, STR, Field, LayerSchema, layer_names
from geo.assemble import assemble
from geo.errors import ViewError
from geo.figure import build_figure, figure_info
from geo.figure.spec import FigureSpec
from geo.timespan import TimeRule
from geo.view import View
from geo.web.explorer import dated_layer_names, engine_config
from geo.web.layers import shipped_prepared
from geo.web.page import html_page
from layers import SPECS, LayerSpec, LegendEntry, Style, register, unregister
from layers._popup import sources_html, table_html
from tests._server import wait_for

NAME = "sightings"
COLOUR = "#0a8f8f"
STYLE = Style(color=COLOUR, weight=1.5, fill=COLOUR, fill_opacity=0.9, marker="diamond", size=9)
SCHEMA = LayerSchema(NAME, ("Point",), (Field("id", STR), Field("sources", "sources"),
                                        Field("date", DATE), Field("name", STR)))
SOURCE = {"title": "A test source", "publisher": "Border Atlas tests", "date": "2024-01-01",
          "url": "https://example.org/sightings"}
# Three points inside the map's region: two in the crisis week, one a year before.
ROWS = [("s-panjgur", "2024-01-16", "Near Panjgur", 64.09, 26.96),
        ("s-saravan", "2024-01-18", "Near Saravan", 62.33, 27.37),
        ("s-old", "2023-01-10", "Near Zahedan", 60.86, 29.49)]
IN_WEEK = {"s-panjgur", "s-saravan"}


def _popup(p: Mapping[str, Any]) -> str:
    return table_html(str(p.get("name", "")), [("Date", p.get("date"))], sources_html(p.get("sources")))


SPEC = LayerSpec(
    name=NAME, title="Sightings", geometry="point",
    description="A layer added by a test: dated points with a date field and nothing else.",
    style_of=lambda _p: STYLE,
    legend=(LegendEntry("Sighting", STYLE, "point"),),
    tooltip_of=lambda p: escape(str(p.get("name", ""))),
    popup_of=_popup,
    time=TimeRule("date"),
    z=55,  # above the towns and crossings, under the border and the atlas's events
)


@pytest.fixture(scope="module")
def added(tmp_path_factory) -> Iterator[Path]:
    path = tmp_path_factory.mktemp("layer") / f"{NAME}.geojson"
    features = [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]},
                 "properties": {"id": fid, "sources": [SOURCE], "date": day, "name": name}}
                for fid, day, name, lon, lat in ROWS]
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")
    register(SPEC, SCHEMA, path)
    try:
        yield path
    finally:
        unregister(NAME)


WEEK = dict(start=dt.date(2024, 1, 15), end=dt.date(2024, 1, 22))


def test_the_layer_is_known_everywhere_a_layer_is_named(added):
    assert NAME in layer_names() and NAME in SPECS and NAME in dated_layer_names()
    assert list(SPECS).index(NAME) > list(SPECS).index("crossings")  # drawing order by z
    assert NAME in View().layers  # a default view shows every layer
    View(layers=(NAME,), **WEEK)  # and a view can name it


def test_the_window_keeps_its_rows(added):
    frames = assemble([SPECS[NAME]], **WEEK)
    assert set(frames[NAME]["id"]) == IN_WEEK
    frames = assemble([SPECS[NAME]], dt.date(2023, 1, 1), dt.date(2023, 1, 31))
    assert set(frames[NAME]["id"]) == {"s-old"}


def test_the_figure_draws_it_with_its_legend(added):
    fig = build_figure(View(layers=("provinces", "border", NAME), **WEEK), FigureSpec(fmt="png", dpi=100))
    info = figure_info(fig)
    drawn = info.layers[NAME]
    assert set(drawn.frame["id"]) == IN_WEEK and drawn.artists
    assert info.legend is not None
    assert "Sighting" in [t.get_text() for t in info.legend.get_texts()]


def test_the_maps_engine_gets_its_days_and_style(added):
    prepared, errors = shipped_prepared()
    assert NAME in prepared and not errors
    from geo.view import ATLAS_END, ATLAS_START

    config = engine_config(prepared, domain=(ATLAS_START, ATLAS_END), static_sources={}, basemaps={})
    features = config["dated"][NAME]["features"]
    assert {f["properties"]["_id"] for f in features} == {r[0] for r in ROWS}
    assert all(COLOUR.lower() in json.dumps(f["properties"]).lower() for f in features)


def test_a_layer_of_the_same_name_or_an_unknown_one_is_refused(added):
    with pytest.raises(ValueError, match="already exists"):
        register(SPEC, SCHEMA, added)
    with pytest.raises(ValueError, match="not an added layer"):
        unregister("events")
    with pytest.raises(ViewError, match="unknown layer 'nowhere'.*sightings"):  # listed as known
        View(layers=("nowhere",), **WEEK)


def test_a_reader_of_the_table_never_sees_it_half_changed(tmp_path):
    """A run iterating the specs while a layer is added keeps the table it began with."""
    path = tmp_path / "late.geojson"
    path.write_text('{"type": "FeatureCollection", "features": []}', encoding="utf-8")
    late = dataclasses.replace(SPEC, name="late")
    before = list(SPECS)
    seen = []
    for name in SPECS:
        seen.append(name)
        if len(seen) == 1:
            register(late, dataclasses.replace(SCHEMA, name="late"), path)
    try:
        assert seen == before and "late" in SPECS and list(SPECS) != before
        with pytest.raises(TypeError):
            SPECS["late"] = late  # type: ignore[index]  # read-only to its readers
    finally:
        unregister("late")
    assert list(SPECS) == before


@pytest.mark.browser
def test_the_html_file_draws_it_in_and_out_of_the_window(added, browser, tmp_path):
    page_data = html_page(View(layers=("provinces", "border", NAME), **WEEK)).data
    assert b"Sighting" in page_data  # its legend entry
    path = tmp_path / "atlas.html"
    path.write_bytes(page_data)
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    blocked: list[str] = []
    page.route("**/*", lambda r: r.continue_() if r.request.url == path.as_uri()
               else (blocked.append(r.request.url), r.abort()))
    try:
        page.goto(path.as_uri())
        wait_for(lambda: page.evaluate("!!window.BorderAtlasEngine && BorderAtlasEngine.started()"),
                 what="engine ready")
        shown = wait_for(lambda: set(page.evaluate("BorderAtlasEngine.shown()")) & IN_WEEK, what="markers")
        assert shown == IN_WEEK
        assert "s-old" not in page.evaluate("BorderAtlasEngine.shown()")
        # its marker opens its popup, with its source
        page.evaluate_handle("BorderAtlasEngine.marker('s-saravan')").as_element().click()
        popup = page.wait_for_selector(".leaflet-popup-content", timeout=5000)
        assert "Near Saravan" in popup.inner_text()
        assert popup.query_selector("a[href='https://example.org/sightings']") is not None
        # moved to January 2023, the window shows the old one only
        page.evaluate("BorderAtlasEngine.setWindow(BorderAtlasEngine.dayOf('2023-01-01'),"
                      " BorderAtlasEngine.dayOf('2023-01-31'))")
        wait_for(lambda: "s-old" in page.evaluate("BorderAtlasEngine.shown()"), what="the old sighting")
        assert not set(page.evaluate("BorderAtlasEngine.shown()")) & IN_WEEK
        assert blocked == []
    finally:
        page.close()
