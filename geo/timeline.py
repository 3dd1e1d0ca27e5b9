"""The explorer's timeline: every curated event on a date axis, the date window shaded.

Drawn as one small SVG (a few kilobytes, no chart library to load in the browser): one row
per kind, each event with the map's shape for its kind and colour for its actor, a native
tooltip (an SVG <title>, escaped) per event, ticks fitted to the span, and the window as a
band with edges that stay visible when the window is a week on an eight-year axis. The
explorer shows it twice: over all years with the window shaded, and over the window alone.
"""

from __future__ import annotations

import datetime as dt
from html import escape

import pandas as pd

from geo.webmap import SVG_SHAPES
from layers import palette as pal
from layers.events import actor_group

WIDTH, ROW_H, TOP, LEFT, RIGHT, AXIS_H, LEGEND_H = 1000, 22, 8, 92, 12, 26, 22
MARK = 12  # symbol size in px (the shapes are drawn in a 16 px box)


def _ticks(lo: dt.date, hi: dt.date) -> list[tuple[dt.date, str]]:
    """Axis ticks for a span: years, month starts, Mondays or days, fewest that still say when."""
    days = (hi - lo).days + 1
    out = []
    if days > 3 * 366:
        return [(dt.date(y, 1, 1), str(y)) for y in range(lo.year, hi.year + 2)]
    if days > 120:
        y, m = lo.year, lo.month
        while dt.date(y, m, 1) <= hi + dt.timedelta(days=1):
            first = dt.date(y, m, 1)
            out.append((first, first.strftime("%b %Y" if m == 1 or not out else "%b")))
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        return out
    step = 7 if days > 21 else 1
    day = lo + dt.timedelta(days=(7 - lo.weekday()) % 7) if step == 7 else lo
    while day <= hi:
        out.append((day, day.strftime("%d %b").lstrip("0")))
        day += dt.timedelta(days=step)
    return out


def timeline_svg(events: pd.DataFrame, start: dt.date, end: dt.date, *,
                 domain: tuple[dt.date, dt.date], band: bool = True) -> str:
    """The timeline as SVG markup over ``domain``; ``[start, end]`` (whole days) is shaded.

    With ``band=False`` the window is not drawn: for a close-up whose domain is the window.
    """
    kinds = list(pal.KIND_MARKERS)
    lo, hi = domain
    span = max((hi - lo).days + 1, 1)
    inner = WIDTH - LEFT - RIGHT
    rows_h = ROW_H * len(kinds)
    height = TOP + rows_h + AXIS_H + LEGEND_H

    def x(day: dt.date) -> float:
        return LEFT + inner * min(max((day - lo).days, 0), span) / span

    parts = [f'<svg class="ba-timeline" viewBox="0 0 {WIDTH} {height}" width="100%" '
             f'role="img" aria-label="Timeline of events, {lo.year} to {hi.year}" '
             'font-family="sans-serif" font-size="11">']
    for i, kind in enumerate(kinds):  # row labels and guides
        y = TOP + ROW_H * i + ROW_H / 2
        parts.append(f'<text x="{LEFT - 8}" y="{y + 4:.1f}" text-anchor="end" fill="#333">'
                     f"{escape(kind.replace('-', ' '))}</text>"
                     f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" '
                     'stroke="#e6e6e6"/>')
    for day, label in _ticks(lo, hi):
        if lo <= day <= hi + dt.timedelta(days=1):
            px = x(day)
            parts.append(f'<line x1="{px:.1f}" x2="{px:.1f}" y1="{TOP}" y2="{TOP + rows_h + 4}" '
                         'stroke="#ccc"/>')
            if day <= hi:
                parts.append(f'<text x="{px + 3:.1f}" y="{TOP + rows_h + 16}" fill="#555">{label}</text>')
    # The window: a band, with edges drawn as lines so that a one-week window shows.
    x0, x1 = x(start), x(end + dt.timedelta(days=1))
    if band:
        parts.append(f'<rect class="ba-window" x="{x0:.1f}" y="{TOP}" width="{max(x1 - x0, 0):.1f}" '
                     f'height="{rows_h}" fill="{pal.BLUE}" fill-opacity="0.18"/>')
        for edge in (x0, x1):
            parts.append(f'<line class="ba-window-edge" x1="{edge:.1f}" x2="{edge:.1f}" y1="{TOP}" '
                         f'y2="{TOP + rows_h}" stroke="{pal.BLUE}" stroke-width="1.5"/>')
    stacked: dict[tuple[float, str], int] = {}  # events drawn so far at one spot: set side by side
    for row in events.to_dict("records"):
        kind = str(row["kind"])
        if kind not in kinds:
            continue
        day = pd.Timestamp(row["date"]).date()
        if not lo <= day <= hi:
            continue
        group = actor_group(row.get("actor"))
        cx, cy = x(day) + inner / span / 2, TOP + ROW_H * kinds.index(kind) + ROW_H / 2
        spot = (round(cx / MARK), kind)
        cx += MARK * 0.8 * stacked.get(spot, 0)
        stacked[spot] = stacked.get(spot, 0) + 1
        shape = SVG_SHAPES[pal.KIND_MARKERS[kind]]
        tip = f"{day.isoformat()}: {kind.replace('-', ' ')}, {row.get('place', '')} ({row.get('actor', '')})"
        parts.append(f'<g class="ba-event" data-id="{escape(str(row.get("id", "")))}" '
                     f'transform="translate({cx - MARK / 2:.1f},{cy - MARK / 2:.1f}) scale({MARK / 16})" '
                     f'fill="{pal.ACTOR_COLORS[group]}" stroke="#000" stroke-width="1.2">'
                     f"<title>{escape(tip)}</title>{shape}</g>")
    # Actor colours, as on the map.
    lx, ly = LEFT, TOP + rows_h + AXIS_H + 12
    for group, label in pal.ACTOR_LABELS.items():
        parts.append(f'<circle cx="{lx + 5}" cy="{ly - 4}" r="5" fill="{pal.ACTOR_COLORS[group]}" '
                     f'stroke="#000" stroke-width="0.8"/><text x="{lx + 14}" y="{ly}" fill="#333">'
                     f"{escape(label)}</text>")
        lx += 22 + 6.2 * len(label)
    parts.append("</svg>")
    return "".join(parts)
