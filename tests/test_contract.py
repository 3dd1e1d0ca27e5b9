"""The contract between Python and the browser engine (geo/web/contract.py), from both ends.

What Python sends (the app's and an exported file's configuration, the features) fits the
contract; the JavaScript modules read exactly the contract's names; static/atlas/CONTRACT.md
documents each; no layer's name is in the engine.
"""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest

from geo._paths import PROJECT_ROOT
from geo.view import ATLAS_END, ATLAS_START, View, view_from_query
from geo.web.contract import FEATURE, URL_KEYS, EngineView, check_config, config_types, feature_keys
from geo.web.explorer import ENGINE_MODULES, dated_layers, engine_config
from geo.web.page import html_page, shipped_prepared
from layers import SPECS
from layers.imported import IMPORTED

ATLAS = PROJECT_ROOT / "static" / "atlas"
CONTRACT_MD = (ATLAS / "CONTRACT.md").read_text(encoding="utf-8")


def _modules() -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(ATLAS.glob("*.js"))}


@pytest.fixture(scope="module")
def app_config():
    prepared = shipped_prepared()
    return engine_config(prepared, domain=(ATLAS_START, ATLAS_END), static_sources={"border": "/app/static/web/b.json"},
                         basemaps={"osm": "tile_layer_1"}, dated_source="/app/static/web/dated.json")


def _file_config(view: View) -> dict:
    text = html_page(view).data.decode()
    block = re.search(r'<script type="application/json" id="ba-config">(.*?)</script>', text, re.DOTALL)
    assert block is not None
    return json.loads(block.group(1))


# ---- what Python sends ------------------------------------------------------------------
def test_the_apps_configuration_fits_the_contract(app_config):
    assert check_config(app_config) == []
    state = EngineView(window=["2024-01-15", "2024-01-22"], layers=["border", "events"], basemap="offline",
                       legend="<div></div>", url_layers=["border", "events"], focus={"id": "x", "nonce": 1},
                       imported_key=None).to_json()
    assert check_config({**app_config, **state}) == []


def test_an_exported_files_configuration_fits_the_contract():
    config = _file_config(View(start=dt.date(2024, 1, 15), end=dt.date(2024, 1, 22)))
    assert check_config(config) == []
    assert config["linkBase"] is None and config["urlKeys"] == list(URL_KEYS)


def test_a_wrong_key_or_type_is_named(app_config):
    assert check_config({**app_config, "preset": "x"}) == ["unknown key 'preset'"]
    problems = check_config({**app_config, "domain": "2024-01-01", "layers": ["a", 3], "view": {"lat": "27"}})
    assert [p.split(":")[0] for p in problems] == ["domain", "layers", "view"]
    assert check_config({"layers": ["a"]}, whole=False) == []
    assert "missing key 'dated'" in check_config({"layers": ["a"]})
    assert check_config({**app_config, "labels": True}) != []  # a bool is not a list
    assert check_config({**app_config, "bounds": [[26, 60.5], [30, 66]]}) == []  # ints and floats are numbers


def test_every_property_on_the_features_is_in_the_contract():
    wire = set(feature_keys().values())
    collections = dated_layers(shipped_prepared())
    seen = {key for collection in collections.values() for f in collection["features"] for key in f["properties"]}
    for path in sorted((PROJECT_ROOT / "static" / "web").glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        for collection in (data.values() if path.stem == "dated" else [data]):
            seen |= {key for f in collection["features"] for key in f["properties"]}
    assert seen <= wire, seen - wire
    assert {FEATURE.first_day, FEATURE.last_day, FEATURE.group, FEATURE.status_history} <= seen


def test_layer_roles_come_from_the_specs(app_config):
    assert app_config["timelineLayer"] == next(n for n, s in SPECS.items() if s.timeline_group is not None)
    assert app_config["labelLayer"] == next(n for n, s in SPECS.items() if s.zoom_labels)
    assert app_config["backgroundLayer"] == next(n for n, s in SPECS.items() if not s.interactive)
    assert app_config["importedLayer"] == IMPORTED.name


# ---- what JavaScript reads --------------------------------------------------------------
def test_the_modules_read_exactly_the_contracts_feature_properties():
    read = {m for text in _modules().values() for m in re.findall(r"\b(?:properties|p)\.(_[a-z0-9]+)\b", text)}
    assert read == set(feature_keys().values())


def test_the_engines_config_type_is_the_contracts():
    engine = _modules()["engine.js"]
    typedef = re.search(r"@typedef \{\{(.*?)\}\} Config", engine, re.DOTALL)
    assert typedef is not None
    keys = re.findall(r"^\s*\*\s+(\w+)\??:", typedef.group(1), re.MULTILINE)
    assert keys == list(config_types()), "engine.js's Config lists the contract's keys, in its order"
    used = {m for text in _modules().values() for m in re.findall(r"\b(?:cfg|given|config)\.(\w+)\b", text)}
    assert used <= set(config_types()), used - set(config_types())


def test_the_address_keys_come_from_python():
    keys = "|".join(URL_KEYS)
    pair = re.compile(rf"""["']({keys})["']\s*,\s*["']({keys})["']""")  # a list of its own
    for name, text in _modules().items():
        assert not pair.search(text), (name, pair.search(text))
    assert "engine.address(" in _modules()["explorer.js"]
    assert "cfg.urlKeys" in _modules()["engine.js"]


def test_no_layer_name_in_the_engine():
    names = set(SPECS) | {IMPORTED.name}
    for module, text in _modules().items():
        found = {n for n in names if re.search(rf"""["'`]{re.escape(n)}["'`]""", text)}
        assert not found, (module, found)


def test_every_module_is_in_the_page():
    assert set(ENGINE_MODULES) == set(_modules()) - {"explorer.js"}
    for name, text in _modules().items():
        for imported in re.findall(r'from "#atlas/([\w-]+\.js)"', text):
            assert imported in ENGINE_MODULES, (name, imported)


# ---- the documentation ------------------------------------------------------------------
def test_contract_md_documents_every_name():
    for name, key in feature_keys().items():
        assert re.search(rf"^\| {name} \| `{key}` \|", CONTRACT_MD, re.MULTILINE), name
    for key in config_types():
        assert re.search(rf"^\| `{key}` \| (data|view) \|", CONTRACT_MD, re.MULTILINE), key
    for key in URL_KEYS:
        assert f"`{key}`" in CONTRACT_MD


# ---- the address ------------------------------------------------------------------------
def test_window_names_a_window_and_old_preset_links_still_work():
    from geo.view import PRESETS

    key, (start, end) = next((k, v) for k, v in PRESETS.items() if k != "everything")
    for query in ({"window": key}, {"preset": key}):
        view = view_from_query(query)
        assert (view.start, view.end) == (start, end) and view.notes == ()
    assert "window" in view_from_query({"window": "nope"}).notes[0]
    assert "preset" in view_from_query({"preset": "nope"}).notes[0]
