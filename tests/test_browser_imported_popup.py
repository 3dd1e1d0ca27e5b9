"""Imported events in Chromium with Provinces on (the default): a click or a hover on one is
the imported event's, not the province's under it; its popup has every field the source
gives; the timeline says "1 event"."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests._server import engine_frame, wait_for
from tests.test_import import acled_row, to_csv

pytestmark = pytest.mark.browser
ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
UPLOAD_INPUT = '[data-testid="stFileUploaderDropzoneInput"]'
SIZES = [(1280, 720), (1400, 1000)]


def _csv(tmp_path: Path) -> Path:
    rows = [acled_row(event_id_cnty="PAK8001", fatalities="5", time_precision="2",
                      notes="Drones struck a house; see https://example.org/report.",
                      location="Hoshab", latitude="26.02", longitude="63.90"),
            acled_row(event_id_cnty="PAK8002", event_date="18 January 2024", location="Turbat",
                      latitude="26.0", longitude="63.05", fatalities="0")]
    path = tmp_path / "acled.csv"
    path.write_bytes(to_csv(rows))
    return path


def _point(frame, event_id: str) -> tuple[float, float]:
    """Where an imported event is drawn, in the page's coordinates."""
    x, y = frame.evaluate("""(id) => {
        const e = BorderAtlasEngine, p = e.map.latLngToContainerPoint(e.importedAt(id));
        return [p.x, p.y]; }""", event_id)
    box = frame.locator(".folium-map").bounding_box()
    return box["x"] + x, box["y"] + y


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_imported_events_are_above_the_province_fills(server, browser, tmp_path, size):
    page = browser.new_page(viewport={"width": size[0], "height": size[1]})
    try:
        page.goto(server + "?start=2024-01-15&end=2024-01-22")  # every layer: provinces on
        engine_frame(page, timeout=90)
        page.set_input_files(UPLOAD_INPUT, str(_csv(tmp_path)))
        frame = engine_frame(page, "e.imported()", timeout=60)
        wait_for(lambda: (frame.evaluate("BorderAtlasEngine.imported()") or {}).get("mode") == "markers",
                 what="imported events drawn as markers")
        # Centre on the event so its popup has room, at a zoom where events are shapes.
        frame.evaluate("""() => { const e = BorderAtlasEngine; e.map.setView(e.importedAt('PAK8001'), 9, {animate: false}); }""")
        page.wait_for_timeout(300)
        x, y = _point(frame, "PAK8001")
        # The province is under the event: that is what the pointer would reach without the fix.
        under = frame.evaluate("""([x, y]) => { const el = document.elementFromPoint(x, y);
            return el ? el.closest('.leaflet-pane').className : ''; }""",
                               [x - frame.locator(".folium-map").bounding_box()["x"],
                                y - frame.locator(".folium-map").bounding_box()["y"]])
        assert "baStatic_provinces" in under, under
        page.mouse.move(x, y)
        tips = "els => els.map(e => e.innerText).join(' | ')"
        tip = wait_for(lambda: frame.eval_on_selector_all(".leaflet-tooltip.ba-tooltip", tips),
                       timeout=5, what="the imported event's tooltip")
        assert "(imported)" in tip and "Hoshab" in tip and "Baluchestan" not in tip
        page.mouse.click(x, y)
        popup = wait_for(lambda: frame.query_selector(".leaflet-popup-content") and
                         frame.inner_text(".leaflet-popup-content"), timeout=5, what="a popup")
        assert "PAK8001" in popup, popup  # the imported event's, not the province's
        for field in ("Killed\t5", "Date precision\tweek (coded as mid-week)", "Notes",
                      "Distance to border", "Location precision", "ACLED export, row 2"):
            assert field in popup, (field, popup)
        assert "5.0" not in popup
        links = frame.eval_on_selector_all(".leaflet-popup-content a", "els => els.map(a => a.href)")
        assert "https://example.org/report" in links
        # The popup fits the map (it scrolls inside) and its marker stays in view.
        page.wait_for_timeout(400)  # autopan
        fit = frame.evaluate("""(id) => {
            const e = BorderAtlasEngine, map = e.map.getContainer().getBoundingClientRect();
            const wrap = document.querySelector('.leaflet-popup').getBoundingClientRect();
            const body = document.querySelector('.leaflet-popup-content');
            const p = e.map.latLngToContainerPoint(e.importedAt(id));
            return {inside: wrap.top >= map.top - 1 && wrap.bottom <= map.bottom + 1,
                    marker: p.y >= 0 && p.y <= map.height && p.x >= 0 && p.x <= map.width,
                    scrolls: body.scrollHeight > body.clientHeight + 2}; }""", "PAK8001")
        assert fit["inside"] and fit["marker"], fit
        if size[1] <= 720:
            assert fit["scrolls"], fit  # the map is short: the popup scrolls to its last line
        label = frame.inner_text(".ba-tl-label")
        assert "1 event" in label or " events" in label
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"imported-popup-{size[0]}x{size[1]}.png"))
    finally:
        page.close()
