"""How a layer ``Style`` becomes matplotlib keywords on paper, in colour or in grey."""

from __future__ import annotations

from typing import Any

from matplotlib.colors import to_rgb, to_rgba

from layers import palette as pal
from layers._spec import Style

# Web sizes are CSS pixels seen on a screen; a printed map is read closer and smaller, so half
# a point per pixel keeps markers and lines in proportion to 6-7 pt text.
PX_TO_PT = 0.5

# Grey levels for the palette, chosen apart rather than taken from luminance: by luminance
# the two province fills (orange, sky blue) come out the same grey, and so do three of the
# five actor colours. Darkest to lightest for actors: armed group, Iran, joint, other,
# Pakistan.
GREYS: dict[str, str] = {
    pal.BLACK: "#000000",
    pal.VERMILLION: "#474747",
    pal.REDDISH_PURPLE: "#5c5c5c",
    pal.ORANGE: "#6b6b6b",
    pal.BLUISH_GREEN: "#808080",
    pal.GREY: "#a6a6a6",
    pal.LIGHT_GREY: "#bdbdbd",
    pal.YELLOW: "#e0e0e0",
    pal.SKY_BLUE: "#d4d4d4",
    pal.BLUE: "#ededed",
    pal.SEA: "#dcdcdc",
    pal.PAPER: "#f7f7f7",
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
    """matplotlib linestyle of ``style.dash``."""
    return pal.MPL_DASHES[style.dash]


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
    """Marker diameter in points."""
    return style.size * PX_TO_PT


def marker_kwargs(style: Style, *, greyscale: bool) -> dict[str, Any]:
    """Keywords for a Line2D marker (legend handles) drawn in ``style``."""
    return {
        "marker": pal.MPL_MARKERS[style.marker or "circle"],
        "markersize": marker_size_pt(style),
        "markerfacecolor": (to_rgba(paint(style.fill, greyscale=greyscale), style.fill_opacity)
                            if style.fill else "none"),
        "markeredgecolor": to_rgba(paint(style.color, greyscale=greyscale), style.opacity),
        "markeredgewidth": max(style.weight * PX_TO_PT, 0.4),
        "linestyle": "none",
    }
