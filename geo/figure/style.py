"""How a layer ``Style`` becomes matplotlib keywords on paper, in colour or in grey."""

from __future__ import annotations

from functools import cache
from typing import Any

from matplotlib import patheffects
from matplotlib.colors import to_rgb, to_rgba
from matplotlib.markers import MarkerStyle
from matplotlib.path import Path
from matplotlib.text import Text

from layers import palette as pal
from layers import symbols
from layers._spec import Style

# Web sizes are CSS pixels seen on a screen; a printed map is read closer and smaller, so half
# a point per pixel keeps markers and lines in proportion to 6-7 pt text.
PX_TO_PT = 0.5

# Grey levels for the palette, chosen apart rather than taken from luminance: by luminance
# the two province fills come out the same grey, and so do three of the five actor colours.
# Actors, darkest to lightest: armed group, Iran, Pakistan, other, joint. The provinces are
# filled faintly, so Iran's fill is black to stay visible; the sea is white, as in print.
GREYS: dict[str, str] = {
    pal.BLACK: "#000000",
    pal.ORANGE: "#1a1a1a",
    pal.VERMILLION: "#464646",
    pal.REDDISH_PURPLE: "#5e5e5e",
    pal.BLUE: "#828282",
    pal.SKY_BLUE: "#a0a0a0",
    pal.GREY: "#b9b9b9",
    pal.LIGHT_GREY: "#c4c4c4",
    pal.BLUISH_GREEN: "#e6e6e6",
    pal.PAPER: "#ebebeb",
    pal.YELLOW: "#f0f0f0",
    pal.SEA: "#ffffff",
    "#FFFFFF": "#ffffff",
}
_GREYS_UPPER = {k.upper(): v for k, v in GREYS.items()}


def to_grey(color: str) -> str:
    """The grey that stands for ``color`` in a greyscale figure (a hex colour)."""
    known = _GREYS_UPPER.get(str(color).upper())
    if known is not None:
        return known
    r, g, b = to_rgb(color)
    level = round(255 * (0.299 * r + 0.587 * g + 0.114 * b))  # ITU-R BT.601 luma
    return f"#{level:02x}{level:02x}{level:02x}"


def paint(color: str, *, greyscale: bool) -> str:
    """``color`` as drawn: itself, or its grey."""
    return to_grey(color) if greyscale else color


def dashes(style: Style) -> Any:
    """matplotlib linestyle of ``style.dash``, from the one symbol table (layers/symbols.py):
    its pattern in line widths, which matplotlib scales by the line's width."""
    pattern = symbols.dash_widths(style.dash, style.weight)
    return "-" if pattern is None else (0, pattern)


def line_kwargs(style: Style, *, greyscale: bool) -> dict[str, Any]:
    """Keywords for a line (Line2D or LineCollection) drawn in ``style``."""
    return {
        "color": to_rgba(paint(style.color, greyscale=greyscale), style.opacity),
        "linewidth": style.weight * PX_TO_PT,
        "linestyle": dashes(style),
    }


def patch_kwargs(style: Style, *, greyscale: bool) -> dict[str, Any]:
    """Keywords for a filled area (Patch or PathCollection) drawn in ``style``."""
    face = (to_rgba(paint(style.fill, greyscale=greyscale), style.fill_opacity)
            if style.fill and style.fill_opacity > 0 else "none")
    return {
        "facecolor": face,
        "edgecolor": to_rgba(paint(style.color, greyscale=greyscale), style.opacity),
        "linewidth": style.weight * PX_TO_PT,
        "linestyle": dashes(style),
    }


def marker_size_pt(style: Style) -> float:
    """Marker size in points. matplotlib scales every marker to fill its size, so a shape is
    drawn at its extent relative to a full one (``layers.symbols``): a dot stays smaller than
    a circle, as on screen."""
    return style.size * PX_TO_PT * symbols.shape(style.marker).extent / symbols.R


@cache
def print_marker(name: str | None) -> MarkerStyle:
    """The matplotlib marker of a shape of ``layers.symbols``, its outline closed.

    matplotlib makes a marker given as a list of vertices an open path: filled, the fill
    hides that, but its outline lacks the edge from the last vertex back to the first, so an
    unfilled marker (the legend's kinds) is drawn as an open polyline, half a triangle or a
    diamond. The polygon is passed as a closed Path instead (the last code CLOSEPOLY), which
    strokes every edge and joins the last to the first as any other corner.
    """
    marker = pal.MPL_MARKERS[name or "circle"]
    if isinstance(marker, str):
        return MarkerStyle(marker)
    vertices = [*marker, marker[0]]
    codes = [Path.MOVETO] + [Path.LINETO] * (len(marker) - 1) + [Path.CLOSEPOLY]
    return MarkerStyle(Path(vertices, codes))


def marker_kwargs(style: Style, *, greyscale: bool) -> dict[str, Any]:
    """Keywords for a Line2D marker (legend handles) drawn in ``style``."""
    return {
        "marker": print_marker(style.marker),
        "markersize": marker_size_pt(style),
        "markerfacecolor": (to_rgba(paint(style.fill, greyscale=greyscale), style.fill_opacity)
                            if style.fill else "none"),
        "markeredgecolor": to_rgba(paint(style.color, greyscale=greyscale), style.opacity),
        "markeredgewidth": max(style.weight * PX_TO_PT, 0.4),
        "linestyle": "none",
    }


def add_halo(text: Text, *, color: str = "white", width_pt: float = 1.6) -> Text:
    """Put a halo behind ``text``: a copy drawn as an outline only, just beneath it.

    A path effect on the text itself would turn the text into outlines in PDF and SVG; the
    copy keeps the real text selectable, searchable and editable.
    """
    halo = Text(*text.get_position(), text.get_text(), parse_math=False)
    halo.update_from(text)  # font, alignment, line spacing, rotation
    halo.set_color(color)
    halo.set_transform(text.get_transform())
    halo.set_zorder(text.get_zorder() - 0.01)
    halo.set_clip_on(text.get_clip_on())
    halo.set_path_effects([patheffects.Stroke(linewidth=width_pt, foreground=color)])
    halo.set_gid("halo")
    if text.axes is not None:
        text.axes.add_artist(halo)
    else:
        text.figure.add_artist(halo)
    return halo
