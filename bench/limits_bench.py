"""Header bombs and a closed tab against a real server (issue 12), by hand: `make bench`.

Each bomb is uploaded through the page of a fresh server; printed are the server process's
CPU seconds from upload to the refusal on screen, and its peak resident memory above what
it held before the upload (the peak is reset just before, through /proc/PID/clear_refs).
Targets: under 1 s of CPU and 200 MB each. The naive baseline is pandas alone on a smaller
bomb (the cost grows with the square of the duplicate names, so 80,000 cost ~64 times as
much as 10,000).

Then a tab with a running import (tests/_slow_import_app.py makes one import step burn a
core for a minute) is closed, and the server's CPU share is measured over the second that
starts 5 s later (target: idle, under 10 % of a core).
"""

from __future__ import annotations

import io
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _timing import UPLOAD_INPUT, chromium, load, rss_mb
from playwright.sync_api import sync_playwright

from tests._server import SERVERS, cpu_seconds, cpu_share, map_frame, streamlit_server, wait_for
from tests._slow_import_app import slow_app
from tests.test_import import acled_row, to_csv

ERROR = '[data-testid="stAlertContentError"]'


def _bombs(folder: Path) -> dict[str, Path]:
    files = {
        "80,000 duplicate columns": ",".join(["lat"] * 80_000) + "\n1\n",  # 320 KB
        "1,000,000 columns": ",".join(f"c{i}" for i in range(1_000_000)) + "\n",  # 7.9 MB
    }
    paths = {}
    for i, (name, text) in enumerate(files.items()):
        paths[name] = folder / f"bomb{i}.csv"
        paths[name].write_text(text)
    return paths


def _reset_peak(pid: int) -> None:
    Path(f"/proc/{pid}/clear_refs").write_text("5")  # VmHWM := VmRSS (Linux 4.0+)


def upload_bomb(browser, path: Path) -> tuple[float, float, float, str]:
    """(server CPU s, extra peak MB, seconds to the refusal on screen, the refusal) for one upload."""
    with streamlit_server() as url:
        pid = SERVERS[url].pid
        page = browser.new_page()
        page.goto(url)
        map_frame(page, ".ba-marker", timeout=60)
        time.sleep(1.0)  # let the first page's work settle
        _reset_peak(pid)
        rss, cpu, began = rss_mb(pid), cpu_seconds(pid), time.monotonic()
        page.set_input_files(UPLOAD_INPUT, str(path))
        wait_for(lambda: page.locator(ERROR).count(), timeout=300, what="the refusal")
        seconds = time.monotonic() - began
        message = page.locator(ERROR).first.inner_text()
        time.sleep(0.5)
        used = cpu_seconds(pid) - cpu
        peak = rss_mb(pid, "VmHWM") - rss
        page.close()
    return used, peak, seconds, message


def closed_tab(browser, folder: Path) -> tuple[float, float]:
    """(CPU share while the import runs, CPU share 5-6 s after its tab was closed)."""
    csv = folder / "events.csv"
    csv.write_bytes(to_csv([acled_row()]))
    (folder / "app").mkdir()
    with streamlit_server(app=slow_app(folder / "app")) as url:
        pid = SERVERS[url].pid
        context = browser.new_context()
        page = context.new_page()
        page.goto(url)
        map_frame(page, ".ba-marker", timeout=60)
        page.set_input_files(UPLOAD_INPUT, str(csv))
        wait_for(lambda: page.get_by_text("Importing events.csv").count(), timeout=60,
                 what="the import's progress notice")
        running = cpu_share(pid)
        context.close()
        time.sleep(5)
        return running, cpu_share(pid)


def naive_duplicates(n: int) -> float:
    """Seconds pandas alone takes on a header of ``n`` copies of one name (the naive way)."""
    data = (",".join(["lat"] * n) + "\n1\n").encode()
    began = time.process_time()
    pd.read_csv(io.BytesIO(data), dtype=str)
    return time.process_time() - began


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        folder = Path(tmp)
        browser = chromium(p)
        for name, path in _bombs(folder).items():
            used, peak, seconds, message = upload_bomb(browser, path)
            print(f"limits: upload of {name} ({path.stat().st_size / 1e6:.2f} MB): server CPU "
                  f"{used:.2f} s, peak RSS +{peak:.0f} MB, refused on screen in {seconds:.1f} s "
                  f"({load()}; target < 1 s CPU, < 200 MB): {' '.join(message.replace('🚫', '').split())[:110]}")
        running, after = closed_tab(browser, folder)
        print(f"limits: server CPU with a running import {running:.0%} of a core; 5 s after its "
              f"tab was closed {after:.0%} (target < 10 %)")
        browser.close()
    n = 10_000
    print(f"limits: naive baseline, pandas alone on {n:,} duplicate names: {naive_duplicates(n):.2f} s "
          f"of CPU (80,000 would take ~64x that)")


if __name__ == "__main__":
    main()
