"""Memory back after killed uploads (issue 20), on a real server, by hand: `make bench`.

A Streamlit server runs the app; one session imports a 20 MB ACLED export to warm it up (the
importer's modules, the fork server, the caches), then ten sessions each start uploading the
same file and close their tab part-way (during the upload or the import: the close comes 0.2
to 2 s after the file is given). After each close the bench waits until the server's job
processes have ended (or 15 s) and reads the resident memory of the server's own process
(VmRSS in /proc: the jobs' children are not counted, their memory leaves with them).

Printed: the server's RSS before the ten, after each, and, once the closed sessions have
been freed (15 s after their tabs went) and a new session has imported a small file, the
growth; the target is within 50 MB of before. Also the load average, since the machine is shared.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _timing import UPLOAD_INPUT, chromium, load, rss_mb
from playwright.sync_api import sync_playwright

from tests._server import SERVERS, descendants, streamlit_server, wait_for
from tests._synthetic import write_export

KILLS = 10
TARGET_MB = 50
TTL_SECONDS = 15  # .streamlit/config.toml: server.disconnectedSessionTTL


def _jobs_running(pid: int) -> int:
    """Processes under the server other than the fork server itself (which idles)."""
    return max(0, len(descendants(pid)) - 1)


def _settle(pid: int, seconds: float = 15.0) -> None:
    deadline = time.monotonic() + seconds
    time.sleep(4.0)  # the orphan limit (3 s) and the kill
    while _jobs_running(pid) and time.monotonic() < deadline:
        time.sleep(0.2)
    time.sleep(1.0)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "acled-20mb.csv"
        write_export(path, n=100_000)
        size = path.stat().st_size / 1e6
        with streamlit_server(timeout=120) as url, sync_playwright() as p:
            pid = SERVERS[url].pid
            browser = chromium(p)
            warm = browser.new_context()
            page = warm.new_page()
            page.goto(url + "?layers=border")
            page.wait_for_selector(UPLOAD_INPUT, state="attached", timeout=120_000)
            page.set_input_files(UPLOAD_INPUT, str(path))
            wait_for(lambda: page.get_by_text("imported,").count(), timeout=300, what="the warm import")
            warm.close()
            _settle(pid)
            before = rss_mb(pid)
            print(f"server RSS before: {before:,.0f} MB (file {size:.1f} MB; {load()})")
            for i in range(KILLS):
                context = browser.new_context()
                tab = context.new_page()
                tab.goto(url + "?layers=border")
                tab.wait_for_selector(UPLOAD_INPUT, state="attached", timeout=120_000)
                tab.set_input_files(UPLOAD_INPUT, str(path))
                tab.wait_for_timeout(200 + 200 * i)
                context.close()
                _settle(pid)
                print(f"  after kill {i + 1:2d} (closed {0.2 + 0.2 * i:.1f} s in): {rss_mb(pid):,.0f} MB")
            print(f"  right after the tenth: {rss_mb(pid):,.0f} MB; waiting for the closed sessions to "
                  f"be freed (server.disconnectedSessionTTL, {TTL_SECONDS} s) and one more job")
            time.sleep(TTL_SECONDS + 5)
            last = browser.new_context().new_page()  # a new session's import: the server trims
            last.goto(url + "?layers=border")
            last.wait_for_selector(UPLOAD_INPUT, state="attached", timeout=120_000)
            small = Path(tmp) / "small.csv"
            write_export(small, n=100)
            last.set_input_files(UPLOAD_INPUT, str(small))
            wait_for(lambda: last.get_by_text("imported,").count(), timeout=300, what="the last import")
            after = rss_mb(pid)
            browser.close()
        grew = after - before
        print(f"server RSS after {KILLS} killed uploads: {after:,.0f} MB, {grew:+,.0f} MB "
              f"(target within {TARGET_MB} MB: {'met' if grew < TARGET_MB else 'NOT met'}); "
              f"{load()}")


if __name__ == "__main__":
    main()
