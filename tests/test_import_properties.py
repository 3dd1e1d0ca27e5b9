"""Whatever bytes arrive, the importer returns an ImportResult or raises EventImportError.

And when it returns, the result keeps its promises: every row read is either imported or
reported, dates are dates, coordinates are in range, and the one-line summary is one line.
"""

from __future__ import annotations

import csv
import io
import json
import os

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from geo.imports import EventImportError, ImportResult, import_events
from geo.imports.layouts import ACLED_COLUMNS, UCDP_COLUMNS

# IMPORT_FUZZ_EXAMPLES=2000 for a longer search by hand; 120 keeps the suite quick.
SETTINGS = settings(max_examples=int(os.environ.get("IMPORT_FUZZ_EXAMPLES", "120")), deadline=None,
                    database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
NAMES = st.sampled_from([None, "x.csv", "x.geojson", "x.json", "x.gpkg", "x.zip", "x.txt"])
MAGIC = st.sampled_from([b"", b"SQLite format 3\x00", b"PK\x03\x04", b"\xef\xbb\xbf", b"\xff\xfe",
                         b"{", b'{"type":"FeatureCollection","features":[', b"event_date,latitude\n"])


@pytest.fixture(scope="module")
def small_border(border_line):
    # The properties do not depend on the border's detail; a coarse one keeps them quick.
    return border_line.simplify(0.05)


def check(data: bytes, border, filename: str | None = None) -> ImportResult | None:
    """Import, and check the result's promises; None when the file was refused (correctly)."""
    try:
        result = import_events(data, filename=filename, border=border)
    except EventImportError as exc:
        message = str(exc)
        assert "internal error" not in message, message
        assert message.strip()
        return None
    ev = result.events
    assert result.format in ("acled", "ucdp", "geojson", "gpkg")
    assert len(ev) + len(result.problems) == result.rows_read
    assert ev.crs is not None and ev.crs.to_epsg() == 4326
    assert ev["date"].notna().all()
    assert ev["row"].is_unique
    skipped = {p.row for p in result.problems}
    assert not skipped & set(ev["row"])
    if len(ev):
        assert (ev.geometry.y.abs() <= 90).all() and (ev.geometry.x.abs() <= 180).all()
        assert ev["kind"].notna().all()
        assert not ((ev["end_date"] < ev["date"]) & ev["end_date"].notna()).any()
    assert "\n" not in result.summary()
    for p in result.problems:
        assert isinstance(p.reason, str) and ":" in p.reason
    return result


@SETTINGS
@given(data=st.binary(max_size=3000), magic=MAGIC, filename=NAMES)
@example(data=b"\x00" * 10, magic=b"", filename=None)
@example(data=b"", magic=b"PK\x03\x04", filename="x.zip")
def test_any_bytes(small_border, data, magic, filename):
    check(magic + data, small_border, filename)


CELL = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["", "16 January 2024", "2024-01-16", "2024-02-30", "31/12/2023", "1e400",
                     "-91", "26.97", "64.09", "nan", "inf", '"', '""', "\r", "\n", ",", ";",
                     "\t", "0", "1", "2", "3", "7", "9", "-1", "Pakistan", "Iran"]),
    st.integers(-1000, 1000).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
)


@SETTINGS
@given(columns=st.lists(st.sampled_from(ACLED_COLUMNS + UCDP_COLUMNS + ("x", "", "Date")),
                        min_size=1, max_size=14),
       rows=st.lists(st.lists(CELL, max_size=16), max_size=12),
       delimiter=st.sampled_from([",", ";", "\t"]))
def test_csv_like_text(small_border, columns, rows, delimiter):
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows(rows)
    check(out.getvalue().encode(), small_border)


def _acled_row(i: int) -> list[str]:
    values = dict.fromkeys(ACLED_COLUMNS, "")
    values.update({
        "event_id_cnty": f"PAK{i}", "event_date": "16 January 2024", "event_type": "Battles",
        "sub_event_type": "Armed clash", "actor1": "Military Forces of Pakistan (2018-)",
        "country": "Pakistan", "latitude": f"{26 + i * 0.1:.2f}", "longitude": f"{63 + i * 0.1:.2f}",
        "geo_precision": "1", "fatalities": "1", "notes": "text",
    })
    return [values[c] for c in ACLED_COLUMNS]


@SETTINGS
@given(st.data())
def test_mutated_acled_rows(small_border, data):
    n = data.draw(st.integers(1, 8), label="rows")
    rows = [_acled_row(i) for i in range(n)]
    for _ in range(data.draw(st.integers(0, 12), label="mutations")):
        r = data.draw(st.integers(0, n - 1))
        c = data.draw(st.integers(0, len(ACLED_COLUMNS) - 1))
        action = data.draw(st.sampled_from(["set", "drop", "extra", "swap"]))
        if action == "set" and c < len(rows[r]):
            rows[r][c] = data.draw(CELL)
        elif action == "drop" and rows[r]:
            rows[r].pop()
        elif action == "extra":
            rows[r].append(data.draw(CELL))
        else:
            lat, lon = ACLED_COLUMNS.index("latitude"), ACLED_COLUMNS.index("longitude")
            if len(rows[r]) > max(lat, lon):
                rows[r][lat], rows[r][lon] = rows[r][lon], rows[r][lat]
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator=data.draw(st.sampled_from(["\n", "\r\n"])))
    writer.writerow(ACLED_COLUMNS)
    writer.writerows(rows)
    encoding = data.draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"]))
    raw = out.getvalue().encode(encoding, errors="replace")
    result = check(raw, small_border, "acled.csv")
    # The header is intact, so the file is always read as an ACLED export.
    assert result is not None and result.format == "acled"
    # Rows left alone are imported, under their own row numbers, unless a bare carriage
    # return (which the csv module does not quote) or a quote split or merged the records.
    text = out.getvalue()
    if "\r" not in text.replace("\r\n", "") and '"' not in text:
        untouched = {i + 2 for i, row in enumerate(rows) if row == _acled_row(i)}
        assert untouched <= set(result.events["row"])


JSON_VALUE = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=10),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=8,
)
GEOMETRY = st.one_of(
    JSON_VALUE,
    st.builds(lambda x, y: {"type": "Point", "coordinates": [x, y]},
              st.floats(allow_nan=True, allow_infinity=True) | st.text(max_size=4),
              st.floats(-100, 100) | st.integers(-200, 200)),
    st.builds(lambda t: {"type": t, "coordinates": [[0, 0]]},
              st.sampled_from(["MultiPoint", "LineString", "Polygon"])),
)
PROPERTIES = st.one_of(
    JSON_VALUE,
    st.fixed_dictionaries({"date": st.sampled_from(["2024-01-16", "2024-02-30", "", "x"]) | JSON_VALUE},
                          optional={"kind": JSON_VALUE, "actor": JSON_VALUE,
                                    "killed_low": JSON_VALUE, "precision_m": JSON_VALUE,
                                    "end_date": JSON_VALUE, "country": JSON_VALUE}),
)


@SETTINGS
@given(features=st.lists(st.one_of(
           st.builds(lambda g, p: {"type": "Feature", "geometry": g, "properties": p}, GEOMETRY,
                     PROPERTIES),
           JSON_VALUE), max_size=6),
       crs=st.sampled_from([None, {"type": "name", "properties": {"name": "EPSG:32641"}},
                            {"type": "name", "properties": {"name": "nonsense"}}, "x", {}]))
def test_geojson_like_structures(small_border, features, crs):
    collection = {"type": "FeatureCollection", "features": features}
    if crs is not None:
        collection["crs"] = crs
    check(json.dumps(collection).encode(), small_border, "x.geojson")


def test_the_checks_catch_a_broken_promise(small_border):
    # The property helper itself must fail on an internal error, or the properties prove nothing.
    with pytest.raises(TypeError):
        import_events(12345)  # a programming error is not an import error
    result = check(b"event_id_cnty,event_date,event_type,actor1,latitude,longitude\n"
                   b"P1,2024-01-16,Battles,X,26.9,64.1\n", small_border)
    assert result is not None and len(result.events) == 1
    assert np.isclose(result.events.geometry.iloc[0].x, 64.1)
