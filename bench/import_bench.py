"""Import speed and memory against the floor: reading the same CSV with pandas.

In:  nothing; synthetic ACLED exports (every column of the real layout, points in lat 24-32,
     lon 57-67, dates 2017-2024, notes of ~130 characters: ~380 bytes a row, as ACLED's own)
     of 1,000, 10,000, 100,000 and 999,999 rows (the most the row limit takes) are written to a temporary directory.
Out: per size, the median wall time (and CPU time, which other work on a shared machine
     disturbs less) and the peak memory (resident set; "1st" is the peak of the first run
     alone, what a job process, which imports one file, reaches) of
     ``pd.read_csv(path)`` (the floor) and of ``geo.imports.import_events(path)``, each in a
     fresh child process that has imported the same modules first, and their ratios
     (target: 3x in time, 1.5x in memory). Memory is given as the child's peak RSS and as
     its growth above the RSS it had before the first read. ``--baseline DIR`` adds a third
     contender, ``import_events`` of another checkout (e.g. the main branch), measured in the
     same run (``--baseline-name main`` names it in the table); ``--before REV`` does the same
     for a commit of this repository, checked out for the run in a temporary worktree outside
     it (removed after). A naive row-by-row import of 2,000 rows is timed last, for scale; a
     Markdown table of CPU medians and peaks ends it. The load average is printed on every
     line, as the figures beside it were taken under it.

Run: ``.venv/bin/python bench/import_bench.py [--sizes 1000,100000] [--runs 5]
[--before 67879a6 | --baseline DIR]`` (by hand, not CI; a few minutes with the
1,000,000-row file). The machine is shared: compare ratios within one run.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
# A child measuring another checkout (--baseline) imports geo from there.
sys.path.insert(0, os.environ.get("BENCH_ROOT", str(ROOT)))  # run as a script from anywhere

from geo.imports.layouts import ACLED_COLUMNS  # noqa: E402
from geo.limits import MAX_ROWS  # noqa: E402

SIZES = (1_000, 10_000, 100_000, 1_000_000)
RUNS = 5
TIME_TARGET, MEMORY_TARGET = 3.0, 1.5
NAIVE_SAMPLE = 2_000
SUB_EVENTS = [("Battles", "Armed clash"), ("Explosions/Remote violence", "Air/drone strike"),
              ("Explosions/Remote violence", "Remote explosive/landmine/IED"),
              ("Violence against civilians", "Attack"), ("Protests", "Peaceful protest"),
              ("Riots", "Mob violence"), ("Strategic developments", "Arrests")]
ACTORS = ["Military Forces of Pakistan (2018-)", "Police Forces of Pakistan (2018-)",
          "BLA: Balochistan Liberation Army", "Unidentified Armed Group (Pakistan)",
          "Military Forces of Iran (1989-)", "Jaish al Adl", "Protesters (Pakistan)"]


def acled_frame(n: int, seed: int = 1) -> pd.DataFrame:
    """A synthetic ACLED export: every column of the real layout, plausible values."""
    rng = np.random.default_rng(seed)
    days = rng.integers(0, (dt.date(2024, 12, 31) - dt.date(2017, 1, 1)).days, n)
    dates = pd.DatetimeIndex(pd.Timestamp("2017-01-01") + pd.to_timedelta(days, unit="D"))
    lat, lon = np.round(rng.uniform(24, 32, n), 4), np.round(rng.uniform(57, 67, n), 4)
    pick = rng.integers(0, 1000, n)
    frame = pd.DataFrame({c: "" for c in ACLED_COLUMNS}, index=range(n))
    frame["event_id_cnty"] = [f"PAK{i}" for i in range(n)]
    frame["event_date"] = dates.strftime("%d %B %Y")
    frame["year"] = dates.year.astype(str)
    frame["time_precision"] = (pick % 3 + 1).astype(str)
    frame["event_type"] = [SUB_EVENTS[i % len(SUB_EVENTS)][0] for i in pick]
    frame["sub_event_type"] = [SUB_EVENTS[i % len(SUB_EVENTS)][1] for i in pick]
    frame["actor1"] = [ACTORS[i % len(ACTORS)] for i in pick]
    frame["actor2"] = [ACTORS[(i + 3) % len(ACTORS)] for i in pick]
    frame["country"] = np.where(lon < 62, "Iran", "Pakistan")
    frame["admin1"] = np.where(lon < 62, "Sistan and Baluchestan", "Balochistan")
    frame["location"] = [f"Place {i}" for i in pick]
    frame["latitude"] = lat.astype(str)
    frame["longitude"] = lon.astype(str)
    frame["geo_precision"] = (pick % 3 + 1).astype(str)
    frame["source"] = "Dawn; Balochistan Post"
    frame["source_scale"] = "National-Regional"
    frame["notes"] = ("On this date, armed men attacked a checkpoint near the town; security "
                      "forces responded and the exchange of fire lasted an hour. ") + frame["location"]
    frame["fatalities"] = rng.poisson(1.2, n).astype(str)
    frame["timestamp"] = "1705900000"
    return frame


# -- one contender in a child process ----------------------------------------------------


def _peak_rss_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def child(kind: str, path: str, runs: int) -> None:
    """Time ``runs`` reads of ``path`` by ``kind`` ('pandas' or 'atlas'); print JSON."""
    import time

    import geo
    from geo.imports import import_events

    border = geo.load_layer("border").geometry.iloc[0]  # loaded once, as in a running app
    if kind == "pandas":
        def work() -> int:
            return len(pd.read_csv(path))
    else:
        def work() -> int:
            result = import_events(path, max_bytes=2**31 - 1, border=border, time_budget=None)
            return len(result.events)
    base = _rss_mb()
    times, cpu, rows, first = [], [], 0, 0.0
    for _ in range(runs):
        start, began = time.perf_counter(), time.process_time()
        rows = work()
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - began)
        first = first or _peak_rss_mb()
    print(json.dumps({"median": statistics.median(times), "cpu": statistics.median(cpu),
                      "peak": _peak_rss_mb(), "first": first, "base": base, "rows": rows}))


def measure(kind: str, path: Path, runs: int, root: Path = ROOT) -> dict[str, float]:
    """Run ``child`` for one contender in a fresh interpreter with ``root`` first on its path."""
    env = dict(os.environ, PYTHONPATH=str(root), BENCH_ROOT=str(root))
    out = subprocess.run([sys.executable, __file__, "--child", kind, str(path), str(runs)],
                         env=env, capture_output=True, text=True, check=False)
    if out.returncode:
        raise SystemExit(f"{kind} on {path.name} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


# -- the naive baseline, for scale ----------------------------------------------------------


def naive_import(path: Path, limit: int) -> int:
    """The obvious way: csv.DictReader, strptime and one pyproj/shapely/Geod call per row."""
    import shapely
    from pyproj import Transformer

    import geo
    from geo.measure import GEOD, NEAREST_CRS

    border = geo.load_layer("border").geometry.iloc[0]
    to_metric = Transformer.from_crs("EPSG:4326", NEAREST_CRS, always_xy=True)
    to_lonlat = Transformer.from_crs(NEAREST_CRS, "EPSG:4326", always_xy=True)
    line_m = shapely.LineString([to_metric.transform(x, y) for x, y in border.coords])
    out = 0
    with path.open(newline="", encoding="utf-8") as f:
        for i, row in enumerate(csv.DictReader(f)):
            if i >= limit:
                break
            try:
                dt.datetime.strptime(row["event_date"], "%d %B %Y")
                lat, lon = float(row["latitude"]), float(row["longitude"])
            except (ValueError, KeyError):
                continue
            point = shapely.Point(to_metric.transform(lon, lat))
            nearest = line_m.interpolate(line_m.project(point))
            GEOD.inv(lon, lat, *to_lonlat.transform(nearest.x, nearest.y))
            out += 1
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)))
    parser.add_argument("--runs", type=int, default=RUNS)
    parser.add_argument("--baseline", type=Path, help="another checkout's root, measured too")
    parser.add_argument("--baseline-name", default="baseline",
                        help="what to call the other checkout in the table (e.g. main)")
    parser.add_argument("--before", metavar="REV",
                        help="a commit measured too, from a temporary worktree (e.g. 67879a6)")
    args = parser.parse_args()
    if args.before:
        with tempfile.TemporaryDirectory(prefix="border-atlas-before-") as tmp:
            tree = Path(tmp) / "tree"
            subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", "--quiet",
                            str(tree), args.before], check=True)
            try:
                args.baseline, args.baseline_name = tree, args.before
                run(args)
            finally:
                subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)],
                               check=False)
    else:
        run(args)


def _load() -> str:
    return "/".join(f"{v:.1f}" for v in os.getloadavg())


def run(args: argparse.Namespace) -> None:
    """Measure every size for every contender and print the lines and the table."""
    sizes = [int(s) for s in args.sizes.split(",")]
    print(f"Border Atlas import bench: ACLED CSVs, median of {args.runs} runs (at most 3 at 999,999 "
          f"rows), each contender in its own process; load average "
          f"{' '.join(f'{v:.1f}' for v in os.getloadavg())}")
    head = f"{'rows':>10} {'MB':>6} {'who':<9}{'median s':>9}{'CPU s':>8}{'peak MB':>9}" \
           f"{'grew MB':>9}{'time x':>8}{'CPU x':>7}{'peak x':>8}{'grew x':>8}{'1st x':>7}  load 1/5/15"
    print(head)
    table: dict[int, dict[str, dict[str, float]]] = {}
    with tempfile.TemporaryDirectory(prefix="border-atlas-bench-") as tmp:
        for n in sizes:
            n = min(n, MAX_ROWS - 1)  # the header is a line too: 999,999 rows is the most taken
            path = Path(tmp) / f"acled-{n}.csv"
            acled_frame(n).to_csv(path, index=False)
            runs = args.runs if n < 500_000 else min(args.runs, 3)
            contenders = [("pandas", "pandas", ROOT), ("atlas", "atlas", ROOT)]
            if args.baseline:
                contenders.append((args.baseline_name[:9], "atlas", args.baseline.resolve()))
            floor: dict[str, float] = {}
            for who, kind, root in contenders:
                got = measure(kind, path, runs, root)
                if who != "pandas" and got["rows"] != n:
                    raise SystemExit(f"{who} imported {got['rows']:,} of {n:,} rows")
                grew = got["peak"] - got["base"]
                if who == "pandas":
                    floor = {"median": got["median"], "cpu": got["cpu"], "peak": got["peak"],
                         "first": got["first"], "grew": grew}
                table.setdefault(n, {})[who] = got
                print(f"{n:>10,} {path.stat().st_size / 1e6:>6.1f} {who:<9}{got['median']:>9.3f}"
                      f"{got['cpu']:>8.3f}{got['peak']:>9.0f}{grew:>9.0f}"
                      f"{got['median'] / floor['median']:>8.2f}{got['cpu'] / floor['cpu']:>7.2f}"
                      f"{got['peak'] / floor['peak']:>8.2f}{grew / max(floor['grew'], 1):>8.2f}"
                      f"{got['first'] / floor['first']:>7.2f}  {_load()}", flush=True)
            path.unlink()
        path = Path(tmp) / "acled-naive.csv"
        acled_frame(NAIVE_SAMPLE).to_csv(path, index=False)
        import time
        start = time.perf_counter()
        naive_import(path, NAIVE_SAMPLE)
        took = time.perf_counter() - start
        print(f"naive row-by-row import, {NAIVE_SAMPLE:,} rows: {took:.2f} s "
              f"(~{took * 100_000 / NAIVE_SAMPLE:.0f} s per 100,000 rows)")
    print(f"targets: time x <= {TIME_TARGET:g}, peak x <= {MEMORY_TARGET:g}; load average at the "
          f"end {_load()}")
    print(markdown_table(table))


def markdown_table(table: dict[int, dict[str, dict[str, float]]]) -> str:
    """CPU medians and peak memory of every contender beside the floor's, as a Markdown table."""
    others = [w for w in next(iter(table.values()), {}) if w != "pandas"]
    head = ["rows", "floor CPU s"] + [f"{w} CPU s (x floor)" for w in others] + \
        ["floor peak MB"] + [f"{w} peak MB (x floor)" for w in others] + \
        ["floor 1st MB"] + [f"{w} 1st MB (x floor)" for w in others]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for n, got in table.items():
        floor = got["pandas"]
        cells = [f"{n:,}", f"{floor['cpu']:.3f}"]
        cells += [f"{got[w]['cpu']:.3f} ({got[w]['cpu'] / floor['cpu']:.1f}x)" for w in others]
        cells.append(f"{floor['peak']:.0f}")
        cells += [f"{got[w]['peak']:.0f} ({got[w]['peak'] / floor['peak']:.2f}x)" for w in others]
        cells.append(f"{floor['first']:.0f}")
        cells += [f"{got[w]['first']:.0f} ({got[w]['first'] / floor['first']:.2f}x)" for w in others]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    else:
        main()
