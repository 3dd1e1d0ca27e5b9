"""The explorer's time in the browser, measured against the explorer it replaced, in one run.

Three apps, each in a real Streamlit server and headless Chromium on this machine:
- the atlas (app.py): map and timeline in the browser, Python hears the window on release;
- the previous explorer (`st.slider` + `st_folium`, commit BASELINE, unpacked with
  `git archive` into a temporary folder): a server round trip per move;
- a bare Streamlit page with a date slider (bench/bare_app.py): the framework's floor.

Prints median and p95 of: input to map updated (in-page timing for the atlas, the engine's
own clock from input to DOM updated, 50 moves, curated + 100,000 imported events; wall time
from key press to markers changed for the others), playback frame rate (crisis week and a
year, with the 100,000), page load to map drawn (running server, cold browser), first visitor
after server start, ten sessions moving at once, and the app's own bytes for the default
view; and input in the filter controls to the map, bars and count updated (in-page, curated and
with the 100,000; `--filters` measures only that, beside the window's moves in the same page).
Run by hand (`make bench`); machines are shared, so read medians and ratios.
"""

from __future__ import annotations

import contextlib
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from tests._server import CHROMIUM, CHROMIUM_ARGS, engine_frame, map_frame, streamlit_server  # noqa: E402
from tests._synthetic import write_export  # noqa: E402

BASELINE = "3ba3da8"  # the last commit with the st.slider + st_folium explorer
MOVES = 50
READY = "the engine started"  # asked of the engine's API, not of the page (see _map_drawn)
UPLOAD_INPUT = '[data-testid="stFileUploaderDropzoneInput"]'


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


def _bytes_counter(page, url: str) -> dict[str, int]:
    received = {"ws": 0, "framework": 0, "app": 0}
    page.on("websocket", lambda ws: ws.on(
        "framereceived", lambda payload: received.__setitem__("ws", received["ws"] + len(payload))))

    def on_finished(request):
        with contextlib.suppress(Exception):
            sizes = request.sizes()
            n = sizes["responseBodySize"] + sizes["responseHeadersSize"]
            part = "framework" if request.url.startswith(url.rstrip("/") + "/static/") else "app"
            received[part] += n

    page.on("requestfinished", on_finished)
    return received


def _map_drawn(page, ready: str, timeout: float):
    """Wait for the map: the atlas's engine started (READY), or a baseline's ``ready`` selector."""
    return engine_frame(page, timeout=timeout) if ready == READY else map_frame(page, ready, timeout=timeout)


LOADS = 5  # cold-browser page loads per app; the median is reported


def _loads(browser, url: str, ready: str) -> tuple[float, dict[str, int]]:
    """Page load to map drawn for a visitor with a cold browser (median of LOADS, each in a
    new browser context), and the bytes the first of them received."""
    times, sent = [], None
    for _ in range(LOADS):
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        page = context.new_page()
        received = _bytes_counter(page, url)
        t0 = time.perf_counter()
        page.goto(url)
        _map_drawn(page, ready, timeout=60)
        times.append(time.perf_counter() - t0)
        time.sleep(1.5)
        context.close()
        sent = sent or dict(received)
    return statistics.median(times), sent


# ---- the atlas --------------------------------------------------------------------------
def _engine_moves(frame, n: int) -> list[float]:
    """In-page ms from a key press on the timeline to the map and brush updated."""
    frame.focus(".ba-tl-brush")
    frame.evaluate("BorderAtlasEngine.timings(true)")
    for i in range(n):
        frame.press(".ba-tl-brush", "ArrowRight" if i % 2 == 0 else "ArrowLeft")
    return frame.evaluate("BorderAtlasEngine.timings()")


# What the filter controls get typed, in turn: a search, cleared, a casualty floor, cleared.
FILTER_INPUTS = ((".ba-fl-search", "jaish"), (".ba-fl-search", ""), (".ba-fl-killed input", "3"),
                 (".ba-fl-killed input", ""))


def _filter_changes(frame, n: int) -> list[float]:
    """In-page ms from an input in the filter controls to the map, bars and count updated."""
    frame.evaluate("BorderAtlasEngine.setWindow(BorderAtlasEngine.dayOf('2023-01-01'), "
                   "BorderAtlasEngine.dayOf('2024-12-31'), 'bench')")
    frame.evaluate("BorderAtlasEngine.filterTimings(true)")
    for i in range(n):
        selector, text = FILTER_INPUTS[i % len(FILTER_INPUTS)]
        frame.fill(selector, text)
    return frame.evaluate("BorderAtlasEngine.filterTimings()")


def measure_filters(browser, export: Path) -> dict[str, list[float]]:
    """Filter input -> map beside the window's input -> map, in the same page and run
    (curated events, then with the 100,000 imported)."""
    with streamlit_server() as url:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(url)
        frame = engine_frame(page, timeout=60)
        out = {"window": _engine_moves(frame, MOVES), "filters": _filter_changes(frame, MOVES)}
        page.set_input_files(UPLOAD_INPUT, str(export))
        frame = engine_frame(page, "e.imported()", timeout=180)
        out["window_imported"] = _engine_moves(frame, MOVES)
        out["filters_imported"] = _filter_changes(frame, MOVES)
        page.close()
    return out


def _fps(frame, start: str, end: str, speed: int, seconds: float = 3.0) -> float:
    frame.evaluate(f"BorderAtlasEngine.setWindow(BorderAtlasEngine.dayOf('{start}'), BorderAtlasEngine.dayOf('{end}'), 'bench')")
    frame.select_option('select[aria-label="Playback speed"]', str(speed))
    frame.click(".ba-tl-playbtn")
    time.sleep(seconds)
    if frame.get_attribute(".ba-tl-playbtn", "aria-pressed") == "true":
        frame.click(".ba-tl-playbtn")
    stats = frame.evaluate("BorderAtlasEngine.lastPlay()")
    return stats["frames"] / stats["seconds"]


def _first_visit(browser, url: str, ready: str, t_start: float) -> float:
    """Seconds from starting the server to the first visitor's map drawn."""
    first = browser.new_page(viewport={"width": 1400, "height": 1000})
    first.goto(url)
    _map_drawn(first, ready, timeout=90)
    took = time.perf_counter() - t_start
    first.context.close()
    return took


def measure_atlas(browser, export: Path) -> dict[str, float]:
    t_start = time.perf_counter()
    with streamlit_server() as url:
        t_first = _first_visit(browser, url, READY, t_start)
        load, sent = _loads(browser, url, READY)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(url)
        frame = engine_frame(page, timeout=60)
        curated = _engine_moves(frame, MOVES)
        filters = _filter_changes(frame, MOVES)
        page.set_input_files(UPLOAD_INPUT, str(export))
        frame = engine_frame(page, "e.imported()", timeout=180)
        with_import = _engine_moves(frame, MOVES)
        filters_import = _filter_changes(frame, MOVES)
        week = _fps(frame, "2024-01-15", "2024-01-22", 1)
        year = _fps(frame, "2023-01-01", "2023-12-31", 30)
        page.close()
        # Ten sessions in one browser, each moving its window (curated events).
        pages = [browser.new_page(viewport={"width": 1400, "height": 1000}) for _ in range(10)]
        for p in pages:
            p.goto(url)
        frames = [engine_frame(p, timeout=120) for p in pages]
        for f in frames:
            f.focus(".ba-tl-brush")
            f.evaluate("BorderAtlasEngine.timings(true)")
        for i in range(10):
            for f in frames:
                f.press(".ba-tl-brush", "ArrowRight" if i % 2 == 0 else "ArrowLeft")
        ten = [ms for f in frames for ms in f.evaluate("BorderAtlasEngine.timings()")]
        for p in pages:
            p.close()
    return {"first": t_first, "load": load, "curated": curated, "imported": with_import,
            "filters": filters, "filters_imported": filters_import,
            "fps_week": week, "fps_year": year, "ten": ten, "bytes": sent}


# ---- the baseline and the floor: a key press to markers changed, wall time -----------------
def _slider_moves(page, selector: str, n: int) -> list[float]:
    thumb = page.locator('[data-testid="stSlider"] input[type="range"]').nth(0)
    out = []
    for i in range(n):
        frame = map_frame(page, selector, timeout=60)
        before = frame.evaluate(f"document.querySelectorAll({selector!r}).length")
        thumb.focus()
        t0 = time.perf_counter()
        thumb.press("ArrowRight" if i % 2 == 0 else "ArrowLeft")
        while time.perf_counter() < t0 + 10:
            with contextlib.suppress(Exception):
                frame = map_frame(page, selector, timeout=10)
                if frame.evaluate(f"document.querySelectorAll({selector!r}).length") != before:
                    break
            time.sleep(0.003)
        out.append((time.perf_counter() - t0) * 1000)
        time.sleep(0.2)
    return out


def measure_slider_app(browser, app: Path, root: Path, selector: str, moves: int) -> dict[str, float]:
    t_start = time.perf_counter()
    with streamlit_server(app=app, root=root) as url:
        t_first = _first_visit(browser, url, selector, t_start)
        load, sent = _loads(browser, url, selector)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(url)
        map_frame(page, selector, timeout=60)
        curated = _slider_moves(page, selector, moves)
        page.close()
    return {"first": t_first, "load": load, "curated": curated, "bytes": sent}


def filters_main() -> None:
    """`explorer_bench.py --filters`: the filter controls only, against the window's moves in
    the same page (the ratio is what to read on a shared machine)."""
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        export = Path(tmp) / "acled-100k.csv"
        write_export(export)
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        got = measure_filters(browser, export)
        browser.close()
    print(f"{'measure':46s} {'median':>8s} {'p95':>8s} {'median / window':>16s}")
    for name, key, ref in (("window input -> map, curated (ms)", "window", "window"),
                           ("filter input -> map, curated (ms)", "filters", "window"),
                           ("window input -> map, +100k imported (ms)", "window_imported", "window_imported"),
                           ("filter input -> map, +100k imported (ms)", "filters_imported", "window_imported")):
        med = statistics.median(got[key])
        print(f"{name:46s} {med:8.2f} {p95(got[key]):8.2f} {med / statistics.median(got[ref]):16.2f}")


def main() -> None:
    if "--filters" in sys.argv[1:]:
        filters_main()
        return
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        tmp = Path(tmp)
        baseline = tmp / "baseline"
        baseline.mkdir()
        archive = subprocess.run(["git", "archive", BASELINE], cwd=ROOT, capture_output=True, check=True)
        subprocess.run(["tar", "-x", "-C", str(baseline)], input=archive.stdout, check=True)
        (baseline / "bench" / "bare_app.py").rename(tmp / "bare_app.py")
        (tmp / "static").symlink_to(ROOT / "static")
        export = tmp / "acled-100k.csv"
        write_export(export)
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        atlas = measure_atlas(browser, export)
        old = measure_slider_app(browser, baseline / "app.py", baseline, ".ba-marker", 20)
        bare = measure_slider_app(browser, tmp / "bare_app.py", ROOT, ".ba-bare-day", 20)
        browser.close()

    def own(sent: dict[str, int]) -> float:
        return (sent["ws"] + sent["app"]) / 1024

    rows = [
        ("input -> map updated, curated (ms) median", statistics.median(atlas["curated"]),
         statistics.median(old["curated"]), statistics.median(bare["curated"])),
        ("input -> map updated, curated (ms) p95", p95(atlas["curated"]), p95(old["curated"]), p95(bare["curated"])),
        ("input -> map updated, +100k imported (ms) median", statistics.median(atlas["imported"]), None, None),
        ("input -> map updated, +100k imported (ms) p95", p95(atlas["imported"]), None, None),
        ("filter input -> map updated, curated (ms) median", statistics.median(atlas["filters"]), None, None),
        ("filter input -> map updated, curated (ms) p95", p95(atlas["filters"]), None, None),
        ("filter input -> map updated, +100k imported (ms) median", statistics.median(atlas["filters_imported"]),
         None, None),
        ("filter input -> map updated, +100k imported (ms) p95", p95(atlas["filters_imported"]), None, None),
        ("playback, crisis week, 100k imported (fps)", atlas["fps_week"], None, None),
        ("playback, a year, 100k imported (fps)", atlas["fps_year"], None, None),
        (f"page load to map drawn, median of {LOADS} (s)", atlas["load"], old["load"], bare["load"]),
        ("first visitor after server start (s)", atlas["first"], old["first"], bare["first"]),
        ("ten sessions moving: input -> map (ms) median", statistics.median(atlas["ten"]), None, None),
        ("ten sessions moving: input -> map (ms) p95", p95(atlas["ten"]), None, None),
        ("the app's own bytes, default view (KB)", own(atlas["bytes"]), own(old["bytes"]), own(bare["bytes"])),
        ("Streamlit's frontend bytes (KB)", atlas["bytes"]["framework"] / 1024, old["bytes"]["framework"] / 1024,
         bare["bytes"]["framework"] / 1024),
    ]
    print(f"{'measure':50s} {'atlas':>10s} {'previous':>10s} {'bare page':>10s}")
    for name, a, o, b in rows:
        cell = lambda v: f"{v:10.2f}" if v is not None else f"{'—':>10s}"  # noqa: E731
        print(f"{name:50s} {cell(a)} {cell(o)} {cell(b)}")


if __name__ == "__main__":
    main()
