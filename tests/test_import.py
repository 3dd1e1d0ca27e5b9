"""Importing ACLED, UCDP GED, GeoJSON and GeoPackage events: fields, bad rows, limits, safety.

Every test file is written here, in the real column layouts, so the tests run offline.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import json
import re
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import geopandas as gpd
import shapely

import geo
from geo._paths import DATA_DIR
from geo.imports import COLUMNS, IMPORT_KINDS, EventImportError, ImportResult, import_events
from geo.imports.layouts import (
    ACLED_COLUMNS,
    ACLED_EVENT_KIND,
    ACLED_PRECISION,
    ACLED_SUB_EVENT_KIND,
    UCDP_COLUMNS,
    UCDP_PRECISION,
)
from geo.limits import MB
from layers.imported import IMPORTED, imported_actor_group, linked_text_html

# -- writing test files in the real layouts ------------------------------------------------

SABZ_KOH = (64.09, 26.97)  # Panjgur district, Pakistani side (Iran's strike of 16 January 2024)
SARAVAN = (62.33, 27.37)  # Sistan and Baluchestan, Iranian side
_IDS = itertools.count(100)


def acled_row(**changes: str) -> dict[str, str]:
    row = dict.fromkeys(ACLED_COLUMNS, "")
    row.update({
        "event_id_cnty": f"PAK{next(_IDS)}", "event_date": "16 January 2024", "year": "2024",
        "time_precision": "1", "disorder_type": "Political violence",
        "event_type": "Explosions/Remote violence", "sub_event_type": "Air/drone strike",
        "actor1": "Military Forces of Iran (1989-)", "inter1": "8",
        "actor2": "Civilians (Pakistan)", "inter2": "7", "interaction": "78",
        "civilian_targeting": "Civilian targeting", "iso": "586",
        "region": "Caucasus and Central Asia", "country": "Pakistan", "admin1": "Balochistan",
        "admin2": "Panjgur", "location": "Sabz Koh", "latitude": str(SABZ_KOH[1]),
        "longitude": str(SABZ_KOH[0]), "geo_precision": "2", "source": "Dawn; Reuters",
        "source_scale": "National-International", "notes": "Missiles and drones struck a village.",
        "fatalities": "2", "tags": "", "timestamp": "1705900000",
    })
    row.update(changes)
    return row


def ucdp_row(**changes: str) -> dict[str, str]:
    row = dict.fromkeys(UCDP_COLUMNS, "")
    row.update({
        "id": str(500_000 + next(_IDS)), "relid": "PAK-2024-1-123-4", "year": "2024", "active_year": "1",
        "code_status": "Clear", "type_of_violence": "1", "conflict_name": "Iran: Balochistan",
        "dyad_name": "Government of Pakistan - Government of Iran", "side_a": "Government of Pakistan",
        "side_b": "Government of Iran", "number_of_sources": "3",
        "source_article": "Dawn, 2024-01-18, 'Pakistan strikes hideouts in Iran'; https://www.dawn.com/news/1",
        "source_headline": "Pakistan strikes hideouts in Iran", "where_prec": "2",
        "where_coordinates": "Saravan town", "where_description": "near Saravan",
        "adm_1": "Sistan and Baluchestan province", "latitude": str(SARAVAN[1]),
        "longitude": str(SARAVAN[0]), "country": "Iran", "country_id": "630", "region": "Middle East",
        "event_clarity": "1", "date_prec": "1", "date_start": "2024-01-18 00:00:00.000",
        "date_end": "2024-01-18 00:00:00.000", "deaths_a": "0", "deaths_b": "0",
        "deaths_civilians": "9", "deaths_unknown": "0", "best": "9", "high": "11", "low": "9",
    })
    row.update(changes)
    return row


def to_csv(rows: list[dict[str, str]], *, columns=None, encoding: str = "utf-8",
           delimiter: str = ",") -> bytes:
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=list(columns or rows[0]), delimiter=delimiter,
                            lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def feature(lon, lat, **props) -> dict:
    return {"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]},
            "properties": props}


def geojson_bytes(features: list, **extra) -> bytes:
    return json.dumps({"type": "FeatureCollection", **extra, "features": features}).encode()


def only_problem(result: ImportResult) -> tuple[int, str]:
    assert len(result.problems) == 1, result.problem_lines()
    problem = result.problems[0]
    return problem.row, problem.reason


# -- ACLED ---------------------------------------------------------------------------------


def test_acled_export_becomes_atlas_events():
    rows = [
        acled_row(),
        acled_row(event_id_cnty="IRN200", event_date="2024-01-18", country="Iran",
                  admin1="Sistan and Baluchestan", location="Saravan", latitude=str(SARAVAN[1]),
                  longitude=str(SARAVAN[0]), actor1="Military Forces of Pakistan (2018-)",
                  event_type="Battles", sub_event_type="Armed clash", geo_precision="1",
                  fatalities="9", time_precision="2"),
        acled_row(event_id_cnty="PAK300", event_type="Protests", sub_event_type="Peaceful protest",
                  actor1="Protesters (Pakistan)", geo_precision="3", fatalities="0"),
    ]
    result = import_events(to_csv(rows), filename="2024-01-acled.csv")
    ev = result.events
    assert result.format == "acled" and result.problems == [] and result.rows_read == 3
    assert isinstance(ev, gpd.GeoDataFrame) and ev.crs.to_epsg() == 4326
    assert list(ev.columns) == [*COLUMNS, "geometry"]
    assert pd.api.types.is_datetime64_any_dtype(ev["date"])
    assert ev["row"].tolist() == [2, 3, 4]  # header is row 1
    assert ev["date"].dt.date.tolist() == [dt.date(2024, 1, 16), dt.date(2024, 1, 18), dt.date(2024, 1, 16)]
    assert ev["kind"].tolist() == ["strike", "clash", "protest"]
    assert ev["precision_m"].tolist() == [25_000.0, 5_000.0, 250_000.0]
    assert ev["killed_low"].tolist() == ev["killed_high"].tolist() == [2, 9, 0]
    assert ev["country"].tolist() == ["PAK", "IRN", "PAK"]
    assert ev["origin"].eq("acled").all()
    assert ev.loc[0, "place"] == "Sabz Koh, Balochistan"
    assert ev.loc[0, "target"] == "Civilians (Pakistan)"
    assert ev.loc[0, "summary"] == "Missiles and drones struck a village."
    assert "Dawn; Reuters" in ev.loc[0, "source"]
    assert ev.loc[1, "date_precision"].startswith("week")
    assert "geo_precision 2" in ev.loc[0, "location_note"]
    assert ev.loc[0, "geometry"].equals(shapely.Point(SABZ_KOH))
    # Measured from the shipped border: both strike sites are tens of km inside.
    assert ev["border_side"].tolist() == ["PAK", "IRN", "PAK"]
    assert 20 < ev.loc[0, "border_distance_km"] < 150
    assert result.summary() == "3 rows read, 3 imported, none skipped"


def test_every_acled_sub_event_type_has_an_atlas_kind():
    codebook = (
        "Armed clash; Government regains territory; Non-state actor overtakes territory; "
        "Sexual violence; Attack; Abduction/forced disappearance; Chemical weapon; "
        "Air/drone strike; Suicide bomb; Shelling/artillery/missile attack; "
        "Remote explosive/landmine/IED; Grenade; Peaceful protest; Protest with intervention; "
        "Excessive force against protesters; Violent demonstration; Mob violence; Agreement; "
        "Arrests; Change to group/activity; Disrupted weapons use; "
        "Headquarters or base established; Looting/property destruction; "
        "Non-violent transfer of territory; Other"
    )
    for name in codebook.split("; "):
        assert ACLED_SUB_EVENT_KIND[name.lower()] in IMPORT_KINDS, name
    assert set(ACLED_EVENT_KIND.values()) <= set(IMPORT_KINDS)


def test_acled_kinds_fall_back_to_event_type_and_read_shoot_downs_from_notes():
    rows = [
        acled_row(sub_event_type="", event_type="Violence against civilians"),
        acled_row(event_type="Strategic developments", sub_event_type="Disrupted weapons use",
                  notes="Pakistani forces shot down an Iranian drone near Panjgur."),
        acled_row(event_type="Strategic developments", sub_event_type="Disrupted weapons use",
                  notes="Bomb disposal squad defused an IED."),
        acled_row(event_type="Strategic developments", sub_event_type="Agreement"),
    ]
    kinds = import_events(to_csv(rows)).events["kind"].tolist()
    assert kinds == ["attack", "shoot-down", "other", "diplomatic"]


def test_acled_precision_codes_map_to_documented_radii():
    rows = [acled_row(geo_precision=str(code)) for code in (1, 2, 3)] + [
        acled_row(geo_precision="2.0"),  # as a spreadsheet re-saves it
        acled_row(geo_precision="9"),
        acled_row(geo_precision=""),
    ]
    result = import_events(to_csv(rows))
    radii = result.events["precision_m"].tolist()
    assert radii[:4] == [ACLED_PRECISION[1][0], ACLED_PRECISION[2][0], ACLED_PRECISION[3][0],
                         ACLED_PRECISION[2][0]]
    assert np.isnan(radii[4]) and np.isnan(radii[5])
    assert [(p.row, p.category) for p in result.notes] == [(6, "unknown precision code")]
    assert result.events["precision_m"].iloc[:3].is_monotonic_increasing


# -- UCDP ----------------------------------------------------------------------------------


def test_ucdp_ged_becomes_atlas_events():
    rows = [
        ucdp_row(),
        ucdp_row(id="501235", type_of_violence="3", side_a="Jaish al-Adl", side_b="Civilians",
                 where_prec="4", date_start="2024-01-10 00:00:00.000",
                 date_end="2024-01-12 00:00:00.000", low="1", best="2", high="4", date_prec="2"),
    ]
    result = import_events(to_csv(rows), filename="ged241.csv")
    ev = result.events
    assert result.format == "ucdp" and result.problems == []
    assert ev["kind"].tolist() == ["clash", "attack"]
    assert ev["actor"].tolist() == ["Government of Pakistan", "Jaish al-Adl"]
    assert ev["target"].tolist() == ["Government of Iran", "Civilians"]
    assert ev["killed_low"].tolist() == [9, 1] and ev["killed_high"].tolist() == [11, 4]
    assert "best estimate: 9" in ev.loc[0, "summary"] and "best estimate: 2" in ev.loc[1, "summary"]
    assert ev["date"].dt.date.tolist() == [dt.date(2024, 1, 18), dt.date(2024, 1, 10)]
    assert ev.loc[1, "end_date"].date() == dt.date(2024, 1, 12)
    assert ev["precision_m"].tolist() == [UCDP_PRECISION[2][0], UCDP_PRECISION[4][0]]
    assert ev.loc[0, "place"] == "Saravan town, Sistan and Baluchestan province"
    assert ev.loc[0, "border_side"] == "IRN" and ev.loc[0, "country"] == "IRN"
    assert ev.loc[1, "date_precision"] == "within 2-6 days"
    assert "dawn.com" in ev.loc[0, "source"]


def test_ucdp_precision_radii_grow_with_the_code():
    radii = [UCDP_PRECISION[code][0] for code in range(1, 7)]
    assert radii[0] == 1_000 and radii[1] == 25_000 and radii[5] == 500_000
    assert radii[:4] == sorted(radii[:4])
    rows = [ucdp_row(id=str(i), where_prec=str(i)) for i in range(1, 8)]
    assert import_events(to_csv(rows)).events["precision_m"].tolist() == [
        UCDP_PRECISION[i][0] for i in range(1, 8)]


def test_ucdp_end_before_start_and_low_above_high_are_noted():
    rows = [ucdp_row(date_end="2024-01-01 00:00:00.000", low="12", high="3")]
    result = import_events(to_csv(rows))
    ev = result.events
    assert pd.isna(ev.loc[0, "end_date"])
    assert (ev.loc[0, "killed_low"], ev.loc[0, "killed_high"]) == (3, 12)
    assert {p.category for p in result.notes} == {"end date before start", "deaths low above high"}
    assert "end date before start" in ev.loc[0, "import_note"]


# -- GeoJSON and GeoPackage ----------------------------------------------------------------


def test_geojson_points_with_a_date_field():
    features = [
        feature(*SABZ_KOH, event_date="2024-01-16", kind="strike", actor="Iran", place="Sabz Koh",
                fatalities=2, sources=[{"title": "Iran strikes", "publisher": "Dawn",
                                        "date": "2024-01-17", "url": "https://www.dawn.com/n/1"}]),
        {"type": "Feature", "geometry": {"type": "LineString", "coordinates": [[60, 27], [61, 28]]},
         "properties": {"event_date": "2024-01-17"}},
        feature(*SARAVAN, event_date="2024-01-18T04:00:00Z", kind="Air/drone strike", actor="Pakistan"),
    ]
    result = import_events(geojson_bytes(features), filename="events.geojson")
    ev = result.events
    assert result.format == "geojson" and result.row_label == "feature"
    assert ev["row"].tolist() == [0, 2]  # the index in 'features'
    assert ev["kind"].tolist() == ["strike", "strike"]
    assert ev.loc[0, "killed_low"] == 2 and np.isnan(ev.loc[1, "killed_low"])
    assert ev.loc[1, "date"].date() == dt.date(2024, 1, 18)
    assert "https://www.dawn.com/n/1" in ev.loc[0, "source"]
    assert [(p.row, p.category) for p in result.problems] == [(1, "not a point")]
    assert result.summary().startswith("3 features read, 2 imported, 1 skipped: 1 not a point")


def test_geojson_with_acled_properties_is_read_as_acled():
    props = acled_row(sub_event_type="Suicide bomb", event_type="Explosions/Remote violence")
    result = import_events(geojson_bytes([feature(*SABZ_KOH, **props)]))
    assert result.format == "geojson" and result.events.loc[0, "kind"] == "bombing"
    assert result.events.loc[0, "precision_m"] == 25_000
    assert [p.category for p in result.notes] == ["layout"]


def test_geojson_without_a_date_field_is_refused_naming_the_names_it_takes():
    data = geojson_bytes([feature(*SABZ_KOH, when="2024-01-16", what="strike")])
    with pytest.raises(EventImportError, match=r"'x\.geojson': no date field: none of the features' "
                                               r"2 properties is named date, event_date.*") as err:
        import_events(data, filename="x.geojson")
    assert "when" not in str(err.value)  # an error never quotes the file's content


def test_shipped_events_reimport_unchanged():
    shipped = geo.load_layer("events")
    result = import_events(DATA_DIR / "events.geojson")
    ev = result.events
    assert result.problems == [] and len(ev) == len(shipped)
    assert ev["id"].tolist() == shipped["id"].tolist()
    assert ev["kind"].tolist() == shipped["kind"].tolist()
    assert ev["precision_m"].tolist() == shipped["precision_m"].astype(float).tolist()
    assert np.allclose(ev["border_distance_km"], shipped["border_distance_km"], atol=0.6)


def test_geojson_with_a_projected_crs_is_reprojected():
    x, y = 508_995.0, 2_983_424.0  # EPSG:32641 metres near Panjgur
    crs = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::32641"}}
    result = import_events(geojson_bytes([feature(x, y, date="2024-01-16")], crs=crs))
    point = result.events.geometry.iloc[0]
    assert 60 < point.x < 68 and 24 < point.y < 32
    assert [p.category for p in result.notes] == ["reprojected"]
    assert "EPSG:32641" in result.notes[0].reason


def test_geojson_with_an_unknown_crs_is_refused():
    crs = {"type": "name", "properties": {"name": "EPSG:999999"}}
    with pytest.raises(EventImportError, match="coordinate system 'EPSG:999999' is unknown"):
        import_events(geojson_bytes([feature(0, 0, date="2024-01-16")], crs=crs))


def test_projected_geojson_without_crs_is_out_of_range_with_a_hint():
    result = import_events(geojson_bytes([feature(508_995.0, 2_983_424.0, date="2024-01-16")]))
    row, reason = only_problem(result)
    assert row == 0 and reason.startswith("coordinates out of range") and "projected" in reason


def _gpkg(tmp_path: Path, crs: str, points: list[tuple[float, float]], **columns) -> bytes:
    frame = gpd.GeoDataFrame(columns, geometry=[shapely.Point(p) for p in points], crs=crs)
    path = tmp_path / "events.gpkg"
    frame.to_file(path, layer="events", engine="pyogrio")
    return path.read_bytes()


def test_geopackage_points_import(tmp_path):
    data = _gpkg(tmp_path, "EPSG:4326", [SABZ_KOH, SARAVAN],
                 date=pd.to_datetime(["2024-01-16", "2024-01-18"]), actor=["Iran", "Pakistan"],
                 kind=["strike", "strike"], place=["Sabz Koh", "Saravan"])
    result = import_events(data, filename="upload.gpkg")
    ev = result.events
    assert result.format == "gpkg" and result.notes == [] and result.problems == []
    assert ev["row"].tolist() == [1, 2]  # GeoPackage feature ids
    assert ev["date"].dt.date.tolist() == [dt.date(2024, 1, 16), dt.date(2024, 1, 18)]
    assert ev["border_side"].tolist() == ["PAK", "IRN"]


def test_geopackage_in_utm_41n_is_reprojected(tmp_path):
    utm = gpd.GeoSeries([shapely.Point(SABZ_KOH), shapely.Point(SARAVAN)], crs=4326).to_crs(32641)
    data = _gpkg(tmp_path, "EPSG:32641", [(p.x, p.y) for p in utm], date=["2024-01-16", "2024-01-18"])
    result = import_events(data)
    ev = result.events
    assert np.allclose(ev.geometry.x, [SABZ_KOH[0], SARAVAN[0]], atol=1e-7)
    assert np.allclose(ev.geometry.y, [SABZ_KOH[1], SARAVAN[1]], atol=1e-7)
    assert [p.category for p in result.notes] == ["reprojected"]
    assert "EPSG:32641" in result.notes[0].reason and "reprojected" in result.summary()


@pytest.mark.filterwarnings("ignore:'crs' was not provided")
def test_geopackage_without_a_crs_is_refused(tmp_path):
    data = _gpkg(tmp_path, None, [SABZ_KOH], date=["2024-01-16"])
    with pytest.raises(EventImportError, match="has no coordinate system"):
        import_events(data, filename="nocrs.gpkg")


def test_a_file_named_gpkg_that_is_not_one_is_refused():
    with pytest.raises(EventImportError, match=r"'a\.gpkg': named \.gpkg but is not a GeoPackage"):
        import_events(b"date,lat\n", filename="a.gpkg")


@pytest.mark.filterwarnings("ignore:GPKG")
def test_a_damaged_geopackage_is_refused():
    with pytest.raises(EventImportError, match="cannot be read as a GeoPackage"):
        import_events(b"SQLite format 3\x00" + b"\x01" * 200, filename="broken.gpkg")


# -- bad rows: reported with the row number a user sees, good rows kept ---------------------


@pytest.mark.parametrize(("changes", "category", "detail"), [
    ({"event_date": ""}, "missing date", "event_date is empty"),
    ({"event_date": "soon"}, "unparseable date", "'soon' is not a date"),
    ({"event_date": "2024-02-30"}, "impossible date", "February 2024 has 29 days"),
    ({"event_date": "30 February 2023"}, "impossible date", "February 2023 has 28 days"),
    ({"event_date": "2024-13-01"}, "impossible date", "no month 13"),
    ({"event_date": "16 January 2099"}, "implausible date", "after"),
    ({"latitude": "", "longitude": ""}, "missing coordinates", "latitude and longitude empty"),
    ({"latitude": "abc"}, "non-numeric coordinates", "latitude 'abc'"),
    ({"latitude": "27°30'N"}, "non-numeric coordinates", "decimal degrees"),
    ({"latitude": "inf"}, "non-numeric coordinates", "latitude 'inf'"),
    ({"latitude": "95.5", "longitude": "200"}, "coordinates out of range", "latitude 95.5"),
    ({"latitude": "0", "longitude": "0"}, "placeholder coordinates", "unknown location"),
])
def test_a_bad_row_is_skipped_with_its_row_and_reason(changes, category, detail):
    rows = [acled_row(event_id_cnty=f"PAK{i}") for i in range(4)]
    rows[2] = acled_row(event_id_cnty="BAD", **changes)
    result = import_events(to_csv(rows))
    row, reason = only_problem(result)
    assert row == 4  # header row 1, data rows 2, 3, 4, 5
    assert reason.startswith(category + ":") and detail in reason
    assert result.events["row"].tolist() == [2, 3, 5]
    assert result.summary() == f"4 rows read, 3 imported, 1 skipped: 1 {category}"


def test_two_problems_on_one_row_are_one_skip_with_both_reasons():
    result = import_events(to_csv([acled_row(), acled_row(event_date="x", latitude="y")]))
    row, reason = only_problem(result)
    assert row == 3 and "unparseable date" in reason and "non-numeric coordinates" in reason


def test_many_bad_rows_are_tallied_in_one_line():
    rows = ([acled_row() for _ in range(5)] + [acled_row(event_date="??") for _ in range(3)]
            + [acled_row(latitude="91", longitude="181") for _ in range(2)])
    result = import_events(to_csv(rows))
    assert result.summary() == ("10 rows read, 5 imported, 5 skipped: 3 unparseable date, "
                                "2 coordinates out of range")
    lines = result.problem_lines(limit=2)
    assert lines[0].startswith("row 7: unparseable date") and lines[-1] == "… and 3 more"


def test_bad_fatalities_are_noted_and_the_row_kept():
    result = import_events(to_csv([acled_row(fatalities="several")]))
    assert len(result.events) == 1 and np.isnan(result.events.loc[0, "killed_low"])
    assert [p.category for p in result.notes] == ["bad number"]


def test_a_row_with_too_many_fields_is_skipped_and_the_rest_kept():
    text = to_csv([acled_row(event_id_cnty=f"PAK{i}") for i in range(3)]).decode()
    lines = text.splitlines()
    lines[2] += ",surplus,fields"
    result = import_events("\n".join(lines).encode())
    row, reason = only_problem(result)
    assert row == 3 and reason.startswith("too many fields: 33 where the header has 31")
    assert result.events["id"].tolist() == ["PAK0", "PAK2"]


def test_an_unclosed_quote_keeps_the_rows_before_it():
    lines = to_csv([acled_row(), acled_row(), acled_row()]).decode().splitlines()
    lines[2] = lines[2].replace("Missiles and", '"Missiles and', 1)  # never closed
    lines.append("x" * 200_000)  # the csv module's field limit is 131,072 characters
    result = import_events("\n".join(lines).encode())
    assert result.events["row"].tolist() == [2]
    row, reason = only_problem(result)
    assert row == 3 and reason.startswith("unreadable CSV") and "rest of the file" in reason


def test_row_numbers_count_records_as_a_spreadsheet_shows_them():
    rows = [acled_row(notes="line one\nline two"), acled_row(), acled_row(event_date="bad")]
    header, rest = to_csv(rows).decode().split("\n", 1)
    text = header + "\n\n" + rest  # a blank row after the header
    result = import_events(text.encode())
    row, _ = only_problem(result)
    assert row == 5  # header 1, blank 2, rows 3 (two lines, one record), 4, 5
    assert result.events.loc[0, "summary"] == "line one\nline two"


def test_end_of_line_styles_and_trailing_delimiters_are_read():
    text = to_csv([acled_row(), acled_row()]).decode()
    crlf = text.replace("\n", "\r\n")
    assert len(import_events(crlf.encode()).events) == 2
    trailing = "\n".join(line + "," for line in text.splitlines())
    assert len(import_events(trailing.encode()).events) == 2


def test_semicolon_csv_with_decimal_commas_from_a_european_spreadsheet():
    row = acled_row(latitude="26,97", longitude="64,09", notes="a; b")
    result = import_events(to_csv([row], delimiter=";"))
    assert result.problems == []
    assert result.events.geometry.iloc[0].equals(shapely.Point(SABZ_KOH))


def test_duplicate_ids_are_noted_and_both_kept():
    result = import_events(to_csv([acled_row(event_id_cnty="PAK1"), acled_row(event_id_cnty="PAK1")]))
    assert len(result.events) == 2
    assert [(p.row, p.category) for p in result.notes] == [(3, "duplicate id")]
    assert "also on row 2" in result.notes[0].reason


def test_missing_ids_are_made_from_the_row():
    result = import_events(to_csv([acled_row(event_id_cnty="")]))
    assert result.events.loc[0, "id"] == "acled-2"


# -- swapped latitude and longitude ---------------------------------------------------------


def test_a_latitude_beyond_90_is_swapped_with_a_note():
    # Swapped, the point lies among the file's other points (Assam), so the swap is believed.
    rows = [acled_row(latitude="95.5", longitude="29.1", country="India"),
            acled_row(latitude="28.4", longitude="94.9", country="India")]
    result = import_events(to_csv(rows))
    point = result.events.geometry.iloc[0]
    assert (point.x, point.y) == (95.5, 29.1)
    row, reason = result.notes[0].row, result.notes[0].reason
    assert row == 2 and reason.startswith("swapped latitude/longitude: latitude 95.5 is beyond ±90")
    assert result.problems == [] and "swapped" in result.events.loc[0, "import_note"]


def test_swap_by_region_needs_the_rows_country():
    swapped = acled_row(latitude=str(SABZ_KOH[0]), longitude=str(SABZ_KOH[1]))
    result = import_events(to_csv([swapped]))
    assert result.events.geometry.iloc[0].equals(shapely.Point(SABZ_KOH))
    assert "far from PAK" in result.events.loc[0, "import_note"]
    # A country elsewhere: the point is believed as given, and nothing is said.
    finland = acled_row(latitude="64.09", longitude="26.97", country="Finland")
    result = import_events(to_csv([finland]))
    assert result.events.geometry.iloc[0].equals(shapely.Point(26.97, 64.09))
    assert result.notes == []
    # No country at all: kept as given and flagged.
    result = import_events(geojson_bytes([feature(SABZ_KOH[1], SABZ_KOH[0], date="2024-01-16")]))
    assert result.events.geometry.iloc[0].equals(shapely.Point(SABZ_KOH[1], SABZ_KOH[0]))
    assert [p.category for p in result.notes] == ["possibly swapped latitude/longitude"]


# -- whole files: encodings, empties, wrong columns, size, zip ------------------------------


def test_cp1252_file_is_read_with_a_note():
    # "Pishīn" (ī, U+012B) has no cp1252 byte; Windows exports write it "Pishîn" or "Pishin".
    row = acled_row(location="Pishîn", notes="“Militants” attacked – 3 killed", admin1="Balochistan")
    result = import_events(to_csv([row], encoding="cp1252"), filename="acled-export.csv")
    assert result.events.loc[0, "place"] == "Pishîn, Balochistan"
    assert result.events.loc[0, "summary"] == "“Militants” attacked – 3 killed"
    assert [p.category for p in result.notes] == ["encoding"]
    assert "Windows-1252" in result.notes[0].reason and result.notes[0].row is None
    assert "1 encoding" in result.summary()


def test_utf8_with_and_without_bom_needs_no_note():
    row = acled_row(location="Pishīn")
    for data in (to_csv([row]), to_csv([row], encoding="utf-8-sig")):
        result = import_events(data)
        assert result.events.loc[0, "place"] == "Pishīn, Balochistan" and result.notes == []


def test_utf16_tab_separated_text_from_excel():
    data = to_csv([acled_row(location="Pishīn")], delimiter="\t", encoding="utf-16")
    result = import_events(data)
    assert result.events.loc[0, "place"] == "Pishīn, Balochistan"
    assert [p.category for p in result.notes] == ["encoding"]


def test_undecodable_bytes_fall_back_to_latin1_without_crashing():
    data = to_csv([acled_row(location="PLACE")]).replace(b"PLACE", b"Pish\x81n")  # 0x81: no cp1252
    result = import_events(data)
    assert result.events.loc[0, "place"].startswith("Pish") and "Latin-1" in result.notes[0].reason


def test_empty_file_is_refused():
    with pytest.raises(EventImportError, match=r"'empty\.csv': the file is empty \(0 bytes\)"):
        import_events(b"", filename="empty.csv")
    with pytest.raises(EventImportError, match="only blank space"):
        import_events(b" \n\r\n ", filename="blank.csv")


def test_header_only_gives_no_events_and_says_so():
    result = import_events(",".join(ACLED_COLUMNS).encode() + b"\n")
    assert result.events.empty and list(result.events.columns) == [*COLUMNS, "geometry"]
    assert result.rows_read == 0 and result.problems == []
    assert result.summary() == "0 rows read, 0 imported; notes: 1 no data"


def test_wrong_columns_name_what_each_format_needs():
    with pytest.raises(EventImportError) as err:
        import_events(b"name,when,lat,lon\nx,2024-01-01,1,2\n", filename="mine.csv")
    message = str(err.value)
    assert message.startswith("'mine.csv': not an ACLED or UCDP GED export: none of its 4 columns")
    assert "when" not in message and "lat," not in message  # never the file's content
    assert "event_date" in message and "date_start" in message


def test_missing_required_columns_are_named():
    columns = [c for c in ACLED_COLUMNS if c not in ("latitude", "longitude")]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore")
    writer.writeheader()
    writer.writerow(acled_row())
    data = out.getvalue().encode()
    with pytest.raises(EventImportError, match=r"looks like an ACLED export but lacks the required "
                                               r"columns latitude, longitude"):
        import_events(data, filename="acled.csv")


def test_upper_case_headers_of_older_acled_exports_are_read():
    text = to_csv([acled_row()]).decode()
    header, rest = text.split("\n", 1)
    assert len(import_events((header.upper() + "\n" + rest).encode()).events) == 1


def test_files_over_the_limit_are_refused_with_size_and_limit(tmp_path):
    data = to_csv([acled_row()] * 4000)
    assert len(data) > MB
    with pytest.raises(EventImportError, match=r"'big\.csv' is 1\.\d MB, over the import limit of 1 MB"):
        import_events(data, filename="big.csv", max_bytes=MB)
    path = tmp_path / "big.csv"
    path.write_bytes(data)
    with pytest.raises(EventImportError, match="over the import limit of 1 MB"):
        import_events(path, max_bytes=MB)
    assert len(import_events(path).events) == 4000  # the default limit is 50 MB


def test_an_upload_object_over_the_limit_is_refused_before_reading():
    class Upload(io.BytesIO):
        name = "huge.csv"
        size = 60 * MB

        def read(self, *args):
            raise AssertionError("read before the size check")

    with pytest.raises(EventImportError, match=r"'huge\.csv' is 60 MB, over the import limit of 50 MB"):
        import_events(Upload())


def test_binary_file_objects_and_paths_are_accepted(tmp_path):
    data = to_csv([acled_row()])
    stream = io.BytesIO(data)
    stream.name = "/some/where/acled.csv"
    assert len(import_events(stream).events) == 1
    path = tmp_path / "acled.csv"
    path.write_bytes(data)
    assert import_events(str(path)).filename == "acled.csv"


def test_a_missing_path_is_an_import_error_with_a_hint_for_contents():
    with pytest.raises(EventImportError, match="'nope.csv': file not found$"):
        import_events("nope.csv")
    with pytest.raises(EventImportError, match="looks like file contents"):
        import_events("event_id_cnty,event_date\nPAK1,2024-01-01\n")


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def test_a_zip_with_one_csv_is_imported_and_others_refused():
    data = _zip({"ged241-csv/GEDEvent_v24_1.csv": to_csv([ucdp_row()]), "README.txt.md": b"x"})
    result = import_events(data, filename="ged241-csv.zip")
    assert result.format == "ucdp" and result.filename == "ged241-csv.zip/GEDEvent_v24_1.csv"
    with pytest.raises(EventImportError, match="more than one CSV"):
        import_events(_zip({"a.csv": b"x", "b.csv": b"y"}), filename="two.zip")
    with pytest.raises(EventImportError, match="Excel workbook must first be saved as CSV"):
        import_events(_zip({"xl/workbook.xml": b"<x/>", "[Content_Types].xml": b"<x/>"}),
                      filename="acled.xlsx")


def test_a_zip_member_over_the_limit_is_refused_before_it_is_unpacked():
    data = _zip({"acled.csv": b"0" * (3 * MB)})  # compresses to a few KB
    assert len(data) < MB
    with pytest.raises(EventImportError, match=r"acled\.csv' is 3 MB, over the import limit of 1 MB"):
        import_events(data, filename="small.zip", max_bytes=MB)


def test_binary_and_json_garbage_are_refused_clearly():
    with pytest.raises(EventImportError, match="a binary file"):
        import_events(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", filename="map.png")
    with pytest.raises(EventImportError, match=r"not valid JSON: .* line 1, column"):
        import_events(b'{"type": "FeatureCollection", "features": [', filename="x.geojson")
    with pytest.raises(EventImportError, match="not a GeoJSON FeatureCollection"):
        import_events(b'{"type": "Topology"}')
    with pytest.raises(EventImportError, match="nested 100,000 levels deep, over the limit of 64"):
        import_events(b"[" * 100_000)


# -- security: everything from a file is escaped in the map's HTML --------------------------

XSS = ("<script>alert(1)</script>", "<img src=x onerror=alert(1)>")


def test_popups_and_tooltips_escape_every_text_from_the_file():
    row = acled_row(notes=XSS[0] + XSS[1], actor1=XSS[1], location=XSS[0], actor2=XSS[0],
                    admin1=XSS[1], event_type=XSS[0], sub_event_type=XSS[1],
                    source=f"{XSS[0]} javascript:alert(1) https://example.org/a?b=1&c=2 "
                           'http://x.test/"onmouseover="alert(1)',
                    event_id_cnty=XSS[1])
    result = import_events(to_csv([row]))
    props = result.events.drop(columns="geometry").iloc[0].to_dict()
    for html in (IMPORTED.popup_of(props), IMPORTED.tooltip_of(props)):
        assert not re.search(r"<\s*(script|img)", html, re.I), html
        assert "&lt;script&gt;" in html
    popup = IMPORTED.popup_of(props)
    assert "&lt;img src=x onerror=alert(1)&gt;" in popup
    hrefs = re.findall(r'href="([^"]*)"', popup)
    assert hrefs == ["https://example.org/a?b=1&amp;c=2", "http://x.test/"]
    assert "javascript:" not in "".join(hrefs)
    assert not re.search(r"\son\w+=\"", popup.replace('rel="noopener', ""))


def test_only_http_addresses_become_links():
    html = linked_text_html("See https://dawn.com/x. Or javascript:alert(1), ftp://a.b, data:text/html,<b>")
    assert re.findall(r'href="([^"]*)"', html) == ["https://dawn.com/x"]
    assert "&lt;b&gt;" in html and "<b>" not in html
    assert linked_text_html(None) == ""


def test_imported_events_reach_the_map_as_text_with_their_shape():
    # What the app sends the map element for an upload (app.py: prepare_imported, then
    # imported_columns): the file's text as data, never as markup, and each kind's marker.
    from geo.web.explorer import imported_columns
    from geo.web.imported import prepare_imported

    result = import_events(to_csv([acled_row(actor1=XSS[0]), acled_row(event_id_cnty="P2")]))
    columns, meta = imported_columns(prepare_imported(result.events), "acled.csv")
    assert len(columns) == 2
    assert columns["actor"].iloc[0] == XSS[0]  # as written in the file: the engine sets text
    assert json.loads(json.dumps(meta))["styles"][columns["style"].iloc[0]]["marker"] == "triangle"
    assert meta["source"] == "acled.csv"


# -- the layer spec -------------------------------------------------------------------------


@pytest.mark.parametrize(("actor", "group"), [
    ("Military Forces of Pakistan (2018-)", "PAK"),
    ("Police Forces of Pakistan (2018-) Frontier Corps", "PAK"),
    ("Government of Pakistan", "PAK"),
    ("Military Forces of Iran (1989-) Islamic Revolutionary Guard Corps", "IRN"),
    ("Government of Iran", "IRN"),
    ("Unidentified Armed Group (Pakistan)", "militant"),
    ("BLA: Balochistan Liberation Army", "militant"),
    ("TTP: Tehreek-i-Taliban Pakistan", "militant"),
    ("Jaish al Adl", "militant"),
    ("Jondullah", "militant"),
    ("Protesters (Pakistan)", "other"),
    ("Civilians (Iran)", "other"),
])
def test_acled_and_ucdp_actor_names_get_the_atlas_colours(actor, group):
    assert imported_actor_group(actor) == group


def test_imported_layer_draws_each_kind_with_its_own_shape():
    markers = {kind: IMPORTED.style_of({"kind": kind, "actor": "x"}).marker for kind in IMPORT_KINDS}
    assert len(set(markers.values())) == len(IMPORT_KINDS)
    assert markers["strike"] == "triangle" and markers["protest"] == "bar"


def test_imported_events_filter_by_the_date_window_on_the_map_and_in_figures():
    from geo.assemble import window
    from geo.web.imported import prepare_imported

    rows = [acled_row(event_date="16 January 2024"), acled_row(event_date="2023-06-01"),
            acled_row(event_date="31 January 2024")]
    ev = import_events(to_csv(rows)).events
    january = (dt.date(2024, 1, 1), dt.date(2024, 1, 31))
    assert prepare_imported(ev).mask(*january).tolist() == [True, False, True]  # the map
    drawn = window(IMPORTED.name, *january, ev)  # what a figure draws (geo.figure.compose)
    assert sorted(drawn["date"].dt.date) == [dt.date(2024, 1, 16), dt.date(2024, 1, 31)]
    assert window(IMPORTED.name, dt.date(2024, 2, 1), dt.date(2024, 2, 2), ev).empty


# -- distance to the border: repeated places measured once, same figures -------------------


def test_batched_border_distance_equals_point_by_point(border_line):
    rng = np.random.default_rng(7)
    lon, lat = rng.uniform(55, 70, 400), rng.uniform(20, 35, 400)
    lon[:50], lat[:50] = lon[50:100], lat[50:100]  # repeated places are measured once
    expected = np.array([geo.distance_to_border_km([x], [y], border_line)[0]
                         for x, y in zip(lon, lat, strict=True)])
    batched = geo.distance_to_border_km(lon, lat, border_line)
    assert np.allclose(batched, expected, rtol=0, atol=1e-6)
    assert geo.distance_to_border_km(np.array([]), np.array([]), border_line).shape == (0,)


def test_a_hundred_thousand_rows_import():
    n = 100_000
    rng = np.random.default_rng(11)
    frame = pd.DataFrame({c: "" for c in ACLED_COLUMNS}, index=range(n))
    frame["event_id_cnty"] = "PAK" + pd.Series(np.arange(n)).astype(str)
    days = pd.Timestamp("2017-01-01") + pd.to_timedelta(rng.integers(0, 2900, n), unit="D")
    frame["event_date"] = days.strftime("%d %B %Y")
    frame["event_type"], frame["sub_event_type"] = "Battles", "Armed clash"
    frame["actor1"], frame["country"] = "Military Forces of Pakistan (2018-)", "Pakistan"
    frame["latitude"] = np.round(rng.uniform(24, 32, n), 4).astype(str)
    frame["longitude"] = np.round(rng.uniform(57, 67, n), 4).astype(str)
    frame["geo_precision"], frame["fatalities"] = "1", "0"
    frame.loc[::1000, "event_date"] = "31 June 2020"
    data = frame.to_csv(index=False).encode()
    result = import_events(data, max_bytes=len(data))
    assert len(result.events) == n - 100
    assert result.summary() == f"{n:,} rows read, {n - 100:,} imported, 100 skipped: 100 impossible date"
    assert result.events["border_distance_km"].notna().all()
