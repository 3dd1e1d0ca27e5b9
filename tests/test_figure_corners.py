"""The corner the inset, scale bar and north arrow take: the one that hides least of the map.

Areas and lengths under a corner are measured by clipping the layers to its rectangle; the
long way, intersecting them with it, must pick the same corner for every size and choice.
"""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

import shapely

from geo.figure import FigureSpec, build_figure, compose, figure_info
from geo.view import View


def _by_intersection(drawn, box, size, corners, *, margin):
    x0, y0, x1, y1 = box
    w, h = size
    spots = {"lower left": (x0, y0), "lower right": (x1 - w, y0),
             "upper left": (x0, y1 - h), "upper right": (x1 - w, y1 - h)}
    cost = dict.fromkeys(corners, 0.0)
    for corner in corners:
        cx, cy = spots[corner]
        rect = shapely.box(cx, cy, cx + w, cy + h)
        near = rect.buffer(margin, join_style="mitre")
        for name, layer in drawn.items():
            spec = compose._spec(name)
            if layer.frame.empty or spec.background:
                continue
            geoms = layer.frame.geometry.values
            if layer.points:
                cost[corner] += 10.0 * float(shapely.intersects(geoms, rect).sum())
                cost[corner] += 5.0 * float(shapely.intersects(geoms, near).sum())
            elif spec.geometry == "polygon":
                cost[corner] += 3.0 * float(shapely.area(shapely.intersection(geoms, rect)).sum()) / rect.area
            else:
                cost[corner] += 2.0 * float(shapely.length(shapely.intersection(geoms, rect)).sum()) / w
    return min(corners, key=lambda c: (round(cost[c], 6), compose.CORNERS.index(c)))


@pytest.mark.parametrize("view", [View(), View(start=dt.date(2017, 1, 1), end=dt.date(2024, 12, 31)),
                                  View(extent=(60.0, 25.0, 64.0, 29.0))])
@pytest.mark.parametrize("preset", ["single-column", "double-column"])
def test_clipping_picks_the_corner_intersecting_picks(view, preset):
    info = figure_info(build_figure(view, FigureSpec(preset=preset)))
    box = info.map_box
    width, height = box[2] - box[0], box[3] - box[1]
    for fw, fh in itertools.product((0.1, 0.2, 0.3, 0.45), (0.1, 0.25, 0.4)):
        size = (fw * width, fh * height)
        for corners in (list(compose.CORNERS), list(compose.CORNERS[1:]), ["lower left", "upper right"]):
            got = compose._emptiest_corner(info.layers, box, size, corners, margin=0.01 * width)
            assert got == _by_intersection(info.layers, box, size, corners, margin=0.01 * width), \
                (size, corners)
