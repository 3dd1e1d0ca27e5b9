"""The interactive HTML file (`border-atlas export --format html`): one file that lasts.

Same bytes for the same inputs, at most 3 MB for the curated atlas, nothing fetched from
anywhere, says what it is; and opened from disk in real Chromium with every request but the
file itself blocked, it draws the map, plays the window and opens a popup with its sources.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from test_import import acled_row, to_csv

from geo.cli import main
from geo.imports import import_events
from geo.view import View
from geo.web import page as html_export
from geo.web.page import IMPORTED_LIMIT, SIZE_LIMIT, TITLE, data_date, html_page, version
from tests._server import ROOT, wait_for

ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
IRAN_STRIKE = "2024-01-16-iran-strike-panjgur"
CRISIS_WEEK = View()
# Would be fetched by a browser if written in a page: script/img/iframe/source src, link
# href, CSS url() and @import. A link a reader clicks (<a href>) is not a request.
FETCHED = re.compile(
    r"""<(?:script|img|iframe|source|audio|video|embed)\b[^>]*\bsrc\s*=|<link\b[^>]*\bhref\s*=|"""
    r"""url\(\s*['"]?(?!data:|#)|@import""", re.IGNORECASE)


@pytest.fixture(scope="module")
def crisis_week() -> bytes:
    return html_page(CRISIS_WEEK).data


@pytest.fixture(scope="module")
def imported_events():
    rows = [acled_row(event_date=f"2024-01-{d:02d}", sub_event_type="Armed clash",
                      actor1="BLA: Balochistan Liberation Army", location="Testabad",
                      longitude=str(63.0 + d / 10), latitude="27.0") for d in range(10, 20)]
    result = import_events(to_csv(rows), filename="acled-<b>test</b>.csv")
    assert len(result.events) == 10
    return result.events


def test_same_inputs_give_the_same_bytes(crisis_week, imported_events):
    assert html_page(CRISIS_WEEK).data == crisis_week
    a = html_page(CRISIS_WEEK, imported=imported_events, imported_label="x.csv").data
    b = html_page(CRISIS_WEEK, imported=imported_events, imported_label="x.csv").data
    assert a == b
    # folium's random element names are renamed in order of first appearance
    assert "var map_1 = L.map(" in crisis_week.decode()
    assert not re.search(r"_[0-9a-f]{32}\b", crisis_week.decode())


def test_curated_atlas_is_at_most_3_mb(crisis_week):
    everything = html_page(View(start=dt.date(2017, 1, 1), end=dt.date(2024, 12, 31))).data
    assert len(crisis_week) <= SIZE_LIMIT and len(everything) <= SIZE_LIMIT, (len(crisis_week), len(everything))


def _strings(value):
    if isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)
    elif isinstance(value, str):
        yield value


SCRIPT = re.compile(r"<script(?: type=\"(module|importmap|application/json)\")?(?: id=\"([\w-]+)\")?>(.*?)</script>",
                    re.DOTALL)


def _page_scripts(text: str) -> tuple[list[str], Any, dict[str, str]]:
    """(every script's text but the engine's configuration, with the engine's modules decoded
    from the import map; the configuration; the import map's entries)."""
    import base64

    found = SCRIPT.findall(text)
    assert len(found) == text.count("<script"), "a script of a kind this test does not read"
    scripts = [body for _, ident, body in found if ident != "ba-config"]
    config = json.loads(next(body for _, ident, body in found if ident == "ba-config"))
    imports = json.loads(next(body for kind, _, body in found if kind == "importmap"))["imports"]
    for url in imports.values():
        assert url.startswith("data:text/javascript;base64,"), url[:60]  # no request: inside the file
        scripts.append(base64.b64decode(url.split(",", 1)[1]).decode("utf-8"))
    return scripts, config, imports


def test_nothing_in_the_file_would_be_fetched(crisis_week):
    text = crisis_week.decode()
    scripts, data, imports = _page_scripts(text)
    assert "#atlas/engine.js" in imports
    markup = SCRIPT.sub("", text)
    # Markup and styles: nothing a browser would fetch by itself, of any address.
    found = [markup[max(0, m.start() - 40):m.end() + 60] for m in FETCHED.finditer(markup)]
    assert found == []
    assert "<script src" not in text and "ba-asset:" not in text and "/app/static" not in text
    # The engine's data: its popups and labels are markup too (source links are <a href>).
    found = [s for s in _strings(data) if FETCHED.search(s)]
    assert found == []
    assert isinstance(data["static"][0][1], dict), "undated layers are inside the file, not URLs"
    # The scripts name no address but SVG's namespace and Leaflet's own link in its credit.
    urls = {u for s in scripts for u in re.findall(r"https?://[^\s\"'<>)\\]+", s)}
    assert urls <= {"http://www.w3.org/2000/svg", "https://leafletjs.com"}, urls
    # Online basemaps are left out entirely: no tile URL anywhere.
    assert "tile.openstreetmap.org" not in text and "arcgisonline" not in text
    # the config comes before folium's map script, which hands the map to the engine
    assert text.index('id="ba-config"') < text.index("var map_1 = L.map(")


def test_the_file_says_what_it_is(crisis_week):
    text = crisis_week.decode()
    assert f"<title>{TITLE}</title>" in text
    assert f"Border Atlas {version()}" in text and re.fullmatch(r"\d+\.\d+\.\d+.*", version())
    # a day, a month or a year, as the newest record gives it (geo.citation)
    assert re.fullmatch(r"\d{4}(-\d{2}){0,2}", data_date()) and f"data as of {data_date()}" in text
    assert dt.date.fromisoformat((data_date() + "-01-01")[:10]) >= dt.date(2024, 1, 18)
    assert "How to cite it" in text and "Margalla Papers 28 (1), 2024" in text
    for licence in ("ODbL 1.0", "CC BY 4.0", "public domain", "BSD-2-Clause", "MIT"):
        assert licence in text
    assert "Copyright" in text  # the vendored libraries' own licence texts
    assert "2024-01-15 to 2024-01-22" in text


def test_imported_events_are_in_the_file_up_to_a_stated_limit(monkeypatch, imported_events, capsys, tmp_path):
    page = html_page(CRISIS_WEEK, imported=imported_events, imported_label="acled-<b>test</b>.csv")
    text = page.data.decode()
    assert (page.imported_total, page.imported_included, page.note) == (10, 10, None)
    assert "acled-&lt;b&gt;test&lt;/b&gt;.csv" in text and "<b>test</b>" not in text  # a user's file name is text
    assert f"At most {IMPORTED_LIMIT:,} imported events" in text
    monkeypatch.setattr(html_export, "IMPORTED_LIMIT", 4)
    page = html_page(View(start=dt.date(2024, 1, 18), end=dt.date(2024, 1, 19)),
                     imported=imported_events, imported_label="a.csv")
    assert (page.imported_total, page.imported_included) == (10, 4)
    assert page.note and "4 of 10 imported events" in page.note
    assert page.note in page.data.decode()
    # the two in the window are kept first
    lat_lon = re.search(r'"imported":\{"lon":\[([^\]]*)\]', page.data.decode()).group(1)
    assert "64.8" in lat_lon and "64.9" in lat_lon
    # the command says so on stderr; it draws in a job's process, where the limit is lowered
    csv = tmp_path / "events.csv"
    csv.write_bytes(to_csv([acled_row(event_date=f"2024-01-{d:02d}", longitude="63.5", latitude="27.0")
                            for d in range(10, 20)]))
    script = ("import sys, geo.jobs, geo.cli\n"
              "geo.jobs.PRELOAD.append('tests._small_html_limit')\n"
              "sys.exit(geo.cli.main(sys.argv[1:]))\n")
    result = subprocess.run([sys.executable, "-c", script, "export", "--window", "crisis-week",
                             "--events", str(csv), "--format", "html", "--out", str(tmp_path / "map.html")],
                            cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0 and "(html," in result.stdout, result.stderr
    assert "4 of 10 imported events are in the file" in result.stderr


def test_cli_writes_html_by_suffix_or_format(tmp_path, capsys):
    assert main(["export", "--out", str(tmp_path / "a.html")]) == 0
    assert main(["export", "--format", "html", "--out", str(tmp_path / "b.html")]) == 0
    assert (tmp_path / "a.html").read_bytes() == (tmp_path / "b.html").read_bytes()
    assert main(["export", "--format", "html", "--out", str(tmp_path / "c.png")]) == 2
    err = capsys.readouterr().err
    assert "--out:" in err and "format is html" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.html", "b.html"]


def test_recipe_round_trip_keeps_html(tmp_path):
    from geo.recipe import dumps_recipe, recipe_from_mapping

    recipe = recipe_from_mapping({"window": "crisis-week", "format": "html", "out": "map.html"})
    assert recipe.html and recipe.format == "html"
    import tomllib

    assert recipe_from_mapping(tomllib.loads(dumps_recipe(recipe))) == recipe
    assert recipe_from_mapping({"out": "map.htm"}).html


# ---- in real Chromium, from disk, with the network cut -------------------------------------
# The engine's public API (static/atlas/engine.js): nothing is read from the page's markup.
ENGINE = "BorderAtlasEngine"
STARTED = f"!!window.{ENGINE} && {ENGINE}.started()"
WINDOW = f"{ENGINE}.window().join('/')"
DRAWN = f"(() => {{ const d = {ENGINE}.imported(); return d ? d.mode + ':' + d.count : null; }})()"

@pytest.fixture()
def offline_page(browser, tmp_path):
    """A page that allows only file:// loads of the exported file; every request recorded."""
    page = browser.new_page(viewport={"width": 1300, "height": 900})
    requests, blocked, errors = [], [], []
    state = {"url": None}

    def route(r):
        if r.request.url == state["url"]:
            r.continue_()
        else:
            blocked.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.on("request", lambda r: requests.append(r.url))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))

    def open_file(data: bytes, name: str = "atlas.html", fragment: str = ""):
        path = tmp_path / name
        path.write_bytes(data)
        state["url"] = path.as_uri()
        page.goto(state["url"] + fragment)
        wait_for(lambda: page.evaluate(STARTED), what="engine ready")
        return state["url"]

    yield page, open_file, requests, blocked, errors
    page.close()


@pytest.mark.browser
def test_file_works_from_disk_with_every_request_blocked(offline_page, crisis_week):
    page, open_file, requests, blocked, errors = offline_page
    url = open_file(crisis_week)
    # the map draws: markers of the window's events, the undated layers from inside the file
    ids = wait_for(lambda: page.evaluate(f"{ENGINE}.shown()"), what="event markers")
    assert IRAN_STRIKE in ids
    for layer in ("context", "provinces", "routes", "border"):
        wait_for(lambda n=layer: page.evaluate(f"document.querySelectorAll('.leaflet-baStatic_{n}-pane path').length"),
                 what=f"the {layer} layer")
    assert page.locator(".ba-legend-control").count() == 1
    # a popup opens, with its sources
    page.evaluate_handle(f"{ENGINE}.marker('{IRAN_STRIKE}')").as_element().click()
    popup = page.wait_for_selector(".leaflet-popup-content", timeout=5000)
    assert popup.query_selector("ol.ba-sources li a[href^='http']") is not None
    assert popup.query_selector(".ba-link") is None  # no link to an address the file does not have
    assert "Sabz Koh" in popup.inner_text() or "Panjgur" in popup.inner_text()
    page.wait_for_timeout(300)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "html-export.png"))
    page.keyboard.press("Escape")
    # the window plays: crisis week is a preset, stepped through a day at a time
    before = page.evaluate(WINDOW)
    assert before == "2024-01-15/2024-01-22"
    assert "Crisis week" in page.inner_text(".ba-tl-playnote")
    page.click(".ba-tl-playbtn")
    seen = []  # every window from the click on: single days inside the week, stepping

    def stepped():
        seen.append(tuple(page.evaluate(WINDOW).split("/")))
        return seen[-1][0] >= "2024-01-16"
    wait_for(stepped, what="play stepping through the week")
    assert all(a == b and "2024-01-15" <= a <= "2024-01-22" for a, b in seen), seen
    page.click(".ba-tl-playbtn")
    assert page.get_attribute(".ba-tl-playbtn", "aria-pressed") == "false"
    start, end = page.evaluate(WINDOW).split("/")
    assert start == end and "2024-01-16" <= start <= "2024-01-22"
    # nothing asked for but the file itself, no errors
    assert blocked == [] and set(requests) == {url}, (blocked, requests)
    assert errors == [], errors


@pytest.mark.browser
def test_a_link_into_the_file_opens_its_window_and_event(offline_page, crisis_week):
    """The file reads the view from its own address's fragment (a static copy has no server)."""
    page, open_file, requests, blocked, errors = offline_page
    open_file(crisis_week, fragment=f"#start=2024-01-16&end=2024-01-17&event={IRAN_STRIKE}")
    assert page.evaluate(WINDOW) == "2024-01-16/2024-01-17"
    popup = page.wait_for_selector(".leaflet-popup-content", timeout=5000)
    assert "Sabz Koh" in popup.inner_text() or "Panjgur" in popup.inner_text()
    open_file(crisis_week, "named.html", fragment="#preset=everything&lat=27.2&lon=63.1&zoom=9")
    assert page.evaluate(WINDOW).startswith("2012-")
    assert page.evaluate(f"{ENGINE}.map.getZoom()") == 9
    assert blocked == [] and errors == [], (blocked, errors)


@pytest.mark.browser
def test_imported_events_draw_and_open_from_disk(offline_page, imported_events):
    page, open_file, requests, blocked, errors = offline_page
    # without the provinces: a click on their fill would open the province's popup
    data = html_page(CRISIS_WEEK.with_(layers=("context", "border", "events")), imported=imported_events,
                     imported_label="acled.csv").data
    url = open_file(data, "imported.html")
    drawn = wait_for(lambda: page.evaluate(DRAWN), what="the imported layer")
    assert drawn.endswith(":5")  # events of 10-19 January; the window is 15-22 January
    # zoomed in, an imported event is a shape; a click opens its popup, text from the file
    page.evaluate("map_1.setView([27.0, 64.5], 10, {animate: false})")
    wait_for(lambda: page.evaluate(DRAWN).startswith("markers"),
             what="imported markers")
    point = page.evaluate("(() => { const p = map_1.latLngToContainerPoint([27.0, 64.5]);"
                          " const r = map_1.getContainer().getBoundingClientRect();"
                          " return [r.left + p.x, r.top + p.y]; })()")
    page.mouse.click(*point)
    popup = page.wait_for_selector(".leaflet-popup-content", timeout=5000).inner_text()
    assert "Testabad" in popup and "15 Jan 2024" in popup and "acled.csv" in popup, popup
    assert blocked == [] and set(requests) == {url}, (blocked, requests)
    assert errors == [], errors


def test_app_export_panel_makes_the_html_file():
    from streamlit.testing.v1 import AppTest

    from tests._element import report

    at = AppTest.from_file(str(Path(__file__).resolve().parent.parent / "app.py"), default_timeout=90)
    at.query_params["layers"] = "border,provinces,events"
    at.run()
    report(at, "2024-01-16", "2024-01-18", lat=27.5, lon=62.9, zoom=7)
    at.selectbox(key="export_format").set_value("html").run()
    assert at.selectbox(key="export_dpi").disabled
    at.button(key="export_html").click().run()
    assert not at.exception and not at.error
    buttons = [b for b in at.main if type(b).__name__ == "DownloadButton" and b.label.startswith("Download HTML")]
    assert len(buttons) == 1 and buttons[0].label.endswith(" MB)")
