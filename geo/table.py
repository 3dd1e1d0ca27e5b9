"""Events as a table for people: the on-screen table, CSV and GeoJSON downloads."""

from __future__ import annotations

import json

import pandas as pd

import geopandas as gpd

from geo._schema import BORDER_SIDES
from geo.counts import count_ranges
from geo.io import dumps_collection, feature
from geo.safe_csv import csv_bytes
from layers.events import actor_group, border_text, casualties_text, when_text
from layers.palette import ACTOR_LABELS


def _date(series: pd.Series) -> pd.Series:
    return pd.to_datetime(series).dt.strftime("%Y-%m-%d").fillna("")


def events_table(events: gpd.GeoDataFrame) -> pd.DataFrame:
    """One row per event with the columns a reader scans: when, what, who, where, toll."""
    if events.empty:
        return pd.DataFrame(columns=["date", "end date", "when", "kind", "actor", "actor group", "place",
                                     "country", "casualties", "precision (km)", "to border",
                                     "sources"])
    records = events.drop(columns="geometry").to_dict("records")
    return pd.DataFrame({
        "date": _date(events["date"]).to_numpy(),
        "end date": _date(events["end_date"]).to_numpy() if "end_date" in events else "",
        "when": [when_text(r) for r in records],
        "kind": events["kind"].to_numpy(),
        "actor": events["actor"].to_numpy(),
        "actor group": [ACTOR_LABELS[actor_group(a)] for a in events["actor"]],
        "place": events["place"].to_numpy(),
        "country": events["country"].to_numpy(),
        "casualties": [casualties_text(r) for r in records],
        "precision (km)": (events["precision_m"].astype(float) / 1000).round(1).to_numpy(),
        "to border": [border_text(r) for r in records],
        "sources": [len(s) for s in events["sources"]],
    })


def events_csv(events: gpd.GeoDataFrame) -> bytes:
    """CSV of the events with every field; lists as JSON text, coordinates as lon/lat."""
    frame = events.drop(columns="geometry").copy()
    for col in frame.columns:
        if pd.api.types.is_datetime64_any_dtype(frame[col]):
            frame[col] = _date(frame[col])
        elif frame[col].map(lambda v: isinstance(v, list | dict)).any():
            frame[col] = frame[col].map(lambda v: json.dumps(v, ensure_ascii=False)
                                        if isinstance(v, list | dict) else v)
    frame.insert(1, "lon", events.geometry.x.round(6).to_numpy())
    frame.insert(2, "lat", events.geometry.y.round(6).to_numpy())
    return csv_bytes(frame)  # formula-like text neutralised (geo.safe_csv)


def events_geojson(events: gpd.GeoDataFrame, name: str) -> bytes:
    """GeoJSON FeatureCollection of the events, in the shipped file's format, named ``name``
    (their layer's)."""
    feats = []
    for row in events.to_dict("records"):
        geom = row.pop("geometry")
        props = {}
        for key, value in row.items():
            if isinstance(value, pd.Timestamp):
                props[key] = value.strftime("%Y-%m-%d")
            elif value is pd.NaT or (isinstance(value, float) and pd.isna(value)):
                continue
            else:
                props[key] = value
        feats.append(feature(geom, props))
    return dumps_collection(name, feats).encode("utf-8")


def imported_table(events: gpd.GeoDataFrame) -> pd.DataFrame:
    """Imported events as a table (vectorised: an import can hold 100,000 rows).

    Text from the file is shown as text, never as HTML, by the app's table widget.
    """
    dist = events["border_distance_km"].astype(float).round(0)
    side = events["border_side"].map(BORDER_SIDES).fillna("")
    killed = count_ranges(events["killed_low"], events["killed_high"]).fillna("")
    return pd.DataFrame({
        "date": _date(events["date"]).to_numpy(),
        "end date": _date(events["end_date"]).to_numpy(),
        "kind": events["kind"].to_numpy(),
        "actor": events["actor"].to_numpy(),
        "place": events["place"].to_numpy(),
        "country": events["country"].to_numpy(),
        "killed": killed.to_numpy(),
        "precision (km)": (events["precision_m"].astype(float) / 1000).round(1).to_numpy(),
        "to border (km)": dist.to_numpy(),
        "side": side.to_numpy(),
        "file row": events["row"].to_numpy(),
        "id": events["id"].to_numpy(),
    })
