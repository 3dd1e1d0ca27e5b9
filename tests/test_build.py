"""`make data` is deterministic and refuses bad curated tables with clear messages."""

from __future__ import annotations

import shutil

import pytest

from shapely import geometry as sgeom

import geo
from geo._paths import CURATED_DIR, DATA_DIR, RAW_DIR
from geo.build import curated
from geo.io import dumps_collection


@pytest.fixture(scope="module")
def built(border_line):
    return curated.build(border_line)


@pytest.mark.parametrize("name", ["places", "crossings", "events", "routes"])
def test_curated_layers_rebuild_to_the_same_bytes(built, name):
    shipped = (DATA_DIR / f"{name}.geojson").read_text(encoding="utf-8")
    assert dumps_collection(name, built[name]) == shipped, f"run `make data`: {name} is stale"


def test_two_builds_are_identical(built, border_line):
    again = curated.build(border_line)
    for name in built:
        assert dumps_collection(name, again[name]) == dumps_collection(name, built[name])


def _curated_copy(tmp_path):
    target = tmp_path / "curated"
    shutil.copytree(CURATED_DIR, target)
    return target


def test_undefined_source_key_is_named(tmp_path, border_line):
    folder = _curated_copy(tmp_path)
    path = folder / "routes.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('sources = ["', 'sources = ["no-such-source", "', 1), encoding="utf-8")
    with pytest.raises(geo.LayerValidationError, match="routes.toml entry 0 .*'no-such-source' is not defined"):
        curated.build(border_line, folder)


def test_unknown_waypoint_is_named(tmp_path, border_line):
    folder = _curated_copy(tmp_path)
    path = folder / "routes.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('waypoints = ["', 'waypoints = ["atlantis", "', 1), encoding="utf-8")
    with pytest.raises(geo.LayerValidationError, match="waypoints not in places.toml: atlantis"):
        curated.build(border_line, folder)


def test_broken_toml_names_the_file(tmp_path, border_line):
    folder = _curated_copy(tmp_path)
    (folder / "events.toml").write_text("[[event]\nid = ", encoding="utf-8")
    with pytest.raises(geo.LayerValidationError, match="(?s)events.toml.*not valid TOML"):
        curated.build(border_line, folder)


@pytest.mark.skipif(not any(RAW_DIR.glob("*.tgz")), reason="raw npm sources not fetched (make data)")
def test_base_layers_rebuild_to_the_same_bytes():
    from geo.build import base

    sources, areas = curated.published_areas()
    rebuilt = base.build(sources, areas)
    for name, feats in rebuilt.items():
        shipped = (DATA_DIR / f"{name}.geojson").read_text(encoding="utf-8")
        assert dumps_collection(name, feats) == shipped, name


def test_border_sides_split_the_world_along_the_border(border_line):
    iran, pak = geo.border_sides(border_line)
    assert iran.contains(sgeom.Point(51.4, 35.7)) and pak.contains(sgeom.Point(73.0, 33.7))
    assert iran.intersection(pak).area == 0


@pytest.mark.parametrize("name", ["context", "provinces", "routes", "places", "border"])
def test_browser_copies_of_undated_layers_are_current(name):
    from geo.assemble import shipped_layer
    from geo.web import layers as web

    expected = web.static_layer_json(web.prepare_layer(name, shipped_layer(name)))
    shipped = (web.WEB_DIR / f"{name}.json").read_text(encoding="utf-8")
    assert shipped == expected, f"run `make data`: static/web/{name}.json is stale"


def test_browser_copy_of_the_dated_layers_is_current():
    from geo.assemble import shipped_layer
    from geo.web import layers as webmap
    from geo.web.explorer import DATED_FILE, dated_json, dated_layer_names

    assert set(dated_layer_names()) == {"events", "crossings"}
    expected = dated_json({n: webmap.prepare_layer(n, shipped_layer(n)) for n in dated_layer_names()})
    shipped = (webmap.WEB_DIR / f"{DATED_FILE}.json").read_text(encoding="utf-8")
    assert shipped == expected, f"run `make data`: static/web/{DATED_FILE}.json is stale"


def test_browser_copy_of_the_symbol_table_is_current():
    from geo.web.layers import SYMBOLS_FILE
    from layers.symbols import symbols_json

    assert SYMBOLS_FILE.read_text(encoding="utf-8") == symbols_json(), (
        "run `make data`: static/atlas/symbols.json is stale")
