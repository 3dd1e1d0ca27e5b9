"""The explorer's map element (map, timeline and playback in the browser) and the session
state it opens with and reports to; ui/panels.py shows what follows from the window.

The element is a Streamlit Custom Components v2 element whose JavaScript is the project's
own (static/atlas/explorer.js hosting the folium map document with the engine, static/atlas/*.js).
Moving the window costs no server round trip: the browser reports the window, centre and
zoom once the user lets go, and only then does this part of the page rerun.

The page owns the URL: the element writes the view into it (history.replaceState) the moment
the user lets go, and Python reads it only when a session starts. A URL written by Python
from the rerun that a report causes reaches the address bar one rerun late, overwriting the
newer one the page has; one writer avoids that race.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from dataclasses import dataclass, field
from typing import Any

import streamlit as st

from geo._paths import asset
from geo.errors import ViewError
from geo.limits import MIN_EXTENT_DEGREES
from geo.view import (
    Filters,
    MapView,
    View,
    event_id_param,
    filters_from_mapping,
    map_view_from_query,
    parse_date_param,
)
from geo.web.contract import EngineView

COMPONENT_JS = asset("atlas/explorer.js").read_text(encoding="utf-8")
COMPONENT_NAME = "border_atlas.explorer"
# The map at most; the timeline adds TIMELINE_HEIGHT under it, in the same frame. The element
# fits the frame to the screen below its top (static/atlas/explorer.js), within these bounds:
# the map fills a laptop's screen and a tall one up to this.
MAP_HEIGHT = 900
TIMELINE_HEIGHT = 228  # static/atlas/engine.css --ba-timeline-h: three rows of controls, overview, track
MIN_MAP_HEIGHT = 300  # on a small screen the map shrinks to this, keeping the timeline in view
# The map's width on a laptop in the wide layout (1366 px less the collapsed sidebar and the
# page's margins): the extent of "the view on screen" when the element reports no bounds.
NOMINAL_MAP_WIDTH = 1280
NOMINAL_MAP_HEIGHT = 480  # and its height there (the screen less the title and the timeline)
TILE_PX = 256  # Web Mercator: the world is 256 * 2**zoom pixels wide
EVENT_WINDOW_DAYS = 3  # ?event=<id> opens a window this many days either side of its date

MAX_IMPORT_KEY = 200  # characters of an import's key the element may report back (a file id)

_mount = st.components.v2.component(COMPONENT_NAME, js=COMPONENT_JS, isolate_styles=False)
_nonces = itertools.count(1)


@dataclass
class ExplorerState:
    """One session's explorer: what the element started with, and what it last reported."""

    initial: dict[str, Any]  # window, view and event the element opened with (never resent)
    start: dt.date
    end: dt.date
    map_view: MapView | None = None
    # (lon_min, lat_min, lon_max, lat_max) of the map on screen, when the element reports it
    bounds: tuple[float, float, float, float] | None = None
    focus: dict[str, Any] | None = None  # an event to open, asked from a row of the table
    notes: list[str] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)  # how a linked event was opened (shown once)
    refused: str | None = None  # why the element's last report was not taken (shown once)
    # the filters the element's controls last reported (None: none reported yet)
    filters: Filters | None = None
    # the import (its key) whose columns the element said it holds: they are not sent again
    held: str | None = None


def initial_state(query: dict[str, Any], view: View, event_dates: dict[str, dt.date]) -> ExplorerState:
    """The explorer's state for a new session, from the URL (view, centre, zoom, event)."""
    map_view, notes = map_view_from_query(query)
    start, end = view.start, view.end
    changes: list[str] = []
    event = None
    if "event" in query:
        event = event_id_param(query["event"])
        if event is None or event not in event_dates:
            notes.append("event: no event with that id in the atlas")
            event = None
        elif "start" not in query and "end" not in query:
            day = event_dates[event]
            start = day - dt.timedelta(days=EVENT_WINDOW_DAYS)
            end = day + dt.timedelta(days=EVENT_WINDOW_DAYS)
        elif not start <= event_dates[event] <= end:  # the link's window no longer holds it
            day = event_dates[event]
            start, end = min(start, day), max(end, day)
            changes.append(f"the window was widened to {start} – {end}")
    initial = {"window": [start.isoformat(), end.isoformat()],
               "view": None if map_view is None else {"lat": map_view.lat, "lon": map_view.lon,
                                                      "zoom": map_view.zoom},
               "event": event}
    return ExplorerState(initial=initial, start=start, end=end, map_view=map_view, notes=notes,
                         changes=changes)


def mercator_extent(view: MapView, width_px: float, height_px: float) -> tuple[float, float, float, float]:
    """(lon_min, lat_min, lon_max, lat_max) a Web Mercator map of this size shows at ``view``."""
    scale = TILE_PX * 2 ** view.zoom  # pixels round the world
    half_lon = width_px / 2 / scale * 360
    y = math.log(math.tan(math.pi / 4 + math.radians(view.lat) / 2))  # Mercator y, radians
    half_y = height_px / 2 / scale * 2 * math.pi

    def lat(v: float) -> float:
        return max(-85.0, min(85.0, math.degrees(2 * math.atan(math.exp(v)) - math.pi / 2)))

    return (round(max(-180.0, view.lon - half_lon), 4), round(lat(y - half_y), 4),
            round(min(180.0, view.lon + half_lon), 4), round(lat(y + half_y), 4))


def screen_extent(state: ExplorerState) -> tuple[float, float, float, float] | None:
    """The extent of the map on screen: the bounds the element reported, else the box its
    reported centre and zoom show on a laptop-sized map; None before any report (the map
    shows the whole region, as the figure does by default)."""
    if state.bounds is not None:
        return state.bounds
    if state.map_view is None:
        return None
    return mercator_extent(state.map_view, NOMINAL_MAP_WIDTH, NOMINAL_MAP_HEIGHT)


def _bounds(report: dict[str, Any]) -> tuple[tuple[float, float, float, float] | None, str | None]:
    """The reported bounds [lon_min, lat_min, lon_max, lat_max] and what is wrong with them:
    (None, None) when the report has none, (None, why) when they are not a sane extent."""
    raw = report.get("bounds")
    if raw is None:
        return None, None
    why = "bounds: not four finite numbers [west, south, east, north] of a map's extent"
    if not isinstance(raw, (list, tuple)) or len(raw) != 4:
        return None, why
    try:
        x0, y0, x1, y1 = (float(v) for v in raw)
    except (TypeError, ValueError, OverflowError):
        return None, why
    if not all(math.isfinite(v) for v in (x0, y0, x1, y1)):
        return None, why
    if not (-180 <= x0 < x1 <= 180 and -90 <= y0 < y1 <= 90
            and min(x1 - x0, y1 - y0) >= MIN_EXTENT_DEGREES):
        return None, (f"bounds: [{x0:.6g}, {y0:.6g}, {x1:.6g}, {y1:.6g}] is not an extent inside "
                      f"the world at least {MIN_EXTENT_DEGREES} degrees wide and tall")
    return (round(x0, 4), round(y0, 4), round(x1, 4), round(y1, 4)), None


def ask_focus(state: ExplorerState, event_id: str) -> None:
    """Ask the element to fly to an event and open its popup (once)."""
    state.focus = {"id": event_id, "nonce": next(_nonces)}


def _read_report(state: ExplorerState, report: Any) -> bool:
    """Take the window, centre and zoom the element reported; True if anything changed."""
    if not isinstance(report, dict):
        return False
    # Checked as the URL's values are (a page script can send anything): a bad value is a
    # notice and the last good view is kept.
    try:
        start = parse_date_param("start", report.get("start"))
        end = parse_date_param("end", report.get("end"))
        View(start=start, end=end)
    except ViewError as exc:
        state.refused = f"window: {exc}"
        return False
    map_view, notes = map_view_from_query({k: report[k] for k in ("lat", "lon", "zoom") if k in report})
    if map_view is None:
        state.refused = notes[0] if notes else "no map centre and zoom"
        return False
    bounds, problem = _bounds(report)
    if problem is not None:  # the window and centre are taken; the extent falls back to them
        state.refused = problem
    changed = (start, end, map_view, bounds) != (state.start, state.end, state.map_view, state.bounds)
    if changed:
        state.start, state.end, state.map_view, state.bounds = start, end, map_view, bounds
    return _read_filters(state, report) or changed


def _read_filters(state: ExplorerState, report: dict[str, Any]) -> bool:
    """Take the filters the element's controls reported (URL keys, checked as a link's are:
    a bad value is left out and named once); True if they changed."""
    raw = report.get("filters")
    if not isinstance(raw, dict):
        return False
    keys = {k: v for k, v in raw.items() if isinstance(k, str) and isinstance(v, str)}
    filters, notes = filters_from_mapping(keys, strict=False)
    if notes:
        state.refused = "; ".join(notes)
    if filters == state.filters:
        return False
    state.filters = filters
    return True


def map_element(state: ExplorerState, *, doc: str, config: dict[str, Any], layers: tuple[str, ...],
                basemap: str, legend: str, imported: tuple[Any, dict[str, Any], str] | None,
                url_layers: tuple[str, ...] | None = None, filters: dict[str, str] | None = None,
                key: str = "atlas") -> bool:
    """Mount the element; True if it reported a new window or view on this run.

    A session's imported events (an Arrow table: megabytes) go to the element once, not with
    every rerun that a window's release causes: the element says which import it holds
    (``held``, static/atlas/explorer.js) and keeps its columns, and they are sent again only
    when it holds another one (a new file, the layer turned off, a reloaded frame).
    """
    _read_held(state, st.session_state.get(key))  # what the browser said before this run
    data: dict[str, Any] = {
        "doc": doc,
        "height": MAP_HEIGHT + TIMELINE_HEIGHT,
        "minHeight": MIN_MAP_HEIGHT + TIMELINE_HEIGHT,
        "config": config,
        "state": EngineView(
            window=state.initial["window"], view=state.initial["view"], event=state.initial["event"],
            layers=list(layers), basemap=basemap, legend=legend,
            # the atlas's layers for the address bar (a session's import is not in a link)
            url_layers=list(layers if url_layers is None else url_layers),
            focus=state.focus, imported_key=imported[2] if imported else None,
            filters=filters or {},  # the filters in force, as URL keys (Filters.to_query)
        ).to_json(),
        "held": state.held,
    }
    if imported is not None and imported[2] != state.held:
        data["imported"], data["importedMeta"] = imported[0], imported[1]
    result = _mount(key=key, data=data, default={"view": None, "held": None},
                    on_view_change=lambda: None, on_held_change=lambda: None)
    _read_held(state, result)
    return _read_report(state, result.get("view") if hasattr(result, "get") else result.view)


def _read_held(state: ExplorerState, result: Any) -> None:
    """Take which import the element said it holds (a key, or None: none), when it said so."""
    held = result.get("held", state.held) if hasattr(result, "get") else getattr(result, "held", state.held)
    if held is None or (isinstance(held, str) and len(held) <= MAX_IMPORT_KEY):
        state.held = held
