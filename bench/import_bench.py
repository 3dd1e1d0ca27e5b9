"""Import speed: 100,000-row ACLED and UCDP files against a naive row-by-row import.

In:  nothing; synthetic ACLED and UCDP GED CSVs (the real column layouts, points in
     lat 24-32, lon 57-67, dates 2017-2024) are written to a temporary directory.
Out: medians printed to stdout: ``geo.imports.import_events`` on each file (5 runs), the
     border distance of 100,000 points (unique, and at 3,000 repeated places as ACLED codes
     events at towns), and a naive import
     (csv.DictReader, datetime.strptime, per-row pyproj, shapely and Geod) timed on a
     sample in the same run and scaled to 100,000 rows.

Run: ``.venv/bin/python bench/import_bench.py`` (by hand, not CI; takes about a minute).
"""

from __future__ import annotations

import csv
import datetime as dt
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

import shapely
from pyproj import Transformer

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script from anywhere

from _timing import median_time

import geo
from geo.imports import import_events
from geo.imports.layouts import ACLED_COLUMNS, UCDP_COLUMNS
from geo.measure import GEOD, NEAREST_CRS, distance_to_border_km

N = 100_000
RUNS = 5
NAIVE_SAMPLE = 2_000
SUB_EVENTS = [("Battles", "Armed clash"), ("Explosions/Remote violence", "Air/drone strike"),
              ("Explosions/Remote violence", "Remote explosive/landmine/IED"),
              ("Violence against civilians", "Attack"), ("Protests", "Peaceful protest"),
              ("Riots", "Mob violence"), ("Strategic developments", "Arrests")]
ACTORS = ["Military Forces of Pakistan (2018-)", "Police Forces of Pakistan (2018-)",
          "BLA: Balochistan Liberation Army", "Unidentified Armed Group (Pakistan)",
          "Military Forces of Iran (1989-)", "Jaish al Adl", "Protesters (Pakistan)"]


def _random_base(n: int, seed: int) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    days = rng.integers(0, (dt.date(2024, 12, 31) - dt.date(2017, 1, 1)).days, n)
    dates = pd.Timestamp("2017-01-01") + pd.to_timedelta(days, unit="D")
    return {
        "dates": np.asarray(dates),
        "lat": np.round(rng.uniform(24, 32, n), 4),
        "lon": np.round(rng.uniform(57, 67, n), 4),
        "pick": rng.integers(0, 1000, n),
        "deaths": rng.poisson(1.2, n),
    }


def acled_frame(n: int = N, seed: int = 1) -> pd.DataFrame:
    """A synthetic ACLED export: every column of the real layout, plausible values."""
    b = _random_base(n, seed)
    pick = b["pick"]
    frame = pd.DataFrame({c: "" for c in ACLED_COLUMNS}, index=range(n))
    frame["event_id_cnty"] = [f"PAK{i}" for i in range(n)]
    frame["event_date"] = pd.DatetimeIndex(b["dates"]).strftime("%d %B %Y")
    frame["year"] = pd.DatetimeIndex(b["dates"]).year.astype(str)
    frame["time_precision"] = (pick % 3 + 1).astype(str)
    frame["event_type"] = [SUB_EVENTS[i % len(SUB_EVENTS)][0] for i in pick]
    frame["sub_event_type"] = [SUB_EVENTS[i % len(SUB_EVENTS)][1] for i in pick]
    frame["actor1"] = [ACTORS[i % len(ACTORS)] for i in pick]
    frame["actor2"] = [ACTORS[(i + 3) % len(ACTORS)] for i in pick]
    frame["country"] = np.where(b["lon"] < 62, "Iran", "Pakistan")
    frame["admin1"] = np.where(b["lon"] < 62, "Sistan and Baluchestan", "Balochistan")
    frame["location"] = [f"Place {i}" for i in pick]
    frame["latitude"] = b["lat"].astype(str)
    frame["longitude"] = b["lon"].astype(str)
    frame["geo_precision"] = (pick % 3 + 1).astype(str)
    frame["source"] = "Dawn; Balochistan Post"
    frame["source_scale"] = "National-Regional"
    frame["notes"] = ("On this date, armed men attacked a checkpoint near the town; security "
                      "forces responded and the exchange of fire lasted an hour. ") + frame["location"]
    frame["fatalities"] = b["deaths"].astype(str)
    frame["timestamp"] = "1705900000"
    return frame


def ucdp_frame(n: int = N, seed: int = 2) -> pd.DataFrame:
    """A synthetic UCDP GED export: every column of the real layout, plausible values."""
    b = _random_base(n, seed)
    pick = b["pick"]
    frame = pd.DataFrame({c: "" for c in UCDP_COLUMNS}, index=range(n))
    frame["id"] = [str(400000 + i) for i in range(n)]
    frame["year"] = pd.DatetimeIndex(b["dates"]).year.astype(str)
    frame["type_of_violence"] = (pick % 3 + 1).astype(str)
    frame["conflict_name"] = "Pakistan: Balochistan"
    frame["dyad_name"] = "Government of Pakistan - BLA"
    frame["side_a"] = "Government of Pakistan"
    frame["side_b"] = "BLA"
    frame["source_article"] = "Dawn, 2024-01-16, 'Militants attack checkpoint'"
    frame["where_prec"] = (pick % 7 + 1).astype(str)
    frame["where_coordinates"] = [f"Place {i} town" for i in pick]
    frame["adm_1"] = "Balochistan province"
    frame["latitude"] = b["lat"].astype(str)
    frame["longitude"] = b["lon"].astype(str)
    frame["country"] = "Pakistan"
    frame["date_prec"] = "1"
    frame["date_start"] = pd.DatetimeIndex(b["dates"]).strftime("%Y-%m-%d 00:00:00.000")
    frame["date_end"] = frame["date_start"]
    frame["best"] = b["deaths"].astype(str)
    frame["low"] = b["deaths"].astype(str)
    frame["high"] = (b["deaths"] + 1).astype(str)
    return frame


def naive_import(path: Path, border: shapely.LineString, limit: int) -> list[dict[str, object]]:
    """The obvious way: one row at a time, one point at a time."""
    to_metric = Transformer.from_crs("EPSG:4326", NEAREST_CRS, always_xy=True)
    to_lonlat = Transformer.from_crs(NEAREST_CRS, "EPSG:4326", always_xy=True)
    line_m = shapely.LineString([to_metric.transform(x, y) for x, y in border.coords])
    out = []
    with path.open(newline="", encoding="utf-8") as f:
        for i, row in enumerate(csv.DictReader(f)):
            if i >= limit:
                break
            try:
                date = dt.datetime.strptime(row["event_date"], "%d %B %Y").date()
                lat, lon = float(row["latitude"]), float(row["longitude"])
            except (ValueError, KeyError):
                continue
            point = shapely.Point(to_metric.transform(lon, lat))
            nearest = line_m.interpolate(line_m.project(point))
            nlon, nlat = to_lonlat.transform(nearest.x, nearest.y)
            _, _, metres = GEOD.inv(lon, lat, nlon, nlat)
            out.append({"date": date, "lon": lon, "lat": lat, "km": metres / 1000})
    return out



def main() -> None:
    border = geo.load_layer("border").geometry.iloc[0]
    print(f"Border Atlas import bench: {N:,} rows, median of {RUNS} runs, border of "
          f"{len(border.coords):,} vertices")
    with tempfile.TemporaryDirectory(prefix="border-atlas-bench-") as tmp:
        acled, ucdp = Path(tmp) / "acled.csv", Path(tmp) / "ged.csv"
        acled_frame().to_csv(acled, index=False)
        ucdp_frame().to_csv(ucdp, index=False)
        limit = 200 * 2**20
        results = {}
        for name, path in (("ACLED", acled), ("UCDP GED", ucdp)):
            result = import_events(path, max_bytes=limit, border=border)
            assert len(result.events) == N, result.summary()
            results[name] = median_time(lambda p=path: import_events(p, max_bytes=limit, border=border))
            print(f"import_events {name:9s} {path.stat().st_size / 2**20:5.1f} MB: "
                  f"{results[name]:6.2f} s  ({result.summary()})")

        frame = pd.read_csv(acled, usecols=["latitude", "longitude"])
        lon, lat = frame["longitude"].to_numpy(), frame["latitude"].to_numpy()
        fast_unique = median_time(lambda: distance_to_border_km(lon, lat, border))
        rng = np.random.default_rng(3)
        towns = rng.integers(0, 3_000, N)
        fast_towns = median_time(lambda: distance_to_border_km(lon[towns], lat[towns], border))
        print(f"border distance, {N:,} distinct points:         {fast_unique:6.2f} s")
        print(f"border distance, {N:,} rows at 3,000 places:    {fast_towns:6.2f} s")

        naive = median_time(lambda: naive_import(acled, border, NAIVE_SAMPLE), runs=3)
        naive_full = naive * N / NAIVE_SAMPLE
        print(f"naive import, {NAIVE_SAMPLE:,} rows: {naive:6.2f} s -> {naive_full:6.1f} s per "
              f"{N:,} rows ({naive_full / results['ACLED']:,.0f}x import_events on ACLED)")


if __name__ == "__main__":
    main()
