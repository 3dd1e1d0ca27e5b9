"""The explorer before and after the engine became ES modules, in one sitting.

The tree at BEFORE (the last commit with the one-closure engine) is unpacked with
`git archive`; each tree's own `bench/explorer_bench.py` measures its own app (its
`measure_atlas`: page load, input to map with curated and 100,000 imported events, playback
with the 100,000, ten sessions moving, the app's own bytes), one tree after the other in
separate processes, with the same 100,000-event ACLED file. Run by hand; the machine is
shared, so read the ratios.

    .venv/bin/python bench/engine_split_bench.py [BEFORE]
"""

from __future__ import annotations

import contextlib
import json
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BEFORE = "b105a31"  # the one-closure engine (engine.js, 922 lines), before the split

# Run inside each tree: its own measure, printed as JSON on the last line.
_MEASURE = """
import json, sys
from pathlib import Path
root = Path(sys.argv[1]); sys.path.insert(0, str(root)); sys.path.insert(0, str(root / "bench"))
from playwright.sync_api import sync_playwright
from tests._server import CHROMIUM, CHROMIUM_ARGS
import explorer_bench
with sync_playwright() as p:
    browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    out = explorer_bench.measure_atlas(browser, Path(sys.argv[2]))
    browser.close()
print(json.dumps(out))
"""


def measure(tree: Path, export: Path) -> dict:
    done = subprocess.run([sys.executable, "-c", _MEASURE, str(tree), str(export)], cwd=tree,
                          capture_output=True, text=True, timeout=3600)
    if done.returncode:
        raise SystemExit(f"measuring {tree} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


@contextlib.contextmanager
def tree_and_export(before: str) -> Iterator[tuple[Path, Path]]:
    """The tree at ``before`` unpacked (``git archive``) and a 100,000-event ACLED file, in a
    temporary folder removed afterwards."""
    sys.path.insert(0, str(ROOT))
    from tests._synthetic import write_export

    with tempfile.TemporaryDirectory() as tmp:
        old = Path(tmp) / "before"
        old.mkdir()
        archive = subprocess.run(["git", "archive", before], cwd=ROOT, capture_output=True, check=True)
        subprocess.run(["tar", "-x", "-C", str(old)], input=archive.stdout, check=True)
        export = Path(tmp) / "acled-100k.csv"
        write_export(export)
        yield old, export


def main(before: str = BEFORE) -> None:
    with tree_and_export(before) as (old, export):
        a = measure(old, export)
        b = measure(ROOT, export)

    def own(m: dict) -> float:
        return (m["bytes"]["ws"] + m["bytes"]["app"]) / 1024

    rows = [
        ("input -> map, curated (ms) median", statistics.median(a["curated"]), statistics.median(b["curated"])),
        ("input -> map, curated (ms) p95", p95(a["curated"]), p95(b["curated"])),
        ("input -> map, +100k imported (ms) median", statistics.median(a["imported"]),
         statistics.median(b["imported"])),
        ("input -> map, +100k imported (ms) p95", p95(a["imported"]), p95(b["imported"])),
        ("playback, crisis week, 100k imported (fps)", a["fps_week"], b["fps_week"]),
        ("playback, a year, 100k imported (fps)", a["fps_year"], b["fps_year"]),
        ("page load to map drawn, median of 5 (s)", a["load"], b["load"]),
        ("first visitor after server start (s)", a["first"], b["first"]),
        ("ten sessions moving: input -> map (ms) median", statistics.median(a["ten"]), statistics.median(b["ten"])),
        ("the app's own bytes, default view (KB)", own(a), own(b)),
    ]
    print(f"{'measure':48s} {'before ' + before:>14s} {'after':>10s} {'after/before':>13s}")
    for name, x, y in rows:
        print(f"{name:48s} {x:14.2f} {y:10.2f} {y / x if x else float('nan'):13.2f}")


if __name__ == "__main__":
    main(*sys.argv[1:2])
