"""The explorer, run headless with AppTest: widgets change what the map component carries."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import geo

APP = str(Path(__file__).resolve().parent.parent / "app.py")
TIMEOUT = 90


def _run(query: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    return at.run()


def _map_args(at: AppTest) -> dict:
    maps = [e for e in at.main if getattr(e, "type", None) == "component_instance"]
    assert len(maps) == 1, "one map component"
    return json.loads(maps[0].proto.json_args)


def _shown_ids(at: AppTest) -> set[str]:
    """Feature ids the map component will draw (the data layers' feature groups)."""
    groups = _map_args(at)["feature_group"] or ""
    return set(re.findall(r'"_id":"([^"#]+)"', groups))


def _static_layers(at: AppTest) -> list[str]:
    """Undated layers the map shows (fetched once by the browser from static/web/)."""
    groups = _map_args(at)["feature_group"] or ""
    found = re.search(r"BorderAtlas\.showStatic\([^,]+, (\[.*?\]\])\)", groups)
    return [name for name, _url in json.loads(found.group(1))] if found else []


def _event_ids(at: AppTest) -> set[str]:
    events = set(geo.load_layer("events")["id"])
    return _shown_ids(at) & events


@pytest.fixture(scope="module")
def events():
    return geo.load_layer("events")


def _expected(events, start, end):
    first = events["date"]
    last = events["end_date"].fillna(first)
    mask = (first <= str(end)) & (last >= str(start))
    return set(events[mask]["id"])


def test_default_view_is_the_crisis_week_with_every_layer(events):
    at = _run()
    assert not at.exception
    assert at.slider(key="window").value == (dt.date(2024, 1, 15), dt.date(2024, 1, 22))
    assert _event_ids(at) == _expected(events, "2024-01-15", "2024-01-22")
    assert {"2024-01-16-iran-strike-panjgur", "2024-01-18-pakistan-strike-saravan"} <= _event_ids(at)
    args = _map_args(at)
    # Every script and stylesheet is served by the app itself.
    assert all(link.startswith("/app/static/") for link in args["js_links"] + args["css_links"])


@pytest.mark.parametrize(
    ("start", "end"),
    [("2024-01-16", "2024-01-16"), ("2023-12-01", "2024-04-30"), ("2017-01-01", "2024-12-31"),
     ("2020-01-01", "2020-12-31")],
)
def test_window_decides_which_events_are_drawn(events, start, end):
    at = _run()
    at.slider(key="window").set_value((dt.date.fromisoformat(start), dt.date.fromisoformat(end))).run()
    assert not at.exception
    assert _event_ids(at) == _expected(events, start, end)
    assert at.query_params["start"] == [start] or at.query_params["start"] == start


def test_moving_the_window_keeps_the_base_map_script(events):
    at = _run()
    before = _map_args(at)
    at.slider(key="window").set_value((dt.date(2024, 1, 17), dt.date(2024, 1, 22))).run()
    after = _map_args(at)
    # Same base script: the component is updated in place, the user's zoom is kept.
    assert after["script"] == before["script"]
    assert after["feature_group"] != before["feature_group"]
    assert "2024-01-16-iran-strike-panjgur" not in _event_ids(at)


def test_layer_toggles_remove_layers(events):
    at = _run()
    at.checkbox(key="layer_events").uncheck().run()
    assert _event_ids(at) == set()
    assert _static_layers(at) == ["context", "provinces", "routes", "places", "border"]
    at.checkbox(key="layer_places").uncheck().run()
    assert _static_layers(at) == ["context", "provinces", "routes", "border"]
    assert at.query_params["layers"] in ("border,provinces,context,crossings,routes",
                                         ["border,provinces,context,crossings,routes"])


def test_crossings_appear_from_their_opening_date():
    crossings = geo.load_layer("crossings")
    dated = crossings.dropna(subset=["opened"])
    assert len(dated) >= 1
    first_open = dated.sort_values("opened").iloc[0]
    day_before = (first_open["opened"] - dt.timedelta(days=1)).date()
    at = _run({"start": "2017-01-01", "end": day_before.isoformat()})
    assert first_open["id"] not in _shown_ids(at)
    at = _run({"start": "2017-01-01", "end": first_open["opened"].date().isoformat()})
    assert first_open["id"] in _shown_ids(at)


def test_presets_and_steps_move_the_window(events):
    at = _run()
    at.button(key="preset_everything").click().run()
    assert at.slider(key="window").value == (dt.date(2017, 1, 1), dt.date(2024, 12, 31))
    assert _event_ids(at) == set(events["id"])
    at.button(key="preset_crisis-week").click().run()
    at.button(key="step_forward").click().run()
    assert at.slider(key="window").value == (dt.date(2024, 1, 16), dt.date(2024, 1, 23))


def test_a_shared_link_reopens_the_same_view(events):
    at = _run({"start": "2024-04-01", "end": "2024-04-30", "layers": "border,events",
               "basemap": "osm"})
    assert at.slider(key="window").value == (dt.date(2024, 4, 1), dt.date(2024, 4, 30))
    assert at.radio(key="basemap").value == "osm"
    assert _event_ids(at) == _expected(events, "2024-04-01", "2024-04-30")
    assert not at.checkbox(key="layer_places").value
    assert "tile.openstreetmap.org" in _map_args(at)["script"]
    assert not at.warning


@pytest.mark.parametrize(
    ("query", "named"),
    [
        ({"start": "2024-13-45"}, "2024-13-45"),
        ({"end": "yesterday"}, "yesterday"),
        ({"start": "2024-02-01", "end": "2024-01-01"}, "before start"),
        ({"start": "1990-01-01"}, "outside"),
        ({"layers": "events,volcanoes"}, "volcanoes"),
        ({"basemap": "mars"}, "mars"),
        ({"preset": "nope"}, "nope"),
    ],
)
def test_bad_url_parameters_fall_back_with_a_notice(query, named):
    at = _run(query)
    assert not at.exception
    notices = " ".join(w.value for w in at.warning)
    assert named in notices
    assert at.slider(key="window").value == (dt.date(2024, 1, 15), dt.date(2024, 1, 22)) or "layers" in query or "basemap" in query


def test_table_and_downloads_follow_the_window(events):
    at = _run({"start": "2024-01-16", "end": "2024-01-18"})
    table = at.dataframe[0].value
    expected = _expected(events, "2024-01-16", "2024-01-18")
    assert len(table) == len(expected)
    assert set(table["date"]) <= {"2024-01-16", "2024-01-17", "2024-01-18"}


def test_export_panel_draws_a_preview_and_offers_the_file():
    at = _run({"start": "2024-01-16", "end": "2024-01-18", "layers": "border,provinces,events"})
    at.selectbox(key="export_format").set_value("svg")
    at.button(key="export_draw").click().run()
    assert not at.exception and not at.error
    assert len([e for e in at.main if type(e).__name__ == "Image"]) == 1
    labels = [b.label for b in at.main if type(b).__name__ == "DownloadButton"]
    assert "Download SVG" in labels


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
