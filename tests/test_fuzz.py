"""The importer under a fuzzer (issue 20): malformed CSV, GeoJSON, GeoPackage and zip files end
in an import or in the importer's own error naming the problem, never in an internal error,
each in bounded time and memory.

A few hundred cases run in ``make test``; ``FUZZ_EXAMPLES=5000`` (``make bench`` sets it, via
``bench/fuzz_bench.py``) runs thousands.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import resource
import sqlite3
import time
import zipfile
from functools import cache
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geo.errors import EventImportError
from geo.imports import import_events
from tests.test_import import SABZ_KOH, acled_row, feature, geojson_bytes, to_csv, ucdp_row

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "60"))  # per format: 4 formats, a few hundred
CASE_CPU_SECONDS = 20.0  # one case's CPU at most (a generous bound on a shared machine)
CASE_MEMORY_MB = 400  # one case's growth of the process's peak memory at most
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def _check(data: bytes, filename: str) -> None:
    """Import ``data``: a result, or the importer's own error, in bounded time and memory."""
    peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    began = time.process_time()
    try:
        result = import_events(data, filename=filename, time_budget=None)
    except EventImportError as exc:
        message = str(exc)
        assert "internal error" not in message, message
        assert message.startswith(repr(filename)[:20].rstrip("'")) or filename in message, message
    else:
        result.summary()  # the summary and problem lines can be written
        result.problem_lines(limit=20)
    assert time.process_time() - began < CASE_CPU_SECONDS
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 - peak_before < CASE_MEMORY_MB


# -- mutations of good files ------------------------------------------------------------------------

_NASTY = st.sampled_from([b'"', b",", b";", b"\t", b"\n", b"\r", b"\r\n", b"\x00", b"\xff", b"\xef\xbb\xbf",
                          b"\\", b"{", b"[", b"]", b"}", b"-", b"1e999", b"NaN", b"-0", b"9" * 400,
                          "ü".encode(), "\u202e".encode(), b"\xed\xa0\x80", b"=1+1", b"0x1F",
                          b"2024-02-30", b"31/13/2024", b"99999999999999999999", b"inf", b"  "])


@st.composite
def _mutated(draw, base: bytes) -> bytes:
    """``base`` with a few bytes replaced, inserted or cut, or truncated."""
    data = bytearray(base)
    for _ in range(draw(st.integers(1, 6))):
        if not data:
            break
        at = draw(st.integers(0, len(data) - 1))
        action = draw(st.sampled_from(["replace", "insert", "delete", "truncate", "repeat"]))
        if action == "replace":
            piece = draw(_NASTY | st.binary(min_size=1, max_size=4))
            data[at:at + len(piece)] = piece
        elif action == "insert":
            data[at:at] = draw(_NASTY | st.binary(min_size=1, max_size=4))
        elif action == "delete":
            del data[at:at + draw(st.integers(1, 20))]
        elif action == "truncate":
            del data[at:]
        else:
            data[at:at] = bytes(data[at:at + 40]) * draw(st.integers(2, 50))
    return bytes(data)


@cache
def _csvs() -> tuple[bytes, ...]:
    rows = [acled_row(event_id_cnty=f"PAK{i}", latitude=str(27 + i / 10)) for i in range(6)]
    return (to_csv(rows), to_csv([ucdp_row(), ucdp_row(id="2")]),
            to_csv(rows[:3]).replace(b",", b";"))


@cache
def _geojsons() -> tuple[bytes, ...]:
    feats = [feature(*SABZ_KOH, date="2024-01-16", actor="Iran", id=i) for i in range(4)]
    return (geojson_bytes(feats), geojson_bytes(feats[:1], crs={"type": "name", "properties": {
        "name": "urn:ogc:def:crs:EPSG::32641"}}))


@cache
def _gpkg() -> bytes:
    import pandas as pd

    import geopandas as gpd
    import shapely

    folder = Path(os.environ.get("TMPDIR", "/tmp")) / f"fuzz-gpkg-{os.getpid()}"
    folder.mkdir(exist_ok=True)
    path = folder / "events.gpkg"
    frame = gpd.GeoDataFrame({"date": pd.to_datetime(["2024-01-16", "2024-01-17"]),
                              "actor": ["Iran", "Pakistan"], "notes": ["a", "b"]},
                             geometry=[shapely.Point(SABZ_KOH), shapely.Point(62, 27)], crs=4326)
    path.unlink(missing_ok=True)
    # No spatial index: its triggers call functions only GDAL has, so odd values can be set.
    frame.to_file(path, layer="events", engine="pyogrio", SPATIAL_INDEX="NO")
    data = path.read_bytes()
    path.unlink()
    return data


def _zip(name: str, content: bytes) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, content)
    return buf.getvalue()


# -- the four formats ----------------------------------------------------------------------------------

_CELLS = st.sampled_from(["", " ", "NaN", "-0", "1e999", "-1e999", "0x1F", "nan", "inf", "1,5", "99999999999999999999",
                          "2024-02-30", "0000-01-01", "9999-12-31", "2024-01-16T25:61", "16 Foo 2024",
                          "31/13/2024", "-2024-01-01", "\u202e", "=1+1", "Ω", "\x00", '"', "27.5", "61.2", "1",
                          "Pakistan", "Iran", "Battles", "Armed clash", "-90.0001", "180.5"]) | st.text(max_size=6)


@FUZZ
@given(data=st.data())
def test_malformed_csv(data):
    if data.draw(st.booleans()):  # well-formed CSV, odd values in every column
        header = list(acled_row())
        rows = [{k: data.draw(_CELLS) for k in header} for _ in range(data.draw(st.integers(1, 4)))]
        blob = to_csv([acled_row(), *rows])
    else:
        blob = data.draw(_mutated(data.draw(st.sampled_from(_csvs()))))
    _check(blob, "fuzz.csv")


_JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=8)


@FUZZ
@given(data=st.data())
def test_malformed_geojson(data):
    if data.draw(st.booleans()):  # structurally odd but valid JSON: wrong types in every place
        collection = json.loads(data.draw(st.sampled_from(_geojsons())))
        feat = collection["features"][0]
        where = data.draw(st.sampled_from(["geometry", "coordinates", "properties", "date", "feature",
                                           "features", "crs", "id", "type"]))
        value = data.draw(_JSON_VALUES)
        if where == "coordinates":
            feat["geometry"]["coordinates"] = value
        elif where == "date":
            feat["properties"]["date"] = value
        elif where == "feature":
            collection["features"].append(value)
        elif where in ("features", "crs", "type"):
            collection[where] = value
        else:
            feat[where] = value
        blob = json.dumps(collection, allow_nan=True).encode()
    else:
        blob = data.draw(_mutated(data.draw(st.sampled_from(_geojsons()))))
    _check(blob, "fuzz.geojson")


@FUZZ
@given(data=st.data())
def test_malformed_geopackage(data):
    base = _gpkg()
    if data.draw(st.booleans()):  # damaged bytes (past the header, so it stays "SQLite")
        mutated = bytearray(data.draw(_mutated(base)))
        mutated[:16] = base[:16]
        blob = bytes(mutated)
    else:  # a sound file with odd values: types SQLite lets any column hold
        folder = Path(os.environ.get("TMPDIR", "/tmp")) / f"fuzz-gpkg-{os.getpid()}"
        folder.mkdir(exist_ok=True)
        path = folder / "odd.gpkg"
        path.write_bytes(base)
        value = data.draw(st.none() | st.integers(-2**63, 2**63 - 1) | st.floats(allow_nan=True)
                          | st.text(max_size=20) | st.binary(max_size=40))
        column = data.draw(st.sampled_from(["date", "actor", "notes", "geom"]))
        con = sqlite3.connect(path)
        con.execute(f'UPDATE events SET "{column}" = ? WHERE fid = 1', (value,))
        con.commit()
        con.close()
        blob = path.read_bytes()
        path.unlink()
    _check(blob, "fuzz.gpkg")


@FUZZ
@given(data=st.data())
def test_malformed_zip(data):
    name, content = data.draw(st.sampled_from([("events.csv", _csvs()[0]), ("e.geojson", _geojsons()[0]),
                                               ("x.gpkg", _gpkg())]))
    archive = _zip(name, content)
    mutated = bytearray(data.draw(_mutated(archive)))
    mutated[:4] = b"PK\x03\x04"  # still a zip by its magic
    _check(bytes(mutated), "fuzz.zip")


# -- wider: encodings and line ends, geometry types and numbers, broken tables, odd members -----

_ENCODINGS = st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-32", "latin-1",
                              "cp1252", "cp1256", "shift_jis"])
_LINE_ENDS = st.sampled_from(["\n", "\r\n", "\r", "\n\r", "\x85", "\u2028", "\x0b", "\x0c"])


@FUZZ
@given(data=st.data())
def test_csv_in_odd_encodings_with_nuls_and_mixed_line_ends(data):
    rows = [acled_row(event_id_cnty=f"PAK{i}", notes=data.draw(st.sampled_from(
        ["ü ç ß", "بلوچستان", "\u202eabc", "a\x00b", "\ufeffx", "naïve", "x" * 50]))) for i in range(3)]
    text = to_csv(rows).decode("utf-8")
    lines = text.split("\r\n" if "\r\n" in text else "\n")
    text = "".join(line + data.draw(_LINE_ENDS) for line in lines)
    if data.draw(st.booleans()):  # NULs where a reader may not expect them
        at = data.draw(st.integers(0, len(text)))
        text = text[:at] + "\x00" * data.draw(st.integers(1, 3)) + text[at:]
    encoding = data.draw(_ENCODINGS)
    blob = text.encode(encoding, errors="replace")
    if data.draw(st.booleans()):  # cut in the middle of a character
        blob = blob[:data.draw(st.integers(1, len(blob)))]
    _check(blob, "fuzz.csv")


_NUMBERS = st.sampled_from([1e308, -1e308, 1e-320, 2**63, -(2**63) - 1, 10**400, 0, -0.0, 181, -91, 360,
                            float("nan"), float("inf"), float("-inf")])
_GEOMETRIES = st.sampled_from([
    None, {}, {"type": "Point"}, {"type": "Point", "coordinates": []}, {"type": "Point", "coordinates": [64]},
    {"type": "Point", "coordinates": [64, 27, 0, 5]}, {"type": "Point", "coordinates": [[64, 27]]},
    {"type": "LineString", "coordinates": [[64, 27], [65, 28]]},
    {"type": "Polygon", "coordinates": [[[64, 27], [65, 27], [65, 28], [64, 27]]]},
    {"type": "Polygon", "coordinates": [[[64, 27], [65, 27]]]},
    {"type": "MultiPoint", "coordinates": [[64, 27], [65, 28]]}, {"type": "MultiPoint", "coordinates": []},
    {"type": "GeometryCollection", "geometries": []},
    {"type": "GeometryCollection", "geometries": [{"type": "Point", "coordinates": [64, 27]}]},
    {"type": "Feature", "coordinates": [64, 27]}, {"type": "Circle", "coordinates": [64, 27], "radius": 5},
    {"type": "point", "coordinates": [64, 27]}, {"type": ["Point"], "coordinates": [64, 27]},
])


@FUZZ
@given(data=st.data())
def test_geojson_with_wrong_geometries_huge_numbers_and_non_finite_values(data):
    feats = [feature(*SABZ_KOH, date="2024-01-16", actor="Iran", id=i) for i in range(3)]
    for feat in feats:
        action = data.draw(st.sampled_from(["geometry", "number", "property", "keep"]))
        if action == "geometry":
            feat["geometry"] = data.draw(_GEOMETRIES)
        elif action == "number":
            feat["geometry"]["coordinates"][data.draw(st.integers(0, 1))] = data.draw(_NUMBERS)
        elif action == "property":
            key = data.draw(st.sampled_from(["date", "end_date", "actor", "fatalities", "id", "notes"]))
            feat["properties"][key] = data.draw(_NUMBERS | _JSON_VALUES)
    top = data.draw(st.sampled_from(["collection", "feature", "array", "geometry"]))
    doc: object = {"type": "FeatureCollection", "features": feats}
    if top == "feature":
        doc = feats[0]
    elif top == "array":
        doc = feats
    elif top == "geometry":
        doc = feats[0]["geometry"]
    blob = json.dumps(doc, allow_nan=True).encode()
    if data.draw(st.booleans()):  # numbers JSON cannot hold, written as a careless writer would
        blob = blob.replace(b"64.09", data.draw(st.sampled_from(
            [b"1e999", b"NaN", b"Infinity", b"-Infinity", b"9" * 400, b"0x40", b"+64", b".5", b"64."])), 1)
    _check(blob, "fuzz.geojson")


_BROKEN_TABLES = [
    "DROP TABLE gpkg_contents",
    "DROP TABLE gpkg_geometry_columns",
    "DELETE FROM gpkg_contents",
    "DELETE FROM gpkg_geometry_columns",
    "DELETE FROM gpkg_spatial_ref_sys",
    "UPDATE gpkg_contents SET table_name = 'missing'",
    "UPDATE gpkg_contents SET data_type = 'tiles'",
    "UPDATE gpkg_contents SET srs_id = 999999",
    "UPDATE gpkg_geometry_columns SET srs_id = 999999",
    "UPDATE gpkg_geometry_columns SET geometry_type_name = 'LINESTRING'",
    "UPDATE gpkg_geometry_columns SET column_name = 'nothing'",
    "UPDATE gpkg_spatial_ref_sys SET definition = 'garbage' WHERE srs_id = 4326",
    "ALTER TABLE events RENAME TO other",
    "ALTER TABLE events DROP COLUMN date",
    "ALTER TABLE events DROP COLUMN geom",
    "DELETE FROM events",
    "UPDATE events SET geom = x'4750000100000000'",
    "UPDATE events SET geom = x'47500003e6100000000000000000f03f'",
    "UPDATE events SET geom = zeroblob(64)",
    "UPDATE events SET date = 'not a date'",
    "UPDATE events SET fid = NULL",
    "INSERT INTO events (fid, date, actor, notes, geom) SELECT fid + 10, date, actor, notes, geom FROM events",
    "CREATE TABLE extra (x)",
    "DROP TABLE events",
    "PRAGMA user_version = 99",
    "PRAGMA application_id = 0",
]


@FUZZ
@given(data=st.data())
def test_geopackage_with_broken_tables(data):
    folder = Path(os.environ.get("TMPDIR", "/tmp")) / f"fuzz-gpkg-{os.getpid()}"
    folder.mkdir(exist_ok=True)
    path = folder / "broken.gpkg"
    path.write_bytes(_gpkg())
    con = sqlite3.connect(path)
    for statement in data.draw(st.lists(st.sampled_from(_BROKEN_TABLES), min_size=1, max_size=3, unique=True)):
        with contextlib.suppress(sqlite3.Error):  # one the earlier ones made impossible
            con.execute(statement)
    con.commit()
    con.close()
    blob = path.read_bytes()
    path.unlink()
    _check(blob, "fuzz.gpkg")


_MEMBER_NAMES = st.sampled_from([
    "events.csv", "EVENTS.CSV", "../events.csv", "/abs/events.csv", "dir/events.csv", "dir/", "",
    "a\x00.csv", "events.csv.gpkg", "events", ".csv", "e\u202evsc.csv", "événements.csv", "x" * 300 + ".csv",
    "events.geojson", "events.json", "events.zip", "__MACOSX/._events.csv", "events.csv ", "con.csv",
])


@FUZZ
@given(data=st.data())
def test_zips_truncated_or_with_odd_members(data):
    contents = [_csvs()[0], _geojsons()[0], _gpkg(), b"", b"not a file", _zip("inner.csv", _csvs()[0])]
    buf = io.BytesIO()
    method = data.draw(st.sampled_from([zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2,
                                        zipfile.ZIP_LZMA]))
    with zipfile.ZipFile(buf, "w", method) as archive:
        for _ in range(data.draw(st.integers(0, 4))):
            info = zipfile.ZipInfo(data.draw(_MEMBER_NAMES))
            info.compress_type = method
            archive.writestr(info, data.draw(st.sampled_from(contents)))
        if data.draw(st.booleans()):
            archive.comment = data.draw(st.binary(max_size=40))
    blob = buf.getvalue()
    if data.draw(st.booleans()):  # truncated: the central directory (or more) missing
        blob = blob[:data.draw(st.integers(0, len(blob)))]
    _check(blob, "fuzz.zip")
