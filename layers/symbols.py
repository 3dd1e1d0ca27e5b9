"""The atlas's symbols, once: marker shapes and line dashes, for every renderer.

Every renderer draws from this table and from nothing else:

- the legend swatches (SVG, written in Python: ``geo.web.layers.swatch_svg``);
- the browser (static/atlas/symbols.js for the map's markers and lines and for imported
  events on a canvas), which reads ``static/atlas/symbols.json``, written from this table by
  ``make data`` (``symbols_json``); an exported HTML file carries the same JSON inside it;
- the printed figures (matplotlib): ``palette.MPL_MARKERS`` are these vertices, and
  ``geo.figure.style`` sizes markers and scales dashes by the rules below.

Shapes live in a unit box: x to the right, y downwards (as on a screen), the centre at
(0, 0), the box from -1 to 1. A shape is a closed polygon (its vertices) or a circle (its
radius). A marker of size ``s`` (pixels on screen) is drawn in an ``s`` by ``s`` box, so a
vertex (x, y) lands at ``s / 2 * (x, y)`` from the marker's centre.

Dashes are patterns of on and off lengths in units of the line's width (as matplotlib counts
them), a unit never shorter than ``DASH_MIN_UNIT_PX`` pixels so that thin lines still show
their dashes. Dashed lines have square-cut ends in every renderer.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass

R = 0.84  # the outer radius of most shapes: a margin of 8% of the box on each side


@dataclass(frozen=True)
class Shape:
    """A marker shape: a circle of ``radius`` when ``points`` is empty, else a polygon."""

    points: tuple[tuple[float, float], ...] = ()
    radius: float | None = None

    @property
    def extent(self) -> float:
        """The largest distance of the shape from its centre along x or y (at most 1)."""
        if not self.points:
            return float(self.radius or 0.0)
        return max(max(abs(x), abs(y)) for x, y in self.points)


def _round(points: list[tuple[float, float]]) -> tuple[tuple[float, float], ...]:
    return tuple((round(x, 3) + 0.0, round(y, 3) + 0.0) for x, y in points)


def _ring(n: int, radius: float, *, dy: float = 0.0) -> list[tuple[float, float]]:
    """n vertices on a circle, the first at the top."""
    return [(radius * math.cos(2 * math.pi * k / n - math.pi / 2),
             dy + radius * math.sin(2 * math.pi * k / n - math.pi / 2)) for k in range(n)]


def _plus(w: float = 0.3) -> list[tuple[float, float]]:
    """A + of two bars, ``w`` the half-width of a bar."""
    return [(-w, -R), (w, -R), (w, -w), (R, -w), (R, w), (w, w), (w, R), (-w, R), (-w, w), (-R, w),
            (-R, -w), (-w, -w)]


def _star(points: int = 5, inner: float = 0.45) -> list[tuple[float, float]]:
    out = []
    for k in range(2 * points):
        r = R * (inner if k % 2 else 1.0)
        a = math.pi / points * k - math.pi / 2
        out.append((r * math.cos(a), r * math.sin(a)))
    return out


def _cross(w: float = 0.42) -> list[tuple[float, float]]:
    """An X of two bars, ``w`` the half-width of a bar measured along the box's sides."""
    a, b = -R, R
    return [(a, a + w), (a + w, a), (0, -w), (b - w, a), (b, a + w), (w, 0),
            (b, b - w), (b - w, b), (0, w), (a + w, b), (a, b - w), (-w, 0)]


SQUARE = 0.76  # half a square's side: a square looks larger than a circle of the same width

SHAPES: dict[str, Shape] = {  # in this order print stacks them (the last on top)
    "circle": Shape(radius=R),
    "triangle": Shape(_round([(0, -R), (R, R), (-R, R)])),
    "square": Shape(_round([(-SQUARE, -SQUARE), (SQUARE, -SQUARE), (SQUARE, SQUARE), (-SQUARE, SQUARE)])),
    "diamond": Shape(_round([(0, -R), (R, 0), (0, R), (-R, 0)])),
    "star": Shape(_round(_star())),
    "cross": Shape(_round(_cross())),
    "hexagon": Shape(_round(_ring(6, R))),
    "pentagon": Shape(_round(_ring(5, R, dy=0.08))),
    "triangle-down": Shape(_round([(-R, -R), (R, -R), (0, R)])),
    "triangle-right": Shape(_round([(-R, -R), (R, 0), (-R, R)])),
    "burst": Shape(_round(_star(8, 0.55))),
    "plus": Shape(_round(_plus())),
    "bar": Shape(_round([(-R, -0.42), (R, -0.42), (R, 0.42), (-R, 0.42)])),
    "bowtie": Shape(_round([(-R, -R), (0, -0.3), (R, -R), (R, R), (0, 0.3), (-R, R)])),
    "dot": Shape(radius=0.5),
    # A mountain or ridge on the places layer: two summits over a flat foot, the map sign for
    # relief, so a ridge never passes for a town's circle or an event's triangle.
    "peak": Shape(_round([(-R, 0.7), (-0.3, -0.46), (-0.02, -0.02), (0.32, -R), (R, 0.7)])),
}

# On and off lengths in line widths; None: a solid line.
DASHES: dict[str, tuple[float, ...] | None] = {
    "solid": None,
    "dash": (6.0, 3.0),
    "dot": (1.5, 2.5),
    "dashdot": (6.0, 2.0, 1.5, 2.0),
}
DASH_MIN_UNIT_PX = 1.0


def shape(name: str | None) -> Shape:
    """The shape called ``name`` (a circle when there is none)."""
    return SHAPES[name or "circle"]


def dash_unit(weight: float) -> float:
    """The length of one dash unit for a line ``weight`` pixels wide."""
    return max(float(weight), DASH_MIN_UNIT_PX)


def dash_px(dash: str, weight: float) -> tuple[float, ...] | None:
    """The dash pattern of a line ``weight`` pixels wide, in pixels (None: solid)."""
    pattern = DASHES[dash]
    if pattern is None:
        return None
    unit = dash_unit(weight)
    return tuple(round(v * unit, 3) for v in pattern)


def dash_widths(dash: str, weight: float) -> tuple[float, ...] | None:
    """The dash pattern in widths of the line as drawn (matplotlib's unit), the minimum unit
    applied: ``dash_px(dash, weight)`` divided by ``weight``."""
    px = dash_px(dash, weight)
    return None if px is None else tuple(round(v / weight, 3) for v in px)


def svg_shape(name: str | None, cx: float, cy: float, half: float) -> str:
    """SVG element of a shape centred on (cx, cy), the unit box scaled to ``half``."""
    s = shape(name)
    if not s.points:
        return f'<circle cx="{fmt_number(cx)}" cy="{fmt_number(cy)}" r="{fmt_number(half * s.extent)}"/>'
    pts = " ".join(f"{fmt_number(cx + half * x)},{fmt_number(cy + half * y)}" for x, y in s.points)
    return f'<polygon points="{pts}"/>'


def fmt_number(v: float) -> str:
    text = f"{v:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def mpl_marker(name: str | None) -> str | list[tuple[float, float]]:
    """A matplotlib marker of the shape: "o" for a circle, else its vertices (y upwards).

    matplotlib scales a marker to fill its size, whatever its extent: draw it at
    ``size * shape(name).extent`` to keep its size as on screen.
    """
    s = shape(name)
    return "o" if not s.points else [(x, -y + 0.0) for x, y in s.points]


def as_json() -> dict[str, object]:
    """The table for the browser (static/atlas/symbols.json)."""
    shapes: dict[str, Mapping[str, object]] = {
        name: ({"circle": s.radius} if not s.points else {"points": [list(p) for p in s.points]})
        for name, s in SHAPES.items()}
    return {"shapes": shapes,
            "dashes": {name: None if p is None else list(p) for name, p in DASHES.items()},
            "dashMinUnitPx": DASH_MIN_UNIT_PX}


def symbols_json() -> str:
    """The text of static/atlas/symbols.json (the same table gives the same bytes)."""
    return json.dumps(as_json(), separators=(",", ":")) + "\n"
