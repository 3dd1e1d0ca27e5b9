"""Accessibility (WCAG 2.2 AA) of the explorer and the exported HTML file, checked by axe-core
in Chromium at a laptop's and a desktop's size: no serious or critical violation of any WCAG
2.2 A/AA rule or best practice."""

from __future__ import annotations

import pytest

from tests._axe import report, violations
from tests._server import engine_frame

pytestmark = pytest.mark.browser
SIZES = [(1280, 720), (1400, 1000)]
# Rules about the page as a whole: its language, its title and the contrast of its text.
PAGE_RULES = ["html-has-lang", "document-title", "color-contrast", "frame-title"]


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    from geo.view import View
    from geo.web.page import html_page

    path = tmp_path_factory.mktemp("html") / "atlas.html"
    path.write_bytes(html_page(View()).data)
    return path


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_explorer_has_no_serious_or_critical_violation(server, browser, size):
    page = browser.new_page(viewport={"width": size[0], "height": size[1]})
    try:
        page.goto(server)
        frame = engine_frame(page, timeout=90)  # a first page of a busy server is slow
        assert frame.evaluate("document.documentElement.lang") == "en"
        for rules in (PAGE_RULES, None):  # the page's own rules named, then every rule
            found = violations(page, rules=rules) + violations(frame, rules=rules)
            assert not found, report(found)
    finally:
        page.close()


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_exported_file_has_no_serious_or_critical_violation(browser, exported, size):
    page = browser.new_page(viewport={"width": size[0], "height": size[1]})
    try:
        page.goto(exported.as_uri())
        page.wait_for_function("!!window.BorderAtlasEngine && BorderAtlasEngine.started()", timeout=90_000)
        for rules in (PAGE_RULES, None):
            found = violations(page, rules=rules)
            assert not found, report(found)
    finally:
        page.close()


def test_the_sliders_take_home_end_and_page_keys(server, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    try:
        page.goto(server + "?start=2024-01-15&end=2024-01-22")
        frame = engine_frame(page, timeout=90)  # a first page of a busy server is slow
        window = "BorderAtlasEngine.window()"
        domain = frame.evaluate("BorderAtlasEngine.domain()")
        frame.focus(".ba-tl-handle >> nth=1")
        page.keyboard.press("PageUp")
        assert frame.evaluate(window) == ["2024-01-15", "2024-02-21"]  # 30 days later
        page.keyboard.press("End")
        assert frame.evaluate(window) == ["2024-01-15", domain[1]]
        frame.focus(".ba-tl-handle >> nth=0")
        page.keyboard.press("PageDown")
        assert frame.evaluate(window) == ["2023-12-16", domain[1]]
        frame.focus(".ba-tl-brush")
        page.keyboard.press("Home")
        start, end = frame.evaluate(window)
        assert start == domain[0] and end < domain[1]  # the window keeps its length
        handle = frame.get_attribute(".ba-tl-handle >> nth=0", "aria-valuenow")
        assert handle is not None and handle.lstrip("-").isdigit()  # a number; its text says the date
    finally:
        page.close()
