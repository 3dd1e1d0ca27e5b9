"""Imported events at scale in a real browser, against the naive way in the same run.

A synthetic ACLED export of 100,000 events (2017-2024, around the region's towns) is
uploaded through the page. Printed, for the atlas and for bench/naive_import_app.py (the
same import, then one folium marker with a popup per event in the window, plain st_folium):

- upload to imported events drawn;
- slider move to map updated, median, in the crisis week (markers) and in December 2023 -
  April 2024 (about 5,000 events: density in the atlas, as many markers in the naive app);
- the server process's resident memory after all that;
- for the atlas: 10 browser sessions on one server (one holding the import) all moving
  their sliders at once: median and worst move.

A move counts as drawn when the map's markers or cluster counts, or the number of imported
events the map says it drew (imported.js writes it on the map when a layer is added),
differ from before the key press. Run by hand:
`make bench`. Machines are shared and noisy: read the medians and ratios.
"""

from __future__ import annotations

import os
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from tests._server import CHROMIUM, CHROMIUM_ARGS, map_frame, streamlit_server  # noqa: E402
from tests._synthetic import N_EVENTS, write_export  # noqa: E402

MOVES = {"atlas": 12, "naive": 4}
SESSIONS = 10
ROUNDS = 5
UPLOAD_INPUT = '[data-testid="stFileUploaderDropzoneInput"]'
SLIDER = '[data-testid="stSlider"] input[type="range"]'
SIGNATURE = """() => {
  const els = document.querySelectorAll('.ba-marker, .ba-cluster span, path.leaflet-interactive');
  const map = document.querySelector('[data-ba-imported]');  // set by imported.js when drawn
  return els.length + ':' + (map ? map.getAttribute('data-ba-imported') : '') + ':' +
    Array.from(document.querySelectorAll('.ba-cluster span')).map(e => e.textContent).join(',');
}"""
def _server_rss_mb(url: str) -> float:
    """Resident memory of the streamlit process serving ``url`` (found by its port)."""
    port = re.search(r":(\d+)/", url).group(1)
    for proc in Path("/proc").iterdir():
        try:
            cmd = (proc / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"streamlit" in b" ".join(cmd) and port.encode() in cmd:
            status = (proc / "status").read_text()
            return int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) / 1024
    return float("nan")


def _signature(page) -> str:
    parts = []
    for frame in page.frames:
        if frame == page.main_frame:
            continue
        try:
            parts.append(str(frame.evaluate(SIGNATURE)))
        except Exception:  # the naive map's iframe was replaced while being read
            parts.append("replaced")
    return ";".join(parts)


def _open(browser, url: str):
    page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    page.goto(url)
    map_frame(page, ".ba-marker, path.leaflet-interactive", timeout=120)
    return page


def _press(page, i: int) -> str:
    before = _signature(page)
    thumb = page.locator(SLIDER).nth(0)
    thumb.focus()
    thumb.press("ArrowRight" if i % 2 == 0 else "ArrowLeft")
    return before


def _wait_changed(page, before: str, t0: float, timeout: float = 60.0) -> float:
    while time.perf_counter() - t0 < timeout:
        try:
            if _signature(page) != before:
                return time.perf_counter() - t0
        except Exception:  # an iframe being replaced
            pass
        time.sleep(0.01)
    return timeout


def _moves(page, n: int) -> list[float]:
    out = []
    for i in range(n):
        before = _press(page, i)
        out.append(_wait_changed(page, before, time.perf_counter()))
        time.sleep(0.3)
    return out


def _set_window(page, url: str, start: str, end: str) -> None:
    page.goto(f"{url}?start={start}&end={end}")
    map_frame(page, ".ba-marker, path.leaflet-interactive", timeout=120)


def measure(app: Path, url_env: dict[str, str], export: Path, browser, name: str) -> dict[str, float]:
    os.environ.update(url_env)
    with streamlit_server(app=app, timeout=120) as url:
        page = _open(browser, url)
        upload = float("nan")  # the naive app imports at start: it has no upload to time
        if name == "atlas":
            t0 = time.perf_counter()
            before = _signature(page)
            page.set_input_files(UPLOAD_INPUT, str(export))
            upload = _wait_changed(page, before, t0, timeout=300)
        time.sleep(1.0)
        week = _moves(page, MOVES[name])
        # Five months: the atlas draws density, the naive app one marker per event.
        if name == "atlas":  # the upload lives in this page's session: use the preset button
            before = _signature(page)
            page.get_by_role("button", name="Dec 2023 – Apr 2024").click()
            _wait_changed(page, before, time.perf_counter())
            time.sleep(2.0)
        else:
            _set_window(page, url, "2023-12-01", "2024-04-30")
        months = _moves(page, MOVES[name])
        result = {
            "upload to imported events drawn (s)": upload,
            "slider move, crisis week, median (ms)": statistics.median(week) * 1000,
            "slider move, Dec 2023 - Apr 2024, median (ms)": statistics.median(months) * 1000,
            "server memory after (MB)": _server_rss_mb(url),
        }
        if name == "atlas":
            result.update(_sessions(browser, url, page))
        page.context.close()
    return result


def _sessions(browser, url: str, importer) -> dict[str, float]:
    """SESSIONS pages on one server (the importer's among them) moving their sliders at once."""
    pages = [importer] + [_open(browser, url) for _ in range(SESSIONS - 1)]
    times = []
    for r in range(ROUNDS):
        pending = []
        for page in pages:
            before = _press(page, r)
            pending.append((page, before, time.perf_counter()))
        for page, before, t0 in pending:
            times.append(_wait_changed(page, before, t0))
        time.sleep(0.5)
    rss = _server_rss_mb(url)
    for page in pages[1:]:
        page.context.close()
    return {f"{SESSIONS} sessions at once: slider move, median (ms)": statistics.median(times) * 1000,
            f"{SESSIONS} sessions at once: slider move, worst (ms)": max(times) * 1000,
            f"server memory with {SESSIONS} sessions (MB)": rss}


def main() -> None:
    if not Path(CHROMIUM).exists():
        sys.exit("chromium is needed: apt-get install chromium")
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        export = Path(tmp) / "acled-synthetic-100k.csv"
        t = time.perf_counter()
        write_export(export)
        print(f"wrote {N_EVENTS:,} synthetic ACLED rows ({export.stat().st_size / 2**20:.1f} MB) "
              f"in {time.perf_counter() - t:.1f} s")
        (Path(tmp) / "static").symlink_to(ROOT / "static")
        shutil.copy(ROOT / "bench" / "naive_import_app.py", Path(tmp) / "naive_import_app.py")
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        atlas = measure(ROOT / "app.py", {}, export, browser, "atlas")
        print("atlas:", {k: round(v, 1) for k, v in atlas.items()}, flush=True)
        naive = measure(Path(tmp) / "naive_import_app.py", {"BA_NAIVE_EVENTS": str(export)},
                        export, browser, "naive")
        browser.close()
    print(f"{'measure':52s} {'atlas':>10s} {'naive':>10s} {'naive/atlas':>12s}")
    for key, a in atlas.items():
        n = naive.get(key, float("nan"))
        print(f"{key:52s} {a:10.1f} {n:10.1f} {n / a if a else float('nan'):12.1f}")


if __name__ == "__main__":
    main()
