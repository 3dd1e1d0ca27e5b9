"""Explorer speed, measured in a real browser against the naive baseline in the same run.

Prints, for the atlas app and for bench/naive_app.py: server start to first map drawn,
page load to map drawn, slider move to map updated (median of 20 moves) and the bytes sent
to the browser for the default view (as sent: compressed where the server compresses).
Bytes are split into Streamlit's own frontend (its /static/ bundle, the same for any
Streamlit app) and the rest (websocket, map component, the app's files). A bare Streamlit
page with only the same slider and one line of text (bench/bare_app.py) is measured in the
same run as the floor the framework sets. Run by hand (`make bench`); machines are shared
and noisy, so read the medians and the ratios, not single numbers.
"""

from __future__ import annotations

import contextlib
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

MOVES = 20
STRIKE = "2024-01-16-iran-strike-panjgur"


def _count(frame, selector: str) -> int:
    return frame.evaluate(f"document.querySelectorAll({selector!r}).length")


def measure(app: Path, marker_selector: str, browser) -> dict[str, float]:
    t_start = time.perf_counter()
    with streamlit_server(app=app) as url:
        t_up = time.perf_counter()
        # The first visitor of a fresh server also waits for its one-time loading: that is
        # "server start to first map drawn". A later visitor, with a cold browser cache, is
        # "page load to map drawn".
        first = browser.new_page(viewport={"width": 1400, "height": 1000})
        first.goto(url)
        map_frame(first, marker_selector, timeout=60)
        t_first = time.perf_counter()
        first.context.close()
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        received = {"ws": 0, "framework": 0, "app": 0}
        page.on("websocket", lambda ws: ws.on(
            "framereceived", lambda payload: received.__setitem__("ws", received["ws"] + len(payload))))

        def on_finished(request):
            with contextlib.suppress(Exception):  # a request the page aborted has no sizes
                sizes = request.sizes()
                n = sizes["responseBodySize"] + sizes["responseHeadersSize"]
                part = "framework" if request.url.startswith(url.rstrip("/") + "/static/") else "app"
                received[part] += n

        page.on("requestfinished", on_finished)
        t_load = time.perf_counter()
        page.goto(url)
        frame = map_frame(page, marker_selector, timeout=60)
        t_drawn = time.perf_counter()
        time.sleep(2.0)  # let the page settle before counting bytes and moving the slider
        sent = dict(received)
        thumb = page.locator('[data-testid="stSlider"] input[type="range"]').nth(0)
        moves = []
        for i in range(MOVES):
            frame = map_frame(page, marker_selector, timeout=60)
            before = _count(frame, marker_selector)
            thumb.focus()
            t0 = time.perf_counter()
            thumb.press("ArrowRight" if i % 2 == 0 else "ArrowLeft")  # 15<->16 Jan: a strike leaves/returns
            deadline = t0 + 10
            while time.perf_counter() < deadline:
                try:
                    frame = map_frame(page, marker_selector, timeout=10)
                    if _count(frame, marker_selector) != before:
                        break
                except Exception:  # the naive map's iframe is being replaced
                    pass
                time.sleep(0.005)
            moves.append(time.perf_counter() - t0)
            time.sleep(0.3)
        page.close()
    return {
        "server start to first map drawn (s)": t_first - t_start,
        "page load to map drawn (s)": t_drawn - t_load,
        "server start alone (s)": t_up - t_start,
        "slider move to map updated, median of 20 (ms)": statistics.median(moves) * 1000,
        "slider move, max (ms)": max(moves) * 1000,
        "bytes to browser, default view (KB)": sum(sent.values()) / 1024,
        "  Streamlit's own frontend (KB)": sent["framework"] / 1024,
        "  the app's: websocket, component, files (KB)": (sent["ws"] + sent["app"]) / 1024,
        "  of which websocket (KB)": sent["ws"] / 1024,
    }


def main() -> None:
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        sys.exit("chromium is needed: apt-get install chromium")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        atlas = measure(ROOT / "app.py", ".ba-marker", browser)
        with tempfile.TemporaryDirectory() as tmp:
            # Streamlit serves ./static beside the script: give the baselines the same assets.
            (Path(tmp) / "static").symlink_to(ROOT / "static")
            for name in ("naive_app.py", "bare_app.py"):
                shutil.copy(ROOT / "bench" / name, Path(tmp) / name)
            naive = measure(Path(tmp) / "naive_app.py", "path.leaflet-interactive", browser)
            bare = measure(Path(tmp) / "bare_app.py", ".ba-bare-day", browser)
        browser.close()
    print(f"{'measure':48s} {'atlas':>10s} {'naive':>10s} {'naive/atlas':>12s} {'bare page':>10s}")
    for key in atlas:
        a, n, b = atlas[key], naive[key], bare[key]
        print(f"{key:48s} {a:10.2f} {n:10.2f} {n / a if a else float('nan'):12.2f} {b:10.2f}")


if __name__ == "__main__":
    main()
