"""Malformed layer files fail to load with one message naming file, feature and field."""

from __future__ import annotations

import copy
import json

import pytest

import geo
from geo._paths import DATA_DIR


@pytest.fixture(scope="module")
def events_collection():
    return json.loads((DATA_DIR / "events.geojson").read_text(encoding="utf-8"))


def _write(tmp_path, collection, name="events"):
    path = tmp_path / f"{name}.geojson"
    path.write_text(json.dumps(collection), encoding="utf-8")
    return path


def _load_broken(tmp_path, collection):
    _write(tmp_path, collection)
    with pytest.raises(geo.LayerValidationError) as err:
        geo.load_layer("events", data_dir=tmp_path)
    return str(err.value)


def test_unknown_layer_names_the_known_ones():
    with pytest.raises(geo.UnknownLayerError, match="unknown layer 'strikes'.*events"):
        geo.load_layer("strikes")


def test_missing_file_says_how_to_build_it(tmp_path):
    with pytest.raises(geo.LayerFileError, match=r"events\.geojson: file not found .*make data"):
        geo.load_layer("events", data_dir=tmp_path)


def test_not_json_names_line_and_column(tmp_path):
    (tmp_path / "events.geojson").write_text('{"type": "FeatureCollection",\n "features": [', encoding="utf-8")
    with pytest.raises(geo.LayerFileError, match=r"not valid JSON: .* line 2, column"):
        geo.load_layer("events", data_dir=tmp_path)


def test_not_utf8_is_reported(tmp_path):
    (tmp_path / "events.geojson").write_bytes(b'{"type": "FeatureCollection", "x": "\xff\xfe"}')
    with pytest.raises(geo.LayerFileError, match="not UTF-8"):
        geo.load_layer("events", data_dir=tmp_path)


def test_not_a_feature_collection(tmp_path):
    _write(tmp_path, {"type": "Feature"})
    with pytest.raises(geo.LayerFileError, match="not a GeoJSON FeatureCollection"):
        geo.load_layer("events", data_dir=tmp_path)


def test_every_problem_is_listed_once_with_feature_and_field(tmp_path, events_collection):
    broken = copy.deepcopy(events_collection)
    f0, f1, f2, f3 = broken["features"][:4]
    f0["properties"]["date"] = "2024-02-30"                 # impossible date
    del f1["properties"]["sources"]                          # no sources
    f2["geometry"] = {"type": "LineString", "coordinates": [[61, 27], [62, 28]]}  # wrong type
    f3["properties"]["id"] = f0["properties"]["id"]          # duplicate id
    message = _load_broken(tmp_path, broken)
    assert message.startswith(f"{tmp_path / 'events.geojson'}: 4 problems")
    assert "feature 0 (id " in message and "field 'date' '2024-02-30' is not a date" in message
    assert "feature 1 " in message and "field 'sources' is missing" in message
    assert "feature 2 " in message and "geometry is 'LineString', expected Point" in message
    assert "feature 3 " in message and "id repeats feature 0" in message


def test_projected_coordinates_are_caught(tmp_path, events_collection):
    broken = copy.deepcopy(events_collection)
    broken["features"][5]["geometry"]["coordinates"] = [350000.0, 2980000.0]  # UTM metres
    message = _load_broken(tmp_path, broken)
    assert "feature 5" in message and "outside longitude/latitude range" in message


def test_non_wgs84_crs_member_is_caught(tmp_path, events_collection):
    broken = copy.deepcopy(events_collection)
    broken["crs"] = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::32641"}}
    assert "layers must be WGS84" in _load_broken(tmp_path, broken)


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("killed_low", -1, "field 'killed_low' -1 is not a whole number >= 0"),
        ("kind", "invasion", "'invasion' is not one of"),
        ("end_date", "2000-01-01", "is before 'date'"),
        ("precision_m", "far", "field 'precision_m' 'far' is not a finite number"),
        ("sources", [{"title": "x", "publisher": "y", "date": "2024", "url": "ftp://x"}], "is not a web address"),
        ("sources", [{"title": "x", "publisher": "y", "date": "yesterday", "url": "https://x.org"}], "is not YYYY"),
    ],
)
def test_bad_values_name_the_field(tmp_path, events_collection, field, value, expected):
    broken = copy.deepcopy(events_collection)
    broken["features"][7]["properties"][field] = value
    if field == "killed_low":
        broken["features"][7]["properties"]["killed_high"] = 3
    message = _load_broken(tmp_path, broken)
    assert "feature 7" in message and expected in message


def test_invalid_polygon_is_reported(tmp_path):
    collection = json.loads((DATA_DIR / "provinces.geojson").read_text(encoding="utf-8"))
    bowtie = [[[61, 27], [62, 28], [62, 27], [61, 28], [61, 27]]]
    collection["features"][0]["geometry"] = {"type": "Polygon", "coordinates": bowtie}
    _write(tmp_path, collection, "provinces")
    with pytest.raises(geo.LayerValidationError, match="feature 0 .*geometry is invalid: Self-intersection"):
        geo.load_layer("provinces", data_dir=tmp_path)
