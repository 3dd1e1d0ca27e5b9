"""The record's fields: kinds and their ACLED crosswalk, perpetrators and all deaths, honest
areas for unknown sites, and the one rule for crossing changes; each drawn and exported."""

from __future__ import annotations

import json

import pytest

import geo
from geo._schema import EVENT_KINDS
from geo.acled import ACLED_TYPES, EVENT_TYPE_OF, KIND_TO_ACLED, acled_types
from geo.build import curated
from layers import SPECS
from layers import palette as pal
from tests._curated import copy_curated as _copy
from tests._curated import edit_curated as _edit

RELEASE_2018 = "2018-11-15-five-abducted-iranian-guards-recovered"
PANJGUR = 'id = "2022-02-02-panjgur-fc-camp-attack"'
SARAVAN = 'id = "2013-10-25-saravan-border-guards-ambush"\ndate = "2013-10-25"\ntime_precision = "day"\nkind = "attack"'




def _event(built, eid):
    return next(f for f in built["events"] if f["properties"]["id"] == eid)


# -- kinds and the ACLED crosswalk ------------------------------------------------------------

def test_every_kind_has_a_shape_of_its_own_and_an_acled_pair():
    assert set(KIND_TO_ACLED) == set(EVENT_KINDS) == set(pal.KIND_MARKERS)
    assert len(set(pal.KIND_MARKERS.values())) == len(pal.KIND_MARKERS)
    for etype, sub in KIND_TO_ACLED.values():
        assert sub in ACLED_TYPES[etype]
    assert len(EVENT_TYPE_OF) == sum(len(s) for s in ACLED_TYPES.values())  # each sub once


@pytest.mark.parametrize(("props", "pair"), [
    ({"kind": "attack", "target": "Iranian border guards at a post"}, ("Battles", "Armed clash")),
    ({"kind": "attack", "target": "Pakistani fuel carriers"}, ("Violence against civilians", "Attack")),
    ({"kind": "shelling", "target": "villages"}, ("Explosions/Remote violence", "Shelling/artillery/missile attack")),
    ({"kind": "release", "target": "guards"}, ("Strategic developments", "Agreement")),
    ({"kind": "release", "acled_sub_event_type": "Armed clash"}, ("Battles", "Armed clash")),
    ({"kind": "bombing", "acled_sub_event_type": "Suicide bomb"}, ("Explosions/Remote violence", "Suicide bomb")),
    ({"kind": "crackdown"}, ("Protests", "Excessive force against protesters")),
])
def test_acled_crosswalk(props, pair):
    assert acled_types(props) == pair


def test_an_unknown_kind_or_sub_event_type_is_named():
    with pytest.raises(ValueError, match="'raid' has no ACLED crosswalk"):
        acled_types({"kind": "raid"})
    with pytest.raises(ValueError, match="'Skirmish' is not one of ACLED's"):
        acled_types({"kind": "clash", "acled_sub_event_type": "Skirmish"})


def test_shipped_events_carry_their_acled_types(layers):
    ev = layers["events"]
    assert ev["acled_event_type"].notna().all() and ev["acled_sub_event_type"].notna().all()
    for _, row in ev.iterrows():
        assert acled_types(row.to_dict()) == (row["acled_event_type"], row["acled_sub_event_type"])


# -- casualties -------------------------------------------------------------------------------

def test_deaths_are_victims_plus_perpetrators(tmp_path, border_line):
    folder = _copy(tmp_path)
    _edit(folder, "events.toml", SARAVAN, SARAVAN + "\nperpetrators_killed_low = 4\nperpetrators_killed_high = 6")
    built = curated.build(border_line, folder)
    p = _event(built, "2013-10-25-saravan-border-guards-ambush")["properties"]
    assert (p["deaths_low"], p["deaths_high"]) == (p["killed_low"] + 4, p["killed_high"] + 6)
    panjgur = _event(built, "2022-02-02-panjgur-fc-camp-attack")["properties"]
    assert (panjgur["deaths_low"], panjgur["deaths_high"]) == (13, 13)  # 5 soldiers, 8 attackers


def test_deaths_written_by_hand_are_refused(tmp_path, border_line):
    folder = _copy(tmp_path)
    _edit(folder, "events.toml", SARAVAN, SARAVAN + "\ndeaths_low = 1\ndeaths_high = 1")
    with pytest.raises(geo.LayerValidationError, match="deaths_low is computed by the build"):
        curated.build(border_line, folder)


def test_a_shipped_file_with_wrong_deaths_is_refused(tmp_path, layers):
    from geo._validate import _range_problems

    assert list(_range_problems({"killed_low": 2, "killed_high": 3, "deaths_low": 2, "deaths_high": 3})) == []
    problems = list(_range_problems({"killed_low": 2, "killed_high": 3, "perpetrators_killed_low": 1,
                                     "perpetrators_killed_high": 1, "deaths_low": 2, "deaths_high": 3}))
    assert problems and "not killed + perpetrators_killed" in problems[0]


# -- honest unknown places --------------------------------------------------------------------

def test_a_note_admitting_the_place_is_outside_the_radius_is_refused(tmp_path, border_line):
    folder = _copy(tmp_path)
    _edit(folder, "events.toml", "(GeoNames 1168446). The simultaneous attack",
          "(GeoNames 1168446); the true site is unknown and not covered by the radius. The simultaneous attack")
    with pytest.raises(geo.LayerValidationError, match="admits the place lies outside the radius"):
        curated.build(border_line, folder)


def test_area_events_are_drawn_as_their_area(layers):
    ev = layers["events"].set_index("id")
    row = ev.loc[RELEASE_2018]
    assert row["area"] == "country:PAK" and row["area_geometry"]["type"] in ("Polygon", "MultiPolygon")
    assert row["precision_m"] > 1_000_000  # reaches all of Pakistan from Islamabad
    from geo.web.layers import prepare_layer

    prepared = prepare_layer("events", layers["events"])
    i = list(layers["events"]["id"]).index(RELEASE_2018)
    outline = json.loads(prepared.circles[i])
    assert outline["properties"]["_a"] == 1 and "_r" not in outline["properties"]
    assert outline["geometry"]["type"] in ("Polygon", "MultiPolygon")
    assert "somewhere in Pakistan" in SPECS["events"].popup_of(row.to_dict() | {"id": RELEASE_2018})


def test_print_draws_areas_not_circles(layers):
    from pyproj import CRS

    from geo.figure.drawn import area_outlines, precision_circles

    crs = CRS.from_epsg(3857)
    ev = layers["events"]
    areas = ev[ev["area"].notna()]
    assert len(areas) >= 3
    assert precision_circles(areas, crs) == []
    outlines = area_outlines(areas, crs)
    assert len(outlines) == len(areas) and all(o.area > 1e10 for o in outlines)


def test_downloads_export_areas_and_acled_columns(layers):
    from geo.table import events_csv, events_geojson, events_table

    ev = layers["events"]
    table = events_table(ev)
    assert {"acled event type", "acled sub-event type", "deaths", "area"} <= set(table.columns)
    feats = json.loads(events_geojson(ev, "events"))["features"]
    release = next(f for f in feats if f["properties"]["id"] == RELEASE_2018)
    assert release["geometry"]["type"] in ("Polygon", "MultiPolygon")
    assert "point_lon" in release["properties"] and "area_geometry" not in release["properties"]
    csv = events_csv(ev).decode("utf-8")
    assert "area_wkt" in csv.splitlines()[0] and "POLYGON" in csv


@pytest.mark.parametrize(("old", "new", "message"), [
    ('area = "country:PAK"', 'area = "district:panjgur"', "names no area"),
    ('area = "country:PAK"', 'area = "province:IR-13"', "is not inside its area"),
    ('area = "country:PAK"', 'area = "country:PAK"\nprecision_m = 10000', "does not reach the whole of its area"),
])
def test_bad_areas_are_refused(tmp_path, border_line, old, new, message):
    folder = _copy(tmp_path)
    _edit(folder, "events.toml", old, new)
    with pytest.raises(geo.LayerValidationError, match=message):
        curated.build(border_line, folder)


# -- crossing changes: one rule ---------------------------------------------------------------

def test_a_closure_must_name_and_match_a_status_change(tmp_path, border_line):
    folder = _copy(tmp_path)
    _edit(folder, "events.toml", SARAVAN, SARAVAN.replace('kind = "attack"', 'kind = "closure"'))
    with pytest.raises(geo.LayerValidationError, match="names the crossings it changed"):
        curated.build(border_line, folder)
    _edit(folder, "events.toml", 'kind = "closure"\nactor = "Jaish al-Adl"',
          'kind = "closure"\ncrossings = ["taftan-mirjaveh"]\nactor = "Jaish al-Adl"')
    with pytest.raises(geo.LayerValidationError, match="'taftan-mirjaveh' has no closed/halted status change"):
        curated.build(border_line, folder)


def test_shipped_closures_and_reopenings_agree_with_the_crossings(layers):
    ev = layers["events"]
    changes = ev[ev["kind"].isin(["closure", "reopening"])]
    assert len(changes) >= 4
    assert all(isinstance(c, list) and c for c in changes["crossings"])


def test_a_halted_crossing_is_closed_on_its_day_only():
    import datetime as dt

    from geo.assemble import crossing_status

    history = [{"date": "2020-06-18", "status": "reopened"}, {"date": "2022-10-02", "status": "halted"}]
    assert crossing_status(history, dt.date(2022, 10, 1)) == "open"
    assert crossing_status(history, dt.date(2022, 10, 2)) == "closed"
    assert crossing_status(history, dt.date(2022, 10, 3)) == "open"
