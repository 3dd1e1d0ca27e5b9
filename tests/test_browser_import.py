"""Imports in headless Chromium: hostile text runs nothing, and one user's upload stays theirs."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests._server import engine_frame, map_frame, wait_for
from tests.test_import import acled_row, to_csv

pytestmark = pytest.mark.browser
ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
VIEWPORT = {"width": 1400, "height": 1000}
UPLOAD_INPUT = '[data-testid="stFileUploaderDropzoneInput"]'
# Each payload would set a flag (or open a dialog) if the browser ever ran it.
PAYLOADS = {
    "actor1": '<img src=x onerror="window.top.__baPwned=1">',
    "location": "<script>window.top.__baPwned=2</script>",
    "notes": '<svg onload="alert(3)"></svg> "quoted" & <b>bold</b>',
    "source": 'javascript:alert(4) <a href="javascript:alert(5)">link</a>',
}


def _hostile_csv(tmp_path: Path) -> Path:
    rows = [acled_row(event_id_cnty="PAK7001", **PAYLOADS),
            acled_row(event_id_cnty="PAK7002", event_date="18 January 2024", location="Turbat",
                      latitude="26.0", longitude="63.05")]
    path = tmp_path / "hostile-export.csv"
    path.write_bytes(to_csv(rows))
    return path


def _page(browser, server, *, context=None, query=""):
    page = context.new_page() if context else browser.new_page(viewport=VIEWPORT)
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(server + query)
    engine_frame(page, timeout=60)
    return page, dialogs


DRAWN = "(() => { const d = BorderAtlasEngine.imported(); return d ? d.mode + ':' + d.count : null; })()"


def _drawn(frame) -> str | None:
    """How the engine draws the imported events now: "markers:2", "density:1234"; None: not shown."""
    return frame.evaluate(DRAWN)


def _drawn_anywhere(page, expected: str) -> bool:
    return any(f.evaluate(f"!!window.BorderAtlasEngine && {DRAWN} === {expected!r}") for f in page.frames)


def _flags(page) -> list:
    return [f.evaluate("() => window.__baPwned === undefined ? null : window.__baPwned")
            for f in page.frames]


def test_hostile_upload_runs_nothing_and_shows_its_text_as_text(server, browser, tmp_path):
    page, dialogs = _page(browser, server, query="?layers=border")  # nothing drawn over the imports
    page.set_input_files(UPLOAD_INPUT, str(_hostile_csv(tmp_path)))
    frame = engine_frame(page, "e.imported()", timeout=60)
    wait_for(lambda: _drawn(frame) == "markers:2",
             what="two imported events drawn as markers")
    wait_for(lambda: page.get_by_text("2 rows read, 2 imported").count(), what="import summary")
    # Click the hostile event where the canvas drew it: the popup is written as text.
    point = frame.evaluate("""() => {
        const e = BorderAtlasEngine;
        const p = e.map.latLngToContainerPoint(e.importedAt("PAK7001"));
        return [p.x, p.y];
    }""")
    box = frame.locator(".folium-map").bounding_box()
    page.mouse.click(box["x"] + point[0], box["y"] + point[1])
    popups = wait_for(lambda: frame.query_selector(".leaflet-popup-content") and
                      frame.inner_text(".leaflet-popup-content"), timeout=5, what="the hostile event's popup")
    assert "PAK7001" in popups
    assert PAYLOADS["actor1"] in popups
    assert "<script>" in popups
    # No element the payloads describe was created, and no link runs script.
    for f in page.frames:
        assert f.query_selector('img[src="x"], svg[onload]') is None
        hrefs = f.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))")
        assert not [h for h in hrefs if h.strip().lower().startswith("javascript:")]
    page.wait_for_timeout(500)
    assert dialogs == [] and set(_flags(page)) == {None}
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "import-popup.png"))
    page.close()


def test_an_upload_is_seen_only_in_its_own_session(server, browser, tmp_path):
    mine_ctx, other_ctx = browser.new_context(viewport=VIEWPORT), browser.new_context(viewport=VIEWPORT)
    try:
        mine, _ = _page(browser, server, context=mine_ctx)
        mine.set_input_files(UPLOAD_INPUT, str(_hostile_csv(tmp_path)))
        wait_for(lambda: _drawn_anywhere(mine, "markers:2"),
                 timeout=60, what="imported markers in the uploading session")

        other, _ = _page(browser, server, context=other_ctx)
        other.wait_for_timeout(1500)
        frame = engine_frame(other, "e.shown().length > 0")
        assert _drawn(frame) is None
        assert other.get_by_text("hostile-export.csv").count() == 0
        assert other.get_by_text("Imported events in the window").count() == 0
        # The first session still has its events after the second one came and went.
        assert _drawn_anywhere(mine, "markers:2")
    finally:
        mine_ctx.close()
        other_ctx.close()


def test_url_values_in_notices_render_as_plain_text(server, browser):
    from urllib.parse import urlencode

    query = {"preset": "[Session expired](http://evil.example/login)",
             "basemap": "![](http://127.0.0.1:9/pixel.png)", "layers": "$x^2$ www.evil.example"}
    page = browser.new_page(viewport=VIEWPORT)
    fetched: list[str] = []
    page.on("request", lambda r: fetched.append(r.url))
    page.goto(server + "?" + urlencode(query))
    alerts = '[data-testid="stAlert"]'
    wait_for(lambda: page.locator(alerts).count() >= 3, timeout=60, what="three notices")
    text = " ".join(page.locator(alerts).all_inner_texts()).replace("\u200b", "")
    for value in query.values():
        assert value in text
    for selector in ("a", "img", ".katex", "strong"):
        assert page.locator(f"{alerts} {selector}").count() == 0, selector
    assert not [u for u in fetched if u.startswith(("http://127.0.0.1:9/", "http://evil.example"))]
    page.close()


def test_play_with_100000_imported_events(server, browser, tmp_path):
    from tests._synthetic import write_export

    export = tmp_path / "acled-100k.csv"
    write_export(export)
    page, dialogs = _page(browser, server)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.set_input_files(UPLOAD_INPUT, str(export))
    frame = engine_frame(page, "e.imported()", timeout=180)
    drawn = _drawn(frame)
    assert frame.evaluate("BorderAtlasEngine.imported().total") == 100_000
    frame.evaluate("BorderAtlasEngine.setWindow(BorderAtlasEngine.dayOf('2023-01-01'), "
                   "BorderAtlasEngine.dayOf('2023-01-31'), 'test')")
    frame.select_option('select[aria-label="Playback speed"]', "30")
    frame.click(".ba-tl-playbtn")
    before = _drawn(frame)
    wait_for(lambda: frame.evaluate("BorderAtlasEngine.window()[0]") > "2023-03-01", timeout=20,
             what="play to move a month-long window through 100,000 events")
    frame.click(".ba-tl-playbtn")
    stats = frame.evaluate("BorderAtlasEngine.lastPlay()")
    assert stats["frames"] > 10  # it drew frames, not one jump
    assert _drawn(frame) not in (before, drawn)
    assert page.locator('[data-testid="stException"]').count() == 0
    assert errors == [] and dialogs == []
    page.close()


def test_the_imported_events_are_sent_to_the_browser_once(server, browser, tmp_path):
    """The imported table (megabytes) reaches the browser once: a window's release brings the
    new table under the map, and a change the map element is told of (a layer turned off)
    sends the element again without the imported columns, which it keeps and still draws."""
    from tests._synthetic import write_export

    export = tmp_path / "acled-20k.csv"
    write_export(export, n=20_000)
    page = browser.new_page(viewport=VIEWPORT)
    frames: list[int] = []  # the size of every message the server sends this page
    page.on("websocket", lambda ws: ws.on("framereceived", lambda payload: frames.append(len(payload))))
    page.goto(server)
    engine_frame(page, timeout=60)
    page.set_input_files(UPLOAD_INPUT, str(export))
    frame = engine_frame(page, "e.imported() && e.imported().total === 20000", timeout=180)
    assert max(frames) > 1_000_000  # the imported columns came
    heading = page.get_by_text("Imported events in the window (")
    wait_for(lambda: heading.count(), timeout=60, what="the imported events' table")
    time.sleep(2)  # the element's word that it holds them, and its rerun
    before = heading.inner_text()
    frame.evaluate("BorderAtlasEngine.setWindow(BorderAtlasEngine.dayOf('2023-01-01'), "
                   "BorderAtlasEngine.dayOf('2023-03-31'), 'test')")
    frame.click('button[aria-label="Window forward one day"]')
    wait_for(lambda: heading.count() and heading.inner_text() != before, timeout=60,
             what="the table to follow the window")
    frames[:] = []
    page.locator('[data-testid="stSidebar"] label').filter(has_text="Places").first.click()  # a layer off
    wait_for(lambda: frame.evaluate("BorderAtlasEngine.labels().length === 0"),
             timeout=60, what="the map to hear of the layer")
    time.sleep(1)
    assert frames and max(frames) < 300_000, f"the element was sent with {max(frames):,} bytes"
    assert frame.evaluate("BorderAtlasEngine.imported().total") == 20_000  # still drawn
    page.close()


def _cpu_or_zero(pid: int) -> float:
    from tests._server import cpu_seconds

    try:
        return cpu_seconds(pid)
    except OSError:  # gone
        return 0.0


def _parent(pid: int) -> int | None:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, ValueError, IndexError):
        return None


def test_closing_the_tab_stops_a_running_import(browser, tmp_path):
    """The slow app's import would burn a core for a minute; closed, the server is idle in 5 s."""
    from tests._server import SERVERS, descendants, streamlit_server
    from tests._slow_import_app import slow_app

    (tmp_path / "app").mkdir()
    with streamlit_server(app=slow_app(tmp_path / "app")) as url:
        pid = SERVERS[url].pid
        context = browser.new_context(viewport=VIEWPORT)
        page = context.new_page()
        page.goto(url)
        map_frame(page, ".ba-marker", timeout=60)
        page.set_input_files(UPLOAD_INPUT, str(_hostile_csv(tmp_path)))
        wait_for(lambda: page.get_by_text("Importing hostile-export.csv").count(), timeout=30,
                 what="the import's progress notice")
        # The import runs in a child process of the server, not in the server itself: the
        # processes under the server that are burning CPU are the job's.
        workers: list[int] = []

        def busy_children() -> bool:
            before = {p: _cpu_or_zero(p) for p in descendants(pid)}
            time.sleep(1.0)
            # A job's process is forked by the fork server (the server's child), never by
            # the server itself; the fork server may be busy loading modules at first.
            workers[:] = [p for p, t in before.items()
                          if _cpu_or_zero(p) - t > 0.02 and _parent(p) != pid]
            return bool(workers)

        wait_for(busy_children, timeout=30, what="the import burning CPU in a child process")
        context.close()
        time.sleep(5)
        alive = [p for p in workers if Path(f"/proc/{p}").exists()
                 and "zombie" not in Path(f"/proc/{p}/status").read_text().lower()]
        assert alive == [], "the import kept running after its tab was closed"
