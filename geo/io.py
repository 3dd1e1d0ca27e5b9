"""Reading and writing the atlas layers: validated GeoDataFrames in, byte-stable GeoJSON out."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

import geopandas as gpd
from shapely.geometry import mapping

from geo._errors import LayerFileError, UnknownLayerError
from geo._paths import DATA_DIR
from geo._schema import LAYER_NAMES, SCHEMAS, LayerSchema
from geo._validate import validate_features

COORD_DECIMALS = 6  # ~0.1 m: finer than any source here, and keeps files diffable


def layer_path(name: str, data_dir: Path | None = None) -> Path:
    """The shipped file of layer ``name``."""
    if name not in SCHEMAS:
        raise UnknownLayerError(name, LAYER_NAMES)
    return (data_dir or DATA_DIR) / f"{name}.geojson"


def load_layer(name: str, *, data_dir: Path | None = None) -> gpd.GeoDataFrame:
    """Read, validate and return one atlas layer as a GeoDataFrame in EPSG:4326.

    Parameters
    ----------
    name
        One of ``geo.LAYER_NAMES``.
    data_dir
        Folder holding ``<name>.geojson``; the shipped ``data/`` by default.

    Raises
    ------
    UnknownLayerError
        ``name`` is not an atlas layer.
    LayerFileError
        The file is missing or is not a GeoJSON FeatureCollection.
    LayerValidationError
        The file breaks the layer's data contract (all problems listed).
    """
    return read_layer_file(layer_path(name, data_dir), SCHEMAS[name])


def read_layer_file(path: str | Path, schema: LayerSchema) -> gpd.GeoDataFrame:
    """Read and validate any GeoJSON file against ``schema``."""
    path = Path(path)
    label = _label(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise LayerFileError(f"{label}: file not found (run `make data` to build it)") from None
    except UnicodeDecodeError as exc:
        raise LayerFileError(f"{label}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    try:
        collection = json.loads(text)
    except json.JSONDecodeError as exc:
        raise LayerFileError(
            f"{label}: not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}"
        ) from None
    if not isinstance(collection, Mapping) or collection.get("type") != "FeatureCollection":
        raise LayerFileError(f"{label}: not a GeoJSON FeatureCollection")
    rows = validate_features(collection, schema, label)
    frame = gpd.GeoDataFrame(
        [props for props, _ in rows],
        geometry=[geom for _, geom in rows],
        crs="EPSG:4326",
    )
    for field in schema.date_fields:
        if field in frame:
            frame[field] = pd.to_datetime(frame[field], format="%Y-%m-%d")
    return frame


def _label(path: Path) -> str:
    """Name a file as the user knows it: relative to the project when it is shipped data."""
    try:
        return str(path.resolve().relative_to(DATA_DIR.parent))
    except ValueError:
        return str(path)


def _round(obj: Any) -> Any:
    if isinstance(obj, float):
        return round(obj, COORD_DECIMALS)
    if isinstance(obj, list | tuple):
        return [_round(v) for v in obj]
    return obj


def feature(geometry: Any, properties: Mapping[str, Any]) -> dict[str, Any]:
    """A GeoJSON feature with coordinates rounded to ``COORD_DECIMALS``."""
    geo = mapping(geometry)
    return {
        "type": "Feature",
        "properties": dict(properties),
        "geometry": {"type": geo["type"], "coordinates": _round(geo["coordinates"])},
    }


def dumps_collection(name: str, features: Iterable[Mapping[str, Any]]) -> str:
    """Serialise features as a FeatureCollection, one feature a line, keys sorted.

    The same features always give the same text, so rebuilt files diff cleanly.
    """
    lines = [
        json.dumps(f, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        for f in features
    ]
    head = json.dumps({"type": "FeatureCollection", "name": name})[:-1]
    return head + ',"features":[\n' + ",\n".join(lines) + "\n]}\n"


def write_collection(path: Path, name: str, features: Iterable[Mapping[str, Any]]) -> None:
    """Write features to ``path`` atomically (a reader never sees half a file)."""
    text = dumps_collection(name, features)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
