"""Imported events on the web map: window masks, markers or density, escaping, style dedupe.

Every file is a synthetic ACLED export written here (the real column layout) and read with
``import_events``, so the tests run offline. Speed and memory are measured by
bench/webimport_bench.py, not asserted here.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re

import folium
import numpy as np
import pandas as pd
import pytest
from streamlit_folium import _get_feature_group_string

from geo import webimport, webmap
from geo._import_layouts import ACLED_COLUMNS
from geo._paths import PROJECT_ROOT
from geo.assemble import in_window
from geo.importers import import_events
from geo.webimport import (
    DENSITY_MAX_CELLS,
    ImportedLayer,
    ImportedShown,
    imported_data,
    imported_layer,
    pack_html,
    prepare_imported,
)
from layers.imported import IMPORTED

SUB_EVENTS = [("Battles", "Armed clash"), ("Explosions/Remote violence", "Air/drone strike"),
              ("Explosions/Remote violence", "Suicide bomb"), ("Violence against civilians", "Attack"),
              ("Protests", "Peaceful protest"), ("Strategic developments", "Agreement"),
              ("Strategic developments", "Arrests")]
ACTORS = ["Military Forces of Pakistan (2018-)", "Police Forces of Pakistan (2018-)",
          "BLA: Balochistan Liberation Army", "Unidentified Armed Group (Pakistan)",
          "Military Forces of Iran (1989-)", "Jaish al Adl", "Protesters (Pakistan)",
          "Civilians (Iran)", ""]
HOSTILE = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "</script>",
           "\u2028\"'&amp;<!--", "{{ 7*7 }}", "{% if %}{# {{{"]
FIRST_DAY = dt.date(2017, 1, 1)
DAYS = (dt.date(2024, 12, 31) - FIRST_DAY).days


def acled_csv(path, n: int, *, seed: int = 0, hostile: bool = False) -> pd.DataFrame:
    """Write an n-row ACLED export to ``path``; return the events ``import_events`` keeps."""
    rng = np.random.default_rng(seed)
    pick = rng.integers(0, 10_000, n)
    dates = pd.Timestamp(FIRST_DAY) + pd.to_timedelta(rng.integers(0, DAYS + 1, n), unit="D")
    lon = np.round(rng.uniform(57.5, 66.5, n), 4)
    lat = np.round(rng.uniform(24.5, 31.5, n), 4)
    table = pd.DataFrame({c: "" for c in ACLED_COLUMNS}, index=range(n))
    table["event_id_cnty"] = [f"PAK{i}" for i in range(n)]
    table["event_date"] = pd.DatetimeIndex(dates).strftime("%d %B %Y")
    table["year"] = pd.DatetimeIndex(dates).year.astype(str)
    table["time_precision"] = (pick % 3 + 1).astype(str)
    table["event_type"] = [SUB_EVENTS[i % len(SUB_EVENTS)][0] for i in pick]
    table["sub_event_type"] = [SUB_EVENTS[i % len(SUB_EVENTS)][1] for i in pick]
    table["actor1"] = [ACTORS[i % len(ACTORS)] for i in pick // 7]
    table["actor2"] = [ACTORS[(i + 3) % len(ACTORS)] for i in pick]
    table["country"] = np.where(lon < 62, "Iran", "Pakistan")
    table["admin1"] = np.where(lon < 62, "Sistan and Baluchestan", "Balochistan")
    table["location"] = [f"Place {i % 500}" for i in pick]
    table["latitude"], table["longitude"] = lat.astype(str), lon.astype(str)
    table["geo_precision"] = (pick % 3 + 1).astype(str)
    table["source"] = "Dawn; https://example.org/a?b=1&c=2"
    table["notes"] = "Gunmen attacked a checkpoint. " + table["location"]
    table["fatalities"] = (pick % 4).astype(str)
    if hostile:
        for i, column in enumerate(("actor1", "location", "notes", "source", "actor2", "event_id_cnty")):
            table[column] = [HOSTILE[(i + j) % len(HOSTILE)] + f" {j}" for j in range(n)]
    table.to_csv(path, index=False)
    result = import_events(path, max_bytes=200 * 2**20)
    assert len(result.events) == n, result.summary()
    return result.events


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    frame = acled_csv(tmp_path_factory.mktemp("small") / "small.csv", 400, seed=1)
    # Some events last several days (ACLED has no end dates; UCDP and GeoJSON files do).
    rng = np.random.default_rng(2)
    lasting = rng.random(len(frame)) < 0.3
    frame.loc[lasting, "end_date"] = frame.loc[lasting, "date"] + pd.to_timedelta(
        rng.integers(0, 40, lasting.sum()), unit="D")
    return frame


@pytest.fixture(scope="module")
def large(tmp_path_factory):
    return acled_csv(tmp_path_factory.mktemp("large") / "large.csv", 100_000, seed=3)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    return acled_csv(tmp_path_factory.mktemp("hostile") / "hostile.csv", 12, seed=4, hostile=True)


def pandas_window(frame: pd.DataFrame, start: dt.date, end: dt.date) -> np.ndarray:
    """An independent filter: an event shows if [date, end_date or date] meets [start, end]."""
    first = frame["date"].dt.normalize()
    last = frame["end_date"].fillna(frame["date"]).dt.normalize()
    return ((first <= pd.Timestamp(end)) & (last >= pd.Timestamp(start))).to_numpy()


def payload(element: ImportedLayer) -> dict:
    return json.loads(element.data)  # \u003c and friends are JSON escapes


def popup_text(data: dict, point: list) -> str:
    return "".join(data["parts"][i] for i in point[4])


WINDOWS = [(dt.date(2017, 1, 1), dt.date(2024, 12, 31)), (dt.date(2020, 3, 1), dt.date(2020, 3, 31)),
           (dt.date(2021, 6, 5), dt.date(2021, 6, 5)), (dt.date(2016, 1, 1), dt.date(2016, 12, 31)),
           (dt.date(2019, 1, 1), dt.date(2019, 12, 31)), (dt.date(2024, 12, 31), dt.date(2025, 2, 1))]


@pytest.mark.parametrize(("start", "end"), WINDOWS)
def test_window_mask_matches_pandas(small, start, end):
    prepared = prepare_imported(small)
    expected = pandas_window(small, start, end)
    assert np.array_equal(prepared.mask(start, end), expected)
    assert np.array_equal(expected, in_window(small, "events", start, end).to_numpy())


def test_window_mask_on_100k_rows(large):
    prepared = prepare_imported(large)
    for start, end in WINDOWS:
        assert np.array_equal(prepared.mask(start, end), pandas_window(large, start, end))


def test_markers_are_the_window_rows_with_their_spec_html(small):
    prepared = prepare_imported(small)
    start, end = dt.date(2019, 1, 1), dt.date(2020, 6, 30)
    element, shown = imported_layer(prepared, start, end)
    rows = np.flatnonzero(pandas_window(small, start, end))
    data = payload(element)
    assert shown == ImportedShown(len(rows), "markers", 0, None, len(element.data.encode()))
    assert data["kind"] == "markers" and len(data["points"]) == len(rows) > 20
    records = small.drop(columns="geometry").to_dict("records")
    for point, i in zip(data["points"], rows, strict=True):
        props, geom = records[i], small.geometry.iloc[i]
        assert point[:2] == pytest.approx([geom.x, geom.y], abs=1e-5)
        style = webimport._style_json(IMPORTED.style_of(props))
        assert data["styles"][point[2]] == style
        assert point[3] == IMPORTED.tooltip_of(props)
        assert popup_text(data, point) == IMPORTED.popup_of(props)


def test_marker_cap_switches_to_density(small):
    prepared = prepare_imported(small)
    start, end = dt.date(2018, 1, 1), dt.date(2019, 12, 31)
    n = int(pandas_window(small, start, end).sum())
    _, at_cap = imported_layer(prepared, start, end, marker_cap=n)
    element, over = imported_layer(prepared, start, end, marker_cap=n - 1)
    assert at_cap.drawn_as == "markers" and at_cap.in_window == n
    assert over.drawn_as == "density" and over.in_window == n and over.cells > 0
    data = payload(element)
    assert data["kind"] == "density" and "points" not in data
    assert "narrow the window" in over.message() and f"{n:,} imported events" in over.message()
    assert "density" not in at_cap.message()


def test_density_counts_sum_to_the_window(large):
    prepared = prepare_imported(large)
    for start, end in WINDOWS[:2] + WINDOWS[4:5]:  # all, a month (~1,000), a year
        element, shown = imported_layer(prepared, start, end, marker_cap=500)
        n = int(pandas_window(large, start, end).sum())
        assert shown.drawn_as == "density" and shown.in_window == n
        cells = np.array(payload(element)["cells"])
        assert cells[:, 2].sum() == n and len(cells) == shown.cells <= DENSITY_MAX_CELLS
        assert (cells[:, 2] >= 1).all()
        # every cell centre is in the data's extent, latitude first (Leaflet's order)
        assert cells[:, 0].min() > 24.4 and cells[:, 0].max() < 31.6
        assert cells[:, 1].min() > 57.4 and cells[:, 1].max() < 66.6


def test_density_cells_put_each_point_in_its_square():
    rng = np.random.default_rng(5)
    lon, lat = rng.uniform(60, 61, 5000), rng.uniform(27, 28, 5000)
    cells, step = webimport.density_cells(lon, lat, step=0.1, max_cells=1000)
    assert step == 0.1 and cells[:, 2].sum() == 5000 and len(cells) <= 1000
    counts = pd.Series(list(zip(np.floor(lat / step), np.floor(lon / step), strict=True))).value_counts()
    got = {(round((la - step / 2) / step), round((lo - step / 2) / step)): c for la, lo, c in cells}
    assert got == {(int(a), int(b)): c for (a, b), c in counts.items()}
    coarse, coarse_step = webimport.density_cells(lon, lat, step=0.01, max_cells=50)
    assert len(coarse) <= 50 and coarse_step > 0.01 and coarse[:, 2].sum() == 5000
    one, _ = webimport.density_cells(np.full(7, 62.5), np.full(7, 27.5))
    assert one.tolist() == [[pytest.approx(27.505), pytest.approx(62.505), 7]]


def test_styles_are_deduplicated_and_match_the_spec(large):
    prepared = prepare_imported(large)
    pairs = large[["kind", "actor"]].drop_duplicates().to_dict("records")
    distinct = {json.dumps(webimport._style_json(IMPORTED.style_of(p)), sort_keys=True) for p in pairs}
    assert 1 < len(prepared.styles) == len(distinct) <= 45  # kinds x actor groups, not 100,000
    assert len({json.dumps(s, sort_keys=True) for s in prepared.styles}) == len(prepared.styles)
    sample = np.random.default_rng(6).choice(len(large), 300, replace=False)
    records = large.iloc[sample].drop(columns="geometry").to_dict("records")
    for i, props in zip(sample, records, strict=True):
        assert prepared.styles[prepared.style_idx[i]] == webimport._style_json(IMPORTED.style_of(props))


def test_popups_are_built_once_per_row(small):
    calls = []

    def counting(props):
        calls.append(props["id"])
        return IMPORTED.popup_of(props)

    prepared = prepare_imported(small, dataclasses.replace(IMPORTED, popup_of=counting))
    assert calls == []  # nothing is built until a window shows markers
    start, end = dt.date(2020, 1, 1), dt.date(2020, 12, 31)
    first, _ = imported_layer(prepared, start, end)
    n = len(calls)
    again, _ = imported_layer(prepared, start, end)
    assert n > 10 and len(calls) == n and again.data == first.data
    imported_layer(prepared, start, dt.date(2021, 6, 30))
    wider = set(small["id"][pandas_window(small, start, dt.date(2021, 6, 30))])
    assert len(calls) == len(set(calls)) and wider <= set(calls)


def test_pack_html_gives_every_text_back():
    texts = [IMPORTED.popup_of({"date": pd.Timestamp("2024-01-16"), "kind": "strike", "place": f"P{i}",
                                "actor": "<b>x</b>" if i % 2 else "Army", "id": str(i)})
             for i in range(9)] + ["", "plain", "<a>", "a<b"]
    parts, codes = pack_html(texts)
    assert ["".join(parts[c] for c in code) for code in codes] == texts
    assert len(set(parts)) == len(parts)
    assert sum(map(len, parts)) < sum(map(len, texts)) / 2  # shared markup is sent once


def test_hostile_text_never_leaves_its_escaping(hostile):
    prepared = prepare_imported(hostile)
    element, shown = imported_layer(prepared, dt.date(2017, 1, 1), dt.date(2024, 12, 31))
    assert shown.drawn_as == "markers" and shown.in_window == len(hostile)
    m = webmap.base_map()
    group = folium.FeatureGroup(name="atlas", control=False)
    group.add_child(element)
    group.add_to(m)
    html = m.get_root().render()  # a whole page, as Map.save writes it
    script = re.search(r"BorderAtlas\.imported\((.*?)\)\.addTo", html, re.S).group(1)
    rerun = _get_feature_group_string(folium.FeatureGroup(name="atlas").add_child(element),
                                      webmap.base_map())  # what st_folium sends on a rerun
    assert script in rerun
    assert not re.search(r"\{[{%#]", script)  # folium compiles scripts as Jinja templates
    for text in HOSTILE[:2]:
        assert text not in html
    assert "</script>" not in script
    assert not re.search(r"[<>&\u2028\u2029]", script)  # nothing can end the <script>
    assert html.count("</script>") == len(re.findall(r"<script\b", html))
    data = json.loads(script)
    assert len(data["points"]) == len(hostile)
    for point in data["points"]:
        shown_html = popup_text(data, point) + point[3]
        assert "<img" not in shown_html and "<script" not in shown_html
        assert "&lt;" in shown_html
    joined = "".join(popup_text(data, p) for p in data["points"])
    assert "&lt;img src=x onerror=alert(1)&gt;" in joined
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in joined
    assert "{{ 7*7 }}" in joined and "{% if %}{# {{{" in joined  # shown as written, not run


def test_script_json_escapes_what_html_and_jinja_would_read():
    value = {"a": ["</script><img src=x onerror=alert(1)>&\u2028", "{{ 1 }} {%x%} {#y#} {{{ \\{{"],
             "b": {"c": [{}, {"d": "}}"}]}}
    text = webimport.script_json(value)
    assert not re.search(r"[<>&\u2028\u2029]", text) and not re.search(r"\{[{%#]", text)
    assert json.loads(text) == value


def test_empty_import_and_empty_window(small):
    empty = prepare_imported(small.iloc[:0])
    element, shown = imported_layer(empty, dt.date(2020, 1, 1), dt.date(2020, 1, 2))
    assert shown.in_window == 0 and shown.drawn_as == "markers" and payload(element)["points"] == []
    assert shown.message() == "0 imported events in the window"
    data, shown = imported_data(prepare_imported(small), dt.date(2000, 1, 1), dt.date(2000, 1, 2))
    assert shown.in_window == 0 and data["points"] == []


def test_base_map_serves_the_clustering_and_heat_scripts_locally():
    m = webmap.base_map(asset_base="/assets")
    links = [url for _, url in m.default_js + m.default_css]
    names = [name for name, _ in m.default_js]
    assert names.index("leaflet") < names.index("markercluster") < names.index("border_atlas_imported")
    assert names.index("leaflet_heat") < names.index("border_atlas_imported")
    assert names.index("border_atlas") < names.index("border_atlas_imported")
    for url in links:
        assert url.startswith("/assets/")
        assert (PROJECT_ROOT / "static" / url.removeprefix("/assets/")).is_file(), url
    for licence in ("leaflet.markercluster/MIT-LICENCE.txt", "leaflet.heat/LICENSE"):
        assert (PROJECT_ROOT / "static" / "vendor" / licence).is_file()


def test_legend_follows_what_is_drawn():
    markers = webimport.legend_html(ImportedShown(10, "markers", 0))
    density = webimport.legend_html(ImportedShown(10_000, "density", 300, 0.04))
    assert "Kind: strike" in markers and "Cluster" in markers and "Density" not in markers
    assert "Density" in density and "10,000" in density and "Kind: strike" not in density
    some = webimport.legend_html(ImportedShown(3, "markers", 0), entries=IMPORTED.legend[:1])
    assert IMPORTED.legend[0].label in some and IMPORTED.legend[1].label not in some


def test_the_layer_script_is_not_compiled_as_a_template():
    m = webmap.base_map()
    group = folium.FeatureGroup(name="atlas", control=False)
    group.add_child(ImportedLayer('{"kind":"markers","x":"{{ 7*7 }} {% if %}"}'))
    group.add_to(m)
    html = m.get_root().render()
    assert '"{{ 7*7 }} {% if %}"' in html and '"49' not in html
