"""Publication maps: a ``View`` drawn as a print-ready figure (PNG, PDF, SVG or TIFF).

``build_figure`` lays out and draws a matplotlib Figure (map, legend, scale bar, north arrow,
locator inset, graticule, labels, sources); ``render_figure`` turns it into a file's bytes;
``export_figure`` writes them to disk whole or not at all. Every layer is drawn from its spec
in ``layers/``, the same specs the web map uses, so both show the same thing for a view;
events imported by ``geo.imports.import_events`` can be drawn with them.

The figure always draws the offline vector basemap: tile basemaps need the network, and
their licences and resolution do not suit print.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib as mpl
from matplotlib.figure import Figure
from matplotlib.typing import RcKeyType

import geopandas as gpd

from geo.figure import compose as composing  # the module: its name is not shadowed by its function
from geo.figure.output import (
    FORMATS,
    ExportError,
    check_writable,
    figure_bytes,
    format_for,
    write_atomic,
)
from geo.figure.spec import (
    DEFAULT_SIZE_PRESET,
    SIZE_PRESETS,
    FigureInfo,
    FigureSpec,
)
from geo.figure.typeface import FONT_FAMILY
from geo.view import View

RC: dict[RcKeyType, Any] = {
    # DejaVu Sans ships with matplotlib; Noto Sans Arabic UI ships with the atlas (it has the
    # Urdu letters DejaVu lacks). Same fonts on every machine, so the same figure everywhere.
    "font.family": FONT_FAMILY,
    "pdf.fonttype": 42,  # embed TrueType, text stays text
    # zlib level 3 for the PDF's streams (as for PNG): half the deflate time of the default 6
    # (0.02 s against 0.04 s a single-column map), for a file 8% larger; the same drawing.
    "pdf.compression": 3,
    "ps.fonttype": 42,
    "svg.fonttype": "none",  # <text> elements, editable in a drawing program
    "svg.hashsalt": "border-atlas",  # element ids from content, not from a random salt
    "svg.image_inline": True,
    "hatch.linewidth": 0.35,  # fill patterns fine enough for a 2 mm marker
    "path.simplify": True,
    "axes.unicode_minus": True,
    "text.usetex": False,
}


def figure_info(fig: Figure) -> FigureInfo:
    """The ``FigureInfo`` of a figure made by ``build_figure``."""
    info = getattr(fig, "border_atlas", None)
    if not isinstance(info, FigureInfo):
        raise TypeError("not a figure made by geo.figure.build_figure")
    return info


def build_figure(view: View, spec: FigureSpec | None = None, *,
                 imported: gpd.GeoDataFrame | None = None,
                 imported_label: str | None = None) -> Figure:
    """Draw ``view`` as a publication figure.

    Parameters
    ----------
    view
        Date window, layers and optional extent (lon_min, lat_min, lon_max, lat_max). With no
        extent the map shows the two provinces and the shown features near them.
    spec
        Size, format and presentation; ``FigureSpec()`` by default.
    imported
        Events imported from a file (``ImportResult.events``). Those in the view's date
        window are drawn under the atlas's own events, shape by kind and colour by actor
        (``layers.imported``), without labels, with a legend block of the kinds and actors
        in the window; they never widen the map (events outside it are left out).
    imported_label
        What the source line calls the imported file, e.g. its name; by default what it
        was (e.g. "ACLED export").

    Returns
    -------
    matplotlib.figure.Figure
        An Agg-backed figure, not registered with pyplot (nothing to close);
        ``figure_info(fig)`` tells what was drawn.
    """
    spec = spec or FigureSpec()
    with mpl.rc_context(RC):
        return composing.compose(view, spec, imported=imported, imported_label=imported_label)


def render_figure(view: View, *, preset: str = DEFAULT_SIZE_PRESET, width_mm: float | None = None,
                  height_mm: float | None = None, fmt: str = "png", dpi: int = 300,
                  title: str | None = None, greyscale: bool = False, label_lang: str = "en",
                  imported: gpd.GeoDataFrame | None = None,
                  imported_label: str | None = None) -> bytes:
    """``view`` as the bytes of a figure file; see ``FigureSpec`` for the options.

    ``imported`` and ``imported_label`` are as for ``build_figure``. The same view, events
    and options always give the same bytes.

    Raises
    ------
    ExportError
        An option with a value that cannot be used (the message names it).
    """
    spec = FigureSpec(preset=preset, width_mm=width_mm, height_mm=height_mm, fmt=fmt, dpi=dpi,
                      title=title, greyscale=greyscale, label_lang=label_lang)
    return figure_spec_bytes(view, spec, imported=imported, imported_label=imported_label)


def figure_spec_bytes(view: View, spec: FigureSpec, *, imported: gpd.GeoDataFrame | None = None,
                      imported_label: str | None = None, dropped: list[str] | None = None) -> bytes:
    """``render_figure`` taking a ready ``FigureSpec``.

    When ``dropped`` is a list, the town and province names left off the map for want of
    room are appended to it (event labels are never left out).
    """
    fig = build_figure(view, spec, imported=imported, imported_label=imported_label)
    if dropped is not None:
        dropped.extend(figure_info(fig).dropped)
    try:
        with mpl.rc_context(RC):
            return figure_bytes(fig, spec.fmt, spec.dpi)
    finally:
        fig.clear()  # break the artist cycles now rather than at the next collection


def export_figure(view: View, spec: FigureSpec, out: str | Path, *,
                  imported: gpd.GeoDataFrame | None = None,
                  imported_label: str | None = None, dropped: list[str] | None = None) -> Path:
    """Render and write the figure to ``out``; an existing file is replaced only when done.

    ``spec.fmt`` must agree with the suffix of ``out`` (ExportError otherwise); see
    ``build_figure`` for ``imported`` and ``imported_label``, ``figure_spec_bytes`` for
    ``dropped``.
    """
    format_for(out, spec.fmt)
    check_writable(out)  # fail before the work, not after it
    return write_atomic(figure_spec_bytes(view, spec, imported=imported,
                                          imported_label=imported_label, dropped=dropped), out)


__all__ = [
    "DEFAULT_SIZE_PRESET",
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
