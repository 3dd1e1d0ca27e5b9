"""The static site against the live app, in one run: build, weight, page load, readers served.

- build: `build_site` of the whole record (time, files, bytes by part, against the budget);
- page load to map drawn, cold browser, median of five: the site's index served by Python's
  http.server, against the live app (app.py in a real Streamlit server);
- readers served: READERS concurrent simulated readers (threads, loopback only, each fetching
  the index and every asset it names, bounded to one visit each) against a stock static
  server (Debian's nginx when installed, else Python's http.server), and SESSIONS concurrent readers fetching the live app's page and its scripts, with
  p50/p95 latency of a whole visit and requests a second. A live-app reader here fetches the
  page only: a real session also opens a websocket and runs the script on the server, so the
  app's figures are a floor for what a crowd costs it.

Run by hand (`make bench`); machines are shared, so read medians and ratios.
"""

from __future__ import annotations

import contextlib
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from geo.web.site import build_site  # noqa: E402
from tests._server import CHROMIUM, CHROMIUM_ARGS, free_port, map_frame, streamlit_server, wait_for  # noqa: E402

READERS = 200
SESSIONS = 25
LOADS = 5
# What a browser fetches after the page: scripts and stylesheets, and (the site) the engine's
# modules named in the import map and the layers' files named in its data block.
_SRC = re.compile(r'(?:src|href)="([^"#?]+\.(?:js|css))"|"(\./assets/[0-9a-f]{16}\.(?:js|json|css))"')


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


NGINX = Path("/usr/sbin/nginx")  # Debian's nginx (apt-get install nginx-light), if present
NGINX_CONF = """daemon off; worker_processes 2; pid {tmp}/nginx.pid; error_log {tmp}/error.log;
events {{ worker_connections 1024; }}
http {{ access_log off; client_body_temp_path {tmp}; proxy_temp_path {tmp}; fastcgi_temp_path {tmp};
  uwsgi_temp_path {tmp}; scgi_temp_path {tmp}; include /etc/nginx/mime.types;
  server {{ listen 127.0.0.1:{port}; root {root};
    location /assets/ {{ add_header Cache-Control "public, max-age=31536000, immutable"; }} }} }}
"""


@contextlib.contextmanager
def static_server(root: Path):
    """The site from a stock static server on loopback: nginx when installed (as a host would
    serve it), else Python's http.server (whose listen backlog of 5 refuses part of a crowd)."""
    port = free_port()
    with tempfile.TemporaryDirectory() as tmp:
        if NGINX.is_file():
            conf = Path(tmp) / "nginx.conf"
            conf.write_text(NGINX_CONF.format(tmp=tmp, port=port, root=root))
            cmd, name = [str(NGINX), "-c", str(conf), "-e", f"{tmp}/error.log"], "nginx"
        else:
            cmd = [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1", "--directory", str(root)]
            name = "http.server"
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        url = f"http://127.0.0.1:{port}/"
        try:
            wait_for(lambda: _get(url) is not None, what="the static server")
            yield url, name
        finally:
            proc.terminate()
            proc.wait(timeout=10)


def _get(url: str, timeout: float = 60.0) -> bytes | None:
    with contextlib.suppress(OSError), urllib.request.urlopen(url, timeout=timeout) as r:
        return r.read()
    return None


def _visit(url: str) -> tuple[float, int, bool]:
    """One reader: the page, then every script and stylesheet it names (as a browser would,
    in order). (seconds, requests, all answered)."""
    t0 = time.perf_counter()
    page = _get(url)
    if page is None:
        return time.perf_counter() - t0, 1, False
    found = dict.fromkeys(a or b for a, b in _SRC.findall(page.decode("utf-8", "replace")))
    assets = [a for a in found if not a.startswith(("http", "//"))]
    ok = True
    for asset in assets:
        ok &= _get(urllib.request.urljoin(url, asset)) is not None
    return time.perf_counter() - t0, 1 + len(assets), ok


def crowd(url: str, readers: int) -> dict[str, float]:
    """``readers`` readers at once, each one visit; latency of a visit and requests a second."""
    results: list[tuple[float, int, bool]] = []
    lock = threading.Lock()
    start = threading.Barrier(readers)

    def reader() -> None:
        start.wait()
        result = _visit(url)
        with lock:
            results.append(result)

    threads = [threading.Thread(target=reader) for _ in range(readers)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    wall = time.perf_counter() - t0
    times = [r[0] for r in results]
    return {"p50": statistics.median(times), "p95": p95(times), "rps": sum(r[1] for r in results) / wall,
            "failed": sum(1 for r in results if not r[2]) + (readers - len(results))}


def page_loads(browser, url: str, ready: str) -> float:
    times = []
    for _ in range(LOADS):
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        page = context.new_page()
        t0 = time.perf_counter()
        page.goto(url)
        map_frame(page, ready, timeout=60)
        times.append(time.perf_counter() - t0)
        context.close()
    return statistics.median(times)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        # nginx's workers run as an unprivileged user: the site must be readable by others
        # (a temporary folder is private to its owner), as on any host.
        Path(tmp).chmod(0o755)
        out = Path(tmp) / "public"
        report = build_site(out, base_url="https://example.org/atlas/")
        print("site build (whole record):")
        for line in report.lines():
            print("  " + line)
        with static_server(out) as (site_url, server), streamlit_server() as app_url, sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            site_load = page_loads(browser, site_url, ".ba-marker")
            app_load = page_loads(browser, app_url, ".ba-marker")
            browser.close()
            site = crowd(site_url, READERS)
            app = crowd(app_url, SESSIONS)
    print(f"page load to map drawn, cold browser, median of {LOADS}: site {site_load:.2f} s, "
          f"live app {app_load:.2f} s (site / app {site_load / app_load:.2f})")
    print(f"{READERS} readers at once, static site ({server}): visit p50 {site['p50'] * 1000:.0f} ms, "
          f"p95 {site['p95'] * 1000:.0f} ms, {site['rps']:.0f} requests/s, {site['failed']:.0f} failed")
    print(f"{SESSIONS} readers at once, live app's page: visit p50 {app['p50'] * 1000:.0f} ms, "
          f"p95 {app['p95'] * 1000:.0f} ms, {app['rps']:.0f} requests/s, {app['failed']:.0f} failed "
          "(page and scripts only; a real session also runs the app on the server)")


if __name__ == "__main__":
    main()
