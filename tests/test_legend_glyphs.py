"""The print legend, glyph by glyph: every marker of ``layers.symbols`` is drawn whole, inside
its legend box, in PNG and in PDF.

Two ways a glyph can be cut: drawn past its handle box (into the row above or below), or
drawn as an open outline (a marker given to matplotlib as bare vertices strokes every edge
but the one that closes it, so an unfilled triangle shows two sides). The first is measured
from the rendered artists' window extents, the second on the rendered page: ink at the
middle of every edge of every polygon glyph.
"""

from __future__ import annotations

import io
import subprocess

import numpy as np
import pytest
from matplotlib.lines import Line2D
from matplotlib.patches import PathPatch
from PIL import Image
from test_export_imported import acled_csv

from geo.figure import FigureSpec, build_figure, figure_info
from geo.figure.furniture import legend_rows
from geo.imports import import_events
from geo.view import View
from layers import SPECS
from layers.imported import IMPORTED
from layers.symbols import SHAPES

DPI = 600
# The atlas's own and an import's legend entries, every one, so every shape is in the legend.
SPEC = FigureSpec(legend_all=True, dpi=DPI)


@pytest.fixture(scope="module")
def imported():
    return import_events(acled_csv(), filename="acled-jan.csv").events


def _rows(legend):
    """(handle box, label) of each legend row, as the figure's own code finds them."""
    for _row, handle_box, label_box in legend_rows(legend):
        yield handle_box, label_box.get_children()[0].get_text()


def _outline(artist, renderer):
    """(the glyph's outline vertices in display units, half its edge width in display units)
    of a marker handle, or None for a line or an area."""
    if isinstance(artist, Line2D):
        if artist.get_marker() in (None, "", "None", "none") or artist.get_linestyle() not in ("None", "none", ""):
            return None
        from matplotlib.markers import MarkerStyle
        from matplotlib.transforms import Affine2D
        style = MarkerStyle(artist.get_marker())
        size = renderer.points_to_pixels(artist.get_markersize())
        x, y = artist.get_xydata()[len(artist.get_xydata()) // 2]
        centre = artist.get_transform().transform((x, y))
        path = style.get_path().transformed(style.get_transform() + Affine2D().scale(size)
                                            .translate(*centre))
        return path, renderer.points_to_pixels(artist.get_markeredgewidth()) / 2
    if isinstance(artist, PathPatch):
        path = artist.get_path().transformed(artist.get_transform())
        return path, renderer.points_to_pixels(artist.get_linewidth()) / 2
    return None


def _glyphs(fig, fmt):
    """Render the figure as ``fmt``: (the file's bytes, [(label, handle box, outline path,
    half edge width, artist, artist extent)] in the renderer's display units, the canvas
    size in those units). Measured while the file is drawn, at the file's own resolution."""
    out: list = []
    size: list = []

    def measure(event):
        renderer = event.renderer
        size[:] = [renderer.get_canvas_width_height()[0]]
        out.clear()
        for box, label in _rows(figure_info(fig).legend):
            for artist in box.get_children():
                outline = _outline(artist, renderer) if artist.get_visible() else None
                if outline is not None:
                    out.append((label, box.get_window_extent(renderer), *outline, artist,
                                artist.get_window_extent(renderer)))

    fig.canvas.mpl_connect("draw_event", measure)
    buf = io.BytesIO()
    fig.savefig(buf, format=fmt, dpi=DPI)
    return buf.getvalue(), out, size[0]


def _pixels(data: bytes, fmt: str) -> np.ndarray:
    if fmt == "pdf":  # the page as a reader's viewer draws it, at the same resolution
        data = subprocess.run(["pdftoppm", "-r", str(DPI), "-png", "-singlefile", "-"], input=data,
                              capture_output=True, check=True, timeout=120).stdout
    return np.asarray(Image.open(io.BytesIO(data)).convert("L"), dtype=int)


@pytest.fixture(scope="module", params=["png", "pdf"])
def rendered(request, imported):
    fig = build_figure(View(), SPEC, imported=imported, imported_label="acled-jan.csv")
    data, glyphs, width = _glyphs(fig, request.param)
    return request.param, data, glyphs, width


def test_every_shape_is_in_the_legend(rendered):
    _, _, glyphs, _ = rendered
    labels = {label for label, *_ in glyphs}
    kinds = {e.label for name in SPECS for e in SPECS[name].legend if e.style.marker}
    assert kinds <= labels, kinds - labels
    assert {"Kind: protest", "Kind: other"} <= labels  # the import's own shapes (star, dot)
    # Every shape of the table is some row's glyph: the atlas's layers' and the import's.
    specs = [*SPECS.values(), IMPORTED]
    drawn = {e.style.marker for spec in specs for e in spec.legend if e.style.marker and e.label in labels}
    assert set(SHAPES) <= drawn, set(SHAPES) - drawn


def test_each_glyph_is_drawn_inside_its_legend_box(rendered):
    fmt, _, glyphs, _ = rendered
    assert len(glyphs) >= 20
    for label, box, path, half_edge, artist, extent in glyphs:
        drawn = path.get_extents().padded(half_edge)
        # its outline with its edge inside the box
        assert (drawn.x0 >= box.x0 - 0.01 and drawn.x1 <= box.x1 + 0.01
                and drawn.y0 >= box.y0 - 0.01 and drawn.y1 <= box.y1 + 0.01), (
            fmt, label, drawn.bounds, box.bounds)
        # and the artist's own window extent: a marker's Line2D spans the handle's width (its
        # invisible line) but is as tall as its marker, so its height is compared
        inside_x = extent.x0 >= box.x0 - 0.01 and extent.x1 <= box.x1 + 0.01
        inside_y = extent.y0 >= box.y0 - 0.01 and extent.y1 <= box.y1 + 0.01
        assert inside_y and (inside_x or isinstance(artist, Line2D)), (fmt, label, extent.bounds, box.bounds)
        # and in its middle, up and down
        assert abs((drawn.y0 + drawn.y1) / 2 - (box.y0 + box.y1) / 2) < 0.1 * box.height, (fmt, label)


def test_each_glyph_outline_is_closed_on_the_page(rendered):
    """Ink at the middle of every edge of every polygon glyph, the closing edge included."""
    fmt, data, glyphs, width = rendered
    page = _pixels(data, fmt)
    scale = page.shape[1] / width  # display units -> pixels
    checked = 0
    for label, _, path, _, _, _ in glyphs:
        polygons = [p for p in path.to_polygons(closed_only=False) if len(p) >= 3]
        for polygon in polygons[:1]:
            ring = np.vstack([polygon, polygon[:1]])
            if np.allclose(ring[0], ring[-2]):  # already closed by a repeated vertex
                ring = ring[:-1]
            for a, b in zip(ring[:-1], ring[1:], strict=True):
                if np.hypot(*(b - a)) < 1e-6:
                    continue
                x, y = (a + b) / 2 * scale
                row, col = int(round(page.shape[0] - y)), int(round(x))
                near = page[row - 3:row + 4, col - 3:col + 4]
                assert near.size and near.min() < 120, (fmt, label, "no edge at", (x, y))
                checked += 1
    assert checked >= 60
