"""Every shipped layer meets its data contract; every curated fact carries a source."""

from __future__ import annotations

import json
import re

import pytest

import geo
from geo._paths import DATA_DIR

URL = re.compile(r"^https?://[^\s/$.?#].[^\s]*$")


@pytest.mark.parametrize("name", geo.LAYER_NAMES)
def test_layer_loads_validated_in_wgs84(name, layers):
    frame = layers[name]
    assert len(frame) > 0
    assert frame.crs.to_epsg() == 4326
    assert frame["id"].is_unique
    assert frame.geometry.is_valid.all()
    expected = set(geo.SCHEMAS[name].geometry_types)
    assert set(frame.geom_type) <= expected


@pytest.mark.parametrize("name", geo.LAYER_NAMES)
def test_every_feature_cites_followable_sources(name, layers):
    for _, row in layers[name].iterrows():
        assert row["sources"], f"{name}/{row['id']} has no source"
        for src in row["sources"]:
            assert URL.match(src["url"]), (name, row["id"], src["url"])
            assert src["title"].strip() and src["publisher"].strip()


@pytest.mark.parametrize("name", geo.LAYER_NAMES)
def test_shipped_file_is_rfc7946_feature_collection(name):
    collection = json.loads((DATA_DIR / f"{name}.geojson").read_text(encoding="utf-8"))
    assert collection["type"] == "FeatureCollection"
    assert "crs" not in collection  # RFC 7946: WGS84 longitude/latitude, no crs member


def test_events_required_by_the_atlas_are_present(layers):
    events = layers["events"].set_index("id")
    dates = events["date"].dt.strftime("%Y-%m-%d")
    wanted = {
        "2024-01-16": "strike",   # Iran's strike near Sabz Koh, Panjgur
        "2024-01-18": "strike",   # Pakistan's strikes near Saravan
        "2024-01-03": "bombing",  # Kerman
        "2023-12-15": "attack",   # Rask
        "2024-04-03": "attack",   # Rask and Chabahar
        "2017-06-19": "shoot-down",
        "2024-01-22": "diplomatic",
        "2024-01-29": "diplomatic",
        "2024-04-22": "diplomatic",
    }
    for day, kind in wanted.items():
        assert ((dates == day) & (events["kind"] == kind)).any(), (day, kind)
    erbil_idlib = events[events["country"].isin(["IRQ", "SYR"]) & (events["kind"] == "strike")]
    assert set(erbil_idlib["country"]) == {"IRQ", "SYR"}


def test_casualty_ranges_are_ordered_and_paired(layers):
    ev = layers["events"]
    for what in ("killed", "injured"):
        both = ev[[f"{what}_low", f"{what}_high"]].dropna()
        assert (both[f"{what}_low"] <= both[f"{what}_high"]).all()
        assert ev[f"{what}_low"].isna().equals(ev[f"{what}_high"].isna())


def test_strikes_of_the_crisis_carry_precision_and_footnotes(layers):
    ev = layers["events"].set_index("id")
    for event_id in ("2024-01-16-iran-strike-panjgur", "2024-01-18-pakistan-strike-saravan"):
        row = ev.loc[event_id]
        assert row["precision_m"] >= 1000, "no published coordinates: must not claim metre precision"
        assert len(row["footnotes"]) > 0
        assert len(row["location_note"]) > 40


def test_routes_are_schematic_and_go_through_cited_places(layers):
    places = layers["places"].set_index("id")
    for _, route in layers["routes"].iterrows():
        assert route["schematic"] is True
        assert route["kind"] in {"drugs", "fuel"}
        coords = list(route.geometry.coords)
        assert len(coords) == len(route["waypoints"])
        for (x, y), wp in zip(coords, route["waypoints"], strict=True):
            p = places.loc[wp].geometry
            assert (x, y) == pytest.approx((p.x, p.y), abs=1e-6)
    assert set(layers["routes"]["kind"]) == {"drugs", "fuel"}


def test_named_crossings_exist(layers):
    names = " ".join(layers["crossings"]["name"]).lower()
    for pair in (("taftan", "mirjaveh"), ("gabd", "rimdan"), ("mand", "pishin")):
        assert all(p in names for p in pair), pair
