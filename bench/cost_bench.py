"""Cost attacks of issue 20, before and after in one run, by hand: `make bench`.

Before is the nesting check the importer had (kept here as the baseline: a regular expression
that blanks JSON strings, then counts brackets); after is ``geo._bounded.scan_json`` and the
importer as it is. For each case: CPU seconds and peak memory (tracemalloc) of the check or
the import. Then a GeoPackage whose layer is a view over a recursive query (10⁸ rows), and
ten imports killed half-way in child processes: the memory this process holds before and
after (target: within 50 MB).

With ``--live`` (and ``--before REV`` to serve an earlier revision first, in the same run),
each hostile file is then uploaded through the page of a live server, in a fresh session:
printed are the server's CPU seconds (its process and its job processes), its resident
memory after, a second session's worst latency meanwhile (target: 0.5 s), and the first
words on screen. The issue's fifth case, a 300-frame animation at 1,920 px, is refused up
front by the frame budget (tests/test_export.py), so it has no live row here.
"""

from __future__ import annotations

import contextlib
import re
import sqlite3
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from geo._bounded import JsonTooCostly, scan_json  # noqa: E402
from geo.errors import EventImportError  # noqa: E402
from geo.imports import import_events  # noqa: E402
from geo.limits import MAX_FIELD_CHARS, MAX_JSON_CONTAINERS, MAX_JSON_DEPTH  # noqa: E402

_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_NOT_A_BRACKET = re.compile(r"[^\[\]{}]+")


def old_json_depth(text: str) -> int:
    """The check the importer had before (baseline)."""
    brackets = _NOT_A_BRACKET.sub("", _JSON_STRING.sub('""', text))
    if not brackets:
        return 0
    codes = np.frombuffer(brackets.encode("ascii"), dtype=np.uint8)
    steps = np.where((codes == ord("[")) | (codes == ord("{")), 1, -1).astype(np.int32)
    return int(np.cumsum(steps).max())


def new_check(text: str) -> None:
    with contextlib.suppress(JsonTooCostly):
        scan_json(text, max_depth=MAX_JSON_DEPTH, max_string=MAX_FIELD_CHARS,
                  max_containers=MAX_JSON_CONTAINERS)


def measure(fn, *args) -> tuple[float, float]:
    """(CPU seconds, peak MB traced) of one call."""
    tracemalloc.start()
    began = time.process_time()
    with contextlib.suppress(EventImportError):
        fn(*args)
    spent = time.process_time() - began
    peak = tracemalloc.get_traced_memory()[1] / 1e6
    tracemalloc.stop()
    return spent, peak


def backtracking(size: int) -> str:
    return '{"type": "FeatureCollection", "features": ["' + '\\"' * (size // 2)


def long_string(size: int) -> str:
    return '{"type": "FeatureCollection", "features": [{"properties": {"notes": "' + "x" * size + '"}}]}'


def view_bomb(folder: Path, rows: int) -> bytes:
    import geopandas as gpd
    import shapely

    path = folder / "bomb.gpkg"
    gpd.GeoDataFrame({"date": ["2024-01-16"]}, geometry=[shapely.Point(62, 27)],
                     crs=4326).to_file(path, layer="events", engine="pyogrio")
    con = sqlite3.connect(path)
    con.execute(f"CREATE VIEW bomb AS WITH RECURSIVE r(x) AS (SELECT 1 UNION ALL SELECT x + 1 "
                f"FROM r WHERE x < {rows}) SELECT x AS fid, e.geom AS geom, e.date AS date FROM r, events e")
    con.execute("INSERT INTO gpkg_contents (table_name, data_type, identifier, srs_id) "
                "VALUES ('bomb', 'features', 'bomb', 4326)")
    con.execute("INSERT INTO gpkg_geometry_columns VALUES ('bomb', 'geom', 'POINT', 4326, 0, 0)")
    con.execute("DELETE FROM gpkg_geometry_columns WHERE table_name = 'events'")
    con.execute("DELETE FROM gpkg_contents WHERE table_name = 'events'")
    con.commit()
    con.close()
    return path.read_bytes()


def rss_mb() -> float:
    with open("/proc/self/status") as f:
        return int(next(x for x in f if x.startswith("VmRSS:")).split()[1]) / 1024


def hostile_files(folder: Path) -> dict[str, Path]:
    """The issue's hostile uploads, written into ``folder``."""
    files = {
        "JSON that made the reader backtrack (64 KB)": ("stall.geojson", backtracking(64_000)),
        "one 45 MB string field": ("long.geojson", long_string(45_000_000)),
        "300,000 rows of bad dates": ("dates.csv", "event_id_cnty,event_date,latitude,longitude\n"
                                      + "".join(f"PAK{i},not a date {i},27.0,62.0\n" for i in range(300_000))),
    }
    paths = {}
    for name, (file, text) in files.items():
        paths[name] = folder / file
        paths[name].write_text(text)
    (folder / "view").mkdir()
    paths["GeoPackage view over 10^8 recursive rows"] = folder / "view.gpkg"
    paths["GeoPackage view over 10^8 recursive rows"].write_bytes(view_bomb(folder / "view", 10**8))
    return paths


def live(root: Path, files: dict[str, Path]) -> None:
    """Upload each file through a fresh session of ``root``'s app on a live server."""
    from _timing import UPLOAD_INPUT, Prober, chromium, load, rss_mb
    from playwright.sync_api import sync_playwright

    from tests._server import SERVERS, streamlit_server, tree_cpu_seconds, wait_for

    done = '[data-testid="stAlertContentError"], [data-testid="stAlertContentSuccess"], ' \
           '[data-testid="stAlertContentWarning"]'
    with streamlit_server(timeout=180, app=root / "app.py", root=root) as url, sync_playwright() as p:
        pid = SERVERS[url].pid
        browser = chromium(p)
        for name, path in files.items():
            context = browser.new_context()
            page = context.new_page()
            page.goto(url + "?layers=border")
            page.wait_for_selector(UPLOAD_INPUT, state="attached", timeout=180_000)
            time.sleep(1.0)
            cpu, began = tree_cpu_seconds(pid), time.monotonic()
            with Prober(url) as probe:
                page.set_input_files(UPLOAD_INPUT, str(path))
                wait_for(lambda page=page: page.locator(done).count(), timeout=300, what="the outcome")
                seconds = time.monotonic() - began
            said = " ".join(page.locator(done).first.inner_text().split())[:90]
            print(f"  {name} ({path.stat().st_size / 1e6:.1f} MB): server CPU "
                  f"{tree_cpu_seconds(pid) - cpu:.1f} s, on screen in {seconds:.1f} s, RSS after "
                  f"{rss_mb(pid):,.0f} MB, second session's worst latency {probe.worst:.2f} s "
                  f"(target 0.5 s); {load()}: {said}")
            context.close()
        browser.close()


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--live", action="store_true", help="only the uploads to a live server")
    parser.add_argument("--before", metavar="REV", help="with --live: serve REV's app first")
    parser.add_argument("--only", metavar="WORDS", help="with --live: only the files whose case "
                        "names these words (e.g. GeoPackage)")
    args = parser.parse_args()
    if args.live:
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        from _timing import tree_at

        with tempfile.TemporaryDirectory() as tmp:
            files = hostile_files(Path(tmp))
            if args.only:
                files = {name: path for name, path in files.items() if args.only.lower() in name.lower()}
                if not files:
                    parser.error(f"--only {args.only!r}: no case names it")
            trees = [("this tree", ROOT)]
            if args.before:
                trees.insert(0, (args.before, tree_at(args.before, Path(tmp) / "before")))
            for name, root in trees:
                print(f"{name}, a live server:")
                live(root, files)
        return
    print("JSON pre-scan: CPU s / peak MB, before (regex) -> after (scan_json)")
    for name, text in [("backtracking 32 KB", backtracking(32_000)),
                       ("backtracking 64 KB", backtracking(64_000)),
                       ("backtracking 4 MB", backtracking(4_000_000)),
                       ("one 10 MB string", long_string(10_000_000))]:
        after = measure(new_check, text)
        if name.endswith("4 MB"):
            print(f"  {name:22s} before: not run (quadratic: ~{13.5 * (4e6 / 64e3) ** 2 / 3600:,.0f} h)"
                  f"  after {after[0]:6.2f} s {after[1]:7.1f} MB")
            continue
        before = measure(old_json_depth, text)
        print(f"  {name:22s} before {before[0]:6.2f} s {before[1]:7.1f} MB   after {after[0]:6.2f} s "
              f"{after[1]:7.1f} MB   ({before[0] / max(after[0], 1e-3):,.0f}x CPU)")
    with tempfile.TemporaryDirectory() as tmp:
        data = view_bomb(Path(tmp), 10**8)
    spent, peak = measure(lambda: import_events(data, filename="bomb.gpkg"))
    print(f"GeoPackage view over 10^8 recursive rows: refused in {spent:.2f} s CPU, {peak:.1f} MB "
          "(before: 38 s CPU, then refused by the row count; 10^9 rows: 132 s)")

    from geo.jobs import Job, import_upload
    from tests.test_import import acled_row, to_csv

    upload = to_csv([acled_row(event_id_cnty=f"PAK{i}") for i in range(100_000)])
    warm = Job(import_upload, (upload[:2000].rsplit(b"\n", 1)[0], "w.csv"), label="w.csv",
               orphan_seconds=None)
    warm.wait(300)
    before = rss_mb()
    for i in range(10):
        job = Job(import_upload, (upload, f"k{i}.csv"), label=f"k{i}.csv", orphan_seconds=None)
        time.sleep(1.0)
        job.cancel("the tab was closed")
        job.wait(300)
    print(f"10 imports of {len(upload) / 1e6:.0f} MB killed half-way in child processes: this "
          f"process {before:,.0f} MB before, {rss_mb():,.0f} MB after (target: within 50 MB)")


if __name__ == "__main__":
    main()
