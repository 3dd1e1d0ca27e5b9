"""Geodesic measures: border length and why it is not 909 km; areas; distances; sides."""

from __future__ import annotations

import numpy as np
import pytest

from shapely import geometry as sgeom

import geo


def test_border_length_is_measured_and_explained(layers, border_line):
    row = layers["border"].iloc[0]
    measured = geo.line_length_km(border_line)
    assert row["length_km"] == pytest.approx(measured, abs=0.1)
    # A 10 m line follows every bend: longer than the published 909 km and 959 km.
    assert 950 < measured < 1100
    published = sorted(item["km"] for item in row["published_lengths"])
    assert published[0] == 909 and 959 in published
    assert all(item["source"]["url"].startswith("http") for item in row["published_lengths"])
    note = row["length_note"].lower()
    assert "coastline" in note and f"{measured:.0f}" in note


def test_a_straighter_line_is_shorter(border_line):
    # The reason the measured length exceeds the published ones, shown on the line itself.
    coarse = border_line.simplify(0.05)
    assert geo.line_length_km(coarse) < geo.line_length_km(border_line) - 50


@pytest.mark.parametrize("code", ["IR-13", "PK-BA"])
def test_province_area_within_a_few_percent_of_published(layers, code):
    p = layers["provinces"].set_index("iso_3166_2").loc[code]
    measured = geo.polygon_area_km2(p.geometry)
    assert p["area_km2"] == pytest.approx(measured, rel=1e-4)
    assert measured == pytest.approx(p["published_area_km2"], rel=0.04)


def test_known_geodesic_distances():
    # One degree of latitude at the equator is 110.574 km on WGS84.
    assert geo.line_length_km(sgeom.LineString([(0, 0), (0, 1)])) == pytest.approx(110.574, abs=0.01)
    # A 1x1 degree cell at the equator is about 12,308 km².
    assert geo.polygon_area_km2(sgeom.box(0, 0, 1, 1)) == pytest.approx(12308, rel=0.001)


def test_distance_to_border_is_geodesic_and_vectorised(border_line):
    x0, y0 = border_line.coords[100]
    on = geo.distance_to_border_km([x0], [y0], border_line)
    assert on[0] < 0.01
    # A point 0.5 degrees due west of a vertex is no farther than the geodesic to that vertex.
    lon, lat = np.array([x0 - 0.5]), np.array([y0])
    d = geo.distance_to_border_km(lon, lat, border_line)[0]
    _, _, to_vertex = geo.measure.GEOD.inv(lon[0], lat[0], x0, y0)
    assert 0 < d <= to_vertex / 1000 + 1e-6


def test_side_of_border():
    line = sgeom.LineString([(62.0, 29.0), (62.0, 26.0)])
    lon, lat = np.array([61.5, 62.5, 20.0]), np.array([27.5, 27.5, 27.5])
    sides = geo.side_of_border(lon, lat, line)
    assert list(sides) == ["IRN", "PAK", None]  # far away: no meaningful side


def test_missing_coordinates_have_no_distance(border_line):
    d = geo.distance_to_border_km([np.nan, 62.0], [27.0, np.nan], border_line)
    assert np.isnan(d).all()
    d = geo.distance_to_border_km([np.nan, 62.0], [27.0, 27.0], border_line)
    assert np.isnan(d[0]) and d[1] >= 0
