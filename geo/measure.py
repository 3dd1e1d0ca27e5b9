"""Geodesic measures on the WGS84 ellipsoid: lengths, areas, distance and side of the border."""

from __future__ import annotations

import threading
from functools import lru_cache

import numpy as np
import pandas as pd

import shapely
from pyproj import Geod, Transformer
from shapely.geometry import LineString, Polygon, box
from shapely.ops import split

GEOD = Geod(ellps="WGS84")

# A metric projection for finding the nearest point on the border: UTM zone 41N spans
# 60-66 E, which holds the whole Iran-Pakistan boundary (60.8-63.4 E).
NEAREST_CRS = "EPSG:32641"
_TO_METRIC = Transformer.from_crs("EPSG:4326", NEAREST_CRS, always_xy=True)
_TO_LONLAT = Transformer.from_crs(NEAREST_CRS, "EPSG:4326", always_xy=True)

# The border line ends at the Afghanistan tripoint and in Gwadar Bay. To tell the Iranian
# from the Pakistani side it is carried on beyond both ends: north-east into Afghanistan
# from the tripoint, due south into the Gulf of Oman from the bay, where neither province is.
_EXTEND_FROM_START = (400.0, 400.0)  # degrees lon, lat added: far past the world box
_EXTEND_FROM_END = (0.0, -400.0)
DISTANCE_SLICE = 20_000  # points measured at once (bounds the memory GEOS's objects take)
SIDE_MAX_KM = 500.0  # beyond this a "side of the border" says nothing useful


def line_length_km(geometry: shapely.Geometry) -> float:
    """Geodesic length of a (multi)line in kilometres."""
    return GEOD.geometry_length(geometry) / 1000.0


def polygon_area_km2(geometry: shapely.Geometry) -> float:
    """Geodesic area of a (multi)polygon in square kilometres, whatever its ring orientation."""
    parts = getattr(geometry, "geoms", [geometry])
    total = 0.0
    for part in parts:
        area, _ = GEOD.geometry_area_perimeter(shapely.geometry.polygon.orient(part, 1.0))
        total += area
    return total / 1e6


# GEOS builds a prepared geometry's index on its first query, so a cached one is not safe to
# query from two threads at once (shapely's documentation on prepared geometries): its uses
# below hold this lock.
_PREPARED_LOCK = threading.Lock()


@lru_cache(maxsize=4)
def _iran_side(border: LineString) -> Polygon:
    """The Iranian side of ``border``, prepared; kept for the few borders a process measures
    from (a border is hashed by its coordinates, so an equal line finds it)."""
    iran, _ = border_sides(border)
    shapely.prepare(iran)
    return iran


@lru_cache(maxsize=4)
def _metric_line(border: LineString) -> LineString:
    """``border`` in UTM 41N, prepared: its segments indexed once per border, not per call."""
    bx, by = _TO_METRIC.transform(*np.asarray(border.coords).T)
    line_m = LineString(np.column_stack([bx, by]))
    shapely.prepare(line_m)
    return line_m


def border_sides(border: LineString) -> tuple[Polygon, Polygon]:
    """Split the world into the Iranian and Pakistani sides of ``border``.

    Returns
    -------
    (iran_side, pakistan_side)
        Polygons in lon/lat whose shared edge contains the whole border line.
    """
    coords = list(border.coords)
    (x0, y0), (x1, y1) = coords[0], coords[-1]
    start = (x0 + _EXTEND_FROM_START[0], y0 + _EXTEND_FROM_START[1])
    end = (x1 + _EXTEND_FROM_END[0], y1 + _EXTEND_FROM_END[1])
    cutter = LineString([start, *coords, end])
    world = box(-180, -90, 180, 90)
    halves = list(split(world, cutter).geoms)
    if len(halves) != 2:
        raise ValueError(f"border does not split the plane in two (got {len(halves)} parts)")
    # Iran lies west of the line: the half holding Tehran (51.4 E, 35.7 N).
    tehran = shapely.Point(51.39, 35.69)
    iran, pakistan = sorted(halves, key=lambda h: not h.contains(tehran))
    return iran, pakistan


def distance_to_border_km(
    lon: np.ndarray, lat: np.ndarray, border: LineString
) -> np.ndarray:
    """Geodesic distance (km) from each point to the nearest point of ``border``.

    The nearest point is found in UTM 41N, through the segment index of the prepared line;
    the distance to it is then measured on the ellipsoid, so the figure does not carry the
    projection's scale error. Vectorised; a coordinate repeated many times (event exports
    put many rows at one town) is measured once. Missing or unprojectable points get NaN.
    """
    lon = np.asarray(lon, dtype=float)
    lat = np.asarray(lat, dtype=float)
    out = np.full(lon.shape, np.nan)
    ok = np.isfinite(lon) & np.isfinite(lat)
    if not ok.any():
        return out
    # Each distinct point once, found by hashing (lon, lat) as one complex number: linear
    # time, where sorting the pairs (np.unique on rows) costs more than measuring them.
    inverse, pairs = pd.factorize(lon[ok] + 1j * lat[ok], sort=False)
    out[ok] = _distinct_distance_km(pairs.real, pairs.imag, border)[inverse]
    return out


def _distinct_distance_km(lon: np.ndarray, lat: np.ndarray, border: LineString) -> np.ndarray:
    line_m = _metric_line(border)  # prepared: no walk along the line per point
    px, py = (np.asarray(v, dtype=float) for v in _TO_METRIC.transform(lon, lat))
    out = np.full(lon.shape, np.nan)
    finite = np.flatnonzero(np.isfinite(px) & np.isfinite(py))
    # Measured in the order of a curve through the plane (each point's answer is its own; the
    # order only keeps GEOS's segment index warm): near points in turn cost about a third less.
    finite = finite[z_order(px[finite], py[finite])]
    # In slices: the points and lines GEOS makes for a slice (~250 bytes a point) are freed
    # before the next, so a million points never hold a quarter of a gigabyte at once.
    for at in range(0, finite.size, DISTANCE_SLICE):
        which = finite[at:at + DISTANCE_SLICE]
        points = shapely.points(px[which], py[which])
        with _PREPARED_LOCK:
            links = shapely.shortest_line(line_m, points)
        nearest = shapely.get_coordinates(links).reshape(-1, 2, 2)[:, 0, :]  # the end on the line
        del points, links
        nx, ny = _TO_LONLAT.transform(nearest[:, 0], nearest[:, 1])
        _, _, dist = GEOD.inv(lon[which], lat[which], nx, ny)
        out[which] = np.asarray(dist) / 1000.0
    return out


Z_ORDER_BITS = 10  # cells a side (2**10) of the grid that orders points in z_order


def z_order(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """The order (indices) of points along a Z-order (Morton) curve over their bounding box:
    points of one grid cell, then of the neighbouring cells, and so on."""
    if x.size < 2:
        return np.arange(x.size)
    x0, y0 = x.min(), y.min()
    span = max(float(x.max() - x0), float(y.max() - y0)) or 1.0
    scale = (2**Z_ORDER_BITS - 1) / span
    key = _spread_bits((x - x0) * scale) | (_spread_bits((y - y0) * scale) << np.uint64(1))
    return np.argsort(key, kind="stable")


def _spread_bits(v: np.ndarray) -> np.ndarray:
    """The low 16 bits of each value, moved to the even bit positions (b3 b2 b1 b0 -> 0b3 0b2 0b1 0b0)."""
    out = v.astype(np.uint64) & np.uint64(0xFFFF)
    for shift, mask in ((8, 0x00FF00FF), (4, 0x0F0F0F0F), (2, 0x33333333), (1, 0x55555555)):
        out = (out | (out << np.uint64(shift))) & np.uint64(mask)
    return out


def side_of_border(
    lon: np.ndarray, lat: np.ndarray, border: LineString, distance_km: np.ndarray | None = None
) -> np.ndarray:
    """'IRN' or 'PAK' for each point: the side of the border it lies on (None when far).

    Points farther than ``SIDE_MAX_KM`` from the border get None: at that range the
    "side" of a 1,000 km line is a geometric artefact, not a fact about the place.
    """
    lon = np.asarray(lon, dtype=float)
    lat = np.asarray(lat, dtype=float)
    if distance_km is None:
        distance_km = distance_to_border_km(lon, lat, border)
    iran = _iran_side(border)
    with _PREPARED_LOCK:
        on_iran_side = shapely.contains_xy(iran, lon, lat)
    side = np.where(on_iran_side, "IRN", "PAK").astype(object)
    side[np.asarray(distance_km) > SIDE_MAX_KM] = None
    return side


def border_stretch(border: LineString, a: tuple[float, float], b: tuple[float, float]) -> LineString:
    """The part of ``border`` between the points nearest ``a`` and ``b`` (each lon, lat).

    Nearest points are found in UTM 41N, like ``distance_to_border_km``; the stretch is
    returned in lon/lat with every border vertex between them.
    """
    from shapely.ops import substring

    line_m = _reproject(border, _TO_METRIC)
    ends = [line_m.project(shapely.Point(*_TO_METRIC.transform(*p))) for p in (a, b)]
    piece = substring(line_m, min(ends), max(ends))
    return _reproject(piece, _TO_LONLAT)


def buffer_km(geom: shapely.Geometry, km: float) -> shapely.Geometry:
    """The lon/lat area within ``km`` of a lon/lat geometry (buffered in UTM 41N, like the
    border's distances, then returned to lon/lat)."""
    return _reproject(_reproject(geom, _TO_METRIC).buffer(km * 1000.0), _TO_LONLAT)


def _reproject(geom: shapely.Geometry, transformer: Transformer) -> shapely.Geometry:
    return shapely.transform(geom, lambda xy: np.column_stack(transformer.transform(xy[:, 0], xy[:, 1])))


def farthest_km(lon: float, lat: float, line: LineString, step_km: float = 0.5) -> float:
    """Geodesic distance (km) from a point to the farthest point of ``line``.

    The line is sampled every ``step_km`` (at most) along its length, ends included.
    """
    coords = np.asarray(line.coords)
    pts = [coords[0]]
    for (x0, y0), (x1, y1) in zip(coords[:-1], coords[1:], strict=True):
        seg = GEOD.inv(x0, y0, x1, y1)[2] / 1000.0
        n = max(int(np.ceil(seg / step_km)), 1)
        for t in np.linspace(0, 1, n + 1)[1:]:
            pts.append((x0 + (x1 - x0) * t, y0 + (y1 - y0) * t))
    xs, ys = np.asarray(pts).T
    _, _, dist = GEOD.inv(np.full(xs.shape, lon), np.full(ys.shape, lat), xs, ys)
    return float(np.max(dist)) / 1000.0


def point_distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Geodesic distance (km) between two lon, lat points."""
    return GEOD.inv(a[0], a[1], b[0], b[1])[2] / 1000.0


def distances_km(lon: float, lat: float, lons: np.ndarray, lats: np.ndarray) -> np.ndarray:
    """Geodesic distances (km) from one lon, lat point to many, vectorised."""
    lons, lats = np.asarray(lons, dtype=float), np.asarray(lats, dtype=float)
    return GEOD.inv(np.full(lons.shape, lon), np.full(lats.shape, lat), lons, lats)[2] / 1000.0
