"""The explorer in the app, in Chromium at a laptop's and a desktop's size: the wheel scrolls
the page over the map and the timeline (Ctrl+wheel, or a wheel after a click, zooms them); an
online basemap whose tiles fail says so; a copied event link reopens its window and layers (and
one whose layers leave the event out turns its layer on, saying so); the export's "view on
screen" draws exactly the extent the engine reports."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from tests._server import engine_frame, wait_for

pytestmark = pytest.mark.browser
ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
SIZES = [(1280, 720), (1400, 1000)]
IRAN_STRIKE = "2024-01-16-iran-strike-panjgur"
ENGINE = "BorderAtlasEngine"


def _page(browser, size):
    return browser.new_page(viewport={"width": size[0], "height": size[1]})


def _frame_top(page) -> float:
    box = page.locator("iframe.ba-frame").bounding_box()
    assert box is not None
    return box["y"]


def _centre(page, frame, selector: str) -> tuple[float, float]:
    """The centre of an element of the map's frame, in the page's coordinates."""
    outer = page.locator("iframe.ba-frame").bounding_box()
    inner = frame.locator(selector).first.bounding_box()
    assert outer and inner
    # Playwright gives a frame's boxes in the page's coordinates already
    return inner["x"] + inner["width"] / 2, inner["y"] + inner["height"] / 2


def _ground(page, frame) -> tuple[float, float]:
    """A point of the map, in the page's coordinates, with nothing on it but the map's own
    ground (no marker, control, popup, tooltip or label): tried on a grid from the centre out."""
    box = frame.locator(".folium-map").first.bounding_box()
    outer = page.locator("iframe.ba-frame").bounding_box()
    assert box and outer
    probe = """([x, y]) => { const e = document.elementFromPoint(x, y);
      return !!e && !e.closest('.leaflet-marker-pane, .leaflet-control-container, .leaflet-popup-pane,'
        + ' .leaflet-tooltip-pane, .ba-marker, .ba-label'); }"""
    for fx, fy in ((0.5, 0.5), (0.4, 0.6), (0.6, 0.4), (0.3, 0.7), (0.7, 0.3), (0.35, 0.45), (0.65, 0.55)):
        x, y = box["x"] + box["width"] * fx, box["y"] + box["height"] * fy
        if frame.evaluate(probe, [x - outer["x"], y - outer["y"]]):
            return x, y
    raise AssertionError("no bare ground on the map to click")


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_wheel_scrolls_the_page_and_ctrl_wheel_zooms(server, browser, size):
    page = _page(browser, size)
    try:
        page.goto(server + "?start=2024-01-15&end=2024-01-22")
        frame = engine_frame(page, timeout=90)
        wait_for(lambda: frame.locator(".ba-marker").count(), what="markers")
        zoom = frame.evaluate(f"{ENGINE}.map.getZoom()")
        x, y = _centre(page, frame, ".folium-map")
        page.mouse.move(x, y)
        top = _frame_top(page)
        page.mouse.wheel(0, 300)
        wait_for(lambda: _frame_top(page) < top - 50, timeout=5, what="the page scrolled by the wheel over the map")
        assert frame.evaluate(f"{ENGINE}.map.getZoom()") == zoom  # the map did not zoom
        assert frame.locator(".ba-wheel-hint-on").count() == 1
        assert "Ctrl" in frame.inner_text(".ba-wheel-hint")
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"access-wheel-hint-{size[0]}x{size[1]}.png"))
        page.mouse.wheel(0, -300)
        wait_for(lambda: abs(_frame_top(page) - top) < 2, timeout=5, what="the page scrolled back")
        # Ctrl+wheel zooms the map, and the page stays
        x, y = _centre(page, frame, ".folium-map")
        page.mouse.move(x, y)
        page.keyboard.down("Control")
        page.mouse.wheel(0, -300)
        page.keyboard.up("Control")
        wait_for(lambda: frame.evaluate(f"{ENGINE}.map.getZoom()") > zoom, timeout=5, what="Ctrl+wheel zoomed in")
        assert abs(_frame_top(page) - top) < 2
        # after a click on the map (its ground, not a marker, whose popup or list could end
        # under the pointer), the plain wheel zooms it
        zoom = frame.evaluate(f"{ENGINE}.map.getZoom()")
        x, y = _ground(page, frame)
        page.mouse.move(x, y)
        page.mouse.click(x, y)
        # whatever the click opened (a province's popup, panned into view) is closed, so the
        # wheel meets the map and not a popup's own scrolling
        frame.evaluate(f"{ENGINE}.map.closePopup()")
        page.mouse.wheel(0, 300)
        wait_for(lambda: frame.evaluate(f"{ENGINE}.map.getZoom()") < zoom, timeout=5, what="a wheel after a click zoomed out")
        assert abs(_frame_top(page) - top) < 2
        # over the timeline: the page scrolls, the track keeps its zoom; Ctrl+wheel zooms the track
        day = frame.evaluate(f"{ENGINE}.dayOf('2024-01-18')")
        before = frame.evaluate(f"{ENGINE}.dayX({day})")
        tx, ty = _centre(page, frame, ".ba-tl-track")
        page.mouse.move(tx, ty)
        page.mouse.wheel(0, 300)
        wait_for(lambda: _frame_top(page) < top - 50, timeout=5, what="the page scrolled by the wheel over the timeline")
        assert frame.evaluate(f"{ENGINE}.dayX({day})") == before
        page.mouse.wheel(0, -300)
        wait_for(lambda: abs(_frame_top(page) - top) < 2, timeout=5, what="the page scrolled back")
        tx, ty = _centre(page, frame, ".ba-tl-track")
        page.mouse.move(tx, ty)
        page.keyboard.down("Control")
        page.mouse.wheel(0, 300)
        page.keyboard.up("Control")
        wait_for(lambda: frame.evaluate(f"{ENGINE}.dayX({day})") != before, timeout=5, what="Ctrl+wheel zoomed the timeline")
    finally:
        page.close()


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_online_tiles_that_fail_to_load_are_named_on_the_map(server, browser, size):
    from geo.view import BASEMAPS

    page = _page(browser, size)
    blocked = []

    def refuse(route):
        blocked.append(route.request.url)
        route.abort()

    page.route(re.compile(r"^https?://(?!127\.0\.0\.1|localhost)"), refuse)
    try:
        page.goto(server)
        frame = engine_frame(page, timeout=90)
        assert frame.locator(".ba-notice").count() == 0
        online = next(k for k in BASEMAPS if k != "offline")
        page.get_by_text(BASEMAPS[online].label, exact=True).click()
        wait_for(lambda: frame.evaluate(f"{ENGINE}.basemap()") == online, timeout=30, what="the online basemap")
        notice = wait_for(lambda: frame.locator(".ba-notice").count() and frame.inner_text(".ba-notice"),
                          timeout=20, what="the notice that tiles failed")
        assert "could not be loaded" in notice and "offline basemap" in notice
        assert frame.get_attribute(".ba-notice", "role") == "status"
        assert blocked  # the tiles were asked for, and refused
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"access-tile-notice-{size[0]}x{size[1]}.png"))
        page.get_by_text(BASEMAPS["offline"].label, exact=True).click()
        wait_for(lambda: frame.evaluate(f"{ENGINE}.basemap()") == "offline", timeout=30, what="the offline basemap")
        wait_for(lambda: frame.locator(".ba-notice").count() == 0, timeout=10, what="the notice gone")
    finally:
        page.close()


def test_a_copied_event_link_reopens_its_window_and_layers(server, browser):
    page = _page(browser, (1400, 1000))
    try:
        page.goto(server + "?start=2024-01-10&end=2024-01-25&layers=border,events,crossings")
        frame = engine_frame(page, timeout=90)
        wait_for(lambda: frame.evaluate(f"!!{ENGINE}.marker({IRAN_STRIKE!r})"), what="the strike's marker")
        frame.click(".ba-events-control summary")
        frame.locator(".ba-events-list button", has_text="Koh-i-Sabz").press("Enter")
        link = wait_for(lambda: frame.locator(".ba-link input").count() and frame.input_value(".ba-link input"),
                        what="the popup's link")
        query = parse_qs(urlsplit(link).query)
        assert query["event"] == [IRAN_STRIKE]
        assert query["start"] == ["2024-01-10"] and query["end"] == ["2024-01-25"]
        assert set(query["layers"][0].split(",")) == {"border", "events", "crossings"}
    finally:
        page.close()
    fresh = _page(browser, (1400, 1000))
    try:
        fresh.goto(link)
        frame = engine_frame(fresh, timeout=90)
        wait_for(lambda: frame.locator(".leaflet-popup-content").count(), timeout=20, what="the event's popup")
        assert "Koh-i-Sabz" in frame.inner_text(".leaflet-popup-content")
        assert frame.evaluate(f"{ENGINE}.window()") == ["2024-01-10", "2024-01-25"]
        shown = wait_for(lambda: parse_qs(urlsplit(fresh.evaluate("location.href")).query).get("layers"),
                         what="the layers in the address")
        assert set(shown[0].split(",")) == {"border", "events", "crossings"}
        assert frame.locator(".baStatic_provinces, .leaflet-baStatic_provinces-pane path").count() == 0
    finally:
        fresh.close()


def test_a_link_whose_layers_leave_its_event_out_turns_its_layer_on(server, browser):
    page = _page(browser, (1280, 720))
    try:
        page.goto(server + f"?start=2024-01-10&end=2024-01-25&layers=border&event={IRAN_STRIKE}")
        frame = engine_frame(page, timeout=90)
        wait_for(lambda: frame.locator(".leaflet-popup-content").count(), timeout=20, what="the event's popup")
        assert "Koh-i-Sabz" in frame.inner_text(".leaflet-popup-content")
        info = page.locator('[data-testid="stAlertContentInfo"]').inner_text()
        assert "To show the linked event" in info and "layer was turned on" in info, info
    finally:
        page.close()


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_export_of_the_view_on_screen_draws_the_engines_bounds(server, browser, size):
    page = _page(browser, size)
    try:
        page.goto(server + "?start=2024-01-15&end=2024-01-22")
        frame = engine_frame(page, timeout=90)
        frame.evaluate(f"{ENGINE}.map.setView([27.1, 63.2], 8, {{animate: false}})")
        bounds = frame.evaluate(f"{ENGINE}.bounds()")
        west, south, east, north = bounds
        assert -180 <= west < east <= 180 and -90 <= south < north <= 90
        page.wait_for_timeout(1500)  # the commit, and the rerun it causes
        page.get_by_text("Export a map for publication").click()
        page.get_by_text("The view on screen", exact=False).first.click()
        page.get_by_role("button", name="Draw figure").click()
        caption = wait_for(lambda: page.locator('[data-testid="stImageCaption"]').count()
                           and page.locator('[data-testid="stImageCaption"]').inner_text(),
                           timeout=120, what="the figure's preview")
        expected = "extent " + ", ".join(f"{v:g}" for v in bounds)
        assert expected in caption, (expected, caption)
    finally:
        page.close()
