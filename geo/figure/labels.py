"""Map labels: their text (English, Persian or Urdu) and a greedy placement that never overlaps.

Labels are placed in priority order (events, then province names, then towns); each tries a
few positions around its anchor and takes the first whose box, measured by the renderer,
stays inside the map and clear of every label, marker and map element already there. A label
with no free position is left out: a crowded map loses labels, never legibility.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.backend_bases import RendererBase
from matplotlib.lines import Line2D
from matplotlib.text import Text
from matplotlib.transforms import Affine2D, Bbox, Transform, offset_copy

import shapely

from geo.figure.canvas import data_point, root_figure
from geo.figure.drawn import DrawnLayer, attributes
from geo.figure.style import add_halo
from geo.figure.typeface import family_for, has_arabic
from layers import SPECS
from layers._popup import missing

LABEL_LANGS = ("en", "fa", "ur")
GAP_PT = 1.2  # between a marker's edge and its label
PAD_PT = 0.8  # kept clear around every label box
# Farther positions an event label may take, joined to its marker by a leader line.
EVENT_RINGS_PT = (9, 18, 28, 40, 54)



@dataclass(frozen=True)
class Label:
    """A label to place: text, anchor (projected x, y) and how it looks."""

    text: str
    x: float
    y: float
    priority: int
    fontsize: float
    radius_pt: float = 0.0  # half the marker's size; 0 for an area label centred on its anchor
    color: str = "#000000"
    weight: str = "normal"
    style: str = "normal"
    area: bool = False


def shape_script(text: str) -> str:
    """Text ready for matplotlib: Arabic-script letters joined and ordered right to left.

    matplotlib built with libraqm (3.11 on) shapes text itself; older builds draw letters
    unjoined and left to right, so there the text is shaped here with arabic-reshaper and
    python-bidi when they are installed.
    """
    if not has_arabic(text) or _has_native_shaping():
        return text
    try:
        import arabic_reshaper
        from bidi import get_display
    except ImportError:  # drawn unjoined: readable to few, but not wrong letters
        return text
    return str(get_display(arabic_reshaper.reshape(text)))


def _has_native_shaping() -> bool:
    from matplotlib import ft2font

    return bool(getattr(ft2font, "__libraqm_version__", None))


def _name(props: Mapping[str, Any], field: str, lang: str) -> str | None:
    """The feature's name in ``lang`` when the data has it, else in English."""
    if lang != "en" and field.endswith("_en"):
        local = props.get(field[:-3] + "_" + lang)
        if not missing(local):
            return shape_script(str(local))
    value = props.get(field)
    return None if missing(value) else str(value)


def _short_place(place: str) -> str:
    """'Koh-i-Sabz (Sabz Koh, ...), Panjgur district, Balochistan' -> 'Koh-i-Sabz'."""
    return re.split(r"[,(]", place, maxsplit=1)[0].strip() or place


def _event_day(value: Any, with_year: bool) -> str:
    ts = pd.Timestamp(value)
    return f"{ts.day} {ts:%b}" + (f" {ts.year}" if with_year else "")


def event_labels(drawn: DrawnLayer, *, with_year: bool) -> list[Label]:
    """One label per event site: the place and the date, or the number of events there."""
    frame = drawn.frame
    if frame.empty:
        return []
    spec = SPECS[drawn.name]
    field = spec.label_field or "place"
    date_field = spec.time.date_field if spec.time is not None else None
    xy = shapely.get_coordinates(frame.geometry.values)
    sites: dict[tuple[float, float], list[int]] = {}
    for i in range(len(frame)):
        sites.setdefault((round(xy[i, 0], -2), round(xy[i, 1], -2)), []).append(i)  # 100 m
    sizes = {(p.x, p.y): p.size_pt for p in drawn.points}
    out = []
    for rows in sites.values():
        i = rows[0]
        place = min((_short_place(str(frame[field].iloc[j])) for j in rows), key=len)
        dates = sorted({pd.Timestamp(frame[date_field].iloc[j]) for j in rows}) if date_field else []
        when = (_event_day(dates[0], with_year) if dates else "") if len(rows) == 1 else f"{len(rows)} events"
        radius = max(sizes.get((float(xy[j, 0]), float(xy[j, 1])), 6.0) for j in rows) / 2
        out.append(Label(f"{place}, {when}" if when else place, float(xy[i, 0]), float(xy[i, 1]), priority=0,
                         fontsize=6.2, radius_pt=radius, weight="bold"))
    return out


def town_labels(drawn: DrawnLayer, *, lang: str) -> list[Label]:
    """A label for each town on the map."""
    field = SPECS[drawn.name].label_field or "name_en"
    out = []
    sizes = {(p.x, p.y): p.size_pt for p in drawn.points}
    for props, geom in zip(attributes(drawn.frame).to_dict("records"),
                           drawn.frame.geometry, strict=True):
        text = _name(props, field, lang)
        if text:
            out.append(Label(text, geom.x, geom.y, priority=2, fontsize=5.6,
                             radius_pt=sizes.get((geom.x, geom.y), 3.0) / 2, color="#222222"))
    return out


def area_labels(drawn: DrawnLayer, box: tuple[float, float, float, float], *, lang: str,
                color: str) -> list[Label]:
    """Province names, centred on the part of each province inside the map."""
    field = SPECS[drawn.name].label_field or "name_en"
    view = shapely.box(*box)
    out = []
    for props, geom in zip(attributes(drawn.frame).to_dict("records"),
                           drawn.frame.geometry, strict=True):
        text = _name(props, field, lang)
        visible = geom.intersection(view)
        if not text or visible.is_empty:
            continue
        anchor = visible.point_on_surface() if not visible.contains(visible.centroid) else visible.centroid
        # The Arabic font has no italic (and Arabic script is not slanted).
        style = "normal" if has_arabic(text) else "italic"
        out.append(Label(_two_lines(text), anchor.x, anchor.y, priority=1, fontsize=6.6,
                         color=color, style=style, area=True))
    return out


def _two_lines(text: str) -> str:
    """Break a long name at the space nearest its middle."""
    if len(text) <= 14 or " " not in text:
        return text
    spaces = [m.start() for m in re.finditer(" ", text)]
    cut = min(spaces, key=lambda i: abs(i - len(text) / 2))
    return text[:cut] + "\n" + text[cut + 1:]


HAlign = Literal["left", "center", "right"]
VAlign = Literal["bottom", "center", "top"]


def _positions(label: Label) -> list[tuple[float, float, HAlign, VAlign]]:
    """Candidate (dx, dy, ha, va) in points, most conventional first.

    Event labels may also stand farther off, joined to their marker by a leader line: an
    event matters more than a town, and towns crowd around it.
    """
    if label.area:
        return [(0, 0, "center", "center"), (0, 9, "center", "center"), (0, -9, "center", "center"),
                (14, 0, "center", "center"), (-14, 0, "center", "center"),
                (0, 18, "center", "center"), (0, -18, "center", "center")]
    out: list[tuple[float, float, HAlign, VAlign]] = []
    rings = (label.radius_pt + GAP_PT,) + (tuple(label.radius_pt + r for r in EVENT_RINGS_PT)
                                            if label.priority == 0 else ())
    for r in rings:
        d = r * 0.72
        out += [(r, 0, "left", "center"), (-r, 0, "right", "center"),
                (d, d, "left", "bottom"), (d, -d, "left", "top"),
                (-d, d, "right", "bottom"), (-d, -d, "right", "top"),
                (0, r, "center", "bottom"), (0, -r, "center", "top")]
    return out


def point_boxes(ax: Axes, points: Iterable[tuple[float, float, float]]) -> list[Bbox]:
    """Display boxes of markers given as (x, y, size in points)."""
    px_per_pt = root_figure(ax).dpi / 72
    pts = list(points)
    if not pts:
        return []
    xy = ax.transData.transform(np.array([(x, y) for x, y, _ in pts]))
    return [Bbox.from_bounds(cx - s * px_per_pt / 2, cy - s * px_per_pt / 2, s * px_per_pt, s * px_per_pt)
            for (cx, cy), (_, _, s) in zip(xy, pts, strict=True)]


_SHIFT_X = {"left": 0.0, "center": 0.5, "right": 1.0}
_SHIFT_Y = {"bottom": 0.0, "center": 0.5, "top": 1.0}


@dataclass
class Placement:
    """What ``place_labels`` did: the texts placed, every artist it added, the labels left out."""

    texts: list[Text]
    artists: list[Artist]
    dropped: list[Label]


def place_labels(ax: Axes, labels: Sequence[Label], obstacles: Sequence[Bbox],
                 renderer: RendererBase, *, halo: str,
                 lines: shapely.Geometry | None = None) -> Placement:
    """Add the labels that fit to ``ax``, in priority order.

    A label takes the first of its positions that stays inside the map, clear of every box
    taken so far (``obstacles`` and the labels placed before it) and clear of ``lines``
    (display coordinates: the border and routes); failing that, the first that only crosses
    a line (its halo keeps it legible). Other labels are left out and reported, but an
    event label (priority 0) is never left out: it goes farther off on a leader line, and
    as a last resort where it overlaps least.

    Each label is measured once; its candidate boxes are then shifted copies of that box,
    tested against every box taken so far in one vectorised comparison.
    """
    fig = root_figure(ax)
    px = fig.dpi / 72
    pad = PAD_PT * px
    frame = ax.get_window_extent(renderer)
    fx0, fy0, fx1, fy1 = frame.x0 + pad, frame.y0 + pad, frame.x1 - pad, frame.y1 - pad
    taken = np.array([[b.x0 - pad, b.y0 - pad, b.x1 + pad, b.y1 + pad] for b in obstacles]
                     ).reshape(-1, 4)
    if lines is not None and not lines.is_empty:
        shapely.prepare(lines)
    else:
        lines = None
    out = Placement([], [], [])
    for label in sorted(labels, key=lambda lb: (lb.priority, -lb.y, lb.x)):
        text = ax.text(label.x, label.y, label.text, fontsize=label.fontsize, color=label.color,
                       fontfamily=family_for(label.text),
                       fontweight=label.weight, fontstyle=label.style, zorder=12,
                       linespacing=1.0, parse_math=False, clip_on=False,
                       multialignment="center" if label.area else "left",
                       ha="left", va="bottom")
        box = text.get_window_extent(renderer)
        w, h = box.width, box.height
        ax_x, ax_y = ax.transData.transform((label.x, label.y))
        cands = np.array([(ax_x + dx * px - _SHIFT_X[ha] * w, ax_y + dy * px - _SHIFT_Y[va] * h)
                          for dx, dy, ha, va in _positions(label)])
        x0, y0 = cands[:, 0], cands[:, 1]
        x1, y1 = x0 + w, y0 + h
        inside = (x0 >= fx0) & (x1 <= fx1) & (y0 >= fy0) & (y1 <= fy1)
        hits = ((x0[:, None] < taken[None, :, 2]) & (x1[:, None] > taken[None, :, 0])
                & (y0[:, None] < taken[None, :, 3]) & (y1[:, None] > taken[None, :, 1]))
        free = inside & ~hits.any(axis=1)
        clear = free.copy()
        if lines is not None and free.any():
            boxes = shapely.box(x0[free], y0[free], x1[free], y1[free])
            clear[free] = ~shapely.intersects(boxes, lines)
        choice = _first(clear)
        if choice is None:
            choice = _first(free)
        if choice is None and label.priority == 0:
            # Never drop an event: the position inside the map that overlaps least.
            ox = np.clip(np.minimum(x1[:, None], taken[None, :, 2])
                         - np.maximum(x0[:, None], taken[None, :, 0]), 0, None)
            oy = np.clip(np.minimum(y1[:, None], taken[None, :, 3])
                         - np.maximum(y0[:, None], taken[None, :, 1]), 0, None)
            overlap = (ox * oy).sum(axis=1) + np.where(inside, 0.0, np.inf)
            choice = int(np.argmin(overlap)) if np.isfinite(overlap).any() else 0
        if choice is None:
            text.remove()
            out.dropped.append(label)
            continue
        dx, dy, ha, va = _positions(label)[choice]
        text.set_transform(offset_copy(ax.transData, fig=fig, x=dx, y=dy, units="points"))
        text.set_horizontalalignment(ha)
        text.set_verticalalignment(va)
        taken = np.vstack([taken, [x0[choice] - pad, y0[choice] - pad, x1[choice] + pad, y1[choice] + pad]])
        out.texts.append(text)
        out.artists += [text, add_halo(text, color=halo)]
        if not label.area and math.hypot(dx, dy) > label.radius_pt + GAP_PT + 1:
            leader = _leader(ax, label, dx, dy, ha, va, w / px, h / px)
            out.artists += [leader] if leader is not None else []
    return out


def _first(mask: np.ndarray) -> int | None:
    found = np.flatnonzero(mask)
    return int(found[0]) if found.size else None


def display_lines(ax: Axes, geoms: Iterable[shapely.Geometry]) -> shapely.Geometry:
    """Lines (map coordinates) as one geometry in display coordinates, for ``place_labels``."""
    parts = []
    for geom in geoms:
        for part in shapely.get_parts(shapely.boundary(geom) if geom.geom_type.endswith("Polygon")
                                      else geom):
            if part.geom_type in ("LineString", "LinearRing") and not part.is_empty:
                parts.append(shapely.LineString(ax.transData.transform(np.asarray(part.coords)[:, :2])))
    return shapely.MultiLineString(parts) if parts else shapely.MultiLineString()


def _leader(ax: Axes, label: Label, dx: float, dy: float, ha: str, va: str,
            w_pt: float, h_pt: float) -> Line2D | None:
    """A thin line from a marker's edge towards its label, stopping short of the text."""
    # The point of the label's box nearest the marker, in points from the anchor.
    bx0 = dx - _SHIFT_X[ha] * w_pt
    by0 = dy - _SHIFT_Y[va] * h_pt
    tx = min(max(0.0, bx0), bx0 + w_pt)
    ty = min(max(0.0, by0), by0 + h_pt)
    dist = math.hypot(tx, ty)
    if dist <= label.radius_pt + 1:
        return None
    ux, uy = tx / dist, ty / dist
    start, end = label.radius_pt + 0.6, dist - 0.8
    return ax.add_line(Line2D([start * ux, end * ux], [start * uy, end * uy], color=label.color,
                              linewidth=0.45, zorder=11, solid_capstyle="butt",
                              transform=_anchored_points(ax, label.x, label.y)))


def _anchored_points(ax: Axes, x: float, y: float) -> Transform:
    """Transform taking offsets in points to the display, around data point (x, y)."""
    return Affine2D().scale(1 / 72) + root_figure(ax).dpi_scale_trans + data_point(x, y, ax)
