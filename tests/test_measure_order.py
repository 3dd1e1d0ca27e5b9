"""The border distance measures points in a curve's order through the plane (for speed): the
order groups near points, and each point's distance is the one it has measured alone."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import geo
from geo import measure
from geo.measure import z_order

BORDER = geo.load_layer("border").geometry.iloc[0]


def test_z_order_is_a_permutation_that_keeps_each_cluster_together():
    rng = np.random.default_rng(3)
    corners = np.array([[0, 0], [100, 0], [0, 100], [100, 100]], dtype=float)
    which = rng.integers(0, 4, 400)
    xy = corners[which] + rng.uniform(0, 5, (400, 2))
    order = z_order(xy[:, 0], xy[:, 1])
    assert sorted(order.tolist()) == list(range(400))
    runs = np.count_nonzero(np.diff(which[order]))  # changes of cluster along the order
    assert runs == 3
    assert z_order(np.array([1.0]), np.array([2.0])).tolist() == [0]
    assert z_order(np.zeros(3), np.zeros(3)).tolist() == [0, 1, 2]  # one place: kept as given


_LON = st.one_of(st.floats(50, 75), st.sampled_from([61.5, 62.0, 60.87, np.nan]))
_LAT = st.one_of(st.floats(20, 37), st.sampled_from([25.1, 27.0, 29.86, np.nan]))


@settings(max_examples=60, deadline=None)
@given(points=st.lists(st.tuples(_LON, _LAT), min_size=1, max_size=60))
def test_each_distance_is_the_one_measured_alone(points):
    lon, lat = (np.array(v, dtype=float) for v in zip(*points, strict=True))
    together = measure.distance_to_border_km(lon, lat, BORDER)
    alone = np.array([measure.distance_to_border_km([x], [y], BORDER)[0]
                      for x, y in zip(lon, lat, strict=True)])
    np.testing.assert_array_equal(together, alone)


def test_a_large_shuffled_set_gives_each_point_its_own_distance(monkeypatch):
    rng = np.random.default_rng(11)
    lon, lat = np.round(rng.uniform(57, 67, 5_000), 4), np.round(rng.uniform(24, 32, 5_000), 4)
    monkeypatch.setattr(measure, "DISTANCE_SLICE", 701)  # slices that cut the curve anywhere
    forward = measure.distance_to_border_km(lon, lat, BORDER)
    flip = np.arange(5_000)[::-1]
    backward = measure.distance_to_border_km(lon[flip], lat[flip], BORDER)
    np.testing.assert_array_equal(backward[flip], forward)
    some = rng.choice(5_000, 40, replace=False)
    alone = [measure.distance_to_border_km([lon[i]], [lat[i]], BORDER)[0] for i in some]
    np.testing.assert_array_equal(forward[some], alone)
