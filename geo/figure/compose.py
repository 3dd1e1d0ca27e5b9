"""Composing a publication figure: measure legend, title and sources, lay out the map, draw.

Everything around the map is measured first and the map gets the rest of the page; then the
layers are drawn, the inset, scale bar and north arrow take the emptiest corners, and the
labels are placed last, around everything else.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.legend import Legend
from matplotlib.text import Text
from matplotlib.transforms import Bbox

import geopandas as gpd
import shapely
from pyproj import CRS

from geo.assemble import assemble, window
from geo.figure import furniture, labels
from geo.figure.canvas import agg_canvas
from geo.figure.drawn import (
    Box,
    DrawnLayer,
    default_extent,
    draw_layer,
    drawing_order,
    fit_box,
    map_crs,
    project_box,
)
from geo.figure.output import ExportError
from geo.figure.spec import MM, FigureInfo, FigureSpec, check_pixels
from geo.figure.style import paint
from geo.filters import apply_filters
from geo.view import View
from layers import SPECS, LayerSpec, background, timeline_layers
from layers import palette as pal
from layers.imported import IMPORTED, ORIGIN_NAMES

LAYOUT_DPI = 300  # labels are placed at this resolution, whatever the output's
# In print an import lies just above the province fills, under the border, routes, towns and
# crossings: 100,000 markers would otherwise bury them (on screen it is clustered, and sits
# under the atlas's events only: layers.imported's z).
PRINT_IMPORTED_Z = 15

# Layout, in mm.
MARGIN = 2.5
GAP = 2.5
LAT_LABELS = 7.0  # room left of the map for "28°N"
LON_LABELS = 4.0  # room below the map for "62°E"
INSET_ASPECT = 0.74  # height / width of the locator map
INSET_PAD = 1.2  # between the map's frame and the inset's
SCALE_BAR_FRACTION = 0.25  # longest scale bar, as a share of the map's width
SIDE_LEGEND_MIN_WIDTH = 120.0  # narrower figures put the legend under the map

# Type sizes in points: 5.5-7 pt is what journals ask of figure text at print size.
FONT = {"title": 8.5, "legend": 6.0, "legend_small": 5.5, "source": 5.4, "graticule": 5.6,
        "scale": 5.6, "stamp": 6.6}
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")


def compose(view: View, spec: FigureSpec, *, imported: gpd.GeoDataFrame | None = None,
            imported_label: str | None = None,
            legend_keep: dict[str, frozenset[int]] | None = None, _tries: int = 3) -> Figure:
    """Lay out and draw the figure of ``view`` (call within the renderer's rcParams).

    ``imported`` events in the view's window are drawn as one more layer, under the
    atlas's own events; they never widen the default extent (one row far away would
    shrink the region to nothing), and ``imported_label`` names their file in the sources.

    The legend lists what is drawn (``spec.legend_all``: every entry of the shown layers).
    It is measured before the map is laid out, from the features inside the extent asked
    for; if the laid-out map shows other ones (it is a little larger), the figure is
    composed again with the legend of what was drawn.
    """
    frames = _filtered(view, assemble([SPECS[n] for n in view.layers], view.start, view.end))
    extent = view.extent or default_extent(frames)
    extra: tuple[LayerSpec, ...] = ()
    credit = None
    shown = _in_window(view, imported)
    if shown is not None:
        frames[IMPORTED.name] = shown
        extra = (replace(IMPORTED, z=PRINT_IMPORTED_Z),)
        credit = imported_label or _origin_names(shown)
    crs = map_crs(extent)
    want = project_box(extent, crs)

    width = spec.width
    fig = Figure(figsize=(width * MM, 100 * MM), dpi=LAYOUT_DPI)
    renderer = FigureCanvasAgg(fig).get_renderer()

    # Measure what surrounds the map first; the map gets the rest.
    inside: dict[str, Any] | None = None
    if not spec.legend_all and legend_keep is None:
        inside = {n: _inside(f, extent) for n, f in frames.items()}
        legend_keep = _legend_keep(view.layers, extra, inside)
    keep = None if spec.legend_all else legend_keep
    groups = furniture.legend_groups(view.layers, greyscale=spec.greyscale, extra=extra, keep=keep)
    legend, side, (legend_w, legend_h) = _measure_legend(fig, spec, groups, renderer)
    panel_w = min(legend_w, 0.45 * width) if side else 0.0
    map_w = width - 2 * MARGIN - LAT_LABELS - (panel_w + GAP if side else 0.0)
    title, title_h = _add_title(fig, spec, renderer)

    # The source line names the publishers of the events on the map. The map's final box is
    # known only after layout, so the line is measured with the events inside the extent,
    # then rewritten and hung from the same top (a longer last version eats into the margin).
    source = furniture.add_text_block(fig, "", x=0, y=0, fontsize=FONT["source"], va="top")
    events_near = _inside(_timeline_frame(frames), extent)
    source.set_text(_wrapped_source(view, _publishers(events_near), credit, width, source,
                                    renderer))
    source_h = _size_mm(source, renderer)[1]

    aspect = (want[3] - want[1]) / (want[2] - want[0])
    natural_h = min(max(map_w * aspect, 0.45 * map_w), 1.4 * map_w)
    under_map = LON_LABELS + GAP + source_h + MARGIN
    legend_below = legend_h + GAP if not side and legend is not None else 0.0
    height, map_h = _page_height(spec, natural_h, fixed=MARGIN + title_h + under_map + legend_below,
                                 side_legend_h=legend_h if side else None)
    check_pixels(width, height, fmt=spec.fmt, dpi=spec.dpi)
    fig.set_size_inches(width * MM, height * MM)
    # The canvas's renderer for the figure's final size: what is measured from here on
    # (labels, obstacles) is measured by the renderer that a raster export at LAYOUT_DPI
    # draws with, so matplotlib's text-metrics cache, kept per renderer, serves the drawing.
    renderer = agg_canvas(fig).get_renderer()

    def frac(x_mm: float, y_mm: float) -> tuple[float, float]:
        return x_mm / width, y_mm / height

    map_left = MARGIN + LAT_LABELS
    map_bottom = MARGIN + source_h + GAP + LON_LABELS + (0.0 if side or legend is None else legend_h + GAP)
    map_top = map_bottom + map_h
    ax = fig.add_axes((*frac(map_left, map_bottom), map_w / width, map_h / height))
    box = fit_box(want, map_h / map_w)
    _set_up_map_axes(ax, box, view, spec)

    tolerance_m = (box[2] - box[0]) / map_w * 0.1  # 0.1 mm on paper
    clip_box = _grow(box, 0.02)  # cut edges fall outside the frame
    drawn = _draw_layers(ax, view.layers, extra, frames, crs, box, clip_box,
                         greyscale=spec.greyscale, tolerance_m=tolerance_m)
    furniture.add_graticule(ax, crs, fontsize=FONT["graticule"])

    inset, bar, arrow, free_corner = _add_furniture(fig, ax, crs, drawn, box, spec,
                                                    map_mm=(map_left, map_bottom, map_w, map_h))
    # The window's dates in the corner left free: a figure never leaves them unsaid.
    stamp = furniture.add_window_stamp(ax, window_text(view.start, view.end), corner=free_corner,
                                       fontsize=FONT["stamp"])

    if legend is not None:
        if side:
            anchor = frac(map_left + map_w + GAP, map_top)
        else:
            anchor = frac(MARGIN, MARGIN + source_h + GAP + legend_h)
        legend.set_bbox_to_anchor(anchor, transform=fig.transFigure)
    if title is not None:
        title.set_position(frac(MARGIN, height - MARGIN))
    drawn_events = _timeline_frame({n: d.frame for n, d in drawn.items()})
    source.set_text(_wrapped_source(view, _publishers(drawn_events), credit,
                                    width, source, renderer))
    source.set_position(frac(MARGIN, MARGIN + source_h))

    obstacles = [a.get_window_extent(renderer) for a in (*bar.artists, *arrow, stamp)]
    obstacles.append(inset.get_window_extent(renderer))
    static_obstacles = obstacles + labels.point_boxes(ax, _points(drawn, dated=False))
    lines = labels.display_lines(ax, [g for name, d in drawn.items()  # labels keep off these
                                      if _spec(name).line_obstacle for g in d.frame.geometry])
    # Events first (never left out), then province and town names around them.
    events = labels.place_labels(ax, _event_candidates(view, drawn), [
        *static_obstacles, *labels.point_boxes(ax, _points(drawn, dated=True))], renderer,
        halo="white", lines=lines)
    others = labels.place_labels(ax, _label_candidates(spec, drawn, box), [
        *static_obstacles, *labels.point_boxes(ax, _points(drawn, dated=True)),
        *(t.get_window_extent(renderer) for t in events.texts)], renderer, halo="white",
        lines=lines)
    dated_names = [n for n in drawn if _dated(n)]
    state = {"static_obstacles": static_obstacles, "lines": lines, "others": others.texts,
             "tolerance_m": tolerance_m, "clip_box": clip_box, "import_frame": imported,
             "extra": extra, "dated_names": dated_names}
    placed = events.texts + others.texts
    if keep is not None and _tries > 1:
        drawn_keep = _legend_keep(view.layers, extra, {n: d.frame for n, d in drawn.items()},
                                  known=None if inside is None else (inside, keep))
        if drawn_keep != keep:
            fig.clear()
            return compose(view, spec, imported=imported, imported_label=imported_label,
                           legend_keep=drawn_keep, _tries=_tries - 1)
    dated = [a for n in dated_names for a in drawn[n].artists] + events.artists

    # The figure carries what was drawn (``geo.figure.figure_info``): an attribute of our own.
    fig.border_atlas = FigureInfo(  # type: ignore[attr-defined]
        view=view, spec=spec, crs=crs, extent=extent, map_box=box, size_mm=(width, height),
        map_ax=ax, inset_ax=inset, legend=legend, scale_bar=bar, layers=drawn, labels=placed,
        source=source, stamp=stamp, dropped=[lb.text for lb in others.dropped], dated=dated,
        state=state)
    return fig


def _measure_legend(fig: Figure, spec: FigureSpec, groups: list,
                    renderer: Any) -> tuple[Legend | None, bool, tuple[float, float]]:
    """The legend, whether it stands beside the map (wide figures, not too tall), and its
    size in mm. A narrower figure, or one with no legend, has it (if any) below the map."""
    width = spec.width
    side = width >= SIDE_LEGEND_MIN_WIDTH and (spec.height is None or spec.height / width < 0.9)
    if not side:
        legend, size = _legend_below(fig, groups, renderer, width - 2 * MARGIN)
        return legend, False, size
    legend = furniture.add_legend(fig, groups, ncol=1, fontsize=FONT["legend"])
    if legend is None:
        return None, False, (0.0, 0.0)
    return legend, True, _size_mm(legend, renderer)


def _add_title(fig: Figure, spec: FigureSpec, renderer: Any) -> tuple[Text | None, float]:
    """The title block (None without a title) and the height it takes, in mm, gap included."""
    if not spec.title:
        return None, 0.0
    title = furniture.add_text_block(
        fig, furniture.wrap_text(spec.title, width_mm=spec.width - 2 * MARGIN, fontsize=FONT["title"]),
        x=0, y=1, fontsize=FONT["title"], va="top", weight="bold", color="black")
    return title, _size_mm(title, renderer)[1] + GAP


def _page_height(spec: FigureSpec, natural_h: float, *, fixed: float,
                 side_legend_h: float | None) -> tuple[float, float]:
    """(figure height, map height) in mm: the height asked for, or the map at its natural
    height plus the ``fixed`` rows above and below it. A legend beside the map
    (``side_legend_h``) must fit its height; the map must keep 25 mm."""
    natural = natural_h if side_legend_h is None else max(natural_h, side_legend_h)
    height = spec.height if spec.height is not None else fixed + natural
    map_h = height - fixed
    if side_legend_h is not None and map_h < side_legend_h - 0.5:
        raise ExportError(f"{height:g} mm leaves no room for the legend; give at least "
                          f"{fixed + side_legend_h:.0f} mm or leave the height out",
                          field="height", value=height)
    if map_h < 25.0:
        raise ExportError(f"{height:g} mm leaves {max(map_h, 0):.0f} mm for the map; "
                          f"give at least {fixed + 25:.0f} mm or leave the height out",
                          field="height", value=height)
    return height, map_h


def _set_up_map_axes(ax: Axes, box: Box, view: View, spec: FigureSpec) -> None:
    """The map's frame: its limits, no ticks, a frame above everything, sea or white under it."""
    ax.set_label("map")
    ax.set_xlim(box[0], box[2])
    ax.set_ylim(box[1], box[3])
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_linewidth(0.6)
        spine.set_zorder(25)
    shows_background = background().name in view.layers
    ax.set_facecolor(paint(pal.SEA, greyscale=spec.greyscale) if shows_background else "white")


def _draw_layers(ax: Axes, names: tuple[str, ...], extra: tuple[LayerSpec, ...],
                 frames: dict[str, gpd.GeoDataFrame], crs: CRS, box: Box, clip_box: Box, *,
                 greyscale: bool, tolerance_m: float) -> dict[str, DrawnLayer]:
    """Every layer in drawing order: points cut to the map's box, lines and areas a little
    beyond it. An import is rasterised."""
    drawn: dict[str, DrawnLayer] = {}
    for layer in drawing_order(names, extra):
        drawn[layer.name] = draw_layer(ax, layer, frames[layer.name], crs,
                                       box if layer.geometry == "point" else clip_box,
                                       greyscale=greyscale, tolerance_m=tolerance_m)
    if IMPORTED.name in drawn:
        # A dense point layer is an image inside a PDF or SVG (as map makers do): 100,000
        # vector markers take seconds to write and to open. Text and lines stay vector.
        for artist in drawn[IMPORTED.name].artists:
            artist.set_rasterized(True)
    return drawn


def redraw_window(fig: Figure, start: dt.date, end: dt.date) -> list[Artist]:
    """Redraw a composed figure's dated layers and event labels for another date window.

    Everything else (extent, legend, undated layers, town and province names, furniture)
    stays as composed; the window stamp is rewritten. This is what an animation frame
    changes. Returns the artists now drawn for the window (the figure's ``dated``).
    """
    info: FigureInfo = fig.border_atlas  # type: ignore[attr-defined]  # set by compose
    st = info.state
    for artist in info.dated:
        artist.remove()
    view = info.view.with_(start=start, end=end)
    names = [n for n in st["dated_names"] if n != IMPORTED.name]
    frames = _filtered(view, assemble([SPECS[n] for n in names], start, end))
    extra: tuple[LayerSpec, ...] = ()
    shown = _in_window(view, st["import_frame"])
    if shown is not None and IMPORTED.name in st["dated_names"]:
        frames[IMPORTED.name] = shown
        extra = tuple(st["extra"])
    ax, renderer = info.map_ax, agg_canvas(fig).get_renderer()
    drawn: dict[str, DrawnLayer] = {}
    for layer in drawing_order(names, extra):
        drawn[layer.name] = draw_layer(ax, layer, frames[layer.name], info.crs,
                                       info.map_box if layer.geometry == "point" else st["clip_box"],
                                       greyscale=info.spec.greyscale, tolerance_m=st["tolerance_m"])
        if layer.name == IMPORTED.name:
            for artist in drawn[layer.name].artists:
                artist.set_rasterized(True)
    stamp = info.stamp
    if stamp is None:
        raise ValueError("the figure has no window stamp: it was not made by compose")
    stamp.set_text(window_text(start, end))
    obstacles = [*st["static_obstacles"], stamp.get_window_extent(renderer),
                 *(t.get_window_extent(renderer) for t in st["others"]),
                 *labels.point_boxes(ax, _points(drawn, dated=True))]
    events = labels.place_labels(ax, _event_candidates(view, drawn), obstacles, renderer,
                                 halo="white", lines=st["lines"])
    info.layers.update(drawn)
    for name in st["dated_names"]:
        if name not in drawn:
            info.layers.pop(name, None)
    info.view = view
    info.labels = events.texts + list(st["others"])
    info.dated = [a for d in drawn.values() for a in d.artists] + events.artists
    return info.dated


def _legend_keep(names: tuple[str, ...], extra: tuple[LayerSpec, ...], frames: dict[str, Any], *,
                 known: tuple[dict[str, Any], dict[str, frozenset[int]]] | None = None,
                 ) -> dict[str, frozenset[int]]:
    """The legend entries, by layer, that stand for a feature of ``frames``.

    ``known`` is (other frames, their entries): a layer whose frame holds the same rows as
    there keeps the entries found there (they depend on the rows' attributes only).
    """
    out = {}
    for s in drawing_order(names, extra):
        frame = frames.get(s.name)
        if known is not None and s.name in known[1] and _same_rows(frame, known[0].get(s.name)):
            out[s.name] = known[1][s.name]
        else:
            out[s.name] = furniture.entries_drawn(s, frame)
    return out


def _same_rows(a: Any, b: Any) -> bool:
    """Whether two frames (or None) hold the same rows of one layer, by index."""
    if a is None or b is None or a.empty or b.empty:
        return (a is None or a.empty) and (b is None or b.empty)
    return bool(a.index.equals(b.index))


def _dated(name: str) -> bool:
    spec = SPECS.get(name, IMPORTED if name == IMPORTED.name else None)
    return spec is not None and spec.time is not None


def _points(drawn: dict[str, DrawnLayer], *, dated: bool) -> list[tuple[float, float, float]]:
    """Markers labels must avoid: of the dated layers or of the others (never the imported:
    there can be 100,000 of them, and they are background to the labels)."""
    return [(p.x, p.y, p.size_pt) for name, d in drawn.items()
            if name != IMPORTED.name and _dated(name) == dated for p in d.points]


def window_text(start: dt.date, end: dt.date) -> str:
    """'15–22 January 2024', '16 January 2024', '28 December 2023 – 4 January 2024'."""
    def day(d: dt.date, month: bool = True, year: bool = True) -> str:
        return f"{d.day}" + (f" {MONTHS[d.month - 1]}" if month else "") + (f" {d.year}" if year else "")

    if start == end:
        return day(start)
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}–{day(end)}"
    if start.year == end.year:
        return f"{day(start, year=False)} – {day(end)}"
    return f"{day(start)} – {day(end)}"


CORNERS = ("lower left", "lower right", "upper right", "upper left")  # preference on a tie


def _add_furniture(fig: Figure, ax: Axes, crs: CRS, drawn: dict[str, DrawnLayer], box: Box,
                   spec: FigureSpec, *, map_mm: tuple[float, float, float, float],
                   ) -> tuple[Axes, furniture.ScaleBar, tuple[Artist, ...], str]:
    """Inset, scale bar and north arrow, each in the corner that hides least, in that order.

    Returns them and the corner left free (for the window stamp).
    """
    left, bottom, map_w, map_h = map_mm
    width, height = fig.get_figwidth() / MM, fig.get_figheight() / MM
    inset_w = min(0.25 * map_w, 38.0)
    inset_h = inset_w * INSET_ASPECT
    mm = (box[2] - box[0]) / map_w  # map units per mm
    free = list(CORNERS)
    inset_corner = _emptiest_corner(drawn, box, (inset_w * mm, inset_h * mm), free, margin=3 * mm)
    free.remove(inset_corner)
    bar_w = SCALE_BAR_FRACTION * (box[2] - box[0]) + 10 * mm
    bar_corner = _emptiest_corner(drawn, box, (bar_w, 9 * mm), free, margin=3 * mm)
    free.remove(bar_corner)
    arrow_corner = _emptiest_corner(drawn, box, (10 * mm, 16 * mm), free, margin=3 * mm)
    free.remove(arrow_corner)

    x = left + INSET_PAD if inset_corner.endswith("left") else left + map_w - INSET_PAD - inset_w
    y = bottom + INSET_PAD if inset_corner.startswith("lower") else bottom + map_h - INSET_PAD - inset_h
    inset = furniture.add_inset(fig, (x / width, y / height, inset_w / width, inset_h / height),
                                crs, box, greyscale=spec.greyscale)
    inset.set_zorder(ax.get_zorder() + 1)
    bar = furniture.add_scale_bar(ax, crs, corner=bar_corner, max_fraction=SCALE_BAR_FRACTION,
                                  fontsize=FONT["scale"])
    arrow = furniture.add_north_arrow(ax, crs, corner=arrow_corner)
    return inset, bar, arrow, free[0]


def _emptiest_corner(drawn: dict[str, DrawnLayer], box: Box, size: tuple[float, float],
                     corners: list[str], *, margin: float) -> str:
    """The corner of the map where a ``size`` (map units) rectangle hides least data.

    Cost counts markers under the rectangle (and, at half weight, within ``margin`` of it,
    where their labels go), the length of lines drawn on top, and the share of the
    rectangle the provinces fill.
    """
    x0, y0, x1, y1 = box
    w, h = size
    spots = {
        "lower left": (x0, y0), "lower right": (x1 - w, y0),
        "upper left": (x0, y1 - h), "upper right": (x1 - w, y1 - h),
    }
    cost = dict.fromkeys(corners, 0.0)
    for corner in corners:
        cx, cy = spots[corner]
        rect = shapely.box(cx, cy, cx + w, cy + h)
        near = rect.buffer(margin, join_style="mitre")
        for name, layer in drawn.items():
            if layer.frame.empty or _spec(name).background:
                continue
            geoms = np.asarray(layer.frame.geometry.values)  # shapely's own array: no pandas ufunc
            if layer.points:
                cost[corner] += 10.0 * float(shapely.intersects(geoms, rect).sum())
                cost[corner] += 5.0 * float(shapely.intersects(geoms, near).sum())
            elif _spec(name).geometry == "polygon":
                # Clipped to the rectangle rather than intersected with it: the same area (to
                # the last bits) for a fraction of the cost (2.7 ms a corner for the provinces).
                cost[corner] += 3.0 * float(shapely.area(shapely.clip_by_rect(geoms, cx, cy, cx + w, cy + h)).sum()) / rect.area
            else:
                cost[corner] += 2.0 * float(shapely.length(shapely.clip_by_rect(geoms, cx, cy, cx + w, cy + h)).sum()) / w
    return min(corners, key=lambda c: (round(cost[c], 6), CORNERS.index(c)))


def _legend_below(fig: Figure, groups: list, renderer: Any,
                  room_mm: float) -> tuple[Legend | None, tuple[float, float]]:
    """The legend with as many columns as fit across ``room_mm`` (fewer rows, shorter figure).

    Two columns in smaller type beat one long column; one column is the last resort.
    """
    if not groups:
        return None, (0.0, 0.0)
    tries = [(n, FONT["legend"], False) for n in range(min(4, len(groups)), 1, -1)]
    tries += [(2, FONT["legend_small"], True), (1, FONT["legend"], False)]
    room_px = room_mm / 25.4 * fig.dpi
    widths: dict[tuple[str, bool, float], float] = {}
    for ncol, size, compact in tries:
        if ncol > 1 and furniture.legend_width_floor(groups, renderer, ncol=ncol, fontsize=size,
                                                     compact=compact, widths=widths) > room_px:
            continue  # it cannot fit: not built
        legend = furniture.add_legend(fig, groups, ncol=ncol, fontsize=size, compact=compact)
        assert legend is not None
        measured = _size_mm(legend, renderer)
        if measured[0] <= room_mm or ncol == 1:
            return legend, measured
        legend.remove()
    raise AssertionError("unreachable: one column is always accepted")


def _event_candidates(view: View, drawn: dict[str, DrawnLayer]) -> list[labels.Label]:
    """Labels never left out: of the layers whose spec's ``print_labels`` is "event"."""
    return [label for name, d in drawn.items() if _spec(name).print_labels == "event"
            for label in labels.event_labels(d, with_year=view.start.year != view.end.year)]


def _label_candidates(spec: FigureSpec, drawn: dict[str, DrawnLayer], box: Box) -> list[labels.Label]:
    """Area names, then town names (``print_labels``), each layer's in drawing order."""
    out: list[labels.Label] = []
    for name, d in drawn.items():
        if _spec(name).print_labels == "area":
            out += labels.area_labels(d, box, lang=spec.label_lang, color="#4d4d4d")
    for name, d in drawn.items():
        if _spec(name).print_labels == "town":
            out += labels.town_labels(d, lang=spec.label_lang)
    return out


def _spec(name: str) -> LayerSpec:
    """The spec of a drawn layer: a shipped one's, or the import's."""
    return SPECS.get(name, IMPORTED)


def _timeline_frame(frames: dict[str, Any]) -> Any:
    """The frame of the layer on the timeline (the atlas's events), whose publishers the
    source line names; None when it is not shown."""
    return next((frames[s.name] for s in timeline_layers() if s.name in frames), None)


def _wrapped_source(view: View, publishers: list[str], imported: str | None, width: float,
                    text: Text, renderer: Any) -> str:
    raw = furniture.source_line(view.layers, publishers, imported=imported)
    if view.filters.active:  # a reader is told which events a filtered figure leaves out
        raw = f"Events shown: {view.filters.describe()}. {raw}"
    room = width - 2 * MARGIN
    size = FONT["source"]
    wrapped = furniture.wrap_text(raw, width_mm=room, fontsize=size)
    for shrink in (0.95, 0.9, 0.85, 0.8):  # the estimate of a character's width can be short
        text.set_text(wrapped)
        if _size_mm(text, renderer)[0] <= room:
            break
        wrapped = furniture.wrap_text(raw, width_mm=room * shrink, fontsize=size)
    return wrapped


def _in_window(view: View, imported: gpd.GeoDataFrame | None) -> gpd.GeoDataFrame | None:
    """The imported events in the view's date window; None when there are none."""
    if imported is None or imported.empty:
        return None
    shown = apply_filters(window(IMPORTED, view.start, view.end, imported), view.filters, IMPORTED)
    return None if shown.empty else shown


def _filtered(view: View, frames: dict[str, gpd.GeoDataFrame]) -> dict[str, gpd.GeoDataFrame]:
    """The view's layers with its filters applied (to the layers they apply to)."""
    return {name: apply_filters(frame, view.filters, SPECS[name]) for name, frame in frames.items()}


def _origin_names(frame: gpd.GeoDataFrame) -> str:
    """'ACLED export': what the imported events came from, when no file name is given."""
    origins = frame["origin"].astype(str).unique() if "origin" in frame else []
    return " and ".join(sorted({ORIGIN_NAMES.get(o, o) for o in origins})) or "a file"


def _inside(frame: Any, extent: Box) -> Any:
    """The features of a lon/lat frame inside a lon/lat box (None stays None)."""
    if frame is None or frame.empty:
        return frame
    return frame[frame.intersects(shapely.box(*extent))]


def _publishers(frame: Any) -> list[str]:
    """Publishers cited by the events, most cited first."""
    counts: dict[str, int] = {}
    if frame is None or frame.empty or "sources" not in frame:
        return []
    for sources in frame["sources"]:
        for src in sources if isinstance(sources, list | tuple) else []:
            name = str(src.get("publisher", "")).strip()
            if name:
                counts[name] = counts.get(name, 0) + 1
    return sorted(counts, key=lambda n: (-counts[n], n))


def _size_mm(artist: Any, renderer: Any) -> tuple[float, float]:
    bb: Bbox = artist.get_window_extent(renderer)
    dpi = artist.figure.dpi
    return bb.width / dpi * 25.4, bb.height / dpi * 25.4


def _grow(box: Box, fraction: float) -> Box:
    dx, dy = (box[2] - box[0]) * fraction, (box[3] - box[1]) * fraction
    return (box[0] - dx, box[1] - dy, box[2] + dx, box[3] + dy)
