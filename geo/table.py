"""Events as a table for people: the on-screen table, CSV and GeoJSON downloads."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

import geopandas as gpd
import shapely
import shapely.geometry

from geo._schema import BORDER_SIDES
from geo.counts import count_ranges
from geo.io import COORD_DECIMALS, feature
from geo.limits import SHOWN_CELL_CHARS
from geo.safe_csv import csv_bytes, csv_lines
from geo.safe_text import CONTROL_CHARACTERS
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
    return csv_bytes(_csv_frame(events))  # formula-like text neutralised (geo.safe_csv)


def _csv_frame(events: gpd.GeoDataFrame) -> pd.DataFrame:
    frame = events.drop(columns="geometry").copy()
    if "area_geometry" in frame:  # an area goes out as WKT text, not as nested JSON
        frame["area_geometry"] = [shapely.geometry.shape(a).wkt if isinstance(a, dict) else None
                                  for a in frame["area_geometry"]]
        frame = frame.rename(columns={"area_geometry": "area_wkt"})
    for col in frame.columns:
        if pd.api.types.is_datetime64_any_dtype(frame[col]):
            frame[col] = _date(frame[col])
        elif (pd.api.types.is_object_dtype(frame[col])  # only these can hold lists
              and frame[col].map(lambda v: isinstance(v, list | dict)).any()):
            frame[col] = frame[col].map(lambda v: json.dumps(v, ensure_ascii=False)
                                        if isinstance(v, list | dict) else v)
    frame.insert(1, "lon", events.geometry.x.round(6).to_numpy())
    frame.insert(2, "lat", events.geometry.y.round(6).to_numpy())
    return frame


def events_geojson(events: gpd.GeoDataFrame, name: str) -> bytes:
    """GeoJSON FeatureCollection of the events, in the shipped file's format, named ``name``
    (their layer's); an event known only within an area is that area's polygon
    (``point_lon``/``point_lat``: its point).

    Written column by column (an import can hold 100,000 rows): each property's JSON text is
    made once per column, and each point's line is joined from them; the text is that of
    ``geo.io.dumps_collection`` over ``geo.io.feature`` (keys sorted, no spaces, dates as
    YYYY-MM-DD, missing numbers and dates left out), which an event with an area, or a shape
    other than a point, is still written by.
    """
    return _collection(name, _feature_lines(events))


def _collection(name: str, lines: list[str]) -> bytes:
    head = json.dumps({"type": "FeatureCollection", "name": name})[:-1]
    return (head + ',"features":[\n' + ",\n".join(lines) + "\n]}\n").encode("utf-8")


def _feature_lines(events: gpd.GeoDataFrame) -> list[str]:
    """Each event's feature as one line of JSON text (``events_geojson``)."""
    columns = sorted(c for c in events.columns if c not in ("geometry", "area_geometry"))
    # Each row's properties: ',"key":value' per column, joined; the first comma cut below.
    props = np.full(len(events), "", dtype=object)
    for column in columns:
        props = props + _property_texts(events[column])
    areas = events["area_geometry"].tolist() if "area_geometry" in events else [None] * len(events)
    geometries = events.geometry.to_numpy()
    points = (shapely.get_type_id(geometries) == shapely.GeometryType.POINT) & ~shapely.has_z(geometries)
    points &= ~shapely.is_empty(geometries)
    xy = shapely.get_coordinates(geometries[points]).tolist() if points.any() else []
    point_at = (np.cumsum(points) - 1).tolist()
    lines = []
    for i, (is_point, area, text) in enumerate(zip(points.tolist(), areas, props.tolist(), strict=True)):
        if isinstance(area, dict) or not is_point:
            lines.append(_feature_line(events.iloc[i].to_dict()))
            continue
        x, y = xy[point_at[i]]
        lines.append(f'{{"geometry":{{"coordinates":[{_number(x)},{_number(y)}],"type":"Point"}},'
                     f'"properties":{{{text[1:]}}},"type":"Feature"}}')
    return lines


@dataclass(frozen=True)
class EventRows:
    """A layer's events written once as the window's outputs are written (the table's rows,
    CSV lines, GeoJSON features); the outputs of any of its events are those rows picked,
    byte for byte what ``events_table``, ``events_csv`` and ``events_geojson`` write for
    them. The atlas's own events are the same for every window and every user: a window's
    table and downloads cost a lookup, not a rewrite."""

    name: str
    index: pd.Index
    table: pd.DataFrame
    csv_header: str
    csv_rows: list[str]
    features: list[str]

    @classmethod
    def of(cls, events: gpd.GeoDataFrame, name: str) -> EventRows:
        if not events.index.is_unique:
            raise ValueError("EventRows needs events with a unique index")
        header, rows = csv_lines(_csv_frame(events))
        return cls(name=name, index=events.index, table=events_table(events), csv_header=header,
                   csv_rows=rows, features=_feature_lines(events))

    def outputs(self, events: gpd.GeoDataFrame) -> tuple[pd.DataFrame, bytes, bytes]:
        """(table, CSV, GeoJSON) of ``events``: rows of the frame these were made from."""
        at = self.index.get_indexer(events.index)
        if (at < 0).any():
            raise ValueError("events not among the rows written")
        if not len(at):
            return events_table(events), events_csv(events), events_geojson(events, self.name)
        table = self.table.iloc[at].reset_index(drop=True)
        csv = self.csv_header + "".join(self.csv_rows[i] for i in at)
        return table, csv.encode("utf-8"), _collection(self.name, [self.features[i] for i in at])


# The JSON text of one value as geo.io.dumps_collection writes it.
_JSON = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _property_texts(column: pd.Series) -> np.ndarray:
    """Each row's ',"key":value' JSON text for one column, '' where the value is left out (a
    missing date or number). Repeated values (kinds, countries, sources) are written once."""
    key = "," + _JSON.encode(str(column.name)) + ":"
    if pd.api.types.is_datetime64_any_dtype(column):
        days = column.dt.strftime("%Y-%m-%d").tolist()
        return np.array(["" if pd.isna(d) else f'{key}"{d}"' for d in days], dtype=object)
    try:
        codes, values = pd.factorize(column, use_na_sentinel=True)
    except TypeError:  # unhashable values (lists, dicts): each is written on its own
        codes, values = np.arange(len(column)), column.to_numpy(dtype=object)
    texts = np.array([_value_text(key, v) for v in pd.Series(values, dtype=object).tolist()] + [""],
                     dtype=object)
    return texts[codes]  # a missing value's code, -1, takes the last: ''


def _number(coordinate: float) -> str:
    """A coordinate as ``geo.io.feature`` writes it: rounded, as the json module writes it."""
    value = round(coordinate, COORD_DECIMALS)
    return repr(value) if math.isfinite(value) else _JSON.encode(value)


def _value_text(key: str, value: object) -> str:
    if type(value) is float and math.isfinite(value):
        return key + repr(value)  # as the json module writes a float (and below, an int)
    if type(value) is int:
        return key + repr(value)
    if isinstance(value, pd.Timestamp):
        return f'{key}"{value.strftime("%Y-%m-%d")}"'
    if value is pd.NaT or (isinstance(value, float) and pd.isna(value)):
        return ""
    return key + _JSON.encode(value)


def _feature_line(row: dict) -> str:
    """One event's feature, one row at a time (an area's polygon, or a shape not a point)."""
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
    return _JSON.encode(feature(geom, props))


def imported_table(events: gpd.GeoDataFrame) -> pd.DataFrame:
    """Imported events as a table (vectorised: an import can hold 100,000 rows).

    Text from the file is shown as text, never as HTML, by the app's table widget, and cut
    where it is shown: control and direction-reversing characters (U+202A–202E,
    U+2066–2069) become spaces, and a value over ``SHOWN_CELL_CHARS`` ends in '…'.
    """
    dist = events["border_distance_km"].astype(float).round(0)
    side = events["border_side"].map(BORDER_SIDES).fillna("")
    killed = count_ranges(events["killed_low"], events["killed_high"]).fillna("")
    return pd.DataFrame({
        "date": _date(events["date"]).to_numpy(),
        "end date": _date(events["end_date"]).to_numpy(),
        "kind": _shown(events["kind"]),
        "actor": _shown(events["actor"]),
        "place": _shown(events["place"]),
        "country": _shown(events["country"]),
        "killed": killed.to_numpy(),
        "precision (km)": (events["precision_m"].astype(float) / 1000).round(1).to_numpy(),
        "to border (km)": dist.to_numpy(),
        "side": side.to_numpy(),
        "file row": events["row"].to_numpy(),
        "id": _shown(events["id"]),
    })


def _shown(text: pd.Series) -> np.ndarray:
    """A column of a user's text as shown on screen: controls as spaces, cut with '…'."""
    values = text.astype(str).str.replace(CONTROL_CHARACTERS, " ", regex=True)
    long = values.str.len() > SHOWN_CELL_CHARS
    if long.any():
        values = values.where(~long, values.str.slice(0, SHOWN_CELL_CHARS - 1) + "…")
    return values.to_numpy()
