"""The importer under a fuzzer (issue 20): malformed CSV, GeoJSON, GeoPackage and zip files end
in an import or in the importer's own error naming the problem, never in an internal error,
each in bounded time and memory.

A few hundred cases run in ``make test``; ``FUZZ_EXAMPLES=5000`` (``make bench`` sets it, via
``bench/fuzz_bench.py``) runs thousands.
"""

from __future__ import annotations

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
