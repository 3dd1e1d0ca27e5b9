"""Cost limits (issue 20): small files that would cost minutes of CPU or gigabytes of memory are
refused before the expensive step, in time linear in their size, with the limit named."""

from __future__ import annotations

import json
import re
import sqlite3
import time
import tracemalloc

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import geo._bounded as bounded
import geo.imports.read as import_read
from geo._bounded import JsonTooCostly, scan_json
from geo.errors import ExportError
from geo.figure.animate import AnimationSpec, check_animation_budget, planned_frames
from geo.imports import EventImportError, import_events
from geo.limits import MAX_ANIMATION_MEGAPIXELS, MAX_FIELD_CHARS, MAX_JSON_DEPTH
from geo.recipe import recipe_from_mapping
from geo.view import View
from tests.test_import import SABZ_KOH, _gpkg, acled_row, feature, geojson_bytes, to_csv

FAST = 10.0  # CPU seconds, generous for a shared machine: each refusal below takes well under 1 s
HUGE = 10**12


# -- the JSON pre-scan --------------------------------------------------------------------------

def _reference_depth(value) -> int:
    if isinstance(value, dict):
        return 1 + max([_reference_depth(v) for v in value.values()], default=0)
    if isinstance(value, list):
        return 1 + max([_reference_depth(v) for v in value], default=0)
    return 0


_TRICKY = st.sampled_from(['"', "\\", "[", "]", "{", "}", '\\"', "ü", "\u2028", ",", ":"])
_TEXTS = st.lists(st.one_of(_TRICKY, st.text(max_size=3)), max_size=6).map("".join)
_JSON = st.recursive(st.none() | st.integers() | _TEXTS,
                     lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_TEXTS, inner, max_size=4),
                     max_leaves=25)


@settings(max_examples=100, deadline=None)
@given(value=_JSON, chunk=st.sampled_from([1, 2, 3, 5, 64]), ascii_only=st.booleans())
def test_the_scan_measures_what_the_parser_reads(value, chunk, ascii_only):
    text = json.dumps(value, ensure_ascii=ascii_only)
    old, bounded.SCAN_CHUNK_CHARS = bounded.SCAN_CHUNK_CHARS, chunk
    try:
        shape = scan_json(text, max_depth=HUGE, max_string=HUGE, max_containers=HUGE)
    finally:
        bounded.SCAN_CHUNK_CHARS = old
    assert shape.depth == _reference_depth(value)
    strings = [len(s) - 2 for s in re.findall(r'"(?:[^"\\]|\\.)*"', text)]
    assert shape.longest_string == max(strings, default=0)
    assert shape.containers == text.count("[") + text.count("{") - sum(
        s.count("[") + s.count("{") for s in re.findall(r'"(?:[^"\\]|\\.)*"', text))


def test_a_file_crafted_to_make_a_scanner_backtrack_costs_linear_time():
    # An unclosed string of escaped quotes made the old regular-expression scan quadratic:
    # 256 KB took 214 s of CPU. Here 4 MB is measured in well under a second.
    for size in (256_000, 4_000_000):
        text = '{"type": "FeatureCollection", "features": ["' + '\\"' * (size // 2)
        began = time.process_time()
        with pytest.raises(EventImportError, match="not valid JSON|over the limit"):
            import_events(text.encode(), filename="bt.geojson")
        assert time.process_time() - began < FAST


def test_one_huge_string_is_refused_before_parsing_in_bounded_memory(monkeypatch):
    def never(*args, **kwargs):
        raise AssertionError("json.loads was called on a refused file")

    monkeypatch.setattr(import_read.json, "loads", never)
    data = geojson_bytes([feature(*SABZ_KOH, date="2024-01-16", notes="x" * 10_000_000)])
    tracemalloc.start()
    try:
        with pytest.raises(EventImportError, match=rf"a text value of at least [\d,]+ characters "
                                                   rf"at character \d+, over the limit of "
                                                   rf"{MAX_FIELD_CHARS:,} .*MAX_FIELD_CHARS"):
            import_events(data, filename="long.geojson")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    # The file's bytes and its text (~20 MB) plus one scanned chunk; the regex took 1.2 GB.
    assert peak < 3 * len(data) + 40_000_000, peak


def test_deep_nesting_anywhere_is_refused_naming_the_limit():
    text = '{"type": "FeatureCollection", "features": [' + "[" * 200 + "]" * 200 + "]}"
    with pytest.raises(EventImportError, match=rf"nested \d+ levels deep, over the limit of "
                                               rf"{MAX_JSON_DEPTH} \(MAX_JSON_DEPTH\)"):
        import_events(text.encode(), filename="deep.geojson")
    # Brackets inside strings, also after escaped quotes and backslashes, do not count.
    inside = "[" * 200 + '\\"' + "{" * 100 + "\\\\"
    assert scan_json(json.dumps({"a": inside}), max_depth=2, max_string=HUGE,
                     max_containers=HUGE).depth == 1


def test_millions_of_empty_objects_are_refused_before_parsing(monkeypatch):
    monkeypatch.setattr(import_read, "MAX_JSON_CONTAINERS", 1000)
    text = '{"type": "FeatureCollection", "features": [' + "{}," * 1000 + "{}]}"
    with pytest.raises(EventImportError, match="more than 1,000 JSON objects and arrays.*MAX_JSON_CONTAINERS"):
        import_events(text.encode(), filename="many.geojson")


def test_scan_errors_carry_their_figures():
    with pytest.raises(JsonTooCostly) as err:
        scan_json('["abcdef"]', max_depth=5, max_string=3, max_containers=5)
    assert (err.value.what, err.value.found, err.value.limit, err.value.where) == ("string", 6, 3, 1)


# -- one value's length ------------------------------------------------------------------------

def test_a_csv_value_over_the_limit_skips_its_row_naming_column_and_length():
    long_note = "\n".join(["y" * 50_000] * 3)  # a quoted multi-line field, each line in limits
    rows = [acled_row(event_id_cnty="PAK1"), acled_row(event_id_cnty="PAK2", notes=long_note)]
    result = import_events(to_csv(rows), filename="long.csv")
    assert list(result.events["id"]) == ["PAK1"]
    assert [p.row for p in result.problems] == [3]
    assert result.problems[0].reason == (f"value too long: 'notes' holds 150,002 characters, over "
                                         f"the limit of {MAX_FIELD_CHARS:,} for one value "
                                         "(MAX_FIELD_CHARS)")


def test_a_geopackage_value_over_the_limit_skips_its_feature(tmp_path):
    data = _gpkg(tmp_path, "EPSG:4326", [SABZ_KOH, SABZ_KOH], date=["2024-01-16"] * 2,
                 notes=["short", "z" * (MAX_FIELD_CHARS + 1)])
    result = import_events(data, filename="long.gpkg")
    assert len(result.events) == 1
    assert [(p.row, p.category) for p in result.problems] == [(2, "value too long")]


# -- GeoPackage queries --------------------------------------------------------------------------

def _view_bomb(tmp_path, rows: int) -> bytes:
    """A GeoPackage whose only feature layer is a view over a recursive query of ``rows`` rows."""
    path = tmp_path / "events.gpkg"
    path.write_bytes(_gpkg(tmp_path, "EPSG:4326", [SABZ_KOH], date=["2024-01-16"]))
    con = sqlite3.connect(path)
    con.execute(f"CREATE VIEW bomb AS WITH RECURSIVE r(x) AS (SELECT 1 UNION ALL SELECT x + 1 "
                f"FROM r WHERE x < {rows}) SELECT x AS fid, e.geom AS geom, e.date AS date "
                "FROM r, events e")
    con.execute("INSERT INTO gpkg_contents (table_name, data_type, identifier, srs_id) "
                "VALUES ('bomb', 'features', 'bomb', 4326)")
    con.execute("INSERT INTO gpkg_geometry_columns VALUES ('bomb', 'geom', 'POINT', 4326, 0, 0)")
    con.execute("DELETE FROM gpkg_geometry_columns WHERE table_name = 'events'")
    con.execute("DELETE FROM gpkg_contents WHERE table_name = 'events'")
    con.commit()
    con.close()
    return path.read_bytes()


def test_a_view_over_a_recursive_query_is_interrupted_naming_the_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(import_read, "GPKG_SQL_STEPS", 2_000_000)
    data = _view_bomb(tmp_path, 10**9)
    began = time.process_time()
    with pytest.raises(EventImportError, match=r"more than 2,000,000 SQLite steps \(the limit "
                                               r"GPKG_SQL_STEPS"):
        import_events(data, filename="bomb.gpkg")
    assert time.process_time() - began < FAST


def test_a_small_view_is_read_as_a_layer(tmp_path):
    result = import_events(_view_bomb(tmp_path, 5), filename="view.gpkg")
    assert len(result.events) == 5


# -- export budgets --------------------------------------------------------------------------------

def test_an_animation_over_the_frame_pixel_budget_is_refused_up_front_with_its_figures():
    view = View(start=View().start, end=View().start.replace(year=View().start.year + 1))
    anim = AnimationSpec(fmt="gif", step="day", width_px=1920)
    with pytest.raises(ExportError, match=r"36\d frames of 1,920 x 1,920 px \(about\) are [\d,]+ "
                                          rf"megapixels, over the limit of {MAX_ANIMATION_MEGAPIXELS:,.0f}"):
        planned_frames(view, anim)
    with pytest.raises(ExportError, match="MAX_ANIMATION_MEGAPIXELS"):
        recipe_from_mapping({"start": "2023-01-01", "end": "2023-12-31", "format": "gif",
                             "width_px": 1920, "out": "a.gif"})
    check_animation_budget(8, 1280)  # the crisis week a day a frame is well inside
    assert planned_frames(View(), AnimationSpec(fmt="gif")) == 8
