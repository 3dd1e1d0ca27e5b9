"""The explorer in headless Chromium, used as a person would: the map draws offline, the
timeline is brushed with the mouse and stepped with keys, Play runs and stops, the first click
opens a popup, and links (to a view, to one event) reopen what they name."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from tests._server import LOCAL_PREFIXES, engine_frame, wait_for

pytestmark = pytest.mark.browser
ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
IRAN_STRIKE = "2024-01-16-iran-strike-panjgur"
PAKISTAN_STRIKE = "2024-01-18-pakistan-strike-saravan"
ENGINE = "BorderAtlasEngine"


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


def open_map(page, url: str):
    page.goto(url)
    frame = engine_frame(page)
    frame.on("console", lambda m: None)
    return frame


def marker_ids(frame) -> set[str]:
    """Ids of the dated features the engine shows on the map."""
    return set(frame.evaluate(f"{ENGINE}.shown()"))


def element(frame, js: str):
    """The element an engine call returns (a marker, a timeline mark)."""
    handle = frame.evaluate_handle(js).as_element()
    assert handle is not None, f"{js} gave no element"
    return handle


def window_of(frame) -> tuple[str, str]:
    return tuple(frame.evaluate(f"{ENGINE}.window()"))


def address(page) -> str:
    """The address bar now (``page.url`` is only refreshed when Playwright talks to the page)."""
    return page.evaluate("location.href")


def no_exception_on_page(page) -> bool:
    return page.locator('[data-testid="stException"]').count() == 0


def test_map_draws_offline_with_both_strikes_and_no_errors(session):
    page, url, requests, errors = session
    frame = open_map(page, url)
    ids = wait_for(lambda: marker_ids(frame) >= {IRAN_STRIKE, PAKISTAN_STRIKE} and marker_ids(frame),
                   what="both strike markers")
    assert IRAN_STRIKE in ids and PAKISTAN_STRIKE in ids
    # Undated layers stack in drawing order below the dated ones, whichever loads first.
    order = ["context", "provinces", "routes", "border"]
    wait_for(lambda: all(frame.evaluate(f"document.querySelectorAll('.leaflet-baStatic_{n}-pane path').length")
                         for n in order), what="static layers")
    z = [frame.evaluate(f"+{ENGINE}.map.getPane('baStatic_{n}').style.zIndex") for n in order]
    assert z == sorted(z)
    assert "measured" in frame.inner_text(".ba-label") and "909 km" in frame.inner_text(".ba-label")
    # The map is above the fold: its top edge within the first screen, most of it visible.
    box = page.locator("iframe.ba-frame").bounding_box()
    assert box["y"] < 400
    time.sleep(0.5)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "explorer.png"))
    off_host = [u for u in requests if not u.startswith(LOCAL_PREFIXES)]
    assert off_host == [], f"requests left 127.0.0.1: {off_host[:5]}"
    assert errors == [], errors


def _drag(page, frame, from_day: str, to_day: str) -> None:
    """Press on the track at one day and let go at another (both in the axis shown)."""
    x0 = frame.evaluate(f"{ENGINE}.dayX({ENGINE}.dayOf('{from_day}') + 0.5)")
    x1 = frame.evaluate(f"{ENGINE}.dayX({ENGINE}.dayOf('{to_day}') + 0.5)")
    track = frame.locator(".ba-tl-track").bounding_box()  # in the page's coordinates
    y = track["y"] + 30
    page.mouse.move(track["x"] + x0, y)
    page.mouse.down()
    for k in range(1, 9):
        page.mouse.move(track["x"] + x0 + (x1 - x0) * k / 8, y)
    page.mouse.up()


def test_brushing_a_one_week_window_with_the_mouse(session):
    page, url, _, errors = session
    frame = open_map(page, url + "?start=2024-01-15&end=2024-01-22")
    wait_for(lambda: IRAN_STRIKE in marker_ids(frame), what="the 16 January strike")
    # A week drawn on empty time after the window, from day to day.
    _drag(page, frame, "2024-01-23", "2024-01-29")
    assert window_of(frame) == ("2024-01-23", "2024-01-29")
    assert IRAN_STRIKE not in marker_ids(frame) and PAKISTAN_STRIKE not in marker_ids(frame)
    # Drag inside the window pans it; Python hears it once the user lets go.
    _drag(page, frame, "2024-01-26", "2024-01-13")
    assert window_of(frame) == ("2024-01-10", "2024-01-16")
    assert IRAN_STRIKE in marker_ids(frame)
    wait_for(lambda: "start=2024-01-10" in address(page) and "end=2024-01-16" in address(page),
             what="the URL to follow the window")
    wait_for(lambda: "2024-01-10 to" in page.locator("h3").first.inner_text() or
             "10 Jan 2024 to 16 Jan 2024" in page.locator("h3").first.inner_text(), what="the table heading")
    assert errors == [] and no_exception_on_page(page), errors


def test_keyboard_moves_the_window_a_day_or_a_week(session):
    page, url, _, errors = session
    frame = open_map(page, url + "?start=2024-01-15&end=2024-01-22")
    frame.focus(".ba-tl-brush")
    frame.press(".ba-tl-brush", "ArrowRight")
    assert window_of(frame) == ("2024-01-16", "2024-01-23")
    frame.press(".ba-tl-brush", "Shift+ArrowRight")
    assert window_of(frame) == ("2024-01-23", "2024-01-30")
    frame.press(".ba-tl-handle >> nth=0", "ArrowLeft")  # the start handle alone
    assert window_of(frame) == ("2024-01-22", "2024-01-30")
    assert frame.get_attribute(".ba-tl-handle >> nth=0", "aria-valuetext") == "22 Jan 2024"
    assert frame.get_attribute(".ba-tl-brush", "role") == "slider"
    wait_for(lambda: "start=2024-01-22" in address(page), what="the URL after the keys")
    assert errors == [], errors


def test_play_moves_the_window_and_stops_at_the_end(session):
    page, url, _, errors = session
    frame = open_map(page, url)
    end_day = frame.evaluate(f"{ENGINE}.dayOf({ENGINE}.domain()[1])")
    iso = lambda day: frame.evaluate(f"{ENGINE}.isoOf({day})")  # noqa: E731
    frame.evaluate(f"{ENGINE}.setWindow({end_day - 21}, {end_day - 15}, 'test')")  # a week, 3 weeks from the end
    frame.select_option('select[aria-label="Playback speed"]', "7")
    frame.click(".ba-tl-playbtn")
    assert frame.get_attribute(".ba-tl-playbtn", "aria-pressed") == "true"
    wait_for(lambda: window_of(frame)[1] > iso(end_day - 13), what="play to move the window")
    wait_for(lambda: frame.get_attribute(".ba-tl-playbtn", "aria-pressed") == "false", timeout=20,
             what="play to stop at the end")
    assert window_of(frame) == (iso(end_day - 6), iso(end_day))  # same 7-day span, at the end
    wait_for(lambda: f"end={iso(end_day)}" in address(page), what="the URL when play stops")
    assert errors == [] and no_exception_on_page(page), errors


def test_the_first_click_on_a_marker_opens_its_popup(session):
    page, url, _, errors = session
    frame = open_map(page, url + "?start=2024-01-16&end=2024-01-16&layers=border,events")
    wait_for(lambda: IRAN_STRIKE in marker_ids(frame), what="the 16 January strike")
    time.sleep(0.8)  # let the first map render settle, as a person would
    scroll = page.evaluate("window.scrollY")
    box = element(frame, f"{ENGINE}.marker('{IRAN_STRIKE}')").bounding_box()  # page coordinates
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    popup = wait_for(lambda: frame.query_selector(".ba-popup"), timeout=3, what="a popup after one click")
    assert page.evaluate("window.scrollY") == scroll, "the click must not scroll the page"
    text = popup.inner_text()
    assert "16 Jan" in text or "2024-01-16" in text
    assert "Pakistani side" in text
    links = popup.eval_on_selector_all(".ba-sources a", "els => els.map(e => e.href)")
    assert links and all(h.startswith("http") for h in links)
    link = frame.input_value(".ba-link input")  # the window and layers it was copied from
    assert link.endswith(f"?start=2024-01-16&end=2024-01-16&layers=border%2Cevents&event={IRAN_STRIKE}"), link
    assert errors == [], errors


def test_an_event_link_opens_its_popup_in_a_fresh_browser(session, browser):
    page, url, _, errors = session
    frame = open_map(page, url + f"?event={PAKISTAN_STRIKE}")
    popup = wait_for(lambda: frame.query_selector(".ba-popup"), what="the linked event's popup")
    assert "Saravan" in popup.inner_text()
    start, end = window_of(frame)
    assert start <= "2024-01-18" <= end
    assert frame.evaluate(f"{ENGINE}.map.getZoom()") >= 8
    assert errors == [], errors


def test_a_link_reopens_the_window_centre_and_zoom(session, browser):
    page, url, _, errors = session
    frame = open_map(page, url + "?start=2024-01-15&end=2024-01-22")
    frame.evaluate(f"{ENGINE}.map.setView([26.8, 62.9], 9, {{animate: false}})")
    frame.press(".ba-tl-brush", "ArrowLeft")
    wait_for(lambda: "zoom=9" in address(page) and "start=2024-01-14" in address(page), what="the URL with the view")
    link = address(page)
    other = browser.new_page(viewport={"width": 1280, "height": 720})
    try:
        frame2 = open_map(other, link)
        assert window_of(frame2) == ("2024-01-14", "2024-01-21")
        assert frame2.evaluate(f"{ENGINE}.map.getZoom()") == 9
        centre = frame2.evaluate(f"[{ENGINE}.map.getCenter().lat, {ENGINE}.map.getCenter().lng]")
        assert centre == pytest.approx([26.8, 62.9], abs=1e-3)
        # At 1280x720 the map still starts on the first screen.
        assert other.locator("iframe.ba-frame").bounding_box()["y"] < 360
    finally:
        other.close()
    assert errors == [], errors


def test_a_crossing_closed_at_the_windows_end_is_drawn_hollow(session):
    page, url, _, errors = session
    frame = open_map(page, url + "?start=2025-06-01&end=2025-06-10&layers=border,crossings")
    gabd = f"{ENGINE}.marker('gabd-rimdan')"
    wait_for(lambda: frame.evaluate(gabd), what="the Gabd crossing")
    assert frame.evaluate(f"{ENGINE}.status('gabd-rimdan')") == "open"
    fill = frame.evaluate(gabd + ".querySelector('svg').getAttribute('fill')")
    frame.evaluate(f"{ENGINE}.setWindow({ENGINE}.dayOf('2025-06-10'), {ENGINE}.dayOf('2025-06-20'), 'test')")
    assert frame.evaluate(f"{ENGINE}.status('gabd-rimdan')") == "closed"
    assert frame.evaluate(gabd + ".querySelector('svg').getAttribute('fill')") != fill
    assert errors == [], errors


def test_bad_url_parameter_falls_back_with_a_notice(session):
    page, url, _, errors = session
    open_map(page, url + "?start=2024-02-30&layers=events,volcanoes&basemap=mars")
    warnings = page.locator('[data-testid="stAlert"]').all_inner_texts()
    joined = " ".join(warnings)
    assert "2024-02-30" in joined and "volcanoes" in joined and "mars" in joined
    assert no_exception_on_page(page)
    assert errors == [], errors


def test_switching_basemap_keeps_the_view_and_lets_tiles_show(session):
    page, url, requests, errors = session
    frame = open_map(page, url + "?start=2024-01-15&end=2024-01-22")
    frame.evaluate(f"{ENGINE}.map.setView([27.0, 63.0], 8, {{animate: false}})")
    page.route(re.compile(r"^https?://(?!127\.0\.0\.1|localhost).*"), lambda route: route.abort())
    page.get_by_text("OpenStreetMap (online)").click()
    wait_for(lambda: frame.evaluate(f"{ENGINE}.basemap()") == "osm", what="the basemap")
    assert frame.evaluate(f"{ENGINE}.map.getZoom()") == 8
    # Over tiles the context layer keeps its outlines but not its fill.
    opacities = frame.eval_on_selector_all(".leaflet-baStatic_context-pane path", "els => els.map(e => e.getAttribute('fill-opacity'))")
    assert opacities and all(o in ("0", None) for o in opacities)
    assert any("tile.openstreetmap.org" in u for u in requests)


def _label_boxes(frame) -> dict[str, tuple[float, float, float, float]]:
    return {b["text"]: (b["x"], b["y"], b["x"] + b["w"], b["y"] + b["h"]) for b in frame.eval_on_selector_all(
        ".ba-town-label", "els => els.map(e => { const r = e.getBoundingClientRect(); "
        "return {text: e.textContent, x: r.x, y: r.y, w: r.width, h: r.height}; })")}


def _overlap(a, b) -> bool:
    return a[0] < b[2] - 0.5 and a[2] > b[0] + 0.5 and a[1] < b[3] - 0.5 and a[3] > b[1] + 0.5


def test_town_labels_follow_the_zoom_without_colliding(session):
    page, url, _, errors = session
    frame = open_map(page, url + "?start=2024-01-15&end=2024-01-22&lat=27.4&lon=62.4&zoom=6")
    wide = wait_for(lambda: _label_boxes(frame), what="town labels")
    names = list(wide)
    assert all(not _overlap(wide[a], wide[b]) for i, a in enumerate(names) for b in names[i + 1:])
    frame.evaluate(f"{ENGINE}.map.setView([27.37, 62.33], 9, {{animate: false}})")
    close = wait_for(lambda: _label_boxes(frame) if "Saravan" in _label_boxes(frame) else None,
                     what="Saravan named when zoomed in")
    names = list(close)
    assert all(not _overlap(close[a], close[b]) for i, a in enumerate(names) for b in names[i + 1:])
    # No label covers a marker the window shows.
    markers = frame.eval_on_selector_all(".ba-marker", "els => els.map(e => { const r = e.getBoundingClientRect(); "
                                         "return [r.x + r.width / 2, r.y + r.height / 2]; })")
    for box in close.values():
        assert not any(box[0] < x < box[2] and box[1] < y < box[3] for x, y in markers)
    frame.evaluate(f"{ENGINE}.map.setView([27.4, 62.4], 6, {{animate: false}})")
    wait_for(lambda: _label_boxes(frame) == wide, what="the first labels back when zoomed out")
    # Placed again where nothing changed (a move that ends where it began), the labels on the
    # map stay the same elements: nothing is rebuilt (label-layer.js placementKey).
    keep = "els => els.forEach(e => { e.baKept = true; })"
    frame.eval_on_selector_all(".ba-town-label", keep)
    frame.evaluate(f"{ENGINE}.map.fire('moveend')")
    kept = frame.eval_on_selector_all(".ba-town-label", "els => els.map(e => e.baKept === true)")
    assert kept and all(kept), kept
    page.get_by_text("Places", exact=True).click()  # the layer off: no names either
    wait_for(lambda: not _label_boxes(frame), what="labels to go with the towns layer")
    assert errors == [], errors


def test_timeline_and_map_are_linked(session):
    page, url, _, errors = session
    frame = open_map(page, url + "?start=2024-01-15&end=2024-01-22&layers=border,events")
    wait_for(lambda: PAKISTAN_STRIKE in marker_ids(frame), what="the 18 January strike")
    mark = element(frame, f"{ENGINE}.mark('{PAKISTAN_STRIKE}')")
    # Hovering the marker on the map lights its mark on the timeline.
    element(frame, f"{ENGINE}.marker('{PAKISTAN_STRIKE}')").hover()
    wait_for(lambda: "ba-tl-mark-hot" in (mark.get_attribute("class") or ""), what="the mark lit")
    page.mouse.move(5, 5)
    # Clicking the mark flies the map to the event and opens its popup.
    frame.evaluate(f"{ENGINE}.map.setView([30, 66], 6, {{animate: false}})")
    mark.click()
    popup = wait_for(lambda: frame.query_selector(".ba-popup"), what="the popup from the timeline")
    assert "Saravan" in popup.inner_text()
    centre = frame.evaluate(f"[{ENGINE}.map.getCenter().lat, {ENGINE}.map.getCenter().lng]")
    assert centre[1] < 64  # flew west, to the border near Saravan
    assert errors == [], errors
