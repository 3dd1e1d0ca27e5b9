"""The places layer in headless Chromium, on the exported HTML file: a mountain or ridge is drawn
with the relief sign and named as one, towns keep their circles, and the legend lists both."""

from __future__ import annotations

from pathlib import Path

import pytest

from geo.view import View

pytestmark = pytest.mark.browser
ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
ENGINE = "BorderAtlasEngine"


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    from geo.web.page import html_page

    path = tmp_path_factory.mktemp("places") / "atlas.html"
    # Framed on the Mirjaveh–Lulukdan stretch, so the ridge and nearby towns are on screen.
    path.write_bytes(html_page(View(layers=("provinces", "border", "places"),
                                    extent=(61.0, 28.2, 62.6, 29.3))).data)
    return path


def test_the_ridge_is_drawn_and_named_as_a_mountain_not_a_town(browser, exported):
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto(exported.as_uri())
        page.wait_for_function(f"!!window.{ENGINE} && {ENGINE}.started()", timeout=90_000)
        page.wait_for_selector(".ba-marker.ba-peak", timeout=30_000)
        peaks = page.locator(".ba-marker.ba-peak")
        assert peaks.count() == 1  # Lulukdan Koh, the one mountain in the gazetteer
        assert page.locator(".ba-marker.ba-circle").count() >= 2  # Mirjaveh, Taftan, ...
        # The relief sign is a polygon (two summits), not a town's circle.
        assert peaks.first.locator("svg polygon").count() == 1
        assert peaks.first.locator("svg circle").count() == 0
        peaks.first.hover()
        tip = page.locator(".leaflet-tooltip").filter(has_text="Lulukdan Koh")
        tip.wait_for(timeout=10_000)
        assert "mountain or ridge" in tip.inner_text()
        legend = page.locator(".ba-legend").inner_text()
        assert "Mountain or ridge" in legend and "Town or city" in legend
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "places-ridge.png"))
    finally:
        page.close()
    assert errors == [], errors
