"""The explorer, run headless with AppTest: what the map element receives, and what Python
does with the window the browser reports (table, count, URL, export)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import geo
from tests._element import data, dated, dated_ids, report
from tests._markdown import only_escaped, shown

APP = str(Path(__file__).resolve().parent.parent / "app.py")
TIMEOUT = 90


def _run(params: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    for key, value in (params or {}).items():
        at.query_params[key] = value
    return at.run()


@pytest.fixture(scope="module")
def events():
    return geo.load_layer("events")


def _expected(events, start, end):
    first = events["date"]
    last = events["date_last"]  # the one window rule: date <= end and date_last >= start
    mask = (first <= str(end)) & (last >= str(start))
    return set(events[mask]["id"])


def _table_ids(at: AppTest, events) -> set[str]:
    """Events in the on-screen table, found by date and place (the id column is hidden)."""
    table = at.dataframe[0].value
    keyed = {(d.strftime("%Y-%m-%d"), p): i for d, p, i in zip(events["date"], events["place"], events["id"], strict=True)}
    return {keyed[(d, p)] for d, p in zip(table["date"], table["place"], strict=True)}


def test_default_view_is_the_crisis_week_with_every_layer(events):
    at = _run()
    assert not at.exception
    sent = data(at)
    assert sent["state"]["window"] == ["2024-01-15", "2024-01-22"]
    # Every event goes to the browser once, with its days; the browser filters them.
    assert dated_ids(at) == set(events["id"])
    assert {"2024-01-16-iran-strike-panjgur", "2024-01-18-pakistan-strike-saravan"} <= _table_ids(at, events)
    # Every script and stylesheet is served by the app itself.
    links = re.findall(r'(?:src|href)="([^"]+)"', sent["doc"])
    assert links and all(link.startswith("/app/static/") for link in links)


@pytest.mark.parametrize(
    ("start", "end"),
    [("2024-01-16", "2024-01-16"), ("2023-12-01", "2024-04-30"), ("2017-01-01", "2024-12-31"),
     ("2020-01-01", "2020-12-31")],
)
def test_the_reported_window_drives_table_count_and_url(events, start, end):
    at = _run()
    report(at, start, end, lat=26.9, lon=63.4, zoom=8)
    assert not at.exception
    assert _table_ids(at, events) == _expected(events, start, end)
    assert f"({len(_expected(events, start, end))})" in at.subheader[0].value
    state = at.session_state["explorer"]
    assert (state.start.isoformat(), state.end.isoformat()) == (start, end)
    assert (state.map_view.lat, state.map_view.lon, state.map_view.zoom) == (26.9, 63.4, 8)


def test_a_report_resends_nothing_big(events):
    at = _run()
    before = data(at)
    report(at, "2024-01-17", "2024-01-22")
    after = data(at)
    # The element keeps its map: same document, same dated data, same opening window.
    assert after == before


def test_a_malformed_report_is_ignored():
    at = _run()
    at.session_state["atlas"] = {"view": {"start": "2024-99-01", "end": "x", "lat": "north"}}
    at.run()
    assert not at.exception
    assert at.session_state["explorer"].start == dt.date(2024, 1, 15)


def test_layer_toggles_and_basemap_reach_the_element():
    at = _run()
    at.checkbox(key="layer_events").uncheck().run()
    at.checkbox(key="layer_places").uncheck().run()
    sent = data(at)
    assert "events" not in sent["state"]["layers"] and "places" not in sent["state"]["layers"]
    at.radio(key="basemap").set_value("osm").run()
    sent = data(at)
    assert sent["state"]["basemap"] == "osm"
    assert "osm" in sent["config"]["basemaps"]  # a tile layer folium built, off until chosen
    assert "Strikes, attacks and diplomacy" not in sent["state"]["legend"]


def test_crossings_carry_their_opening_day():
    at = _run()
    crossings = geo.load_layer("crossings").dropna(subset=["opened"])
    features = {f["properties"]["_id"]: f["properties"] for f in dated(at)["crossings"]["features"]}
    for _, row in crossings.iterrows():
        day = (row["opened"] - dt.datetime(1970, 1, 1)).days
        assert features[row["id"]]["_d0"] == day


def test_a_shared_link_reopens_the_same_view(events):
    at = _run({"start": "2024-04-01", "end": "2024-04-30", "layers": "border,events",
               "basemap": "osm", "lat": "26.5", "lon": "62.0", "zoom": "9"})
    sent = data(at)
    assert sent["state"]["window"] == ["2024-04-01", "2024-04-30"]
    assert sent["state"]["view"] == {"lat": 26.5, "lon": 62.0, "zoom": 9}
    assert sent["state"]["basemap"] == "osm"
    assert _table_ids(at, events) == _expected(events, "2024-04-01", "2024-04-30")
    assert not at.checkbox(key="layer_places").value
    assert not at.warning


def test_an_event_link_opens_its_window_and_popup(events):
    at = _run({"event": "2024-01-18-pakistan-strike-saravan"})
    sent = data(at)
    assert sent["state"]["event"] == "2024-01-18-pakistan-strike-saravan"
    assert sent["state"]["window"] == ["2024-01-15", "2024-01-21"]
    report(at, "2024-01-10", "2024-01-21")
    assert data(at)["state"]["event"] == "2024-01-18-pakistan-strike-saravan"  # never resent


@pytest.mark.parametrize(
    ("params", "named"),
    [
        ({"start": "2024-13-45"}, "2024-13-45"),
        ({"end": "yesterday"}, "yesterday"),
        ({"start": "2024-02-01", "end": "2024-01-01"}, "before start"),
        ({"start": "1990-01-01"}, "outside"),
        ({"layers": "events,volcanoes"}, "volcanoes"),
        ({"basemap": "mars"}, "mars"),
        ({"preset": "nope"}, "nope"),
        ({"event": "no-such-event"}, "event"),
        ({"event": "<b>x</b>"}, "event"),
        ({"lat": "91", "lon": "0", "zoom": "5"}, "lat/lon/zoom"),
        ({"zoom": "close"}, "three numbers"),
    ],
)
def test_bad_url_parameters_fall_back_with_a_notice(params, named):
    at = _run(params)
    assert not at.exception
    notices = " ".join(shown(w.value) for w in at.warning)
    assert named in notices
    sent = data(at)
    if not {"start", "end", "preset"} & set(params) or "1990" in str(params) or "13-45" in str(params):
        assert sent["state"]["window"] == ["2024-01-15", "2024-01-22"]


def _download(at: AppTest, served: dict[str, bytes], label: str) -> bytes:
    button = next(b for b in at.main if type(b).__name__ == "DownloadButton" and b.label == label)
    return served[Path(button.proto.url).stem]


def test_table_and_downloads_follow_the_window(events, served):
    import csv
    import io
    import json

    at = _run({"start": "2024-01-16", "end": "2024-01-18"})
    table = at.dataframe[0].value
    expected = _expected(events, "2024-01-16", "2024-01-18")
    assert len(table) == len(expected)
    rows = list(csv.DictReader(io.StringIO(_download(at, served, "Download CSV").decode("utf-8"))))
    assert {row["id"] for row in rows} == expected and len(rows) == len(expected)
    collection = json.loads(_download(at, served, "Download GeoJSON"))
    assert collection["type"] == "FeatureCollection"
    assert {f["properties"]["id"] for f in collection["features"]} == expected
    assert len(collection["features"]) == len(expected)


def test_export_panel_draws_the_reported_window():
    at = _run({"layers": "border,provinces,events"})
    report(at, "2024-01-16", "2024-01-18")
    at.selectbox(key="export_format").set_value("svg")
    at.button(key="export_draw").click().run()
    assert not at.exception and not at.error
    images = [e for e in at.main if type(e).__name__ == "Image"]
    assert len(images) == 1
    assert "2024-01-16 to 2024-01-18" in images[0].proto.imgs[0].caption
    labels = [b.label for b in at.main if type(b).__name__ == "DownloadButton"]
    assert "Download SVG" in labels


HOSTILE_QUERY = {
    "preset": "[Session expired](http://evil.example/login)",
    "basemap": "![](http://127.0.0.1:9/pixel.png)",
    "layers": "$x^2$ :red[alarm] <b>bold</b> www.evil.example",
}


def test_url_values_are_shown_as_plain_text_never_as_markdown():
    at = _run(HOSTILE_QUERY)
    assert not at.exception
    notices = [w.value for w in at.warning]
    assert len(notices) == 3
    for notice in notices:
        assert only_escaped(notice), notice
    text = " ".join(shown(n) for n in notices)
    for value in HOSTILE_QUERY.values():
        assert value in text  # as typed


def test_a_huge_url_value_is_cut_short_with_an_ellipsis():
    at = _run({"preset": "A" * 100_000})
    (notice,) = [shown(w.value) for w in at.warning]
    assert len(notice) < 300 and "A…" in notice


def _clear_layer_caches() -> None:
    """Forget the layers loaded so far (the atlas's own cache and Streamlit's)."""
    import streamlit as st

    import geo.assemble

    geo.assemble._cached.cache_clear()
    st.cache_resource.clear()
    st.cache_data.clear()


@pytest.mark.parametrize("fault", ["a folder", "nested 5,000 levels deep", "a pipe"])
def test_a_faulty_shipped_layer_is_a_named_notice_and_the_rest_works(tmp_path, monkeypatch, fault):
    import os
    import shutil

    import geo.io
    from geo._paths import DATA_DIR

    for path in DATA_DIR.glob("*.geojson"):
        shutil.copy(path, tmp_path)
    broken = tmp_path / "events.geojson"
    broken.unlink()
    if fault == "a folder":
        broken.mkdir()
    elif fault == "a pipe":
        os.mkfifo(broken)
    else:
        broken.write_text('{"type": "FeatureCollection", "features": ' + "[" * 5000 + "]" * 5000 + "}")
    monkeypatch.setattr(geo.io, "DATA_DIR", tmp_path)
    _clear_layer_caches()
    try:
        at = _run()
    finally:
        monkeypatch.undo()
        _clear_layer_caches()
    assert not at.exception
    (error,) = [shown(e.value) for e in at.error]
    assert error.startswith("The events layer could not be loaded and is left out:")
    assert "events.geojson" in error and "Traceback" not in error
    assert "events" not in dated(at) and data(at)["doc"]  # the map and the rest work
    assert at.sidebar.checkbox(key="layer_events").disabled


def test_crossings_carry_their_status_changes_and_closed_look():
    at = _run()
    features = {f["properties"]["_id"]: f["properties"] for f in dated(at)["crossings"]["features"]}
    gabd = features["gabd-rimdan"]
    june_15 = (dt.date(2025, 6, 15) - dt.date(1970, 1, 1)).days
    assert [june_15, "closed"] in gabd["_h"]
    assert gabd["_sc"] != gabd["_s"]  # drawn differently while closed
    assert "_h" not in features["jalq-market"]  # no dated status: always as it is
    taftan = features["taftan-mirjaveh"]["_h"]
    sealed = (dt.date(2022, 10, 2) - dt.date(1970, 1, 1)).days
    assert [sealed, "closed"] in taftan and [sealed + 1, "open"] in taftan  # halted: that day only


def test_a_picked_table_row_asks_the_map_to_open_that_event(events):
    at = _run({"start": "2024-01-16", "end": "2024-01-18"})
    table = at.dataframe[0].value
    row = int(table.index[table["place"].str.contains("Saravan")][0])
    at.session_state["events_table"] = {"selection": {"rows": [row], "columns": [], "cells": []}}
    at.run()
    assert not at.exception
    focus = data(at)["state"]["focus"]
    assert focus["id"] == "2024-01-18-pakistan-strike-saravan"
    first = focus["nonce"]
    at.run()  # the same pick is asked once, not on every rerun
    assert data(at)["state"]["focus"]["nonce"] == first


def test_export_panel_draws_a_gif_with_a_progress_bar():
    at = _run({"start": "2024-01-16", "end": "2024-01-18", "layers": "border,provinces,events"})
    at.selectbox(key="export_format").set_value("gif")
    at.run()
    at.selectbox(key="export_width_px").set_value(640)
    at.button(key="export_draw").click().run()
    assert not at.exception and not at.error
    kinds = [getattr(e, "type", None) for e in at.main]
    assert "progress" in kinds and "image" in kinds
    labels = [b.label for b in at.main if type(b).__name__ == "DownloadButton"]
    assert "Download GIF" in labels


def _export_images(at: AppTest) -> list:
    return [e for e in at.main if type(e).__name__ == "Image"]


def _export_downloads(at: AppTest) -> list[str]:
    return [b.label for b in at.main if type(b).__name__ == "DownloadButton" and b.key
            and b.key.startswith("export")]


def test_the_export_keeps_its_preview_and_download_after_a_download():
    at = _run({"layers": "border,provinces,events"})
    report(at, "2024-01-16", "2024-01-18")
    at.selectbox(key="export_format").set_value("svg")
    at.button(key="export_draw").click().run()
    assert _export_downloads(at) == ["Download SVG"] and len(_export_images(at)) == 1
    at.run()  # a download reruns the page (as a click on any other widget does)
    assert _export_downloads(at) == ["Download SVG"] and len(_export_images(at)) == 1
    # something the figure is drawn from changes: the old file is not offered for it
    at.selectbox(key="export_format").set_value("pdf").run()
    assert _export_downloads(at) == [] and _export_images(at) == []


def test_the_html_export_keeps_its_download_after_a_download():
    at = _run({"layers": "border,provinces,events"})
    at.selectbox(key="export_format").set_value("html").run()
    at.button(key="export_html").click().run()
    assert len(_export_downloads(at)) == 1
    at.run()
    assert len(_export_downloads(at)) == 1


def test_the_export_draws_the_view_on_screen():
    from ui.explorer import NOMINAL_MAP_HEIGHT, NOMINAL_MAP_WIDTH, mercator_extent

    at = _run({"layers": "border,provinces,events"})
    report(at, "2024-01-16", "2024-01-18", lat=27.2, lon=63.0, zoom=9)
    assert at.radio(key="export_scope").value == "screen"
    at.selectbox(key="export_format").set_value("svg")
    at.button(key="export_draw").click().run()
    kept = at.session_state["export_result"]
    view = kept["key"][1]
    expected = mercator_extent(geo.view.MapView(27.2, 63.0, 9), NOMINAL_MAP_WIDTH, NOMINAL_MAP_HEIGHT)
    assert view.extent == expected
    assert (view.start, view.end) == (dt.date(2024, 1, 16), dt.date(2024, 1, 18))
    assert set(view.layers) == {"border", "provinces", "events"}
    caption = _export_images(at)[0].proto.imgs[0].caption
    assert "extent " + ", ".join(f"{v:g}" for v in expected) in caption
    # the figure honours it: its map shows that box (the figure widens one side to its shape)
    from pyproj import Transformer

    from geo.figure import FigureSpec, build_figure, figure_info

    info = figure_info(build_figure(view.with_(basemap="offline"), FigureSpec(preset="single-column")))
    assert tuple(info.extent) == expected
    to_map = Transformer.from_crs("EPSG:4326", info.crs, always_xy=True)
    xs, ys = to_map.transform([expected[0], expected[2], expected[0], expected[2]],
                              [expected[1], expected[1], expected[3], expected[3]])
    mx0, my0, mx1, my1 = info.map_box
    width = mx1 - mx0
    assert mx0 - 0.01 * width <= min(xs) and max(xs) <= mx1 + 0.01 * width
    assert my0 - 0.01 * width <= min(ys) and max(ys) <= my1 + 0.01 * width
    assert (max(xs) - min(xs)) > 0.5 * width  # the map is that box, not the whole region
    # a box reported by the element is used as it is
    at.session_state["atlas"] = {"view": {"start": "2024-01-16", "end": "2024-01-18", "lat": 27.2,
                                          "lon": 63.0, "zoom": 9, "bounds": [62.5, 26.9, 63.5, 27.5]}}
    at.run()
    at.button(key="export_draw").click().run()
    assert at.session_state["export_result"]["key"][1].extent == (62.5, 26.9, 63.5, 27.5)
    # the whole region: no extent, the figure fits the provinces
    at.radio(key="export_scope").set_value("region").run()
    at.button(key="export_draw").click().run()
    assert at.session_state["export_result"]["key"][1].extent is None


def test_the_export_panel_gives_the_line_that_embeds_the_site():
    at = _run()
    at.selectbox(key="export_format").set_value("html").run()
    at.text_input(key="export_site_url").set_value("https://example.org/atlas").run()
    codes = [c.value for c in at.code]
    assert any(c.startswith('<iframe src="https://example.org/atlas/embed.html"') for c in codes), codes
    # an address that is not one is named, and no line is given for it
    at.text_input(key="export_site_url").set_value('javascript:alert(1)"><b>').run()
    assert not any("iframe" in c.value for c in at.code)
    assert any("is not an http" in e.value and "<b>" not in e.value for e in at.error)
