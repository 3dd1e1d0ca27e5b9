"""The filters the map's controls report (the browser's half is tests/test_browser_controls.py):
Python takes them as it takes a link's, and the table, its count, its downloads and the
export panel follow; a bad value is named and left out; the element opens with the link's."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from geo.view import Filters
from tests._element import KEY, data

APP = str(Path(__file__).resolve().parent.parent / "app.py")
TIMEOUT = 90
VIEW = {"start": "2024-01-01", "end": "2024-02-29", "lat": 27.5, "lon": 62.9, "zoom": 7}


def _run(params: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    for key, value in (params or {}).items():
        at.query_params[key] = value
    return at.run()


def _count(at: AppTest) -> int:
    return int(at.subheader[0].value.rsplit("(", 1)[1].rstrip(")"))


def test_reported_filters_rule_the_table_and_count():
    at = _run()
    at.session_state[KEY] = {"view": {**VIEW, "filters": {}}}
    at.run()
    everything = _count(at)
    at.session_state[KEY] = {"view": {**VIEW, "filters": {"kind": "strike", "side": "PAK"}}}
    at.run()
    assert not at.exception
    assert at.session_state["filters"] == Filters(kinds=("strike",), sides=("PAK",))
    strikes = _count(at)
    assert 0 < strikes < everything
    assert set(at.dataframe[0].value["kind"]) == {"strike"}
    assert any("Events shown" in c.value and "Pakistani side" in c.value for c in at.caption), [c.value for c in at.caption]
    # cleared in the browser: every event again
    at.session_state[KEY] = {"view": {**VIEW, "filters": {}}}
    at.run()
    assert _count(at) == everything and not at.session_state["filters"].active


def test_a_bad_reported_filter_is_named_and_left_out():
    at = _run()
    at.session_state[KEY] = {"view": {**VIEW, "filters": {"kind": "meteor", "min_killed": "3", "search": 7}}}
    at.run()
    assert not at.exception
    assert at.session_state["filters"] == Filters(min_killed=3)
    assert any("meteor" in w.value for w in at.warning)


def test_the_element_opens_with_the_links_filters():
    at = _run({"kind": "strike", "search": "jaish"})
    sent = data(at)
    assert sent["state"]["filters"] == {"kind": "strike", "search": "jaish"}
    assert [c["key"] for c in sent["config"]["filterChoices"]["side"]] == ["IRN", "PAK"]
