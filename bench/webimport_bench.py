"""Imported events on the web map: 100,000 events, prepared once, a window per slider move.

In:  nothing; a synthetic 100,000-row ACLED export (bench/import_bench.py's generator: dates
     2017-2024, points over both provinces) written to a temporary directory and imported.
Out: medians of 5 printed to stdout:
     - ``geo.webimport.prepare_imported`` on 100,000 events;
     - ``imported_layer`` per window (everything, one month, one week, a ~3,000-event
       quarter at the marker cap), the first call (popups not cached yet) and later ones,
       with the JSON bytes sent and how it is drawn, plus streamlit-folium's rendering of
       the feature group it sends on a rerun;
     - the naive way (``webmap.prepare_layer`` + ``window_geojson``: one GeoJSON feature
       with its popup per event), measured in the same run on the first 20,000 events and
       scaled by 5 (100,000 takes about 13 s per preparation);
     - memory: the prepared arrays, the popup cache when full, and peak RSS (after the
       fast path, then after the naive one).

Run: ``.venv/bin/python bench/webimport_bench.py`` (by hand, not CI; about a minute).
"""

from __future__ import annotations

import datetime as dt
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script from anywhere
sys.path.insert(0, str(ROOT / "bench"))

import folium  # noqa: E402
import numpy as np  # noqa: E402
from _timing import median_time  # noqa: E402
from import_bench import acled_frame  # noqa: E402

from geo import webimport, webmap  # noqa: E402
from geo.importers import import_events  # noqa: E402
from layers.imported import IMPORTED  # noqa: E402

N = 100_000
NAIVE_N = 20_000
RUNS = 5
WINDOWS = {
    "everything": (dt.date(2017, 1, 1), dt.date(2024, 12, 31)),
    "one quarter": (dt.date(2023, 10, 1), dt.date(2023, 12, 31)),
    "~2,900 (cap)": (dt.date(2023, 10, 5), dt.date(2023, 12, 27)),
    "one month": (dt.date(2024, 1, 1), dt.date(2024, 1, 31)),
    "one week": (dt.date(2024, 1, 10), dt.date(2024, 1, 16)),
}



def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KB on Linux


def rss_mb() -> float:
    """Resident memory now (Linux), for what a structure adds."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize() / 2**20


def rerun_render(element: folium.Element) -> str:
    """What streamlit-folium renders of the data group on every rerun."""
    from streamlit_folium import _get_feature_group_string

    group = folium.FeatureGroup(name="atlas", control=False)
    group.add_child(element)
    return _get_feature_group_string(group, webmap.base_map())


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="border-atlas-bench-") as tmp:
        path = Path(tmp) / "acled.csv"
        acled_frame(N).to_csv(path, index=False)
        events = import_events(path, max_bytes=200 * 2**20).events
    assert len(events) == N
    rss_imported = peak_rss_mb()
    print(f"Border Atlas imported-events map bench: {N:,} events, median of {RUNS} runs "
          f"(peak RSS after import: {rss_imported:,.0f} MB)")

    t_prepare = median_time(lambda: webimport.prepare_imported(events))
    prepared = webimport.prepare_imported(events)
    arrays = sum(a.nbytes for a in (prepared.lon, prepared.lat, prepared.first_day,
                                    prepared.last_day, prepared.style_idx)) / 2**20
    print(f"prepare_imported, {N:,} events: {t_prepare * 1000:7.1f} ms "
          f"({len(prepared.styles)} distinct styles)")

    print(f"\n{'window':12s} {'in window':>9s} {'drawn as':>9s} {'first (ms)':>10s} "
          f"{'later (ms)':>10s} {'render (ms)':>11s} {'payload':>10s}")
    for name, (start, end) in WINDOWS.items():
        t0 = time.perf_counter()
        element, shown = webimport.imported_layer(prepared, start, end)
        first = time.perf_counter() - t0
        later = median_time(lambda s=start, e=end: webimport.imported_layer(prepared, s, e))
        render = median_time(lambda el=element: rerun_render(el))
        what = shown.drawn_as + (f" ({shown.cells:,} cells)" if shown.drawn_as == "density" else "")
        print(f"{name:12s} {shown.in_window:9,d} {shown.drawn_as:>9s} {first * 1000:10.1f} "
              f"{later * 1000:10.1f} {render * 1000:11.1f} {shown.payload_bytes / 1024:7.0f} KB  {what}")
    before = rss_mb()
    prepared.html_of(np.arange(webimport.POPUP_CACHE_ROWS))  # the popup cache, full
    print(f"memory: prepared arrays {arrays:,.1f} MB; popup cache full "
          f"({webimport.POPUP_CACHE_ROWS:,} rows) +{rss_mb() - before:,.0f} MB; "
          f"peak RSS of this process so far {peak_rss_mb():,.0f} MB")

    sample = events.iloc[:NAIVE_N]
    scale = N / NAIVE_N
    t_naive = median_time(lambda: webmap.prepare_layer("imported", sample, IMPORTED), runs=3)
    naive = webmap.prepare_layer("imported", sample, IMPORTED)
    print(f"\nnaive (webmap.prepare_layer + window_geojson), measured on {NAIVE_N:,} events and "
          f"scaled x{scale:.0f} to {N:,}:")
    print(f"prepare_layer: {t_naive:6.2f} s measured -> {t_naive * scale:6.1f} s for {N:,}")
    for name, (start, end) in WINDOWS.items():
        t = median_time(lambda s=start, e=end: webmap.window_geojson(naive, s, e))
        data, n = webmap.window_geojson(naive, start, end)
        print(f"{name:12s} {n * scale:9,.0f} events: window_geojson {t * scale * 1000:8.1f} ms, "
              f"payload {len(data.encode()) * scale / 2**20:7.2f} MB (scaled)")
    print(f"peak RSS after the naive path too: {peak_rss_mb():,.0f} MB "
          f"(its {NAIVE_N:,}-event preparation; not scaled)")


if __name__ == "__main__":
    main()
