"""The figure an axes belongs to, the Agg canvas a figure is drawn on, and a data point's
translation, as their types.

matplotlib types ``Axes.figure`` as a figure or a subfigure and ``Figure.canvas`` as the
abstract canvas; the atlas draws every axes on a root figure and every figure on Agg (one
``FigureCanvasAgg`` attached when the figure is made), so these say so once and check it.
"""

from __future__ import annotations

from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.transforms import ScaledTranslation, Transform


def root_figure(artist: Artist) -> Figure:
    """The (root) figure an artist is drawn in."""
    fig = artist.get_figure(root=True)
    if fig is None:
        raise ValueError(f"{type(artist).__name__} is not in a figure")
    return fig


def agg_canvas(fig: Figure) -> FigureCanvasAgg:
    """The figure's Agg canvas (renderer, pixel buffer, saved regions)."""
    canvas = fig.canvas
    if not isinstance(canvas, FigureCanvasAgg):
        raise TypeError(f"the figure is on a {type(canvas).__name__}, not on Agg")
    return canvas


def data_point(x: float, y: float, ax: Axes) -> Transform:
    """Translation to the display position of data point (x, y), following the axes' limits
    as they change (offsets in inches or points are added before it)."""
    # ScaledTranslation calls only ``transform`` on its third argument, so any Transform does;
    # matplotlib's stub asks for an Affine2DBase, which transData is not typed as.
    return ScaledTranslation(x, y, ax.transData)  # type: ignore[arg-type]
