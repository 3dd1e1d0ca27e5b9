"""What a publication figure is asked to be (``FigureSpec``) and what was drawn (``FigureInfo``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.legend import Legend
from matplotlib.text import Text

from pyproj import CRS

from geo.figure.drawn import Box, DrawnLayer
from geo.figure.furniture import ScaleBar
from geo.figure.labels import LABEL_LANGS
from geo.figure.output import RASTER_FORMATS, ExportError, normalise_format
from geo.limits import MAX_DPI, MAX_FIGURE_MEGAPIXELS, MAX_MM, MIN_DPI, MIN_MM
from geo.view import View

# Journal sizes in mm (width, height); None: as tall as the map and legend need.
SIZE_PRESETS: dict[str, tuple[float, float | None]] = {
    "single-column": (85.0, None),
    "double-column": (170.0, None),
    "full-page": (170.0, 225.0),
}
DEFAULT_SIZE_PRESET = "double-column"

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
    legend_all
        List every kind, actor and category of the shown layers in the legend, not only
        those drawn on the map.
    """

    preset: str = DEFAULT_SIZE_PRESET
    width_mm: float | None = None
    height_mm: float | None = None
    fmt: str = "png"
    dpi: int = 300
    title: str | None = None
    greyscale: bool = False
    label_lang: str = "en"
    legend_all: bool = False

    def __post_init__(self) -> None:
        if self.preset not in SIZE_PRESETS:
            raise ExportError(f"unknown size preset {self.preset!r}; choose one of "
                              f"{', '.join(SIZE_PRESETS)}", field="preset", value=self.preset)
        object.__setattr__(self, "fmt", normalise_format(self.fmt))
        for name in ("width_mm", "height_mm"):
            value = getattr(self, name)
            if value is None:
                continue
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ExportError(f"{value!r} is not a number of millimetres", field=name, value=value)
            if not MIN_MM <= float(value) <= MAX_MM:
                raise ExportError(f"{value:g} mm is not a printable size "
                                  f"(give {MIN_MM:g} to {MAX_MM:g} mm)", field=name, value=value)
            object.__setattr__(self, name, float(value))
        if isinstance(self.dpi, bool) or not isinstance(self.dpi, int) or not MIN_DPI <= self.dpi <= MAX_DPI:
            raise ExportError(f"{self.dpi!r} is not a resolution (give a whole number "
                              f"from {MIN_DPI} to {MAX_DPI}, e.g. 300 or 600)", field="dpi", value=self.dpi)
        if self.label_lang not in LABEL_LANGS:
            raise ExportError(f"{self.label_lang!r} is not one of "
                              f"{', '.join(LABEL_LANGS)}", field="label_lang", value=self.label_lang)
        if self.title is not None and not isinstance(self.title, str):
            raise ExportError(f"{self.title!r} is not text", field="title", value=self.title)
        if not isinstance(self.greyscale, bool):
            raise ExportError(f"{self.greyscale!r} is not true or false", field="greyscale", value=self.greyscale)
        if not isinstance(self.legend_all, bool):
            raise ExportError(f"{self.legend_all!r} is not true or false", field="legend_all", value=self.legend_all)
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
    """ExportError when a raster figure would exceed ``MAX_FIGURE_MEGAPIXELS``."""
    if fmt not in RASTER_FORMATS:
        return
    megapixels = (width_mm * MM * dpi) * (height_mm * MM * dpi) / 1e6
    if megapixels > MAX_FIGURE_MEGAPIXELS:
        raise ExportError(f"{width_mm:g} x {height_mm:g} mm at {dpi} dpi is "
                          f"{megapixels:.0f} megapixels; the limit is {MAX_FIGURE_MEGAPIXELS:g} "
                          "(lower the dpi or the size, or use pdf or svg)", field="size")


@dataclass
class FigureInfo:
    """What ``build_figure`` drew, for tests and callers that inspect a figure."""

    view: View
    spec: FigureSpec
    crs: CRS
    extent: Box  # lon/lat box asked for (or the default one)
    map_box: Box  # projected limits of the map
    size_mm: tuple[float, float]
    map_ax: Axes
    inset_ax: Axes
    legend: Legend | None
    scale_bar: ScaleBar
    layers: dict[str, DrawnLayer] = field(default_factory=dict)
    labels: list[Text] = field(default_factory=list)
    source: Text | None = None
    stamp: Text | None = None  # the window's dates, in a corner of the map
    dropped: list[str] = field(default_factory=list)  # town and province names left out
    dated: list[Artist] = field(default_factory=list)  # what another window redraws
    state: dict[str, Any] = field(default_factory=dict, repr=False)  # for redraw_window
