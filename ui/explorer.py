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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import streamlit as st

from geo.view import MapView, View, event_id_param, map_view_from_query
from geo.web.contract import EngineView

ROOT = Path(__file__).resolve().parent.parent
COMPONENT_JS = (ROOT / "static" / "atlas" / "explorer.js").read_text(encoding="utf-8")
COMPONENT_NAME = "border_atlas.explorer"
MAP_HEIGHT = 600  # the map; the timeline adds TIMELINE_HEIGHT under it, in the same frame
TIMELINE_HEIGHT = 195
MIN_MAP_HEIGHT = 300  # on a small screen the map shrinks to this, keeping the timeline in view
EVENT_WINDOW_DAYS = 3  # ?event=<id> opens a window this many days either side of its date

_mount = st.components.v2.component(COMPONENT_NAME, js=COMPONENT_JS, isolate_styles=False)
_nonces = itertools.count(1)


@dataclass
class ExplorerState:
    """One session's explorer: what the element started with, and what it last reported."""

    initial: dict[str, Any]  # window, view and event the element opened with (never resent)
    start: dt.date
    end: dt.date
    map_view: MapView | None = None
    focus: dict[str, Any] | None = None  # an event to open, asked from a row of the table
    notes: list[str] = field(default_factory=list)


def initial_state(query: dict[str, Any], view: View, event_dates: dict[str, dt.date]) -> ExplorerState:
    """The explorer's state for a new session, from the URL (view, centre, zoom, event)."""
    map_view, notes = map_view_from_query(query)
    start, end = view.start, view.end
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
    initial = {"window": [start.isoformat(), end.isoformat()],
               "view": None if map_view is None else {"lat": map_view.lat, "lon": map_view.lon,
                                                      "zoom": map_view.zoom},
               "event": event}
    return ExplorerState(initial=initial, start=start, end=end, map_view=map_view, notes=notes)


def ask_focus(state: ExplorerState, event_id: str) -> None:
    """Ask the element to fly to an event and open its popup (once)."""
    state.focus = {"id": event_id, "nonce": next(_nonces)}


def _read_report(state: ExplorerState, report: Any) -> bool:
    """Take the window, centre and zoom the element reported; True if anything changed."""
    if not isinstance(report, dict):
        return False
    try:
        start = dt.date.fromisoformat(str(report["start"]))
        end = dt.date.fromisoformat(str(report["end"]))
        map_view = MapView(round(float(report["lat"]), 4), round(float(report["lon"]), 4), int(report["zoom"]))
    except (KeyError, TypeError, ValueError):
        return False  # not from our element: keep what we had
    if end < start:
        return False
    changed = (start, end, map_view) != (state.start, state.end, state.map_view)
    if changed:
        state.start, state.end, state.map_view = start, end, map_view
    return changed


def map_element(state: ExplorerState, *, doc: str, config: dict[str, Any], layers: tuple[str, ...],
                basemap: str, legend: str, imported: tuple[Any, dict[str, Any], str] | None,
                url_layers: tuple[str, ...] | None = None, filters: dict[str, str] | None = None,
                key: str = "atlas") -> bool:
    """Mount the element; True if it reported a new window or view on this run."""
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
    }
    if imported is not None:
        data["imported"], data["importedMeta"] = imported[0], imported[1]
    result = _mount(key=key, data=data, default={"view": None}, on_view_change=lambda: None)
    return _read_report(state, result.get("view") if hasattr(result, "get") else result.view)
