"""What the bench scripts share: the median wall time of a call, and for the benches that
drive a live server (crowd, cost, limits, memory): the upload box, the server's memory, a
second session's worst latency, a browser, and an earlier tree of the project to compare with.

The live-server helpers import Playwright and the test server only when used.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

UPLOAD_INPUT = '[data-testid="stFileUploaderDropzoneInput"]'


def median_time(fn: Callable[[], object], runs: int = 5) -> float:
    """Median seconds of ``runs`` calls of ``fn`` (medians, as the machines are shared)."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def load() -> str:
    """The load average now (1 and 5 minutes), to print beside figures on a shared machine."""
    one, five, _ = os.getloadavg()
    return f"load average {one:.1f} (5 min {five:.1f})"


def rss_mb(pid: int, field: str = "VmRSS") -> float:
    """A process's resident memory (or its peak, ``VmHWM``) in MB, from /proc."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


class Prober:
    """A second session: asks the server's health endpoint every 100 ms (as every page's
    connection depends on the server's event loop) and keeps the worst wait."""

    def __init__(self, url: str) -> None:
        self.url = url + "_stcore/health"
        self.worst = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            began = time.monotonic()
            try:
                with urllib.request.urlopen(self.url, timeout=30) as r:
                    r.read()
            except OSError:
                pass
            self.worst = max(self.worst, time.monotonic() - began)
            self._stop.wait(0.1)

    def __enter__(self) -> Prober:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(35)


def chromium(playwright):
    """Debian's headless Chromium, as the browser tests start it."""
    from tests._server import CHROMIUM, CHROMIUM_ARGS

    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def tree_at(revision: str, folder: Path) -> Path:
    """The project as committed at ``revision`` (``git archive``), unpacked in ``folder``: a
    tree whose app a bench can serve beside this one's (``streamlit_server(app=, root=)``)."""
    folder.mkdir(parents=True, exist_ok=True)
    archive = subprocess.run(["git", "archive", revision], cwd=ROOT, capture_output=True, check=True)
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive.stdout, check=True)
    return folder
