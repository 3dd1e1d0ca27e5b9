"""Events as a table for people: the on-screen table, CSV and GeoJSON downloads."""

from __future__ import annotations

import json

import pandas as pd

import geopandas as gpd
import shapely.geometry

from geo.io import dumps_collection, feature
from geo.safe_csv import csv_bytes
from layers.events import actor_group, area_text, border_text, casualties_text, when_text
from layers.palette import ACTOR_LABELS

EVENT_COLUMNS = ("date", "end date", "when", "kind", "acled event type", "acled sub-event type", "actor",
                 "actor group", "place", "area", "country", "casualties", "perpetrators killed", "deaths",
                 "precision (km)", "to border", "sources")


def _range(events: gpd.GeoDataFrame, what: str) -> list[str]:
    """'3', '3–5' or '' per event for a low/high pair of counts."""
    if f"{what}_low" not in events:
        return [""] * len(events)
    out = []
    for low, high in zip(events[f"{what}_low"], events[f"{what}_high"], strict=True):
        if pd.isna(low):
            out.append("")
        else:
            out.append(str(int(low)) if int(low) == int(high) else f"{int(low)}–{int(high)}")
    return out


def _column(events: gpd.GeoDataFrame, name: str) -> list[str]:
    return [v if isinstance(v, str) else "" for v in events[name]] if name in events else [""] * len(events)


def _date(series: pd.Series) -> pd.Series:
    return pd.to_datetime(series).dt.strftime("%Y-%m-%d").fillna("")


def events_table(events: gpd.GeoDataFrame) -> pd.DataFrame:
    """One row per event with the columns a reader scans: when, what, who, where, toll."""
    if events.empty:
        return pd.DataFrame(columns=list(EVENT_COLUMNS))
    records = events.drop(columns="geometry").to_dict("records")
    return pd.DataFrame({
        "date": _date(events["date"]).to_numpy(),
        "end date": _date(events["end_date"]).to_numpy() if "end_date" in events else "",
        "when": [when_text(r) for r in records],
        "kind": events["kind"].to_numpy(),
        "acled event type": _column(events, "acled_event_type"),
        "acled sub-event type": _column(events, "acled_sub_event_type"),
        "actor": events["actor"].to_numpy(),
        "actor group": [ACTOR_LABELS[actor_group(a)] for a in events["actor"]],
        "place": events["place"].to_numpy(),
        "area": [area_text(r) or "" for r in records],
        "country": events["country"].to_numpy(),
        "casualties": [casualties_text(r) for r in records],
        "perpetrators killed": _range(events, "perpetrators_killed"),
        "deaths": _range(events, "deaths"),
        "precision (km)": (events["precision_m"].astype(float) / 1000).round(1).to_numpy(),
        "to border": [border_text(r) for r in records],
        "sources": [len(s) for s in events["sources"]],
    }, columns=list(EVENT_COLUMNS))


def events_csv(events: gpd.GeoDataFrame) -> bytes:
    """CSV of the events with every field; lists as JSON text, coordinates as lon/lat."""
    frame = events.drop(columns="geometry").copy()
    if "area_geometry" in frame:  # an area goes out as WKT text, not as nested JSON
        frame["area_geometry"] = [shapely.geometry.shape(a).wkt if isinstance(a, dict) else None
                                  for a in frame["area_geometry"]]
        frame = frame.rename(columns={"area_geometry": "area_wkt"})
    for col in frame.columns:
        if pd.api.types.is_datetime64_any_dtype(frame[col]):
            frame[col] = _date(frame[col])
        elif frame[col].map(lambda v: isinstance(v, list | dict)).any():
            frame[col] = frame[col].map(lambda v: json.dumps(v, ensure_ascii=False)
                                        if isinstance(v, list | dict) else v)
    frame.insert(1, "lon", events.geometry.x.round(6).to_numpy())
    frame.insert(2, "lat", events.geometry.y.round(6).to_numpy())
    return csv_bytes(frame)  # formula-like text neutralised (geo.safe_csv)


def events_geojson(events: gpd.GeoDataFrame) -> bytes:
    """GeoJSON FeatureCollection of the events, in the shipped file's format; an event known
    only within an area is that area's polygon (``point_lon``/``point_lat``: its point)."""
    feats = []
    for row in events.to_dict("records"):
        geom = row.pop("geometry")
        area = row.pop("area_geometry", None)
        if isinstance(area, dict):
            # An event known only within an area is exported as that area, its
            # representative point kept as properties.
            row["point_lon"], row["point_lat"] = round(geom.x, 6), round(geom.y, 6)
            geom = shapely.geometry.shape(area)
        props = {}
        for key, value in row.items():
            if isinstance(value, pd.Timestamp):
                props[key] = value.strftime("%Y-%m-%d")
            elif value is pd.NaT or (isinstance(value, float) and pd.isna(value)):
                continue
            else:
                props[key] = value
        feats.append(feature(geom, props))
    return dumps_collection("events", feats).encode("utf-8")


def imported_table(events: gpd.GeoDataFrame) -> pd.DataFrame:
    """Imported events as a table (vectorised: an import can hold 100,000 rows).

    Text from the file is shown as text, never as HTML, by the app's table widget.
    """
    dist = events["border_distance_km"].astype(float).round(0)
    side = events["border_side"].map({"IRN": "Iranian side", "PAK": "Pakistani side"}).fillna("")
    low = events["killed_low"].astype("Float64").round().astype("Int64")  # counts of people
    high = events["killed_high"].astype("Float64").round().astype("Int64")
    killed = low.astype("string").fillna("")
    ranged = high.notna() & (high != low)
    killed[ranged] = killed[ranged] + "–" + high[ranged].astype("string")
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
