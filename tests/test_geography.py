"""Geographic sanity: things lie where the sources say, and the provinces meet the border."""

from __future__ import annotations

import numpy as np
import pytest

from shapely import geometry as sgeom
from shapely.ops import substring, unary_union

import geo

ONE_METRE_DEG = 1e-5  # about 1.1 m of latitude; a little less of longitude here


def _province(layers, code):
    p = layers["provinces"]
    return p[p["iso_3166_2"] == code].geometry.iloc[0]


def test_border_runs_from_tripoint_to_gwadar_bay(border_line):
    (x0, y0), (x1, y1) = border_line.coords[0], border_line.coords[-1]
    # Kuh-i-Malik Siah, the Afghanistan-Iran-Pakistan tripoint, near 29.86 N 60.87 E.
    assert geo.distance_to_border_km([60.87], [29.86], sgeom.LineString([(x0, y0), (x0, y0 + 1e-9)]))[0] < 5
    # Gwadar Bay, between Jiwani (PAK) and the Dashtiari coast (IRN), near 25.17 N 61.6 E.
    assert 61.5 < x1 < 61.7 and 25.05 < y1 < 25.25


def test_iran_strike_of_16_january_is_in_balochistan_near_the_border(layers, border_line):
    ev = layers["events"].set_index("id").loc["2024-01-16-iran-strike-panjgur"]
    assert _province(layers, "PK-BA").contains(ev.geometry)
    assert ev["border_side"] == "PAK"
    assert 0 < ev["border_distance_km"] < 60


def test_pakistan_strikes_of_18_january_are_in_sistan_baluchestan_near_the_border(layers):
    ev = layers["events"].set_index("id").loc["2024-01-18-pakistan-strike-saravan"]
    assert _province(layers, "IR-13").contains(ev.geometry)
    assert ev["border_side"] == "IRN"
    assert 0 < ev["border_distance_km"] < 60


def test_every_place_lies_in_its_stated_country(layers):
    countries = layers["context"]
    countries = countries[countries["kind"] == "country"].set_index("country")
    for _, place in layers["places"].iterrows():
        shape = countries.loc[place["country"]].geometry
        # Coastal towns may sit just off a generalised coastline: allow the stated precision.
        slack_deg = place["precision_m"] / 111_000
        assert shape.buffer(slack_deg).contains(place.geometry), place["id"]


def test_events_in_the_border_provinces_lie_on_their_stated_side(layers):
    provinces = unary_union(list(layers["provinces"].geometry))
    ev = layers["events"]
    near = ev[ev.geometry.within(provinces)]
    assert len(near) >= 10
    for _, row in near.iterrows():
        assert row["border_side"] == row["country"], row["id"]


@pytest.mark.parametrize("code", ["IR-13", "PK-BA"])
def test_province_edge_along_the_border_is_the_border_line(layers, border_line, code):
    edge = _province(layers, code).boundary
    # Every vertex of the border lies on the province's edge (within 1 m) ...
    coords = np.asarray(border_line.coords)
    worst = max(edge.distance(sgeom.Point(xy)) for xy in coords)
    assert worst < ONE_METRE_DEG
    # ... and the edge's stretch along the border is the border (within 1 m).
    along = edge.intersection(border_line.buffer(ONE_METRE_DEG))
    assert along.hausdorff_distance(border_line) < ONE_METRE_DEG


def test_provinces_leave_no_sliver_and_no_gap_along_the_border(layers, border_line):
    iran, pak = _province(layers, "IR-13"), _province(layers, "PK-BA")
    overlap_km2 = geo.polygon_area_km2(iran.intersection(pak)) if iran.intersection(pak).area else 0
    assert overlap_km2 < 1e-6
    # Along the whole border but its last ~10 km at each end (where the neighbours are
    # Afghanistan and the sea), a 2 km corridor either side is covered by the two provinces.
    inner = substring(border_line, 0.1, border_line.length - 0.1)
    gap = inner.buffer(0.02).difference(unary_union([iran, pak]))
    assert gap.is_empty or geo.polygon_area_km2(gap) < 0.001
