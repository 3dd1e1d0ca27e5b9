"""Publication maps: a ``View`` drawn as a print-ready figure (PNG, PDF, SVG or TIFF).

``build_figure`` lays out and draws a matplotlib Figure (map, legend, scale bar, north arrow,
locator inset, graticule, labels, sources); ``render_figure`` turns it into a file's bytes;
``export_figure`` writes them to disk whole or not at all. Every layer is drawn from its spec
in ``layers/``, the same specs the web map uses, so both show the same thing for a view.

The figure always draws the offline vector basemap: tile basemaps need the network, and
their licences and resolution do not suit print.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import matplotlib as mpl
from cartopy import crs as ccrs
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.legend import Legend
from matplotlib.text import Text
from matplotlib.transforms import Bbox

from geo import _static_furniture as furniture
from geo import _static_labels as labels
from geo._static_layers import (
    Box,
    DrawnLayer,
    default_extent,
    draw_layer,
    drawing_order,
    fit_box,
    map_crs,
    project_box,
)
from geo._static_output import (
    FORMATS,
    RASTER_FORMATS,
    ExportError,
    figure_bytes,
    format_for,
    normalise_format,
    write_atomic,
)
from geo._static_style import paint
from geo.assemble import assemble
from geo.view import View
from layers import palette as pal

# Journal sizes in mm (width, height); None: as tall as the map and legend need.
SIZE_PRESETS: dict[str, tuple[float, float | None]] = {
    "single-column": (85.0, None),
    "double-column": (170.0, None),
    "full-page": (170.0, 225.0),
}
DEFAULT_SIZE_PRESET = "double-column"
MIN_MM, MAX_MM = 40.0, 1000.0
MIN_DPI, MAX_DPI = 72, 1200
MAX_MEGAPIXELS = 60.0
LAYOUT_DPI = 300  # labels are placed at this resolution, whatever the output's

# Layout, in mm.
MARGIN = 2.5
GAP = 2.5
LAT_LABELS = 7.0  # room left of the map for "28°N"
LON_LABELS = 4.0  # room below the map for "62°E"
PANEL_MIN = 46.0  # width of the legend panel beside a wide map
INSET_ASPECT = 0.74  # height / width of the locator map
SIDE_LEGEND_MIN_WIDTH = 120.0  # narrower figures put the legend under the map

# Type sizes in points: 5.5-7 pt is what journals ask of figure text at print size.
FONT = {"title": 8.5, "legend": 6.0, "source": 5.4, "graticule": 5.6, "scale": 5.6}

RC: dict[str, Any] = {
    "font.family": "DejaVu Sans",  # ships with matplotlib, has Arabic script: same on every machine
    "pdf.fonttype": 42,  # embed TrueType, text stays text
    "ps.fonttype": 42,
    "svg.fonttype": "none",  # <text> elements, editable in a drawing program
    "svg.hashsalt": "border-atlas",  # element ids from content, not from a random salt
    "svg.image_inline": True,
    "path.simplify": True,
    "axes.unicode_minus": True,
    "text.usetex": False,
}
MM = 1 / 25.4


@dataclass(frozen=True)
class FigureSpec:
    """How a figure is made: size, format, resolution and presentation options.

    Parameters
    ----------
    preset
        A size from ``SIZE_PRESETS``: single-column (85 mm wide), double-column (170 mm) or
        full-page (170 x 225 mm).
    width_mm, height_mm
        Override the preset's width or height. A height of None fits the map and legend.
    fmt
        png, pdf, svg or tiff (tif is accepted).
    dpi
        Resolution of raster output, written into the file; PDF and SVG are vector.
    title
        Printed above the map when given.
    greyscale
        Draw in greys only (categories stay apart by marker shape and line dash).
    label_lang
        Language of town and province labels: en, fa (Persian) or ur (Urdu); a name the data
        lacks in that language is given in English.
    """

    preset: str = DEFAULT_SIZE_PRESET
    width_mm: float | None = None
    height_mm: float | None = None
    fmt: str = "png"
    dpi: int = 300
    title: str | None = None
    greyscale: bool = False
    label_lang: str = "en"

    def __post_init__(self) -> None:
        if self.preset not in SIZE_PRESETS:
            raise ExportError(f"preset: unknown size preset {self.preset!r}; choose one of "
                              f"{', '.join(SIZE_PRESETS)}")
        object.__setattr__(self, "fmt", normalise_format(self.fmt))
        for name in ("width_mm", "height_mm"):
            value = getattr(self, name)
            if value is None:
                continue
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ExportError(f"{name}: {value!r} is not a number of millimetres")
            if not MIN_MM <= float(value) <= MAX_MM:
                raise ExportError(f"{name}: {value:g} mm is not a printable size "
                                  f"(give {MIN_MM:g} to {MAX_MM:g} mm)")
            object.__setattr__(self, name, float(value))
        if isinstance(self.dpi, bool) or not isinstance(self.dpi, int) or not MIN_DPI <= self.dpi <= MAX_DPI:
            raise ExportError(f"dpi: {self.dpi!r} is not a resolution (give a whole number "
                              f"from {MIN_DPI} to {MAX_DPI}, e.g. 300 or 600)")
        if self.label_lang not in labels.LABEL_LANGS:
            raise ExportError(f"label_lang: {self.label_lang!r} is not one of "
                              f"{', '.join(labels.LABEL_LANGS)}")
        if self.title is not None and not isinstance(self.title, str):
            raise ExportError(f"title: {self.title!r} is not text")
        if not isinstance(self.greyscale, bool):
            raise ExportError(f"greyscale: {self.greyscale!r} is not true or false")
        if self.height is not None:
            check_pixels(self.width, self.height, fmt=self.fmt, dpi=self.dpi)

    @property
    def width(self) -> float:
        """Figure width in mm."""
        return self.width_mm if self.width_mm is not None else SIZE_PRESETS[self.preset][0]

    @property
    def height(self) -> float | None:
        """Figure height in mm, or None when it follows the map."""
        return self.height_mm if self.height_mm is not None else SIZE_PRESETS[self.preset][1]


def check_pixels(width_mm: float, height_mm: float, *, fmt: str, dpi: int) -> None:
    """ExportError when a raster figure would exceed ``MAX_MEGAPIXELS``."""
    if fmt not in RASTER_FORMATS:
        return
    megapixels = (width_mm * MM * dpi) * (height_mm * MM * dpi) / 1e6
    if megapixels > MAX_MEGAPIXELS:
        raise ExportError(f"size: {width_mm:g} x {height_mm:g} mm at {dpi} dpi is "
                          f"{megapixels:.0f} megapixels; the limit is {MAX_MEGAPIXELS:g} "
                          "(lower the dpi or the size, or use pdf or svg)")


@dataclass
class FigureInfo:
    """What ``build_figure`` drew, for tests and callers that inspect a figure."""

    view: View
    spec: FigureSpec
    crs: ccrs.Projection
    extent: Box  # lon/lat box asked for (or the default one)
    map_box: Box  # projected limits of the map
    size_mm: tuple[float, float]
    map_ax: Axes
    inset_ax: Axes
    legend: Legend | None
    scale_bar: furniture.ScaleBar
    layers: dict[str, DrawnLayer] = field(default_factory=dict)
    labels: list[Text] = field(default_factory=list)
    source: Text | None = None


def figure_info(fig: Figure) -> FigureInfo:
    """The ``FigureInfo`` of a figure made by ``build_figure``."""
    info = getattr(fig, "border_atlas", None)
    if not isinstance(info, FigureInfo):
        raise TypeError("not a figure made by geo.static.build_figure")
    return info


def build_figure(view: View, spec: FigureSpec | None = None) -> Figure:
    """Draw ``view`` as a publication figure.

    Parameters
    ----------
    view
        Date window, layers and optional extent (lon_min, lat_min, lon_max, lat_max). With no
        extent the map shows the two provinces and the shown features near them.
    spec
        Size, format and presentation; ``FigureSpec()`` by default.

    Returns
    -------
    matplotlib.figure.Figure
        An Agg-backed figure, not registered with pyplot (nothing to close);
        ``figure_info(fig)`` tells what was drawn.
    """
    spec = spec or FigureSpec()
    with mpl.rc_context(RC):
        return _build(view, spec)


def render_figure(view: View, *, preset: str = DEFAULT_SIZE_PRESET, width_mm: float | None = None,
                  height_mm: float | None = None, fmt: str = "png", dpi: int = 300,
                  title: str | None = None, greyscale: bool = False, label_lang: str = "en") -> bytes:
    """``view`` as the bytes of a figure file; see ``FigureSpec`` for the options.

    The same view and options always give the same bytes.

    Raises
    ------
    ExportError
        An option with a value that cannot be used (the message names it).
    """
    spec = FigureSpec(preset=preset, width_mm=width_mm, height_mm=height_mm, fmt=fmt, dpi=dpi,
                      title=title, greyscale=greyscale, label_lang=label_lang)
    return figure_spec_bytes(view, spec)


def figure_spec_bytes(view: View, spec: FigureSpec) -> bytes:
    """``render_figure`` taking a ready ``FigureSpec``."""
    fig = build_figure(view, spec)
    try:
        with mpl.rc_context(RC):
            return figure_bytes(fig, spec.fmt, spec.dpi)
    finally:
        fig.clear()  # break the artist cycles now rather than at the next collection


def export_figure(view: View, spec: FigureSpec, out: str | Path) -> Path:
    """Render and write the figure to ``out``; an existing file is replaced only when done.

    ``spec.fmt`` must agree with the suffix of ``out`` (ExportError otherwise).
    """
    format_for(out, spec.fmt)
    from geo._static_output import check_writable

    check_writable(out)  # fail before the work, not after it
    return write_atomic(figure_spec_bytes(view, spec), out)


# -- building --------------------------------------------------------------------------------

def _build(view: View, spec: FigureSpec) -> Figure:
    frames = assemble(view.layers, view.start, view.end)
    extent = view.extent or default_extent(frames)
    crs = map_crs(extent)
    want = project_box(extent, crs)

    width = spec.width
    fig = Figure(figsize=(width * MM, 100 * MM), dpi=LAYOUT_DPI)
    FigureCanvasAgg(fig)
    renderer = fig.canvas.get_renderer()
    side = width >= SIDE_LEGEND_MIN_WIDTH and (spec.height is None or spec.height / width < 0.9)

    groups = furniture.legend_groups(view.layers, greyscale=spec.greyscale)
    if side:
        legend = furniture.add_legend(fig, groups, ncol=1, fontsize=FONT["legend"])
        legend_w, legend_h = _size_mm(legend, renderer)
    else:
        legend, (legend_w, legend_h) = _legend_below(fig, groups, renderer, width - 2 * MARGIN)
    panel_w = min(max(PANEL_MIN, legend_w), 0.45 * width) if side else 0.0
    map_w = width - 2 * MARGIN - LAT_LABELS - (panel_w + GAP if side else 0.0)

    title = None
    title_h = 0.0
    if spec.title:
        title = furniture.add_text_block(fig, furniture.wrap_text(spec.title, width_mm=width - 2 * MARGIN,
                                                                  fontsize=FONT["title"]),
                                         x=0, y=1, fontsize=FONT["title"], va="top", weight="bold",
                                         color="black")
        title_h = _size_mm(title, renderer)[1] + GAP

    map_frames: dict[str, Any] = {}
    source = furniture.add_text_block(fig, "", x=0, y=0, fontsize=FONT["source"])
    # The source line names the event publishers on the map, known only once the map is
    # cut; it is measured with all publishers of the window, then filled in.
    source.set_text(_wrapped_source(view, frames, None, width, source, renderer))
    source_h = _size_mm(source, renderer)[1]

    aspect = (want[3] - want[1]) / (want[2] - want[0])
    natural_h = min(max(map_w * aspect, 0.4 * map_w), 1.4 * map_w)
    inset_w = panel_w if side else min(0.3 * map_w, 42.0)
    inset_h = inset_w * INSET_ASPECT
    below_h = LON_LABELS + GAP + source_h + MARGIN
    if side:
        panel_h = inset_h + GAP + legend_h
        fixed = MARGIN + title_h + below_h
        height = spec.height if spec.height is not None else fixed + max(natural_h, panel_h)
        map_h = height - fixed
        if map_h < panel_h - 0.5:
            raise ExportError(f"height: {height:g} mm leaves no room for the legend; give at least "
                              f"{fixed + panel_h:.0f} mm or leave the height out")
    else:
        fixed = MARGIN + title_h + below_h + (legend_h + GAP if legend is not None else 0.0)
        height = spec.height if spec.height is not None else fixed + natural_h
        map_h = height - fixed
    if map_h < 25.0:
        raise ExportError(f"height: {height:g} mm leaves {max(map_h, 0):.0f} mm for the map; "
                          f"give at least {fixed + 25:.0f} mm or leave the height out")
    check_pixels(width, height, fmt=spec.fmt, dpi=spec.dpi)
    fig.set_size_inches(width * MM, height * MM)

    def frac(x_mm: float, y_mm: float) -> tuple[float, float]:
        return x_mm / width, y_mm / height

    map_left = MARGIN + LAT_LABELS
    map_bottom = MARGIN + source_h + GAP + LON_LABELS + (0.0 if side or legend is None else legend_h + GAP)
    map_top = map_bottom + map_h
    ax = fig.add_axes([*frac(map_left, map_bottom), map_w / width, map_h / height], projection=crs)
    ax.set_label("map")
    box = fit_box(want, map_h / map_w)
    ax.set_xlim(box[0], box[2])
    ax.set_ylim(box[1], box[3])
    ax.set_aspect("equal", adjustable="datalim")
    ax.apply_aspect()
    box = (*ax.get_xlim(), *ax.get_ylim())
    box = (box[0], box[2], box[1], box[3])
    shows_context = "context" in view.layers
    ax.set_facecolor(paint(pal.SEA, greyscale=spec.greyscale) if shows_context else "white")
    ax.spines["geo"].set_linewidth(0.6)

    tolerance_m = (box[2] - box[0]) / map_w * 0.1  # 0.1 mm on paper
    clip_box = _grow(box, 0.02)
    drawn: dict[str, DrawnLayer] = {}
    for layer in drawing_order(view.layers):
        drawn[layer.name] = draw_layer(ax, layer, frames[layer.name], crs,
                                       clip_box if layer.geometry != "point" else box,
                                       greyscale=spec.greyscale, tolerance_m=tolerance_m)
    map_frames.update(drawn)

    furniture.add_graticule(ax, extent if view.extent else _lonlat_of(box, crs),
                            fontsize=FONT["graticule"])
    bar = furniture.add_scale_bar(ax, crs, fontsize=FONT["scale"])
    arrow = furniture.add_north_arrow(ax, crs)

    if side:
        inset_rect = [*frac(map_left + map_w + GAP, map_top - inset_h), inset_w / width, inset_h / height]
    else:
        inset_rect = [*frac(map_left + 1.5, map_top - inset_h - 1.5), inset_w / width, inset_h / height]
    inset = furniture.add_inset(fig, inset_rect, crs, box, greyscale=spec.greyscale)
    inset.set_zorder(ax.get_zorder() + 1)

    if legend is not None:
        if side:
            anchor = frac(map_left + map_w + GAP, map_top - inset_h - GAP)
        else:
            anchor = frac(MARGIN, MARGIN + source_h + GAP + legend_h)
        legend.set_bbox_to_anchor(anchor, transform=fig.transFigure)
    if title is not None:
        title.set_position(frac(MARGIN, height - MARGIN))
    source.set_text(_wrapped_source(view, frames, drawn, width, source, renderer))
    source.set_position(frac(MARGIN, MARGIN))

    obstacles = [a.get_window_extent(renderer) for a in (*bar.artists, *arrow)]
    if not side:
        obstacles.append(inset.get_window_extent(renderer))
    points = [(p.x, p.y, p.size_pt) for d in drawn.values() for p in d.points]
    obstacles += labels.point_boxes(ax, points)
    placed = labels.place_labels(ax, _label_candidates(view, spec, drawn, box), obstacles, renderer,
                                 halo="white")

    fig.border_atlas = FigureInfo(  # type: ignore[attr-defined]
        view=view, spec=spec, crs=crs, extent=extent, map_box=box, size_mm=(width, height),
        map_ax=ax, inset_ax=inset, legend=legend, scale_bar=bar, layers=drawn, labels=placed,
        source=source)
    return fig


def _legend_below(fig: Figure, groups: list, renderer: Any, room_mm: float) -> tuple[Legend | None, tuple[float, float]]:
    """The legend with as many columns as fit across ``room_mm`` (fewer rows, shorter figure)."""
    if not groups:
        return None, (0.0, 0.0)
    best = None
    for ncol in range(min(4, len(groups)), 0, -1):
        legend = furniture.add_legend(fig, groups, ncol=ncol, fontsize=FONT["legend"])
        size = _size_mm(legend, renderer)
        if size[0] <= room_mm or ncol == 1:
            best = (legend, size)
            break
        legend.remove()
    assert best is not None
    return best


def _label_candidates(view: View, spec: FigureSpec, drawn: dict[str, DrawnLayer], box: Box) -> list[labels.Label]:
    out: list[labels.Label] = []
    if "events" in drawn:
        out += labels.event_labels(drawn["events"], with_year=view.start.year != view.end.year)
    if "provinces" in drawn:
        out += labels.area_labels(drawn["provinces"], box, lang=spec.label_lang, color="#4d4d4d")
    if "places" in drawn:
        out += labels.town_labels(drawn["places"], lang=spec.label_lang)
    return out


def _wrapped_source(view: View, frames: dict, drawn: dict[str, DrawnLayer] | None, width: float,
                    text: Text, renderer: Any) -> str:
    events = (drawn or frames).get("events")
    frame = events.frame if isinstance(events, DrawnLayer) else events
    publishers = _publishers(frame) if frame is not None else []
    raw = furniture.source_line(view.layers, publishers)
    room = width - 2 * MARGIN
    size = FONT["source"]
    wrapped = furniture.wrap_text(raw, width_mm=room, fontsize=size)
    for shrink in (0.95, 0.9, 0.85, 0.8):  # the estimate of a character's width can be short
        text.set_text(wrapped)
        if _size_mm(text, renderer)[0] <= room:
            break
        wrapped = furniture.wrap_text(raw, width_mm=room * shrink, fontsize=size)
    return wrapped


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


def _lonlat_of(box: Box, crs: ccrs.Projection) -> Box:
    from geo._static_layers import map_to_lonlat

    x0, y0, x1, y1 = box
    xs = [x0, x1, x0, x1, (x0 + x1) / 2, (x0 + x1) / 2]
    ys = [y0, y0, y1, y1, y0, y1]
    lon, lat = map_to_lonlat(crs).transform(xs, ys)
    return (min(lon), min(lat), max(lon), max(lat))


__all__ = [
    "FORMATS",
    "SIZE_PRESETS",
    "ExportError",
    "FigureInfo",
    "FigureSpec",
    "build_figure",
    "export_figure",
    "figure_info",
    "render_figure",
]
