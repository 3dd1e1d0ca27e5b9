"""Memory after an import (issue 20): what the import freed goes back to the system, so a
second import in the same process (a job worker, the command line) does not peak on top of it."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# A child process, so that no other test's memory is counted: it imports a 40,000-row ACLED
# file and prints how much resident memory Arrow's allocator still held for nothing once it
# returned, i.e. what releasing its unused pages afterwards gave back (in MB).
_CHILD = textwrap.dedent("""
    import gc, os, sys
    import pyarrow as pa
    from geo.imports import import_events
    from tests.test_import import acled_row, to_csv

    def rss_mb():
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20

    rows = [acled_row(latitude=f"{26 + i % 500 / 100:.4f}", longitude=f"{62 + i % 397 / 100:.4f}",
                      notes="Armed men attacked a checkpoint; security forces responded. " * 2)
            for i in range(40_000)]
    data = to_csv(rows)
    del rows
    result = import_events(data, filename="big.csv", time_budget=None)
    assert len(result.events) == 40_000, result.summary()
    gc.collect()
    held = rss_mb()  # with the result still alive: only what the import itself freed is counted
    pa.default_memory_pool().release_unused()
    print(f"{held - rss_mb():.1f} {pa.default_memory_pool().backend_name}")
""")


def test_an_import_hands_arrows_freed_memory_back():
    out = subprocess.run([sys.executable, "-c", _CHILD], cwd=ROOT, capture_output=True,
                         text=True, timeout=300, check=False)
    assert out.returncode == 0, out.stderr[-3000:]
    left, backend = out.stdout.split()
    # Without the release at the end of an import, this child's allocator kept about 30 MB of
    # freed pages (mimalloc); with it, releasing again finds next to nothing.
    assert float(left) < 8.0, f"{left} MB of freed Arrow memory still held ({backend})"
