"""Start the app in a real Streamlit server on a free local port (for browser tests and bench)."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic",
]
LOCAL_PREFIXES = ("http://127.0.0.1", "http://localhost", "data:", "blob:", "about:")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def streamlit_server(timeout: float = 60.0, app: Path = ROOT / "app.py", root: Path = ROOT) -> Iterator[str]:
    """Run `streamlit run <app>` on 127.0.0.1 and yield its URL; stop it afterwards.

    ``root`` is the checkout the app imports from (another one for a bench baseline).
    """
    port = free_port()
    cmd = [sys.executable, "-m", "streamlit", "run", str(app),
           "--server.port", str(port), "--server.address", "127.0.0.1",
           "--server.headless", "true", "--browser.gatherUsageStats", "false"]
    # The log goes to a file, not a pipe: a chatty server never blocks on a full pipe.
    with tempfile.TemporaryFile() as log:
        yield from _serve(cmd, log, f"http://127.0.0.1:{port}/", timeout, root)


# The server process behind each running URL (for benches and tests that measure it).
SERVERS: dict[str, subprocess.Popen] = {}


def cpu_seconds(pid: int) -> float:
    """CPU seconds (user + system) the process has used so far, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu_share(pid: int, seconds: float = 1.0, *, tree: bool = False) -> float:
    """The share of one core the process (with ``tree``, and every process under it: the
    app's jobs run in children) used over the next ``seconds`` (0.25 = 25 %)."""
    measure = tree_cpu_seconds if tree else cpu_seconds
    before = measure(pid)
    time.sleep(seconds)
    return (measure(pid) - before) / seconds


def descendants(pid: int) -> list[int]:
    """The processes under ``pid`` (children, their children, ...), from /proc."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        for task in Path(f"/proc/{current}/task").glob("*/children"):
            try:
                kids = [int(k) for k in task.read_text().split()]
            except OSError:
                continue
            found += kids
            todo += kids
    return found


def tree_cpu_seconds(pid: int) -> float:
    """CPU seconds of ``pid`` and its living descendants (a finished child's go with it)."""
    total = 0.0
    for each in [pid, *descendants(pid)]:
        try:
            total += cpu_seconds(each)
        except OSError:
            continue
    return total


def _serve(cmd: list[str], log, url: str, timeout: float, root: Path = ROOT) -> Iterator[str]:
    proc = subprocess.Popen(cmd, cwd=root, stdout=log, stderr=subprocess.STDOUT,
                            env={**os.environ, "PYTHONUNBUFFERED": "1", "PYTHONPATH": str(root)})
    SERVERS[url] = proc
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(url + "_stcore/health", timeout=1) as r:
                    if r.status == 200:
                        break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    log.seek(0)
                    out = log.read().decode(errors="replace")
                    raise RuntimeError(f"streamlit did not start:\n{out}") from None
                time.sleep(0.1)
        yield url
    finally:
        SERVERS.pop(url, None)
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def _first_frame(page, holds, timeout: float, failure: str):
    """The first of the page's frames for which ``holds(frame)`` is true, polled until
    ``timeout`` seconds (a frame still loading is passed over)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for frame in page.frames:
            with contextlib.suppress(Exception):
                if holds(frame):
                    return frame
        time.sleep(0.05)
    raise AssertionError(failure)


def map_frame(page, selector: str = ".ba-marker", timeout: float = 30.0):
    """The iframe holding the Leaflet map, once ``selector`` has been drawn in it."""
    return _first_frame(page, lambda f: f.query_selector(selector), timeout, f"map never drew {selector!r}")


def engine_frame(page, until: str = "true", timeout: float = 30.0):
    """The frame whose time engine has started and satisfies ``until`` (a JavaScript
    expression of ``e``, the engine's public API: ``window.BorderAtlasEngine``)."""
    probe = f"() => {{ const e = window.BorderAtlasEngine; return !!(e && e.started() && ({until})); }}"
    return _first_frame(page, lambda f: f.evaluate(probe), timeout, f"no engine started with {until!r}")


def needs_chromium() -> None:
    """Skip without Debian's chromium; fail in CI, where .ci/run must have installed it."""
    import pytest

    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: .ci/run must install Debian's chromium")
        pytest.skip(f"{CHROMIUM} not installed (apt-get install chromium)")


def wait_for(predicate, timeout: float = 15.0, what: str = "condition"):
    """``predicate()``'s first truthy value, polled until ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def click_until(frame, selector: str, changed, tries: int = 10) -> bool:
    """Click until ``changed()``: a click that lands while the map is still settling is lost."""
    for _ in range(tries):
        frame.click(selector)
        deadline = time.monotonic() + 1.0
        while time.monotonic() < deadline:
            if changed():
                return True
            time.sleep(0.05)
    raise AssertionError(f"clicking {selector} changed nothing")
