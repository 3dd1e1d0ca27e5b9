"""The explorer in headless Chromium: draws offline, the slider moves time, the view survives."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests._server import LOCAL_PREFIXES, click_until, map_frame, wait_for

pytestmark = pytest.mark.browser
ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
IRAN_STRIKE = "2024-01-16-iran-strike-panjgur"
PAKISTAN_STRIKE = "2024-01-18-pakistan-strike-saravan"


@pytest.fixture()
def session(server, browser):
    """A fresh page on the app, recording requests and console errors."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    requests, errors = [], []
    page.on("request", lambda r: requests.append(r.url))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    yield page, server, requests, errors
    page.close()


def _marker_ids(frame) -> set[str]:
    return set(frame.eval_on_selector_all(".ba-marker", "els => els.map(e => e.getAttribute('data-id'))"))




def _window_thumbs(page):
    thumbs = page.locator('[data-testid="stSlider"] input[type="range"]')
    assert thumbs.count() == 2, "the date window has two handles"
    return thumbs


def test_map_draws_offline_with_both_strikes_and_no_errors(session):
    page, url, requests, errors = session
    page.goto(url)
    frame = map_frame(page)
    ids = wait_for(lambda: _marker_ids(frame) >= {IRAN_STRIKE, PAKISTAN_STRIKE} and _marker_ids(frame),
                    what="both strike markers")
    assert IRAN_STRIKE in ids and PAKISTAN_STRIKE in ids
    # Fetched undated layers stack in drawing order, below the dated ones, whichever fetch
    # completes first: the opaque context must never cover the provinces or the border.
    order = ["context", "provinces", "routes", "border"]
    wait_for(lambda: all(frame.evaluate(f"document.querySelectorAll('.leaflet-baStatic_{n}-pane path').length")
                          for n in order), what="static layers")
    z = [frame.evaluate(f"+map_div.getPane('baStatic_{n}').style.zIndex") for n in order]
    assert z == sorted(z) and z[-1] < frame.evaluate("+getComputedStyle(map_div.getPane('overlayPane')).zIndex")
    assert frame.evaluate("document.querySelectorAll('.leaflet-overlay-pane path[stroke-dasharray]').length") > 0
    label = frame.inner_text(".ba-label")
    assert "measured" in label and "909 km" in label
    time.sleep(0.5)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "explorer.png"))
    off_host = [u for u in requests if not u.startswith(LOCAL_PREFIXES)]
    assert off_host == [], f"requests left 127.0.0.1: {off_host[:5]}"
    assert errors == [], errors


def test_slider_move_hides_strike_and_keeps_zoom(session):
    page, url, _, errors = session
    page.goto(url + "?start=2024-01-15&end=2024-01-22")
    frame = map_frame(page)
    wait_for(lambda: IRAN_STRIKE in _marker_ids(frame), what="the 16 January strike")
    zoom = frame.evaluate("map_div.getZoom()")
    for _ in range(2):  # zoom in as a user does: click, and wait for the animation
        zoom = click_until(frame, ".leaflet-control-zoom-in",
                            lambda z=zoom: frame.evaluate("map_div.getZoom()") > z)
        zoom = frame.evaluate("map_div.getZoom()")
    center = frame.evaluate("[map_div.getCenter().lat, map_div.getCenter().lng]")
    start_thumb = _window_thumbs(page).nth(0)
    start_thumb.focus()
    start_thumb.press("ArrowRight")
    start_thumb.press("ArrowRight")  # window now starts 17 January: Iran's strike is out
    wait_for(lambda: IRAN_STRIKE not in _marker_ids(frame), what="the 16 January strike to leave")
    assert PAKISTAN_STRIKE in _marker_ids(frame)
    assert frame.evaluate("map_div.getZoom()") == zoom, "the slider move must not reset the zoom"
    after = frame.evaluate("[map_div.getCenter().lat, map_div.getCenter().lng]")
    assert after == pytest.approx(center, abs=1e-6)
    assert "start=2024-01-17" in page.url  # the view is in the URL
    assert errors == [], errors


def test_popup_shows_sources_and_footnotes(session):
    page, url, _, _ = session
    page.goto(url + "?start=2024-01-16&end=2024-01-16&layers=border,events")
    frame = map_frame(page)
    wait_for(lambda: IRAN_STRIKE in _marker_ids(frame), what="the 16 January strike")
    click_until(frame, f'.ba-marker[data-id="{IRAN_STRIKE}"]', lambda: frame.query_selector(".ba-popup"))
    popup = frame.query_selector(".ba-popup")
    text = popup.inner_text()
    assert "2024-01-16" in text and "killed" in text and "Distance to border" in text
    assert "Pakistani side" in text and "footnotes" in text
    links = popup.eval_on_selector_all(".ba-sources a", "els => els.map(e => e.href)")
    assert links and all(h.startswith("http") for h in links)


def test_bad_url_parameter_falls_back_with_a_notice(session):
    page, url, _, errors = session
    page.goto(url + "?start=2024-02-30&layers=events,volcanoes&basemap=mars")
    map_frame(page)
    warnings = page.locator('[data-testid="stAlert"]').all_inner_texts()
    joined = " ".join(warnings)
    assert "2024-02-30" in joined and "volcanoes" in joined and "mars" in joined
    assert page.locator('[data-testid="stException"]').count() == 0
    assert errors == [], errors
