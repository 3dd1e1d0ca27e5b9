"""A place says what it is (``kind``): each kind survives the build, a wrong or missing kind is
refused by name, and a mountain or ridge is drawn and named as one (never as a town) in the
map's data, the legend, the printed figure and the HTML file."""

from __future__ import annotations

import json
import re
import shutil

import pytest

import geo
from geo._paths import CURATED_DIR
from geo._schema import PLACE_KINDS
from geo.build import curated
from geo.figure import FigureSpec, build_figure, figure_info
from geo.view import View
from geo.web.layers import WEB_DIR, legend_html
from layers import SPECS

RIDGE = "lulukdan-koh"
PLACES = SPECS["places"]

# Three new places near Turbat, well inside Pakistan and apart from every shipped place.
EXTRA = """
[[place]]
id = "test-village"
name_en = "Test Village"
kind = "village"
country = "PAK"
lat = 26.30
lon = 63.40
precision_m = 3000
sources = ["geonames"]

[[place]]
id = "test-valley"
name_en = "Test Valley"
kind = "valley"
country = "PAK"
lat = 26.40
lon = 63.60
precision_m = 15000
sources = ["geonames"]

[[place]]
id = "test-mountain"
name_en = "Test Mountain"
kind = "mountain"
country = "PAK"
lat = 26.50
lon = 63.80
precision_m = 5000
sources = ["geonames"]
"""


def _folder(tmp_path, extra: str = EXTRA, edit=None):
    folder = tmp_path / "curated"
    shutil.copytree(CURATED_DIR, folder)
    path = folder / "places.toml"
    text = path.read_text(encoding="utf-8")
    if edit is not None:
        text = edit(text)
    path.write_text(text + extra, encoding="utf-8")
    return folder


def _ridge_props() -> dict:
    frame = geo.load_layer("places")
    row = frame[frame["id"] == RIDGE].iloc[0]
    return {k: v for k, v in row.items() if k != "geometry"}


def test_a_place_of_each_kind_round_trips_the_build(tmp_path, border_line):
    built = curated.build(border_line, _folder(tmp_path))
    kinds = {f["properties"]["id"]: f["properties"]["kind"] for f in built["places"]}
    assert kinds["test-village"] == "village"
    assert kinds["test-valley"] == "valley"
    assert kinds["test-mountain"] == "mountain"
    assert kinds[RIDGE] == "mountain" and kinds["turbat"] == "town"
    assert set(kinds.values()) == set(PLACE_KINDS)
    # Each kind is drawn in a look of its own, and its legend entry stands for it alone.
    props = {k: next(f["properties"] for f in built["places"] if f["properties"]["kind"] == k)
             for k in PLACE_KINDS}
    styles = {k: PLACES.style_of(p) for k, p in props.items()}
    assert len(set(styles.values())) == len(PLACE_KINDS)
    assert len({(s.marker, s.size) for s in styles.values()}) == len(PLACE_KINDS)
    for entry in PLACES.legend:
        assert [k for k, p in props.items() if entry.shows(p)] == [
            k for k in PLACE_KINDS if styles[k] == entry.style]


def test_an_unknown_kind_is_refused_by_name(tmp_path, border_line):
    folder = _folder(tmp_path, EXTRA.replace('kind = "valley"', 'kind = "hamlet"'))
    with pytest.raises(geo.LayerValidationError, match=r"kind.*'hamlet'.*(town|village)"):
        curated.build(border_line, folder)


def test_a_place_without_a_kind_is_refused(tmp_path, border_line):
    folder = _folder(tmp_path, "", edit=lambda t: t.replace('kind = "mountain"\n', "", 1))
    with pytest.raises(geo.LayerValidationError, match=r"lulukdan-koh.*kind"):
        curated.build(border_line, folder)


def test_the_ridge_is_not_drawn_as_a_town():
    ridge = _ridge_props()
    assert ridge["kind"] == "mountain"
    town = PLACES.style_of({"kind": "town"})
    look = PLACES.style_of(ridge)
    assert look != town and look.marker == "peak" and town.marker == "circle"
    assert "mountain or ridge" in PLACES.tooltip_of(ridge)
    assert "Mountain or ridge" in PLACES.popup_of(ridge)
    # The browser's copy carries the same look, the marker the map draws.
    shipped = json.loads((WEB_DIR / "places.json").read_text(encoding="utf-8"))
    looks = {f["properties"]["_id"]: f["properties"]["_s"] for f in shipped["features"]}
    assert looks[RIDGE]["marker"] == "peak"
    assert looks["mirjaveh"]["marker"] == "circle"
    assert looks[RIDGE] != looks["mirjaveh"]


def test_the_legend_names_the_kinds():
    html = legend_html(("places",))
    assert "Town or city" in html and "Mountain or ridge" in html
    assert ">Town<" not in html
    # Only the kinds there are: no village or valley is in the gazetteer yet.
    assert "Village" not in html and "Valley" not in html


def test_the_printed_figure_draws_the_ridge_as_a_mountain():
    info = figure_info(build_figure(View(layers=("provinces", "places")),
                                    FigureSpec(preset="single-column")))
    labels = [t.get_text() for t in info.legend.get_texts()]
    assert "Mountain or ridge" in labels and "Town or city" in labels
    assert "Village" not in labels and "Valley" not in labels  # none drawn, so none listed


def test_the_html_file_carries_the_ridges_look():
    from geo.web.page import html_page

    page = html_page(View(layers=("provinces", "places"))).data.decode("utf-8")
    assert "Mountain or ridge" in page  # the legend

    def look(place: str) -> dict:
        found = re.search(r'"_id":"' + re.escape(place) + r'","_s":(\{[^}]*\})', page)
        assert found, f"{place} is not in the file's places"
        return json.loads(found.group(1))

    assert look(RIDGE)["marker"] == "peak"
    assert look("mirjaveh")["marker"] == "circle"
    assert look(RIDGE) != look("mirjaveh")
