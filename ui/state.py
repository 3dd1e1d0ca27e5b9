"""One session's state: set from the URL on its first run, then from the widgets and the map
element. Everything per user lives in ``st.session_state``; nothing here is shared."""

from __future__ import annotations

import datetime as dt
from typing import Any

import streamlit as st

from geo import layer_names
from geo.view import ATLAS_END, ATLAS_START, Filters, View, view_from_query
from layers import SPECS
from ui.data import event_dates
from ui.explorer import ExplorerState, initial_state


def init_state() -> None:
    """On a session's first run: the view, layers and basemap from the URL."""
    if st.session_state.get("initialised"):
        return
    query = {k: st.query_params[k] for k in st.query_params}
    view = view_from_query(query)
    explorer = st.session_state.explorer = initial_state(query, view, event_dates())
    for name in layer_names():
        st.session_state[f"layer_{name}"] = name in view.layers
    # A linked event opens even if the link's layers leave its layer out: it is turned on.
    events_layer = next((n for n, spec in SPECS.items() if spec.timeline_group is not None), None)
    if explorer.initial["event"] and events_layer and events_layer not in view.layers:
        st.session_state[f"layer_{events_layer}"] = True
        explorer.changes.append(f"the {SPECS[events_layer].title} layer was turned on")
    st.session_state.basemap = view.basemap
    st.session_state.filters = view.filters
    st.session_state.notes = list(view.notes) + st.session_state.explorer.notes
    st.session_state.initialised = True


def explorer_state() -> ExplorerState:
    return st.session_state.explorer


def current_view() -> View:
    """The window the map element last reported, the layers and basemap chosen, and the
    filters in force."""
    state = explorer_state()
    layers = tuple(n for n in layer_names() if st.session_state.get(f"layer_{n}"))
    return View(start=state.start, end=state.end, layers=layers, basemap=st.session_state.basemap,
                filters=st.session_state.get("filters", Filters()))


def imported_shown() -> dict[str, Any] | None:
    """This session's import, if there is one and its layer is switched on."""
    imported = st.session_state.get("imported")
    return imported if imported is not None and st.session_state.get("layer_imported") else None


def date_range() -> tuple[dt.date, dt.date]:
    """The timeline's range: the atlas's years, widened to cover this session's imported events."""
    imported = st.session_state.get("imported")
    if imported is None:
        return ATLAS_START, ATLAS_END
    first, last = imported["dates"]
    return min(ATLAS_START, first), max(ATLAS_END, last)
