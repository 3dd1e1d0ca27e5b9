"""Distance to the border for many points at once: the same measure as geo.measure, ~70x faster.

``geo.measure.distance_to_border_km`` finds each point's nearest border point with
``line_locate_point`` on the whole 6,500-vertex line, which walks every segment for every
point (about 38 s for 100,000 points). Here the line, in UTM 41N, is *prepared*: GEOS then
indexes its segments once and ``shapely.shortest_line`` finds each point's nearest border
point through that index (GEOSPreparedNearestPoints; shapely >= 2.1). The nearest point is
the same exact point, so the geodesic distances agree with ``geo.measure`` to within
1e-9 km; ``tests/test_import.py`` checks this. Repeated coordinates (ACLED and UCDP place
many events at the same town) are measured once.
"""

from __future__ import annotations

import numpy as np

import shapely
from shapely.geometry import LineString

from geo.measure import _TO_LONLAT, _TO_METRIC, GEOD


def _unique_points(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The distinct (lon, lat) pairs and, for each input point, the index of its pair."""
    keys = lon + 1j * lat
    uniq, inverse = np.unique(keys, return_inverse=True)
    return uniq.real.copy(), uniq.imag.copy(), inverse.reshape(-1)


def distance_to_border_km(lon: np.ndarray, lat: np.ndarray, border: LineString) -> np.ndarray:
    """Geodesic distance (km) from each point to the nearest point of ``border``.

    Same contract as ``geo.measure.distance_to_border_km``: the nearest point is found in
    UTM 41N and the distance to it measured on the WGS84 ellipsoid. Points whose
    projection is not finite (far round the globe) get NaN.
    """
    lon = np.asarray(lon, dtype=float).reshape(-1)
    lat = np.asarray(lat, dtype=float).reshape(-1)
    out = np.full(lon.shape, np.nan)
    if lon.size == 0:
        return out
    ulon, ulat, inverse = _unique_points(lon, lat)
    px, py = _TO_METRIC.transform(ulon, ulat)
    px, py = np.asarray(px, dtype=float), np.asarray(py, dtype=float)
    which = np.flatnonzero(np.isfinite(px) & np.isfinite(py))
    bx, by = _TO_METRIC.transform(*np.asarray(border.coords).T)
    line_m = LineString(np.column_stack([bx, by]))
    shapely.prepare(line_m)  # without it each point walks every segment again
    links = shapely.shortest_line(line_m, shapely.points(px[which], py[which]))
    nearest = shapely.get_coordinates(links).reshape(-1, 2, 2)[:, 0, :]  # the end on the line
    nlon, nlat = _TO_LONLAT.transform(nearest[:, 0], nearest[:, 1])
    _, _, metres = GEOD.inv(ulon[which], ulat[which], nlon, nlat)
    unique_km = np.full(ulon.shape, np.nan)
    unique_km[which] = np.asarray(metres) / 1000.0
    out[:] = unique_km[inverse]
    return out
