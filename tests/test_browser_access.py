"""The explorer's map by keyboard and on a small screen, in Chromium at a laptop's and a
desktop's size, on the exported file (the same engine as the app): the list of the events on
the map, reached by Tab, names every event in time order, Enter or Space on one opens its own
popup and Escape gives focus back; no shape or marker is a Tab stop; a tooltip at the map's edge stays inside it; a linked
event's popup leaves its marker in view; a link whose window misses its event widens it and
says so; a site's popup links to the event's page; imported events carry their own legend
entry, a white centre dot and a density scale."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from geo.view import View

pytestmark = pytest.mark.browser
ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
SIZES = [(1280, 720), (1400, 1000)]
IRAN_STRIKE = "2024-01-16-iran-strike-panjgur"
ENGINE = "BorderAtlasEngine"
ISO = re.compile(r"\d{4}-\d{2}-\d{2}")
RECT = "e => { const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; }"


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    from geo.web.page import html_page
    from geo.web.site import event_path

    folder = tmp_path_factory.mktemp("access")
    path = folder / "atlas.html"
    path.write_bytes(html_page(View()).data)
    site = folder / "site.html"  # as the static site's index: popups link to the events' pages
    site.write_bytes(html_page(View(), event_pages={IRAN_STRIKE: event_path(IRAN_STRIKE)}).data)
    return path, site


@pytest.fixture(scope="module")
def exported_imports(tmp_path_factory):
    """A file with 3,000 imported events (synthetic ACLED rows, 2017–2024) over eight years."""
    from geo.imports import import_events
    from geo.web.page import html_page
    from tests._synthetic import write_export

    folder = tmp_path_factory.mktemp("imports")
    csv = folder / "acled.csv"
    write_export(csv, n=3000)
    events = import_events(csv.read_bytes(), filename="acled.csv").events
    path = folder / "imports.html"
    view = View(start=dt.date(2017, 1, 1), end=dt.date(2024, 12, 31))
    path.write_bytes(html_page(view, imported=events, imported_label="acled.csv").data)
    return path


def _open(browser, path: Path, size, fragment: str = ""):
    page = browser.new_page(viewport={"width": size[0], "height": size[1]})
    page.goto(path.as_uri() + fragment)
    page.wait_for_function(f"!!window.{ENGINE} && {ENGINE}.started()", timeout=90_000)
    return page


def _active(page) -> dict:
    return page.evaluate("""() => { const a = document.activeElement;
        return {tag: a.tagName.toLowerCase(), cls: String(a.getAttribute('class') || ''),
                role: a.getAttribute('role'), name: a.getAttribute('aria-label') || ''}; }""")


def _inside(inner, outer, slack: float = 0.5) -> bool:
    return (inner[0] >= outer[0] - slack and inner[1] >= outer[1] - slack
            and inner[2] <= outer[2] + slack and inner[3] <= outer[3] + slack)


def _overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_list_of_events_reaches_every_event_in_time_order_and_opens_its_own_popup(browser, exported, size):
    from tests._axe import report, violations

    page = _open(browser, exported[0], size)
    try:
        events = page.evaluate(f"{ENGINE}.shown().filter(id => /^\\d{{4}}-/.test(id))")
        assert len(events) >= 10
        page.focus(".folium-map")  # the map itself (arrows pan it), then its controls
        shapes, reached = [], False
        for _ in range(80):
            page.keyboard.press("Tab")
            now = _active(page)
            if now["tag"] in ("path", "svg", "g") or "ba-marker" in now["cls"]:
                shapes.append(now)
            if page.evaluate("document.activeElement.matches('.ba-events-control > summary')"):
                reached = True
                break
        assert not shapes, f"Tab landed on shapes or markers: {shapes[:3]}"
        assert reached, "Tab never reached the list of events"
        assert page.inner_text(".ba-events-control summary").startswith("Events on the map (")
        page.keyboard.press("Enter")  # the list opens (its buttons are made on its toggle event, a task later)
        page.wait_for_selector(".ba-events-list button", timeout=5000)
        names = page.eval_on_selector_all(".ba-events-list button", "els => els.map(b => b.textContent)")
        dated = [n for n in names if ISO.match(n) or n.startswith("week of")]
        assert names[:len(dated)] == dated and len(dated) == len(events), names  # every event, first
        dates = [ISO.search(n).group(0) for n in dated]
        assert dates == sorted(dates), dated  # in time order
        page.keyboard.press("Tab")
        assert _active(page)["tag"] == "button" and page.evaluate("document.activeElement.textContent") == names[0]
        found = violations(page)
        assert not found, report(found)
        # The strike's button opens its popup, focus inside it; Escape gives focus back.
        strike = page.locator(".ba-events-list button", has_text="Koh-i-Sabz")
        strike.focus()
        page.keyboard.press("Enter")
        page.wait_for_selector(".leaflet-popup-content", timeout=5000)
        assert "Koh-i-Sabz" in page.inner_text(".leaflet-popup-content")
        assert page.evaluate("document.activeElement.closest('.leaflet-popup') !== null")
        assert page.get_attribute(".leaflet-popup", "role") == "dialog"
        assert "Koh-i-Sabz" in (page.get_attribute(".leaflet-popup", "aria-label") or "")
        page.wait_for_timeout(800)  # the popup fades in, the map pans it into view
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"access-keyboard-popup-{size[0]}x{size[1]}.png"))
        area = page.eval_on_selector(".folium-map", RECT)
        popup = page.eval_on_selector(".leaflet-popup-content-wrapper", RECT)
        for control in (".ba-events-control", ".ba-legend-control"):
            assert not _overlap(popup, page.eval_on_selector(control, RECT)), control
        assert _inside(popup, area)
        page.keyboard.press("Escape")
        page.wait_for_selector(".leaflet-popup", state="detached", timeout=5000)
        assert page.evaluate("document.activeElement.textContent").startswith(ISO.search(strike.inner_text()).group(0))
        assert "Koh-i-Sabz" in page.evaluate("document.activeElement.textContent")
        page.keyboard.press(" ")  # Space opens it too
        page.wait_for_selector(".leaflet-popup-content", timeout=5000)
        assert "Koh-i-Sabz" in page.inner_text(".leaflet-popup-content")
    finally:
        page.close()


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("edge", ["top", "right", "bottom", "left"])
def test_a_tooltip_at_the_maps_edge_stays_inside_the_map(browser, exported, size, edge):
    page = _open(browser, exported[0], size)
    try:
        # Pan the map so that the strike's marker sits 3 px from the edge.
        page.evaluate("BorderAtlasEngine.map.setView([26.9, 64.1], 8, {animate: false})")
        page.evaluate("""([id, edge]) => {
            const e = BorderAtlasEngine, map = e.map, size = map.getSize();
            const el = e.marker(id), r = el.getBoundingClientRect(), c = map.getContainer().getBoundingClientRect();
            const x = (r.left + r.right) / 2 - c.left, y = (r.top + r.bottom) / 2 - c.top;
            const want = {top: [x, 9], bottom: [x, size.y - 9], left: [9, y], right: [size.x - 9, y]}[edge];
            map.panBy([x - want[0], y - want[1]], {animate: false});
        }""", [IRAN_STRIKE, edge])
        page.wait_for_timeout(200)
        box = page.evaluate(f"{ENGINE}.marker({IRAN_STRIKE!r}).getBoundingClientRect().toJSON()")
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        page.wait_for_selector(".leaflet-tooltip.ba-tooltip", timeout=5000)
        page.mouse.move(box["x"] + box["width"] / 2 + 1, box["y"] + box["height"] / 2)  # a sticky one follows
        page.wait_for_timeout(100)
        tip = page.eval_on_selector(".leaflet-tooltip.ba-tooltip", RECT)
        area = page.eval_on_selector(".folium-map", RECT)
        text = page.inner_text(".leaflet-tooltip.ba-tooltip")
        assert "2024-01-16" in text or "16 Jan 2024" in text, text  # its date is there to read
        assert _inside(tip, area), (edge, tip, area)
    finally:
        page.close()


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_an_event_links_popup_leaves_its_marker_in_view(browser, exported, size):
    page = _open(browser, exported[0], size, f"#event={IRAN_STRIKE}")
    try:
        page.wait_for_selector(".leaflet-popup-content", timeout=10_000)
        page.wait_for_timeout(600)  # the autopan
        area = page.eval_on_selector(".folium-map", RECT)
        popup = page.eval_on_selector(".leaflet-popup-content-wrapper", RECT)
        marker = page.evaluate(f"({RECT})({ENGINE}.marker({IRAN_STRIKE!r}))")
        legend = page.eval_on_selector(".ba-legend-control", RECT)
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"access-event-link-{size[0]}x{size[1]}.png"))
        assert "Koh-i-Sabz" in page.inner_text(".leaflet-popup-content")
        assert _inside(marker, area) and _inside(popup, area), (marker, popup, area)
        assert not _overlap(marker, popup), (marker, popup)
        assert not _overlap(popup, legend) and not _overlap(marker, legend), (popup, marker, legend)
        # A marker under the legend, opened from the list, comes out from under it, and so does its popup.
        page.evaluate(f"{ENGINE}.map.closePopup()")
        page.evaluate("""(id) => {
            const e = BorderAtlasEngine, map = e.map, size = map.getSize();
            const p = map.latLngToContainerPoint(map.getCenter()), r = e.marker(id).getBoundingClientRect();
            const c = map.getContainer().getBoundingClientRect();
            map.panBy([(r.left + r.right) / 2 - c.left - (size.x - 40), 0], {animate: false}); }""", IRAN_STRIKE)
        page.wait_for_timeout(200)
        page.click(".ba-events-control summary")
        page.locator(".ba-events-list button", has_text="Koh-i-Sabz").press("Enter")
        page.wait_for_selector(".leaflet-popup-content", timeout=5000)
        page.wait_for_timeout(800)  # the popup fades in, the map pans it into view
        popup = page.eval_on_selector(".leaflet-popup-content-wrapper", RECT)
        marker = page.evaluate(f"({RECT})({ENGINE}.marker({IRAN_STRIKE!r}))")
        page.screenshot(path=str(ARTIFACTS / f"access-by-the-legend-{size[0]}x{size[1]}.png"))
        assert _inside(marker, area) and _inside(popup, area), (marker, popup, area)
        assert not _overlap(marker, popup), (marker, popup)
        assert not _overlap(popup, legend) and not _overlap(marker, legend), (popup, marker, legend)
    finally:
        page.close()


def test_a_link_whose_window_misses_its_event_widens_it_and_says_so(browser, exported):
    page = _open(browser, exported[0], (1280, 720), f"#start=2023-03-01&end=2023-03-31&event={IRAN_STRIKE}")
    try:
        page.wait_for_selector(".leaflet-popup-content", timeout=10_000)
        start, end = page.evaluate(f"{ENGINE}.window()")
        assert start == "2023-03-01" and end >= "2024-01-16", (start, end)
        notice = page.inner_text(".ba-notice")
        assert "widened" in notice and "2023-03-01" in notice, notice
    finally:
        page.close()


def test_a_sites_popup_links_to_the_events_own_page(browser, exported):
    page = _open(browser, exported[1], (1280, 720), f"#event={IRAN_STRIKE}")
    try:
        page.wait_for_selector(".leaflet-popup-content .ba-page-link a", timeout=10_000)
        href = page.get_attribute(".leaflet-popup-content .ba-page-link a", "href")
        assert href == f"event/{IRAN_STRIKE}/"
    finally:
        page.close()
    page = _open(browser, exported[0], (1280, 720), f"#event={IRAN_STRIKE}")  # no site: no page link
    try:
        page.wait_for_selector(".leaflet-popup-content", timeout=10_000)
        assert page.query_selector(".ba-page-link") is None
    finally:
        page.close()


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_imported_events_have_their_legend_entry_dot_and_density_scale(browser, exported_imports, size):
    page = _open(browser, exported_imports, size)
    try:
        legend = page.inner_text(".ba-legend-control")
        assert "Yours: Imported events" in legend and "white centre dot" in legend, legend
        assert page.locator(".ba-legend-imported svg circle").count() >= 5  # each swatch's dot
        page.evaluate(f"{ENGINE}.map.setView([27.5, 63.5], 6, {{animate: false}})")
        page.wait_for_function(f"{ENGINE}.imported() && {ENGINE}.imported().mode === 'density'", timeout=10_000)
        scale = page.locator(".ba-density-scale")
        assert scale.is_visible()
        text = scale.inner_text()
        counts = [int(n) for n in re.findall(r"\d+", text.split("cell", 1)[1])]
        assert counts[0] == 1 and counts == sorted(counts) and counts[-1] > 1, text
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"access-density-{size[0]}x{size[1]}.png"))
        page.evaluate(f"{ENGINE}.map.setView([26.97, 64.09], 10, {{animate: false}})")
        page.wait_for_function(f"{ENGINE}.imported().mode === 'markers'", timeout=10_000)
        assert not scale.is_visible()
        # the white dot at an imported event's centre, on the canvas
        white = page.evaluate("""() => {
            const c = document.querySelector('.ba-imported-canvas'), ctx = c.getContext('2d');
            const e = BorderAtlasEngine, r = window.devicePixelRatio || 1;
            const d = ctx.getImageData(0, 0, c.width, c.height).data;
            let n = 0;
            for (let i = 0; i < d.length; i += 4) if (d[i] > 245 && d[i + 1] > 245 && d[i + 2] > 245 && d[i + 3] > 200) n++;
            return n; }""")
        assert white > 0
    finally:
        page.close()
