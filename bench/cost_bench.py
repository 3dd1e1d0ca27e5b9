"""Cost attacks of issue 20, before and after in one run, by hand: `make bench`.

Before is the nesting check the importer had (kept here as the baseline: a regular expression
that blanks JSON strings, then counts brackets); after is ``geo._bounded.scan_json`` and the
importer as it is. For each case: CPU seconds and peak memory (tracemalloc) of the check or
the import. Then a GeoPackage whose layer is a view over a recursive query (10⁸ rows), and
ten imports killed half-way in child processes: the memory this process holds before and
after (target: within 50 MB).

The figures of a second session's latency under each case are those of the live-server
campaign (bench/limits_bench.py measures a server); here the cost itself is measured.
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


def main() -> None:
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
