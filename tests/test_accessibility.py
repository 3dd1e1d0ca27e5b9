"""Accessibility (WCAG 2.2 AA) of the explorer and the exported HTML file, checked by axe-core
in Chromium at a laptop's and a desktop's size."""

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
def test_the_explorer_says_its_language_and_title_and_its_text_is_legible(server, browser, size):
    page = browser.new_page(viewport={"width": size[0], "height": size[1]})
    try:
        page.goto(server)
        frame = engine_frame(page)
        assert frame.evaluate("document.documentElement.lang") == "en"
        found = violations(page, rules=PAGE_RULES)
        assert not found, report(found)
        found = violations(frame, rules=PAGE_RULES)
        assert not found, report(found)
    finally:
        page.close()


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_exported_file_says_its_language_and_title_and_its_text_is_legible(browser, exported, size):
    page = browser.new_page(viewport={"width": size[0], "height": size[1]})
    try:
        page.goto(exported.as_uri())
        page.wait_for_function("!!window.BorderAtlasEngine && BorderAtlasEngine.started()")
        found = violations(page, rules=PAGE_RULES)
        assert not found, report(found)
    finally:
        page.close()
