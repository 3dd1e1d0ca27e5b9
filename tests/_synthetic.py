"""A synthetic ACLED export for tests and benches: real columns, events around the region's towns.

Nothing in it is a real event: locations, dates, actors and notes are generated.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

from geo.imports.layouts import ACLED_COLUMNS

N_EVENTS = 100_000
# Where ACLED puts events here: towns on both sides of the border (lon, lat).
TOWNS = [(64.09, 26.97), (62.33, 27.37), (60.86, 29.50), (63.05, 26.00), (62.32, 25.29),
         (66.99, 30.18), (61.22, 27.22), (62.75, 28.87), (65.43, 26.82), (60.64, 25.29),
         (64.93, 28.50), (67.00, 25.30), (61.50, 29.10), (63.60, 25.70), (66.10, 29.60)]
SUB_EVENTS = [("Explosions/Remote violence", "Air/drone strike"),
              ("Explosions/Remote violence", "Remote explosive/landmine/IED"),
              ("Battles", "Armed clash"), ("Violence against civilians", "Attack"),
              ("Protests", "Peaceful protest"), ("Strategic developments", "Arrests")]
ACTORS = ["Military Forces of Pakistan (2018-)", "Military Forces of Iran (1989-)",
          "BLA: Balochistan Liberation Army", "Jaish al-Adl", "Protesters (Pakistan)",
          "Unidentified Armed Group (Pakistan)"]


def write_export(path: Path, n: int = N_EVENTS, seed: int = 7) -> None:
    """A synthetic ACLED export: real columns, events scattered around the region's towns."""
    rng = np.random.default_rng(seed)
    town = rng.integers(0, len(TOWNS), n)
    lon = np.array([TOWNS[i][0] for i in town]) + rng.normal(0, 0.25, n)
    lat = np.array([TOWNS[i][1] for i in town]) + rng.normal(0, 0.2, n)
    days = rng.integers(0, (np.datetime64("2024-12-31") - np.datetime64("2017-01-01")).astype(int), n)
    dates = (np.datetime64("2017-01-01") + days).astype("datetime64[D]")
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=list(ACLED_COLUMNS))
        w.writeheader()
        for i in range(n):
            event_type, sub = SUB_EVENTS[i % len(SUB_EVENTS)]
            row = dict.fromkeys(ACLED_COLUMNS, "")
            row.update(event_id_cnty=f"PAK{i}", event_date=str(dates[i]), year=str(dates[i])[:4],
                       time_precision="1", event_type=event_type, sub_event_type=sub,
                       actor1=ACTORS[i % len(ACTORS)], country="Pakistan", admin1="Balochistan",
                       location=f"Place {town[i]}", latitude=f"{lat[i]:.4f}", longitude=f"{lon[i]:.4f}",
                       geo_precision=str(1 + i % 3), source="Synthetic", fatalities=str(i % 4),
                       notes=f"Synthetic event {i}")
            w.writerow(row)
