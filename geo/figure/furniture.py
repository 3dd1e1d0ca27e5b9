"""Map furniture: scale bar, north arrow, graticule, locator inset, legend and source line.

Each ``add_*`` function draws one thing onto an axes or figure the caller owns and returns
what a test or the label placement needs to know about it.
"""

from __future__ import annotations

import math
import re
import textwrap
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.legend import Legend
from matplotlib.legend_handler import HandlerLine2D, HandlerPatch
from matplotlib.lines import Line2D
from matplotlib.offsetbox import DrawingArea, HPacker, OffsetBox, TextArea
from matplotlib.patches import Patch, PathPatch, Polygon, Rectangle
from matplotlib.text import Text
from matplotlib.transforms import (
    Affine2D,
    Bbox,
    blended_transform_factory,
    offset_copy,
)

import geopandas as gpd
import shapely
from pyproj import CRS

from geo.citation import atlas_citation
from geo.figure.canvas import agg_canvas, data_point, root_figure
from geo.figure.drawn import (
    GEOD,
    Box,
    attributes,
    draw_polygons,
    drawing_order,
    fit_box,
    lonlat_to_map,
    map_to_lonlat,
    projected_layer,
    records,
)
from geo.figure.style import add_halo, line_kwargs, marker_kwargs, paint, patch_kwargs
from geo.figure.typeface import family_for
from layers import SPECS, LayerSpec, LegendEntry, Style, background
from layers import palette as pal

# Lengths a scale bar may have, in km: round numbers a reader halves in their head.
NICE_KM = (1, 2, 5, 10, 20, 25, 50, 100, 150, 200, 250, 300, 400, 500, 1000, 2000, 5000)
NICE_DEG = (0.1, 0.2, 0.25, 0.5, 1, 2, 5, 10, 15, 20, 30)
INSET_COUNTRIES = ("IRN", "PAK", "AFG")
INSET_NAMES = {"IRN": "Iran", "PAK": "Pakistan", "AFG": "Afghanistan"}
INSET_NAMES_MIN_MM = 28.0
TEXT_GREY = "#333333"

DISCLAIMER = ("Boundaries and names are shown as drawn in the source data; they are approximate "
              "and imply no position on, or endorsement of, any boundary or claim.")


# -- scale bar -------------------------------------------------------------------------------

@dataclass(frozen=True)
class ScaleBar:
    """A drawn scale bar: its stated length and its ends in map coordinates."""

    length_km: float
    start: tuple[float, float]
    end: tuple[float, float]
    artists: tuple[Artist, ...]


def geodesic_km(crs: CRS, a: tuple[float, float], b: tuple[float, float]) -> float:
    """Geodesic distance in km between two points given in map coordinates."""
    inv = map_to_lonlat(crs)
    (lon0, lon1), (lat0, lat1) = inv.transform([a[0], b[0]], [a[1], b[1]])
    return float(GEOD.inv(lon0, lat0, lon1, lat1)[2]) / 1000


def bar_span(crs: CRS, x0: float, y0: float, km: float) -> float:
    """Map-unit length of a bar east from (x0, y0) whose ends lie ``km`` apart on the ellipsoid.

    The projection's scale factor is found where the bar is, by measuring: the bar is
    stretched until its geodesic length is right, so it is true whatever the projection.
    """
    span = km * 1000.0
    for _ in range(5):
        measured = geodesic_km(crs, (x0, y0), (x0 + span, y0))
        span *= km / measured
    return span


def _data_per_pt(ax: Axes) -> float:
    x0, x1 = ax.get_xlim()
    width_pt = ax.get_position().width * root_figure(ax).get_figwidth() * 72
    return (x1 - x0) / width_pt


def add_scale_bar(ax: Axes, crs: CRS, *, corner: str = "lower left", inset_mm: float = 3.0,
                  max_fraction: float = 0.28, fontsize: float = 5.6) -> ScaleBar:
    """A four-part scale bar in a corner of the map, measured where it stands."""
    (xa0, xa1), (ya0, ya1) = ax.get_xlim(), ax.get_ylim()
    per_pt = _data_per_pt(ax)
    pad = inset_mm / 25.4 * 72 * per_pt
    height = 2.0 * per_pt
    km_room = 12 * per_pt  # "km" after the bar
    upper, right = corner.startswith("upper"), corner.endswith("right")
    y0 = ya1 - pad - height - 9 * per_pt if upper else ya0 + pad
    # Measured from its left end; on the right the left end moves, so measure there again.
    x0 = xa0 + pad
    limit = max_fraction * (xa1 - xa0)
    km = NICE_KM[0]
    for candidate in NICE_KM:
        if bar_span(crs, x0, y0, candidate) <= limit:
            km = candidate
    span = bar_span(crs, x0, y0, km)
    if right:
        x0 = xa1 - pad - km_room - span
        span = bar_span(crs, x0, y0, km)
    artists: list[Artist] = []
    backing = Rectangle((x0 - 4 * per_pt, y0 - 2.5 * per_pt), span + 4 * per_pt + km_room,
                        height + 11.5 * per_pt, facecolor=(1, 1, 1, 0.7), edgecolor="none",
                        zorder=19)
    artists.append(ax.add_patch(backing))
    parts = 4
    for i in range(parts):
        artists.append(ax.add_patch(Rectangle(
            (x0 + i * span / parts, y0), span / parts, height,
            facecolor="black" if i % 2 == 0 else "white", edgecolor="black", linewidth=0.5,
            zorder=20)))
    for frac, text in ((0, "0"), (0.5, _km_text(km / 2)), (1, _km_text(km))):
        artists.append(ax.text(x0 + frac * span, y0 + height + 1.2 * per_pt, text,
                               fontsize=fontsize, ha="center", va="bottom", zorder=20,
                               color="black", parse_math=False))
    artists.append(ax.text(x0 + span + 3.5 * per_pt, y0 + height / 2, "km", fontsize=fontsize,
                           ha="left", va="center", zorder=20, color="black"))
    for a in artists:
        a.set_gid("scale-bar")
    return ScaleBar(float(km), (x0, y0), (x0 + span, y0), tuple(artists))


def _km_text(km: float) -> str:
    return f"{km:g}"


# -- north arrow -----------------------------------------------------------------------------

def true_north_angle(crs: CRS, x: float, y: float) -> float:
    """Clockwise angle in degrees from the map's up to true north at (x, y)."""
    lon, lat = map_to_lonlat(crs).transform(x, y)
    nx, ny = lonlat_to_map(crs).transform(lon, min(lat + 0.25, 89.9))
    return math.degrees(math.atan2(nx - x, ny - y))


def add_north_arrow(ax: Axes, crs: CRS, *, corner: str = "upper right", inset_mm: float = 5.5,
                    height_pt: float = 15.0, fontsize: float = 7.0) -> tuple[Artist, ...]:
    """A two-tone arrow pointing to true north where it stands, with an 'N' at its tip."""
    (xa0, xa1), (ya0, ya1) = ax.get_xlim(), ax.get_ylim()
    per_mm = _data_per_pt(ax) * 72 / 25.4
    x = xa1 - inset_mm * per_mm if corner.endswith("right") else xa0 + inset_mm * per_mm
    y = ya1 - (inset_mm + 4) * per_mm if corner.startswith("upper") else ya0 + (inset_mm + 1) * per_mm
    angle = true_north_angle(crs, x, y)
    h, w = height_pt, height_pt * 0.55
    place = (Affine2D().rotate_deg(-angle).scale(1 / 72) + root_figure(ax).dpi_scale_trans
             + data_point(x, y, ax))
    left = [(0, h / 2), (-w / 2, -h / 2), (0, -h / 4)]
    right = [(0, h / 2), (w / 2, -h / 2), (0, -h / 4)]
    artists: list[Artist] = [
        ax.add_patch(Polygon(left, closed=True, facecolor="black", edgecolor="black",
                             linewidth=0.5, transform=place, zorder=20)),
        ax.add_patch(Polygon(right, closed=True, facecolor="white", edgecolor="black",
                             linewidth=0.5, transform=place, zorder=20)),
    ]
    tip = h / 2 + fontsize * 0.75
    rad = math.radians(angle)
    label = ax.text(x, y, "N", fontsize=fontsize, fontweight="bold", ha="center", va="center",
                    zorder=20, transform=offset_copy(ax.transData, fig=root_figure(ax), x=tip * math.sin(rad),
                                                      y=tip * math.cos(rad), units="points"))
    artists += [label, add_halo(label)]
    for a in artists:
        a.set_gid("north-arrow")
    return tuple(artists)


# -- window stamp ----------------------------------------------------------------------------

def add_window_stamp(ax: Axes, text: str, *, corner: str, fontsize: float = 6.6,
                     inset_mm: float = 2.0) -> Text:
    """The date window, in bold on a pale backing, in a corner of the map."""
    pad = inset_mm / root_figure(ax).get_figwidth() / 25.4 / ax.get_position().width
    pad_y = inset_mm / root_figure(ax).get_figheight() / 25.4 / ax.get_position().height
    right, upper = corner.endswith("right"), corner.startswith("upper")
    stamp = ax.text(1 - pad if right else pad, 1 - pad_y if upper else pad_y, text,
                    transform=ax.transAxes, ha="right" if right else "left",
                    va="top" if upper else "bottom", fontsize=fontsize, fontweight="bold",
                    color="black", zorder=21, parse_math=False,
                    bbox={"boxstyle": "square,pad=0.25", "facecolor": (1, 1, 1, 0.8),
                          "edgecolor": "none"})
    stamp.set_gid("window-stamp")
    return stamp


# -- graticule -------------------------------------------------------------------------------

def nice_step(span_deg: float, *, lines: int = 5) -> float:
    """A round graticule step giving about ``lines`` lines across ``span_deg``."""
    return min(NICE_DEG, key=lambda s: abs(span_deg / s - lines))


def _deg_text(value: float, pos: str, neg: str) -> str:
    hemi = pos if value > 0 else neg if value < 0 else ""
    return f"{abs(value):g}°{hemi}"


def add_graticule(ax: Axes, crs: CRS, *, fontsize: float = 5.6, color: str = "#8c8c8c",
                  samples: int = 96) -> list[Artist]:
    """Meridians and parallels across the map, labelled in degrees on the bottom and left edges.

    Each line is projected from lon/lat at ``samples`` points, so it curves as the
    projection curves it; a label goes where its line meets the map's frame.
    """
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    inv = map_to_lonlat(crs)
    fwd = lonlat_to_map(crs)
    gx, gy = np.meshgrid(np.linspace(x0, x1, 9), np.linspace(y0, y1, 9))
    lon, lat = inv.transform(gx.ravel(), gy.ravel())
    lon0, lon1 = float(np.min(lon)), float(np.max(lon))
    lat0, lat1 = float(np.min(lat)), float(np.max(lat))
    step = nice_step(max(lon1 - lon0, lat1 - lat0))
    lons = np.arange(math.ceil(lon0 / step) * step, lon1 + 1e-9, step)
    lats = np.arange(math.ceil(lat0 / step) * step, lat1 + 1e-9, step)
    style: dict[str, Any] = {"color": color, "linewidth": 0.3, "linestyle": (0, (2, 2)), "zorder": 1.5}
    text: dict[str, Any] = {"fontsize": fontsize, "color": TEXT_GREY, "zorder": 3, "clip_on": False}
    bottom = blended_transform_factory(ax.transData, ax.transAxes)
    left = blended_transform_factory(ax.transAxes, ax.transData)
    tick = 1.6 / 72 * 25.4  # mm
    artists: list[Artist] = []
    t = np.linspace(lat0 - step, lat1 + step, samples)
    for value in lons:
        x, y = _finite(*fwd.transform(np.full_like(t, value), t))
        if x.size < 2:
            continue
        artists += ax.plot(x, y, **style)
        at = _crossing(x, y, y0)  # x where the meridian meets the bottom edge
        if at is not None and x0 <= at <= x1:
            artists.append(ax.text(at, 0, _deg_text(round(value, 6), "E", "W"), ha="center", va="top",
                                   transform=offset_copy(bottom, fig=root_figure(ax), y=-tick - 1, units="points"),
                                   **text))
            artists += ax.plot([at, at], [0, -0.012], transform=bottom, color="black", lw=0.4,
                               clip_on=False)
    t = np.linspace(lon0 - step, lon1 + step, samples)
    for value in lats:
        x, y = _finite(*fwd.transform(t, np.full_like(t, value)))
        if x.size < 2:
            continue
        artists += ax.plot(x, y, **style)
        at = _crossing(y, x, x0)  # y where the parallel meets the left edge
        if at is not None and y0 <= at <= y1:
            artists.append(ax.text(0, at, _deg_text(round(value, 6), "N", "S"), ha="right", va="center",
                                   transform=offset_copy(left, fig=root_figure(ax), x=-tick - 1, units="points"),
                                   **text))
            artists += ax.plot([0, -0.008], [at, at], transform=left, color="black", lw=0.4,
                               clip_on=False)
    for a in artists:
        a.set_gid("graticule")
    return artists


def _finite(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Drop points the projection cannot place (a pole in Mercator)."""
    ok = np.isfinite(x) & np.isfinite(y)
    return np.asarray(x)[ok], np.asarray(y)[ok]


def _crossing(u: np.ndarray, v: np.ndarray, v_at: float) -> float | None:
    """Where the polyline (u, v) first reaches v == v_at: the u there, by interpolation."""
    side = np.sign(v - v_at)
    hits = np.flatnonzero(side[:-1] * side[1:] <= 0)
    if not hits.size:
        return None
    i = hits[0]
    if v[i + 1] == v[i]:
        return float(u[i])
    f = (v_at - v[i]) / (v[i + 1] - v[i])
    return float(u[i] + f * (u[i + 1] - u[i]))


# -- locator inset ---------------------------------------------------------------------------

@lru_cache(maxsize=8)
def _inset_countries(srs: str, tolerance_m: float) -> gpd.GeoDataFrame:
    ctx = projected_layer(background().name, CRS.from_user_input(srs))
    countries = ctx[ctx["kind"] == "country"]
    simple = shapely.simplify(countries.geometry.values, tolerance_m, preserve_topology=True)
    return gpd.GeoDataFrame(countries[["country"]], geometry=simple, crs=countries.crs)


def add_inset(fig: Figure, rect: tuple[float, float, float, float], crs: CRS, map_box: Box, *,
              greyscale: bool, fontsize: float = 5.0) -> Axes:
    """A locator map: Iran, Pakistan and Afghanistan, with the main map's frame on them."""
    ax = fig.add_axes(rect)
    ax.set_label("inset")
    countries = _inset_countries(crs.srs, 5000.0)
    focus = countries[countries["country"].isin(INSET_COUNTRIES)]
    fx0, fy0, fx1, fy1 = focus.total_bounds
    mx0, my0, mx1, my1 = map_box
    x0, y0, x1, y1 = min(fx0, mx0), min(fy0, my0), max(fx1, mx1), max(fy1, my1)
    pad = 0.04 * max(x1 - x0, y1 - y0)
    width_in = rect[2] * fig.get_figwidth()
    height_in = rect[3] * fig.get_figheight()
    box = fit_box((x0 - pad, y0 - pad, x1 + pad, y1 + pad), height_in / width_in)
    ax.set_xlim(box[0], box[2])
    ax.set_ylim(box[1], box[3])
    ax.set_aspect("equal", adjustable="datalim")
    ax.set_facecolor(paint(pal.SEA, greyscale=greyscale))
    near = countries[countries.intersects(shapely.box(*box))]
    key = near["country"].isin(INSET_COUNTRIES).to_numpy()
    draw_polygons(ax, near.geometry[~key], [Style(color=pal.LIGHT_GREY, weight=0.6, fill="#FFFFFF",
                                                    fill_opacity=1.0)] * int((~key).sum()),
                  greyscale=greyscale, zorder=1)
    draw_polygons(ax, near.geometry[key], [Style(color=pal.GREY, weight=0.9, fill=pal.PAPER,
                                                   fill_opacity=1.0)] * int(key.sum()),
                  greyscale=greyscale, zorder=2)
    frame_color = "#000000" if greyscale else pal.VERMILLION
    ax.add_patch(Rectangle((mx0, my0), mx1 - mx0, my1 - my0, facecolor="none",
                           edgecolor=frame_color, linewidth=1.0, zorder=3))
    frame = shapely.box(*map_box)
    if width_in * 25.4 < INSET_NAMES_MIN_MM:
        codes: tuple[str, ...] = ()  # too small to name anything legibly
    else:
        codes = INSET_COUNTRIES
    _name_countries(ax, focus, codes, frame, box, fontsize=fontsize)
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_linewidth(0.6)
    return ax


def _name_countries(ax: Axes, focus: gpd.GeoDataFrame, codes: Sequence[str],
                    frame: shapely.Polygon, box: Box, *, fontsize: float) -> None:
    """Name each country inside its own land, clear of the map's frame and of the other names.

    Candidate spots are the country's land outside the frame, nearest its middle first; the
    first whose text box neither crosses the frame's outline nor touches a name already
    placed (with a little room) is taken; failing that, the first spot.
    """
    renderer = agg_canvas(root_figure(ax)).get_renderer()
    outline = shapely.LineString(ax.transData.transform(np.asarray(frame.exterior.coords)))
    inside = ax.get_window_extent(renderer)
    taken: list[Bbox] = []
    room = 1.5 * root_figure(ax).dpi / 72  # points kept between names
    for code in codes:
        geom = focus.geometry[focus["country"] == code].union_all()
        free = geom.difference(frame)
        spot = max(shapely.get_parts(free), key=lambda g: g.area) if not free.is_empty else geom
        first = spot.point_on_surface() if not spot.contains(spot.centroid) else spot.centroid
        x0, y0, x1, y1 = spot.bounds
        grid = shapely.points(*(a.ravel() for a in np.meshgrid(np.linspace(x0, x1, 15),
                                                              np.linspace(y0, y1, 15))))
        grid = grid[shapely.contains(spot, grid)]
        grid = sorted(grid, key=lambda p: (p.distance(first), p.x, p.y))
        text = ax.text(first.x, first.y, INSET_NAMES[code], fontsize=fontsize, va="center",
                       color=TEXT_GREY, style="italic", zorder=4, clip_on=True)
        fits: list[tuple[int, int]] = []  # (rank, index): 0 clear of all, 1 crosses the outline
        spots = [first, *grid]
        for i, p in enumerate(spots):
            _put_name(text, p, box)
            bb = text.get_window_extent(renderer)
            if (bb.x0 < inside.x0 or bb.x1 > inside.x1 or bb.y0 < inside.y0 or bb.y1 > inside.y1
                    or any(bb.padded(room).overlaps(t) for t in taken)):
                continue
            crosses = shapely.box(bb.x0, bb.y0, bb.x1, bb.y1).intersects(outline)
            fits.append((int(crosses), i))
            if not crosses:
                break
        _put_name(text, spots[min(fits)[1]] if fits else first, box)
        taken.append(text.get_window_extent(renderer))
        add_halo(text)


def _put_name(text: Text, p: shapely.Point, box: Box) -> None:
    """Move an inset name to ``p``; names near the inset's edge are aligned to stay inside."""
    where = (p.x - box[0]) / (box[2] - box[0])
    text.set_position((p.x, p.y))
    text.set_horizontalalignment("right" if where > 0.75 else "left" if where < 0.25 else "center")


# -- legend ----------------------------------------------------------------------------------

class HatchedMarker(Patch):
    """Legend handle of a patterned marker; drawn by ``HandlerPatch(patch_func=hatched_patch)``."""

    def __init__(self, style: Style, *, greyscale: bool) -> None:
        kw = marker_kwargs(style, greyscale=greyscale)
        super().__init__(facecolor=kw["markerfacecolor"], edgecolor=kw["markeredgecolor"],
                         linewidth=kw["markeredgewidth"], hatch=style.hatch)
        self.marker = kw["marker"]
        self.size_pt = kw["markersize"]


def hatched_patch(legend: Legend, orig_handle: HatchedMarker, xdescent: float, ydescent: float,
                  width: float, height: float, fontsize: float) -> PathPatch:
    """The marker's outline, centred in the legend's handle box (its units are points)."""
    marker = orig_handle.marker
    path = marker.get_path().transformed(
        marker.get_transform() + Affine2D().scale(orig_handle.size_pt)
        .translate(width / 2 - xdescent, height / 2 - ydescent))
    return PathPatch(path)


class CentredMarker(HandlerLine2D):
    """A marker's legend handle centred in its handle box.

    A handle box spans ``-ydescent`` to ``height - ydescent`` (its middle at
    ``height / 2 - ydescent``), but ``HandlerLine2D`` puts a marker at
    ``(height - ydescent) / 2``, half the descent above the middle, so a marker as tall as
    the box pokes out of its top. Doubling the descent the handler is given moves the marker
    to the middle (the handler reads the descent for nothing else).
    """

    def adjust_drawing_area(self, legend: Legend, orig_handle: Artist, xdescent: float,
                            ydescent: float, width: float, height: float,
                            fontsize: float) -> tuple[float, float, float, float]:
        xdescent, ydescent, width, height = super().adjust_drawing_area(
            legend, orig_handle, xdescent, ydescent, width, height, fontsize)
        return xdescent, 2 * ydescent, width, height


def glyph_size_pt(handle: Artist) -> float:
    """The height of a marker handle as drawn, its outline included, in points (0: none)."""
    if isinstance(handle, HatchedMarker):
        return handle.size_pt + handle.get_linewidth()
    if isinstance(handle, Line2D) and handle.get_marker() not in (None, "", "None", "none"):
        return float(handle.get_markersize()) + float(handle.get_markeredgewidth())
    return 0.0


def handle_height(glyph_pt: float, fontsize: float) -> float:
    """The legend's ``handleheight`` (in font sizes) whose handle box holds a glyph this tall.

    matplotlib makes a handle box ``fontsize * handleheight - descent`` tall with a
    ``descent`` of ``0.35 * fontsize * (handleheight - 0.7)``, that is
    ``fontsize * (0.65 * handleheight + 0.245)``; solved for the glyph, never under one font
    size (the height of a line's or an area's swatch).
    """
    return max(1.0, (glyph_pt / fontsize - 0.245) / 0.65)


@dataclass(frozen=True)
class LegendItem:
    label: str
    handle: Artist
    header: bool = False


def legend_handle(entry: LegendEntry, *, greyscale: bool) -> Artist:
    """A matplotlib legend handle drawn exactly like the entry's features."""
    if entry.geometry == "point" and entry.style.hatch:
        # A line's marker cannot be patterned: a patch in the marker's shape can.
        return HatchedMarker(entry.style, greyscale=greyscale)
    if entry.geometry == "point":
        return Line2D([], [], **marker_kwargs(entry.style, greyscale=greyscale))
    if entry.geometry == "line":
        return Line2D([], [], **line_kwargs(entry.style, greyscale=greyscale))
    return Patch(**patch_kwargs(entry.style, greyscale=greyscale))


def entries_drawn(spec: LayerSpec, frame: gpd.GeoDataFrame | None) -> frozenset[int]:
    """Indexes of the legend entries of ``spec`` that stand for some feature of ``frame``.

    An entry with ``shows`` stands for the features it accepts; one without stands for the
    features drawn in its style. A layer whose features match none of its entries (a style
    the legend does not spell out) keeps them all, rather than showing a layer unexplained.
    """
    if frame is None or frame.empty or not spec.legend:
        return frozenset()
    attrs = attributes(frame)
    fields = spec.extra.get("style_fields")
    if fields is not None:  # an import: one row per distinct pair is enough
        attrs = attrs[[f for f in fields if f in attrs]].drop_duplicates()
    rows = records(attrs)
    styles = {spec.style_of(p) for p in rows}
    shown = frozenset(i for i, e in enumerate(spec.legend)
                      if (e.shows is not None and any(e.shows(p) for p in rows))
                      or (e.shows is None and e.style in styles))
    return shown or frozenset(range(len(spec.legend)))


def legend_groups(layers: Iterable[str], *, greyscale: bool, extra: Iterable[LayerSpec] = (),
                  keep: dict[str, frozenset[int]] | None = None) -> list[list[LegendItem]]:
    """One group per shown layer with legend entries, top layer first, each under its title.

    ``extra`` are layers drawn besides the shipped ones (an import), placed by their z.
    ``keep`` lists, by layer, the entries to show (``entries_drawn``); None shows them all.
    A layer with no entry to keep has no group.
    """
    groups = []
    for spec in drawing_order(layers, extra)[::-1]:
        entries = [e for i, e in enumerate(spec.legend)
                   if keep is None or i in keep.get(spec.name, frozenset())]
        if not entries:
            continue
        # "Provinces: Sistan and Baluchestan, Balochistan" -> "Provinces": the entries say the rest.
        header = spec.title.split(":")[0].strip()
        items = [LegendItem(header, Patch(visible=False), header=True)]
        items += [LegendItem(e.label, legend_handle(e, greyscale=greyscale)) for e in entries]
        groups.append(items)
    return groups


def pack_columns(groups: list[list[LegendItem]], ncol: int) -> list[LegendItem]:
    """Items in column-major order for ``ncol`` columns, each column starting with a whole group.

    Groups are dealt in order to the column that is shortest so far after the previous
    ones; columns are then padded to equal length, since matplotlib fills columns evenly.
    """
    if ncol <= 1 or len(groups) <= 1:
        return [item for g in groups for item in g]
    total = sum(len(g) for g in groups)
    target = math.ceil(total / ncol)
    columns: list[list[LegendItem]] = [[]]
    for group in groups:
        if columns[-1] and len(columns[-1]) + len(group) > target and len(columns) < ncol:
            columns.append([])
        columns[-1].extend(group)
    rows = max(len(c) for c in columns)
    out = []
    for col in columns:
        out.extend(col + [LegendItem("", Patch(visible=False))] * (rows - len(col)))
    return out


def _spacing(compact: bool) -> dict[str, float]:
    """The legend's horizontal spacings, in font sizes (``compact``: two columns in small type)."""
    return {"handlelength": 2.8 if compact else 2.6, "handletextpad": 0.5 if compact else 0.6,
            "columnspacing": 1.0 if compact else 1.4}


def add_legend(fig: Figure, groups: list[list[LegendItem]], *, ncol: int = 1,
               fontsize: float = 6.0, compact: bool = False) -> Legend | None:
    """A figure legend of the groups (headers in bold, flush left); placed later by the caller."""
    items = pack_columns(groups, ncol)
    if not items:
        return None
    columns = max(1, min(ncol, len(groups)))
    glyph = max(glyph_size_pt(i.handle) for i in items)
    centred = CentredMarker()
    handlers: dict[Any, Any] = {HatchedMarker: HandlerPatch(patch_func=hatched_patch)}
    handlers.update({i.handle: centred for i in items
                     if isinstance(i.handle, Line2D) and glyph_size_pt(i.handle)})
    legend = fig.legend([i.handle for i in items], [i.label for i in items], loc="upper left",
                        bbox_to_anchor=(0, 1), ncols=columns, fontsize=fontsize, frameon=False,
                        handleheight=handle_height(glyph, fontsize), labelspacing=0.32,
                        borderaxespad=0.0, borderpad=0.0, numpoints=1, scatterpoints=1,
                        handler_map=handlers, **_spacing(compact))
    for item, text in zip(items, legend.get_texts(), strict=True):
        if item.header:
            text.set_fontweight("bold")
    _flush_headers(legend, items)
    return legend


def legend_width_floor(groups: list[list[LegendItem]], renderer: Any, *, ncol: int = 1,
                       fontsize: float = 6.0, compact: bool = False,
                       widths: dict[tuple[str, bool, float], float] | None = None) -> float:
    """A lower bound, in pixels of ``renderer``, of the width of ``add_legend``'s legend.

    Building a legend and measuring it costs as much as drawing it; this sums, column by
    column, the widest row's label and handle, from the labels' text metrics alone (which
    matplotlib caches for the drawing). A legend is never narrower, so a layout that cannot
    fit on this bound need not be built. Labels with math in them give 0 (no bound).
    ``widths`` keeps the labels' widths between calls with the same renderer.
    """
    items = pack_columns(groups, ncol)
    if not items or any("$" in i.label for i in items):
        return 0.0
    spacing = _spacing(compact)
    em = renderer.points_to_pixels(fontsize)
    handle = (spacing["handlelength"] + spacing["handletextpad"]) * em
    known = {} if widths is None else widths
    props = {False: FontProperties(size=fontsize), True: FontProperties(size=fontsize, weight="bold")}

    def text_width(item: LegendItem) -> float:
        key = (item.label, item.header, fontsize)
        if key not in known:
            known[key] = renderer.get_text_width_height_descent(
                item.label, props[item.header], ismath=False)[0] if item.label else 0.0
        return known[key]

    columns = max(1, min(ncol, len(groups)))
    width = 0.0
    # matplotlib deals the entries into columns as numpy's array_split does.
    for column in np.array_split(np.arange(len(items)), columns):
        if len(column):
            width += max(text_width(items[k]) + (0.0 if items[k].header else handle) for k in column)
    return width + (columns - 1) * spacing["columnspacing"] * em


def _flush_headers(legend: Legend, items: Sequence[LegendItem]) -> None:
    """Give header rows no handle box, so a title starts where the handles do.

    matplotlib has no legend sections. Each entry of a legend is a row (an ``HPacker``) of its
    handle's ``DrawingArea`` and its label's ``TextArea``; the rows are found from the
    legend's public ``get_children()`` and a header's by its label (``legend.get_texts()``),
    then its handle box is given no width and no gap before the text. Should a later
    matplotlib pack rows otherwise, nothing matches and headers keep the indent: a layout
    nicety only (tests/test_export.py checks it).
    """
    headers = {id(text) for item, text in zip(items, legend.get_texts(), strict=False)
               if item.header}
    for row, handle_box, label_box in legend_rows(legend):
        if any(id(t) in headers for t in label_box.get_children()):
            handle_box.width = 0
            row.sep = 0


def legend_rows(legend: Legend) -> Iterator[tuple[HPacker, DrawingArea, TextArea]]:
    """Each entry row of a legend: (row, handle box, label box), through its public children
    (``get_children``); rows whose boxes matplotlib packs otherwise are not found."""
    stack: list[Artist] = list(legend.get_children())
    while stack:
        box = stack.pop()
        if not isinstance(box, OffsetBox):
            continue
        kids = box.get_children()
        if (isinstance(box, HPacker) and len(kids) == 2 and isinstance(kids[0], DrawingArea)
                and isinstance(kids[1], TextArea)):
            yield box, kids[0], kids[1]
        else:
            stack.extend(kids)


# -- title and sources -----------------------------------------------------------------------

def publisher_name(publisher: str) -> str:
    """The name a reader looks for, from a source's publisher field.

    The field also records how the copy was found, for the data's keepers: the agency a
    paper ran ("Dawn (AFP)"), who carried it ("Associated Press, as carried by KVIA"), a
    bureau or a language service, notes on the record ("...; the aljazeera.com URL was not
    found"). The name is what comes before the first parenthesis, comma or semicolon.
    """
    return re.split(r"\s*[(,;]", publisher.strip(), maxsplit=1)[0].strip()


def publisher_names(publishers: Sequence[str]) -> list[str]:
    """Publishers as readers name them, each once, in the order given (most cited first)."""
    out: list[str] = []
    for publisher in publishers:
        name = publisher_name(publisher)
        if name and name not in out:
            out.append(name)
    return out


def listed_publishers(names: Sequence[str], *, max_names: int = 6, max_chars: int = 110) -> str:
    """'A; B; C; and 7 more': whole names only, at most ``max_names`` and ``max_chars``
    characters of names, then how many were left out. Never a name cut short."""
    shown: list[str] = []
    for name in names[:max_names]:
        if shown and len("; ".join([*shown, name])) > max_chars:
            break
        shown.append(name)
    more = len(names) - len(shown)
    return "; ".join(shown) + (f"; and {more} more" if more > 0 else "")


def source_line(layers: Iterable[str], publishers: Sequence[str], *, max_publishers: int = 6,
                imported: str | None = None) -> str:
    """Credits for what the figure draws, the event sources, the citation and the boundary
    disclaimer: only what a reader should read.

    ``publishers`` are the events' sources' publisher fields, most cited first; the line
    names them as readers do (``publisher_name``). ``imported`` names the file of imported
    events drawn on the map, if any.
    """
    # The base data behind each layer (its spec's attribution), credited whenever the layer
    # is drawn; the background always, as the locator inset draws its countries. Layers that
    # cite sources feature by feature are credited by their publishers below.
    shown = set(layers) | {background().name}
    credits: list[str] = []
    for name, spec in SPECS.items():
        if name in shown and spec.attribution:
            for part in spec.attribution.split("; "):
                if part not in credits:
                    credits.append(part)
    text = "Map data: " + "; ".join(credits) + "."
    names = publisher_names(publishers)
    if names:
        text += f" Event sources: {listed_publishers(names, max_names=max_publishers)}."
    text += f" Cite as: {atlas_citation()} In the atlas every event, crossing and route lists its sources in full."
    if imported:
        text += f" Imported events: {imported} (not checked by the atlas)."
    return text + " " + DISCLAIMER


def wrap_text(text: str, *, width_mm: float, fontsize: float) -> str:
    """Wrap to the width: DejaVu Sans averages about 0.55 em a character."""
    per_line = max(20, int(width_mm / 25.4 * 72 / (fontsize * 0.55)))
    return "\n".join(textwrap.wrap(text, per_line))


def add_text_block(fig: Figure, text: str, *, x: float, y: float, fontsize: float,
                   va: str = "bottom", weight: str = "normal", color: str = TEXT_GREY) -> Text:
    """Figure text at (x, y) in figure fraction, left aligned."""
    return fig.text(x, y, text, fontsize=fontsize, ha="left", va=va, fontweight=weight,
                    color=color, linespacing=1.25, parse_math=False, fontfamily=family_for(text))
