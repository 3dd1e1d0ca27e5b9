"""The map of a figure: its projection, its extent, and the layers drawn from their specs.

Geometry is projected once per projection and kept (the shipped layers never change while
the process runs); each figure then only selects, clips and draws.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection, PathCollection
from matplotlib.path import Path

import geopandas as gpd
import shapely
import shapely.geometry
from pyproj import CRS, Geod, Transformer

from geo.assemble import shipped_layer
from geo.figure.style import line_kwargs, marker_kwargs, marker_size_pt, patch_kwargs
from layers import SPECS, LayerSpec, Style, background
from layers import palette as pal

GEOD = Geod(ellps="WGS84")

# The default map shows the two provinces the border divides; features farther than this
# from them (Erbil, Davos, Islamabad) fall outside the map rather than stretching it.
FOCUS_MARGIN_DEG = 1.0
EXTENT_PAD = 0.05  # fraction of the span added on each side, so nothing sits on the frame
CIRCLE_STEPS = 72  # vertices of a precision circle: smooth at any print size
Box = tuple[float, float, float, float]


@dataclass(frozen=True)
class DrawnPoint:
    """A marker on the map, kept so that labels can avoid it (projected x, y; size in pt)."""

    x: float
    y: float
    size_pt: float


def map_crs(extent: Box) -> CRS:
    """A conformal projection centred on ``extent`` (lon_min, lat_min, lon_max, lat_max).

    Lambert conformal conic with standard parallels at one sixth of the latitude span from
    each edge keeps the scale within a fraction of a percent across a region like the two
    provinces; near the equator, where the cone flattens out, Mercator does the same job.
    """
    x0, y0, x1, y1 = (round(v, 2) for v in extent)
    lon0, lat0 = (x0 + x1) / 2, (y0 + y1) / 2
    sp1, sp2 = y0 + (y1 - y0) / 6, y1 - (y1 - y0) / 6
    if sp1 * sp2 <= 0 or min(abs(sp1), abs(sp2)) < 5:
        return _crs(f"+proj=merc +lon_0={lon0:.2f} +ellps=WGS84 +units=m +no_defs")
    return _crs(f"+proj=lcc +lat_0={lat0:.2f} +lon_0={lon0:.2f} +lat_1={sp1:.3f} +lat_2={sp2:.3f} "
                "+ellps=WGS84 +units=m +no_defs")


@lru_cache(maxsize=32)
def _crs(proj: str) -> CRS:
    return CRS.from_proj4(proj)


def default_extent(frames: dict[str, gpd.GeoDataFrame]) -> Box:
    """Lon/lat box of the focus layers (the two provinces), grown to hold the shown features
    near them (never the background's)."""
    focus_bounds = np.array([shipped_layer(s.name).total_bounds for s in SPECS.values() if s.focus])
    px0, py0 = focus_bounds[:, 0].min(), focus_bounds[:, 1].min()
    px1, py1 = focus_bounds[:, 2].max(), focus_bounds[:, 3].max()
    focus = shapely.box(px0 - FOCUS_MARGIN_DEG, py0 - FOCUS_MARGIN_DEG,
                        px1 + FOCUS_MARGIN_DEG, py1 + FOCUS_MARGIN_DEG)
    bounds = [(px0, py0, px1, py1)]
    for name, frame in frames.items():
        if _is_background(name) or frame.empty:
            continue
        near = frame.geometry.intersection(focus)
        near = near[~near.is_empty]
        if len(near):
            bounds.append(tuple(near.total_bounds))
    b = np.array(bounds)
    x0, y0 = b[:, 0].min(), b[:, 1].min()
    x1, y1 = b[:, 2].max(), b[:, 3].max()
    dx, dy = (x1 - x0) * EXTENT_PAD, (y1 - y0) * EXTENT_PAD
    return (float(x0 - dx), float(y0 - dy), float(x1 + dx), float(y1 + dy))


def _is_background(name: str) -> bool:
    spec = SPECS.get(name)
    return spec is not None and spec.background


def lonlat_to_map(crs: CRS) -> Transformer:
    """Transformer from lon/lat to map coordinates."""
    return _transformer("EPSG:4326", crs.srs)


def map_to_lonlat(crs: CRS) -> Transformer:
    """Transformer from map coordinates to lon/lat."""
    return _transformer(crs.srs, "EPSG:4326")


@lru_cache(maxsize=64)
def _transformer(src: str, dst: str) -> Transformer:
    return Transformer.from_crs(src, dst, always_xy=True)


def project_box(extent: Box, crs: CRS) -> Box:
    """Projected bounds of a lon/lat box, following its curved edges."""
    x0, y0, x1, y1 = extent
    ring = shapely.segmentize(shapely.box(x0, y0, x1, y1), max(x1 - x0, y1 - y0) / 64)
    xy = shapely.get_coordinates(ring)
    x, y = lonlat_to_map(crs).transform(xy[:, 0], xy[:, 1])
    return (float(np.min(x)), float(np.min(y)), float(np.max(x)), float(np.max(y)))


def fit_box(box: Box, aspect: float) -> Box:
    """``box`` grown about its centre to height/width ratio ``aspect`` (nothing is cut)."""
    x0, y0, x1, y1 = box
    w, h = x1 - x0, y1 - y0
    if h / w < aspect:
        grow = (w * aspect - h) / 2
        return (x0, y0 - grow, x1, y1 + grow)
    grow = (h / aspect - w) / 2
    return (x0 - grow, y0, x1 + grow, y1)


def projected_layer(name: str, crs: CRS) -> gpd.GeoDataFrame:
    """The shipped layer in ``crs``, with the shipped frame's index. Do not modify it."""
    return _projected(name, crs.srs)


@lru_cache(maxsize=64)
def _projected(name: str, srs: str) -> gpd.GeoDataFrame:
    return shipped_layer(name).to_crs(_crs(srs))


def print_context(crs: CRS, tolerance_m: float) -> gpd.GeoSeries:
    """Context geometry simplified below what print can show (it is only background)."""
    return _print_context(crs.srs, tolerance_m)


@lru_cache(maxsize=16)
def _print_context(srs: str, tolerance_m: float) -> gpd.GeoSeries:
    geoms = _projected(background().name, srs).geometry
    return gpd.GeoSeries(shapely.simplify(geoms.values, tolerance_m, preserve_topology=True),
                         index=geoms.index, crs=geoms.crs)


def _polygon_path(geom: shapely.Geometry) -> Path | None:
    verts, codes = [], []
    for poly in shapely.get_parts(geom):
        if poly.geom_type != "Polygon" or poly.is_empty:
            continue
        for ring in (poly.exterior, *poly.interiors):
            xy = np.asarray(ring.coords)
            c = np.full(len(xy), Path.LINETO, dtype=Path.code_type)
            c[0], c[-1] = Path.MOVETO, Path.CLOSEPOLY
            verts.append(xy)
            codes.append(c)
    if not verts:
        return None
    return Path(np.concatenate(verts), np.concatenate(codes))


def _line_parts(geom: shapely.Geometry) -> list[np.ndarray]:
    """Coordinates of each line of a (multi)line or collection (clipping can make one)."""
    return [np.asarray(part.coords) for part in shapely.get_parts(geom)
            if part.geom_type in ("LineString", "LinearRing") and not part.is_empty]


def draw_polygons(ax: Axes, geoms: Iterable[shapely.Geometry], styles: Iterable[Style], *,
                  greyscale: bool, zorder: float) -> PathCollection | None:
    """Filled areas, one path per feature, in one collection."""
    paths, kws = [], []
    for geom, style in zip(geoms, styles, strict=True):
        if geom is None or geom.is_empty:
            continue
        if geom.geom_type in ("LineString", "MultiLineString"):
            continue  # a line in a polygon layer (the context's coast) is drawn as a line
        path = _polygon_path(geom)
        if path is not None:
            paths.append(path)
            kws.append(patch_kwargs(style, greyscale=greyscale))
    if not paths:
        return None
    coll = PathCollection(
        paths,
        facecolors=[k["facecolor"] for k in kws],
        edgecolors=[k["edgecolor"] for k in kws],
        linewidths=[k["linewidth"] for k in kws],
        linestyles=[k["linestyle"] for k in kws],
        zorder=zorder,
        transform=ax.transData,
    )
    ax.add_collection(coll, autolim=False)
    return coll


def draw_lines(ax: Axes, geoms: Iterable[shapely.Geometry], styles: Iterable[Style], *,
               greyscale: bool, zorder: float) -> LineCollection | None:
    """Lines, every part of a feature in its feature's style, in one collection.

    Polygons are skipped: their outlines are drawn with their fill by ``draw_polygons``.
    """
    segs, colors, widths, dashes = [], [], [], []
    for geom, style in zip(geoms, styles, strict=True):
        if geom is None or geom.is_empty:
            continue
        if geom.geom_type in ("Polygon", "MultiPolygon"):
            continue
        kw = line_kwargs(style, greyscale=greyscale)
        for part in _line_parts(geom):
            segs.append(part)
            colors.append(kw["color"])
            widths.append(kw["linewidth"])
            dashes.append(kw["linestyle"])
    if not segs:
        return None
    coll = LineCollection(segs, colors=colors, linewidths=widths, linestyles=dashes,
                          capstyle="round", joinstyle="round", zorder=zorder)
    ax.add_collection(coll, autolim=False)
    return coll


def draw_points(ax: Axes, xy: np.ndarray, codes: np.ndarray, styles: list[Style], *,
                greyscale: bool, zorder: float) -> list[PathCollection]:
    """Markers, one scatter per style (``codes[i]`` is the index in ``styles`` of point i).

    An import can bring 100,000 points in a handful of styles. A scatter whose points all
    look alike is drawn by matplotlib's fast path (one marker stamped at every point), and
    its keywords are worked out once; per-point lists of colours would cost seconds.
    Shapes are drawn in ``MPL_MARKERS`` order, so the same points always stack the same way.
    """
    out = []
    order = list(pal.MPL_MARKERS)
    ranked = sorted(range(len(styles)),
                    key=lambda k: (order.index(styles[k].marker or "circle"), styles[k].hatch or "", k))
    for k in ranked:
        idx = np.flatnonzero(codes == k)
        if not idx.size:
            continue
        style = styles[k]
        kw = marker_kwargs(style, greyscale=greyscale)
        coll = ax.scatter(
            xy[idx, 0], xy[idx, 1], s=marker_size_pt(style) ** 2,
            marker=kw["marker"],
            facecolors=kw["markerfacecolor"], edgecolors=kw["markeredgecolor"],
            linewidths=kw["markeredgewidth"], hatch=style.hatch,
            alpha=None, zorder=zorder, clip_on=True, plotnonfinite=False,
        )
        out.append(coll)
    return out


def feature_styles(spec: LayerSpec, attrs: pd.DataFrame) -> tuple[np.ndarray, list[Style]]:
    """(style index of each row, distinct styles) of a layer's features.

    A spec whose ``extra["style_fields"]`` names the fields its ``style_of`` reads (an
    import: kind and actor) is styled once per distinct combination of them, not per row.
    """
    n = len(attrs)
    fields = spec.extra.get("style_fields")
    if fields is None:
        per_row = [spec.style_of(p) for p in records(attrs)]
        index: dict[Style, int] = {}
        codes = np.array([index.setdefault(st, len(index)) for st in per_row], dtype=np.intp)
        return codes.reshape(n), list(index)
    combined = np.zeros(n, dtype=np.int64)
    uniques = []
    for name in fields:
        column = attrs[name] if name in attrs else pd.Series([None] * n, index=attrs.index)
        codes, values = pd.factorize(column, use_na_sentinel=False)
        combined = combined * max(len(values), 1) + codes
        uniques.append((name, np.asarray(values, dtype=object), max(len(values), 1)))
    keys, inverse = np.unique(combined, return_inverse=True)
    index = {}
    per_key = np.empty(len(keys), dtype=np.intp)
    for j, key in enumerate(keys.tolist()):
        props: dict[str, Any] = {}
        rest = key
        for name, values, size in reversed(uniques):
            rest, code = divmod(rest, size)
            value = values[code] if len(values) else None
            props[name] = None if value is None or (isinstance(value, float) and np.isnan(value)) else value
        per_key[j] = index.setdefault(spec.style_of(props), len(index))
    return per_key[inverse.ravel()], list(index)


def precision_circles(frame: gpd.GeoDataFrame, crs: CRS) -> list[shapely.Geometry]:
    """Geodesic circles of each feature's ``precision_m`` around its lon/lat point, projected.

    A feature known only within an area (``area_geometry``) gets no circle: ``area_outlines``
    draws its area instead.
    """
    out = []
    az = np.linspace(0.0, 360.0, CIRCLE_STEPS, endpoint=False)
    fwd = lonlat_to_map(crs)
    areas = frame["area_geometry"] if "area_geometry" in frame else pd.Series([None] * len(frame))
    for point, radius, area in zip(frame.geometry, frame["precision_m"], areas, strict=True):
        if pd.isna(radius) or float(radius) <= 0 or isinstance(area, Mapping):
            continue
        lon, lat, _ = GEOD.fwd(np.full(az.size, point.x), np.full(az.size, point.y), az,
                               np.full(az.size, float(radius)))
        x, y = fwd.transform(lon, lat)
        out.append(shapely.Polygon(np.column_stack([x, y])))
    return out


def area_outlines(frame: gpd.GeoDataFrame, crs: CRS) -> list[shapely.Geometry]:
    """The areas of the features known only within one (``area_geometry``), projected."""
    if "area_geometry" not in frame:
        return []
    areas = [shapely.geometry.shape(a) for a in frame["area_geometry"] if isinstance(a, Mapping)]
    if not areas:
        return []
    return list(gpd.GeoSeries(areas, crs="EPSG:4326").to_crs(crs).values)


@dataclass
class DrawnLayer:
    """What one layer put on the map: its artists and its markers (for label placement)."""

    name: str
    artists: list
    points: list[DrawnPoint]
    frame: gpd.GeoDataFrame  # the projected features inside the map


def layer_geometry(spec: LayerSpec, lonlat: gpd.GeoDataFrame, crs: CRS,
                   tolerance_m: float) -> gpd.GeoSeries:
    """The geometry of the features ``lonlat`` in ``crs``.

    A shipped layer's comes from the projected cache; a layer that is not shipped (an
    import) is projected as given.
    """
    if spec.background:
        return print_context(crs, round(tolerance_m, -1) or 10.0).loc[lonlat.index]
    if spec.name in SPECS:
        return projected_layer(spec.name, crs).geometry.loc[lonlat.index]
    return lonlat.geometry.to_crs(crs)


def draw_layer(ax: Axes, spec: LayerSpec, lonlat: gpd.GeoDataFrame, crs: CRS,
               box: Box, *, greyscale: bool, tolerance_m: float) -> DrawnLayer:
    """Draw the shown features ``lonlat`` of one layer onto ``ax``, clipped to ``box``."""
    zorder = 1 + spec.z / 10
    geoms = layer_geometry(spec, lonlat, crs, tolerance_m)
    attrs = attributes(lonlat)
    artists: list = []
    points: list[DrawnPoint] = []
    if spec.geometry == "point":
        xy = shapely.get_coordinates(geoms.values)
        x0, y0, x1, y1 = box
        inside = (xy[:, 0] >= x0) & (xy[:, 0] <= x1) & (xy[:, 1] >= y0) & (xy[:, 1] <= y1)
        keep = np.flatnonzero(inside)
        shown = attrs.iloc[keep]
        if spec.precision_style is not None and "precision_m" in shown:
            circles = precision_circles(lonlat.iloc[keep], crs)
            coll = draw_polygons(ax, circles, [spec.precision_style] * len(circles),
                                 greyscale=greyscale, zorder=zorder - 0.05)
            artists += [coll] if coll is not None else []
        if spec.area_style is not None:
            outlines = area_outlines(lonlat.iloc[keep], crs)
            coll = draw_polygons(ax, outlines, [spec.area_style] * len(outlines),
                                 greyscale=greyscale, zorder=zorder - 0.06)
            artists += [coll] if coll is not None else []
        codes, styles = feature_styles(spec, shown)  # only the points drawn
        if len(keep):
            artists += draw_points(ax, xy[keep], codes, styles, greyscale=greyscale, zorder=zorder)
        size = np.array([marker_size_pt(st) for st in styles])[codes] if styles else np.zeros(0)
        points = [DrawnPoint(x, y, s) for x, y, s in
                  zip(xy[keep, 0].tolist(), xy[keep, 1].tolist(), size.tolist(), strict=True)]
        projected = gpd.GeoDataFrame(shown, geometry=geoms.values[keep], crs=crs)
        return DrawnLayer(spec.name, artists, points, projected)
    styles = [spec.style_of(p) for p in records(attrs)]
    clipped = shapely.clip_by_rect(geoms.values, *box)
    present = ~shapely.is_empty(clipped)
    clipped, styles = clipped[present], [s for s, p in zip(styles, present, strict=True) if p]
    if spec.geometry == "polygon":
        coll = draw_polygons(ax, clipped, styles, greyscale=greyscale, zorder=zorder)
        artists += [coll] if coll is not None else []
    lines = draw_lines(ax, clipped, styles, greyscale=greyscale, zorder=zorder)
    artists += [lines] if lines is not None else []
    projected = gpd.GeoDataFrame(attrs[present], geometry=geoms.values[present], crs=crs)
    return DrawnLayer(spec.name, artists, points, projected)


def attributes(frame: gpd.GeoDataFrame) -> pd.DataFrame:
    """The frame's columns other than its geometry, as a plain DataFrame."""
    # A plain DataFrame over the same columns first: selecting from the GeoDataFrame itself
    # costs a third more (geopandas checks each selection for a geometry column).
    return pd.DataFrame(frame, copy=False).drop(columns=frame.geometry.name)


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """The rows as dicts of Python values, as ``frame.to_dict("records")`` gives them.

    Built column by column (``Series.tolist``): three times faster than ``to_dict`` on the
    string columns of an import.
    """
    names = list(frame.columns)
    return [dict(zip(names, row, strict=True))
            for row in zip(*(frame[c].tolist() for c in names), strict=True)]


def drawing_order(names: Iterable[str], extra: Iterable[LayerSpec] = ()) -> list[LayerSpec]:
    """Specs of the named shipped layers and of the ``extra`` ones (an import), bottom to top."""
    wanted = set(names)
    return sorted([s for n, s in SPECS.items() if n in wanted] + list(extra), key=lambda s: s.z)
