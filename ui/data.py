"""What the page reads, cached: the layers (once per process, shared by every session and
never modified), the window's tables and files, the map document, and exported files.

Every cache here is keyed only by values the same for every user, except the exports drawn
with a session's import, which are keyed by that upload's own id.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import streamlit as st

from geo import LAYER_NAMES, BorderAtlasError
from geo.assemble import window
from geo.filters import apply_filters
from geo.io import read_json_file
from geo.jobs import draw_figure, draw_html, run_job
from geo.table import EventRows
from geo.view import ATLAS_END, ATLAS_START, Filters, MapView, View
from geo.web import layers as web
from geo.web.explorer import DATED_FILE, dated_layer_names, engine_config, map_document
from layers import SPECS


def prepared_layers() -> tuple[dict[str, web.PreparedLayer], dict[str, str]]:
    """Every layer ready for the browser, and the error of any layer that failed to load
    (``geo.web.layers.shipped_prepared``: the one cache, shared with the HTML file)."""
    prepared, errors = web.shipped_prepared()
    return prepared, {name: str(exc) for name, exc in errors.items()}


def event_dates() -> dict[str, dt.date]:
    """Each curated event's first day, by id (for links to one event)."""
    events = prepared_layers()[0].get("events")
    if events is None:
        return {}
    days = pd.to_datetime(events.frame["date"])
    return {str(i): d.date() for i, d in zip(events.frame["id"], days, strict=True)}


def window_outputs(start: dt.date, end: dt.date,
                   filters: Filters | None = None) -> tuple[pd.DataFrame, bytes, bytes]:
    """Table, CSV and GeoJSON of the events in a window that the filters keep (the same for
    every user): the window's rows picked from ``event_rows``, a few milliseconds."""
    events = window(SPECS["events"], start, end, prepared_layers()[0]["events"].frame)
    events = apply_filters(events, filters or Filters(), SPECS["events"])
    table, csv_bytes, geojson_bytes = event_rows().outputs(events)
    table["id"] = events["id"].to_numpy()  # not shown: a picked row names its event
    return table, csv_bytes, geojson_bytes


@st.cache_resource(show_spinner=False)
def event_rows() -> EventRows:
    """The atlas's events written once as table rows, CSV lines and GeoJSON features (once
    per process: they are the same for every window and every session). A window's release
    then costs its rows picked, not the table and both files written again (0.2-0.3 s a
    window, which a crowd of sessions each moving its own window paid in turn)."""
    return EventRows.of(prepared_layers()[0]["events"].frame, SPECS["events"].name)


@st.cache_resource(show_spinner=False)
def explorer_page() -> tuple[str, dict[str, Any]]:
    """The map document and the engine's data (the same for every session; built once)."""
    layers, _ = prepared_layers()
    page = map_document()
    static = {name: web.static_layer_url(name) for name in layers
              if name in web.static_layer_names() and (web.WEB_DIR / f"{name}.json").exists()}
    # The browser file holds every dated layer: used only when each of them loaded here too
    # (a layer that failed is left out everywhere) and the file is sound; otherwise what
    # loaded is sent inline.
    complete = all(name in layers for name in dated_layer_names())
    dated = web.static_layer_url(DATED_FILE) if complete and dated_file_problem() is None else None
    config = engine_config(layers, domain=(ATLAS_START, ATLAS_END), static_sources=static,
                           basemaps=page.basemaps, dated_source=dated)
    return page.html, config


@st.cache_resource(show_spinner=False)
def dated_file_problem() -> str | None:
    """What is wrong with the browser's file of dated layers (static/web/dated.json), or None.

    Checked once at start, within the limits of a shipped file (a device, a deep nesting or
    damaged JSON is named, never followed): a damaged file would leave the map blank with no
    word, so the page says so and sends the layers loaded here instead.
    """
    path = web.WEB_DIR / f"{DATED_FILE}.json"
    if not path.exists():
        return None  # not built yet (make data): the layers are sent inline
    try:
        dated = read_json_file(path)
    except BorderAtlasError as exc:
        return str(exc)
    shipped = [name for name in dated_layer_names() if name in LAYER_NAMES]  # what make data writes
    missing = [name for name in shipped if not (isinstance(dated, dict)
               and isinstance(dated.get(name), dict) and isinstance(dated[name].get("features"), list))]
    if missing:
        return (f"static/web/{DATED_FILE}.json: no FeatureCollection for "
                f"{', '.join(missing)} (run `make data` to rebuild it)")
    return None


@st.cache_data(show_spinner="Drawing the figure…", max_entries=32)
def figure_file(view: View, preset: str, fmt: str, dpi: int, title: str, greyscale: bool,
                label_lang: str, import_id: str | None = None,
                _imported: dict | None = None) -> tuple[bytes, tuple[str, ...]]:
    """The figure's bytes and the town names it had no room for (deterministic, so one cache
    serves every user).

    With a session's import, ``import_id`` (the upload's own id, known only to that session)
    keys the cache, so no other session can be served a figure drawn with it.
    """
    from geo.figure import FigureSpec  # matplotlib: loaded when a figure is first drawn

    events = _imported["result"].events if _imported else None
    label = _imported["name"] if _imported else None
    spec = FigureSpec(preset=preset, fmt=fmt, dpi=dpi, title=title or None, greyscale=greyscale,
                      label_lang=label_lang)
    # Drawn in a child process (geo.jobs): capped, and no stall for the other sessions.
    data, dropped = run_job(draw_figure, (view, spec, events, label), label=f"the {fmt} figure")
    return data, tuple(dropped)


@st.cache_data(show_spinner="Writing the HTML file…", max_entries=16)
def html_file(view: View, title: str, map_view: MapView | None, import_id: str | None = None,
              _imported: dict | None = None) -> tuple[bytes, str | None]:
    """The interactive HTML file of the view and its note on imported events left out
    (deterministic; keyed by the session's own upload id like ``figure_file``). Written in a
    child process (geo.jobs), as the figures are: capped, and no stall for other sessions."""
    page = run_job(draw_html, (view, _imported["result"].events if _imported else None,
                               _imported["name"] if _imported else None, map_view, title or None),
                   label="the HTML file")
    return page.data, page.note
