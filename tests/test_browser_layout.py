"""The page on a laptop, in real Chromium: the map starts at the top of the screen and fills it,
the timeline under it is in view, and the border's length label keeps off the Makran coast."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests._server import engine_frame, map_frame, wait_for

pytestmark = pytest.mark.browser
ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
ENGINE = "BorderAtlasEngine"
TIMELINE_PX = 228  # ui.explorer.TIMELINE_HEIGHT: the timeline under the map, in the same frame
HEADER_PX = 60  # at most this much above the map: the title on one line
# (lat, lon) of the coast's towns at the border's end, Gwadar Bay
MAKRAN = {"Jiwani": (25.048, 61.746), "Gwadar": (25.122, 62.325), "Gabd": (25.373, 61.675)}


@pytest.mark.parametrize(("width", "height"), [(1280, 720), (1366, 768), (1400, 1000)])
def test_the_map_fills_the_screen_from_the_top_with_the_timeline_in_view(server, browser, width, height):
    from ui.explorer import MAP_HEIGHT

    page = browser.new_page(viewport={"width": width, "height": height})
    try:
        page.goto(server)
        frame = engine_frame(page, timeout=90)
        wait_for(lambda: frame.locator(".ba-marker").count(), what="markers")
        wait_for(lambda: frame.locator(".ba-label").count(), what="the border's label")
        element = page.locator("iframe.ba-frame").bounding_box()
        map_box = frame.locator(".folium-map").bounding_box()
        play = frame.locator(".ba-tl-playbtn").bounding_box()
        label = _label_box(frame)  # in the frame's own coordinates, as the map's
        inner_map = frame.eval_on_selector(".folium-map", "e => { const r = e.getBoundingClientRect(); "
                                           "return [r.x, r.y, r.x + r.width, r.y + r.height]; }")
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"layout-{width}x{height}.png"))
    finally:
        page.close()
    assert element and map_box and play
    top = element["y"]
    assert top <= HEADER_PX, f"{top:.0f} px of page above the map"
    # the map takes the screen's height but the title's and the timeline's, up to its maximum
    room = height - top - TIMELINE_PX - 8
    assert map_box["height"] >= min(room, MAP_HEIGHT) - 2, (map_box, room)
    assert map_box["width"] >= width - 320 - 40  # the wide layout: beside the sidebar, small margins
    # the whole timeline is on the first screen: its controls and its bottom edge
    assert play["y"] + play["height"] <= height and element["y"] + element["height"] <= height
    # the border's length label is whole on the opening view
    assert (inner_map[0] <= label[0] and label[2] <= inner_map[2]
            and inner_map[1] <= label[1] and label[3] <= inner_map[3]), (label, inner_map)


def _label_box(frame):
    return frame.eval_on_selector(".ba-label", "e => { const r = e.getBoundingClientRect(); "
                                  "return [r.x, r.y, r.x + r.width, r.y + r.height]; }")


@pytest.mark.parametrize("zoom", [6, 7, 8])
def test_the_border_length_label_keeps_off_the_makran_coast(server, browser, zoom):
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    try:
        page.goto(server + f"?start=2024-01-15&end=2024-01-22&lat=25.0&lon=62.0&zoom={zoom}")
        frame = map_frame(page, ".ba-label")
        frame.evaluate(f"{ENGINE}.map.setView([25.0, 62.0], {zoom}, {{animate: false}})")
        page.wait_for_timeout(300)
        label = _label_box(frame)
        towns = {name: frame.evaluate(f"(() => {{ const p = {ENGINE}.map.latLngToContainerPoint("
                                      f"[{lat}, {lon}]); return [p.x, p.y]; }})()")
                 for name, (lat, lon) in MAKRAN.items()}
        names = frame.eval_on_selector_all(
            ".ba-town-label", "els => els.map(e => { const r = e.getBoundingClientRect(); "
            "return [e.textContent, r.x, r.y, r.x + r.width, r.y + r.height]; })")
        if zoom == 7:
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "border-label-makran.png"))
    finally:
        page.close()
    x0, y0, x1, y1 = label
    assert x1 - x0 > 100  # the label is drawn
    margin = 8  # a town's marker and a little room
    for name, (x, y) in towns.items():
        assert not (x0 - margin < x < x1 + margin and y0 - margin < y < y1 + margin), (name, zoom, label, (x, y))
    for text, a, b, c, d in names:
        if text in MAKRAN:
            assert not (a < x1 and c > x0 and b < y1 and d > y0), (text, zoom)
