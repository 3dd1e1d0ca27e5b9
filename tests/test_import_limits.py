"""Hostile imports (issue 12): every limit refuses its bomb before the expensive step, with a
message naming the limit, and nothing is lost without a word.
"""

from __future__ import annotations

import io
import json
import os
import time

import pandas as pd
import pytest

import geo.imports.read as import_read
from geo.imports import EventImportError, import_events
from geo.limits import (
    MAX_COLUMNS,
    MAX_HEADER_CHARS,
    MAX_IMPORT_BYTES,
    MAX_JSON_DEPTH,
)
from tests.test_import import SABZ_KOH, acled_row, feature, geojson_bytes, to_csv

FAST = 10.0  # seconds, generous for a shared machine: refusals take milliseconds; the bombs took 70-186 s before


def _refused(data: bytes, filename: str, match: str) -> EventImportError:
    began = time.process_time()
    with pytest.raises(EventImportError, match=match) as err:
        import_events(data, filename=filename)
    assert time.process_time() - began < FAST
    return err.value


@pytest.fixture
def no_pandas_csv(monkeypatch):
    """pandas' CSV parser must never see a refused header."""
    def refuse(*args, **kwargs):
        raise AssertionError("pandas.read_csv was called on a refused file")

    monkeypatch.setattr(pd, "read_csv", refuse)


# -- resource exhaustion ----------------------------------------------------------------------


def test_a_header_repeating_one_name_80000_times_is_refused_before_pandas(no_pandas_csv):
    data = (",".join(["latitude"] * 80_000) + "\n1\n").encode()  # ~720 KB of header
    _refused(data, "dups.csv", rf"header row is longer than the limit of {MAX_HEADER_CHARS:,} characters")


def test_a_header_of_a_million_columns_is_refused_before_pandas(no_pandas_csv):
    data = (",".join(f"c{i}" for i in range(1_000_000)) + "\n").encode()  # ~7.9 MB
    assert len(data) > 7_000_000
    _refused(data, "wide.csv", "header row is longer than the limit")


def test_a_header_wider_than_the_column_limit_is_refused_naming_it(no_pandas_csv):
    header = ",".join(f"c{i}" for i in range(MAX_COLUMNS + 1))
    assert len(header) < MAX_HEADER_CHARS
    _refused((header + "\n").encode(), "wide.csv",
             rf"has {MAX_COLUMNS + 1:,} columns, over the limit of {MAX_COLUMNS:,}")


def test_an_endless_device_is_refused_without_reading_it_all():
    began = time.monotonic()
    with pytest.raises(EventImportError, match="'zero': not a regular file"):
        import_events("/dev/zero", filename="zero")
    assert time.monotonic() - began < FAST


def test_a_pipe_is_refused_without_waiting_for_a_writer(tmp_path):
    fifo = tmp_path / "events.csv"
    os.mkfifo(fifo)
    began = time.monotonic()
    with pytest.raises(EventImportError, match="not a regular file"):
        import_events(fifo)
    assert time.monotonic() - began < FAST


def test_at_most_the_limit_plus_one_byte_is_read_from_a_stream():
    class Endless(io.RawIOBase):
        name = "endless.csv"
        given = 0

        def read(self, n=-1):
            assert n is not None and n >= 0, "asked for everything"
            self.given += n
            return b"x" * n

    stream = Endless()
    with pytest.raises(EventImportError, match=r"is more than 1 KB, over the import limit of 1 KB \(1,000 bytes\)"):
        import_events(stream, max_bytes=1000)
    assert stream.given == 1001


def test_geojson_nested_900_levels_is_refused_naming_the_limit():
    deep = {"a": 1}
    for _ in range(900):
        deep = {"x": deep}
    data = geojson_bytes([feature(*SABZ_KOH, date="2024-01-16", deep=deep)])
    _refused(data, "deep.geojson", rf"nested 90\d levels deep, over the limit of {MAX_JSON_DEPTH}")


def test_features_over_the_limit_are_refused(monkeypatch):
    monkeypatch.setattr(import_read, "MAX_ROWS", 3)
    data = geojson_bytes([feature(*SABZ_KOH, date="2024-01-16")] * 4)
    _refused(data, "many.geojson", "has 4 features, over the limit of 3")


def test_feature_properties_over_the_column_limit_are_refused():
    feats = [feature(*SABZ_KOH, date="2024-01-16", **{f"p{i}": 1}) for i in range(MAX_COLUMNS + 1)]
    _refused(geojson_bytes(feats), "wide.geojson", f"more than {MAX_COLUMNS:,} distinct properties")


def test_rows_over_the_limit_are_refused_before_parsing(monkeypatch, no_pandas_csv):
    monkeypatch.setattr(import_read, "MAX_ROWS", 3)
    _refused(to_csv([acled_row()] * 4), "long.csv", "has 5 lines, over the limit of 3 rows")


def test_one_upload_limit_in_bytes_everywhere():
    assert MAX_IMPORT_BYTES == 50_000_000
    data = b"x" * (MAX_IMPORT_BYTES + 1)
    with pytest.raises(EventImportError, match=r"over the import limit of 50 MB \(50,000,000 bytes\)"):
        import_events(data, filename="big.csv")


# -- silent loss --------------------------------------------------------------------------------


def test_an_unclosed_quote_is_reported_not_swallowed():
    rows = to_csv([acled_row(event_id_cnty="PAK1"), acled_row(event_id_cnty="PAK2"),
                   acled_row(event_id_cnty="PAK3"), acled_row(event_id_cnty="PAK4")]).decode()
    lines = rows.splitlines()
    lines[2] = lines[2].replace("Missiles and drones", '"Missiles and drones', 1)  # row 3
    result = import_events(("\n".join(lines) + "\n").encode())
    assert "none skipped" not in result.summary()
    assert "multi-line field" in result.summary() and "line count" in result.summary()
    assert [p.row for p in result.problems] == [3]
    assert "unclosed quote" in result.problems[0].reason
    assert list(result.events["id"]) == ["PAK1"]


def test_duplicate_columns_say_which_was_used():
    text = to_csv([acled_row()]).decode()
    header, row = text.splitlines()
    result = import_events(f"{header},latitude\n{row},{SABZ_KOH[1]}\n".encode())
    note = [p.reason for p in result.notes if p.category == "duplicate column"]
    assert note == ["duplicate column: 'latitude' appears as columns 23 and 32 with the same "
                    "values; column 23 was used, column 32 (latitude.1) ignored"]
    with pytest.raises(EventImportError, match=r"'latitude' appears twice \(columns 23 and 32\) "
                                               r"and the two disagree on 1 rows"):
        import_events(f"{header},latitude\n{row},12.5\n".encode())


def test_a_latitude_of_95_is_not_swapped_into_siberia():
    rows = [acled_row(latitude="95", longitude="62.2"), acled_row()]
    result = import_events(to_csv(rows))
    assert len(result.events) == 1
    row, reason = result.problems[0].row, result.problems[0].reason
    assert row == 2 and reason.startswith("coordinates out of range: latitude 95 is beyond ±90")
    assert "far from the file's other points and from the atlas's region" in reason


def test_a_geocentric_crs_is_refused():
    data = geojson_bytes([feature(1_000_000, 5_000_000, date="2024-01-16")],
                         crs={"type": "name", "properties": {"name": "+proj=geocent"}})
    _refused(data, "geocent.geojson", "neither geographic .* nor projected")


@pytest.mark.parametrize(("geometry", "tally"), [
    ({"type": "Polygon", "coordinates": [[[60, 27], [61, 27], [61, 28], [60, 27]]]}, "2 not a point"),
    (None, "2 missing geometry"),
])
def test_no_point_features_is_named_as_such(geometry, tally):
    feats = [{"type": "Feature", "geometry": geometry, "properties": {"x": 1}}] * 2
    err = _refused(geojson_bytes(feats), "shapes.geojson", "no point features to import")
    assert tally in str(err) and "date" not in str(err)


def test_an_error_never_quotes_the_files_content(tmp_path):
    secret = tmp_path / "passwd"
    secret.write_text("root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1::/usr/sbin:/bin/false\n")
    with pytest.raises(EventImportError) as err:
        import_events(secret)
    assert "'passwd'" in str(err.value) and "root" not in str(err.value)
    feats = json.loads(geojson_bytes([feature(*SABZ_KOH, secret_name="s3cr3t")]))
    with pytest.raises(EventImportError) as err:
        import_events(json.dumps(feats).encode(), filename="x.geojson")
    assert "secret_name" not in str(err.value)


def test_every_limit_is_documented_in_the_readme():
    import geo.limits
    from tests.test_cli import ROOT

    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Limits", 1)[1].split("\n## ", 1)[0]
    for name in dir(geo.limits):
        value = getattr(geo.limits, name)
        if name.isupper() and name != "MB":
            shown = {f"{value:,}", f"{value:g}", f"{value / 1e6:g} MB"}
            assert any(s in section for s in shown), f"{name} = {value} is not in the README"


def test_a_geopackage_over_the_row_limit_is_refused_before_it_is_read(tmp_path, monkeypatch):
    from tests.test_import import _gpkg

    data = _gpkg(tmp_path, "EPSG:4326", [SABZ_KOH] * 4, date=["2024-01-16"] * 4)
    monkeypatch.setattr(import_read, "MAX_ROWS", 3)
    _refused(data, "many.gpkg", "has 4 features, over the limit of 3")
