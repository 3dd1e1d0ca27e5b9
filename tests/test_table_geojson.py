"""The events' GeoJSON download, written column by column, is the same text as one feature at
a time (``geo.io.feature`` through ``geo.io.dumps_collection``), for the atlas's events (areas,
lists of sources, missing counts) and for imported ones (a user's text, missing dates)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

import geopandas as gpd
import shapely
import shapely.geometry

from geo import load_layer
from geo.imports import import_events
from geo.io import dumps_collection, feature
from geo.table import events_geojson
from tests.test_import import acled_row, to_csv


def one_feature_at_a_time(events: gpd.GeoDataFrame, name: str) -> bytes:
    """The download as it was written before: a feature per row, from ``to_dict``."""
    feats = []
    for row in events.to_dict("records"):
        geom = row.pop("geometry")
        area = row.pop("area_geometry", None)
        if isinstance(area, dict):
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
    return dumps_collection(name, feats).encode("utf-8")


def test_the_atlas_events_download_is_unchanged():
    events = load_layer("events")
    assert events["area_geometry"].map(lambda a: isinstance(a, dict)).any()  # areas are covered
    assert events_geojson(events, "events") == one_feature_at_a_time(events, "events")


def test_imported_events_download_is_unchanged():
    rows = [acled_row(event_id_cnty=f"PAK{i}", notes=f'"quoted" \\ <b>{i}</b> \u202e ünï ✓ \x01',
                      fatalities=str(i % 3)) for i in range(40)]
    rows[3]["event_date"] = "2024-01"  # a month: its end date set, others' missing
    rows[5]["fatalities"] = ""
    events = import_events(to_csv(rows), filename="mine.csv").events
    assert len(events) >= 39 and events["end_date"].isna().any()
    assert events_geojson(events, "imported") == one_feature_at_a_time(events, "imported")
    assert len(json.loads(events_geojson(events, "imported"))["features"]) == len(events)


def test_odd_values_and_shapes_are_written_as_before():
    frame = gpd.GeoDataFrame({
        "id": ["a", "b", "c", "d", "e"],
        "date": pd.to_datetime(["2024-01-16", None, "2024-01-18", "2024-01-19", "2024-01-20"]),
        "count": [1, 2, 3, 4, 5],
        "share": [0.1, np.nan, -0.0, 1e300, 2.5],
        "flag": [True, False, True, True, False],
        "sources": [["x", "y"], [], None, [{"b": 1, "a": 2}], ["é"]],
        "note": ["", None, "tab\there", "line\nbreak", "🙂"],
    }, geometry=[shapely.Point(61.123456789, 27.987654321), shapely.Point(62, 28, 5),
                 shapely.LineString([(61, 27), (62, 28)]), shapely.Point(-0.0000001, 1e-9),
                 shapely.Point()], crs=4326)
    assert events_geojson(frame, "odd") == one_feature_at_a_time(frame, "odd")
    empty = frame.iloc[:0]
    assert events_geojson(empty, "none") == one_feature_at_a_time(empty, "none")
