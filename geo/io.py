"""Reading and writing the atlas layers: validated GeoDataFrames in, byte-stable GeoJSON out."""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

import geopandas as gpd
from shapely.geometry import mapping

from geo._bounded import JsonTooCostly, NotARegularFile, read_at_most, scan_json
from geo._paths import DATA_DIR
from geo._schema import ADDED_FILES, SCHEMAS, LayerSchema, check_layer_names
from geo._validate import validate_features
from geo.errors import LayerFileError
from geo.limits import MAX_JSON_CONTAINERS, MAX_JSON_DEPTH, MAX_LAYER_BYTES

COORD_DECIMALS = 6  # ~0.1 m: finer than any source here, and keeps files diffable


def layer_path(name: str, data_dir: Path | None = None) -> Path:
    """The file of layer ``name``: ``<name>.geojson`` in the data folder, or the file a layer
    added with ``layers.register`` was given."""
    check_layer_names([name])
    if name in ADDED_FILES:
        return ADDED_FILES[name]
    return (data_dir or DATA_DIR) / f"{name}.geojson"


def load_layer(name: str, *, data_dir: Path | None = None) -> gpd.GeoDataFrame:
    """Read, validate and return one atlas layer as a GeoDataFrame in EPSG:4326.

    Parameters
    ----------
    name
        One of ``geo.layer_names()``.
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
    collection = _read_json(path, label)
    if not isinstance(collection, Mapping) or collection.get("type") != "FeatureCollection":
        raise LayerFileError(f"{label}: not a GeoJSON FeatureCollection")
    try:
        rows = validate_features(collection, schema, label)
    except RecursionError:  # scan_json keeps this away; a last guard, never a traceback
        raise LayerFileError(f"{label}: nested too deeply to be checked") from None
    frame = gpd.GeoDataFrame(
        [props for props, _ in rows],
        geometry=[geom for _, geom in rows],
        crs="EPSG:4326",
    )
    for field in schema.date_fields:
        if field in frame:
            frame[field] = pd.to_datetime(frame[field], format="%Y-%m-%d")
    return frame


def read_json_file(path: str | Path) -> Any:
    """The JSON document of a shipped file, read within the limits (``_read_json``); any fault
    is one ``LayerFileError`` naming the file as the project knows it."""
    path = Path(path)
    return _read_json(path, _label(path))


def _read_json(path: Path, label: str) -> Any:
    """The JSON document in ``path``; any fault (missing, a folder, unreadable, too large,
    nested too deeply, not UTF-8, not JSON) is one ``LayerFileError`` naming the file."""
    try:
        data = read_at_most(path, MAX_LAYER_BYTES)
    except FileNotFoundError:
        raise LayerFileError(f"{label}: file not found (run `make data` to build it)") from None
    except IsADirectoryError:
        raise LayerFileError(f"{label}: is a folder, not a file") from None
    except NotARegularFile:
        raise LayerFileError(f"{label}: not a regular file (a device, pipe or socket)") from None
    except OSError as exc:
        raise LayerFileError(f"{label}: cannot be read ({exc.strerror or type(exc).__name__})") from None
    if len(data) > MAX_LAYER_BYTES:
        raise LayerFileError(f"{label}: larger than the limit of {MAX_LAYER_BYTES:,} bytes for a layer")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise LayerFileError(f"{label}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    try:  # a layer's strings are not limited: sources lists can be long; its size is
        scan_json(text, max_depth=MAX_JSON_DEPTH, max_string=MAX_LAYER_BYTES,
                  max_containers=MAX_JSON_CONTAINERS)
    except JsonTooCostly as exc:
        what = ("JSON nested {found:,} levels deep, over the limit of {limit}" if exc.what == "nesting"
                else "more than {limit:,} JSON objects and arrays, over the limit")
        raise LayerFileError(f"{label}: " + what.format(found=exc.found, limit=exc.limit)) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise LayerFileError(
            f"{label}: not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}"
        ) from None
    except RecursionError:
        raise LayerFileError(f"{label}: JSON nested too deeply") from None


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


def replace_file(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file beside it, so a reader sees the old
    file or the whole new one, never half of it. The file is readable by all (it is meant to
    be shared). OSError on failure, with no temporary file left behind."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)  # mkstemp makes it private
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def write_collection(path: Path, name: str, features: Iterable[Mapping[str, Any]]) -> None:
    """Write features to ``path`` atomically (a reader never sees half a file)."""
    replace_file(path, dumps_collection(name, features).encode("utf-8"))
