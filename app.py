"""Border Atlas explorer: the Streamlit UI. Widgets and layout only; the work is in geo/ and layers/."""

from __future__ import annotations

import datetime as dt
import time

import pandas as pd
import streamlit as st

from geo import LAYER_NAMES, BorderAtlasError
from geo.assemble import shipped_layer, window
from geo.figure import DEFAULT_SIZE_PRESET, FORMATS, SIZE_PRESETS, FigureSpec, figure_spec_bytes
from geo.figure.animate import ANIMATION_FORMATS, MODES, STEPS, AnimationSpec, render_animation
from geo.imports import EventImportError, import_events
from geo.imports.budget import ImportJob
from geo.limits import IMPORT_POLL_SECONDS, MAX_IMPORT_BYTES, MAX_UPLOAD_MB
from geo.safe_text import plain_markdown
from geo.table import events_csv, events_geojson, events_table, imported_table
from geo.view import (
    ATLAS_END,
    ATLAS_START,
    BASEMAPS,
    View,
    view_from_query,
)
from geo.web import layers as web
from geo.web.explorer import (
    DATED_FILE,
    engine_config,
    imported_columns,
    imported_legend_html,
    map_document,
    presets,
)
from geo.web.imported import prepare_imported
from layers import SPECS, credits
from layers.imported import IMPORTED
from ui.explorer import ask_focus, initial_state, map_element

# --- Labels, ranges and help text (one place) -------------------------------------------
TEXT = {
    "title": "Border Atlas: Iran–Pakistan border, January 2024 crisis",
    "intro": (
        "Iran's strike near Sabz Koh (Panjgur) on 16 January 2024, Pakistan's strikes near "
        "Saravan on 18 January, and the incidents, routes, crossings and diplomacy around them. "
        "Click a marker for what happened and its sources."
    ),
    "layers": "Layers",
    "basemap": "Basemap",
    "basemap_help": "The offline basemap is bundled with the atlas; the others load tiles from "
    "the internet.",
    "events_heading": "Events in the window",
    "imported_heading": "Imported events in the window",
    "import_heading": "Your events",
    "import_label": "Import an events file",
    "import_help": "An ACLED or UCDP GED CSV export, a GeoJSON or a GeoPackage of points with a "
    f"date (a .zip of one is fine), up to {MAX_UPLOAD_MB} MB ({MAX_IMPORT_BYTES:,} bytes). Bad "
    "rows are skipped and listed. The file stays in your session: no one else sees it, and it "
    "is gone when you close the page.",
}
UPLOAD_TYPES = ("csv", "geojson", "json", "gpkg", "zip")
PROBLEM_LINES = 200  # skipped rows listed on screen; the summary counts them all
IMPORTED_TABLE_ROWS = 1000  # rows of imported events shown; the download has them all
IMPORT_WAIT_SECONDS = 1.5  # an import done by then shows at once; a longer one reports progress

st.set_page_config(page_title="Border Atlas", page_icon="🗺️", layout="wide")


# --- Cached loaders (shared by every session; never modified) ---------------------------
@st.cache_resource(show_spinner=False)
def prepared_layers() -> tuple[dict[str, web.PreparedLayer], dict[str, str]]:
    """Every layer ready for the browser, and the error of any layer that failed to load."""
    prepared, errors = {}, {}
    for name in LAYER_NAMES:
        try:
            prepared[name] = web.prepare_layer(name, shipped_layer(name))
        except BorderAtlasError as exc:
            errors[name] = str(exc)
    return prepared, errors


@st.cache_data(show_spinner=False, max_entries=256)
def window_outputs(start: dt.date, end: dt.date) -> tuple[pd.DataFrame, bytes, bytes]:
    """Table, CSV and GeoJSON of the events in a window (the same for every user)."""
    events = window("events", start, end, prepared_layers()[0]["events"].frame)
    table = events_table(events)
    table["id"] = events["id"].to_numpy()  # not shown: a picked row names its event
    return table, events_csv(events), events_geojson(events)


# --- State: from the URL on first run, then from the map element ------------------------
def _event_dates() -> dict[str, dt.date]:
    events = prepared_layers()[0].get("events")
    if events is None:
        return {}
    return {str(i): d.date() for i, d in zip(events.frame["id"], pd.to_datetime(events.frame["date"]), strict=True)}


def _init_state() -> None:
    if st.session_state.get("initialised"):
        return
    query = {k: st.query_params[k] for k in st.query_params}
    view = view_from_query(query)
    st.session_state.explorer = initial_state(query, view, _event_dates())
    for name in LAYER_NAMES:
        st.session_state[f"layer_{name}"] = name in view.layers
    st.session_state.basemap = view.basemap
    st.session_state.notes = list(view.notes) + st.session_state.explorer.notes
    st.session_state.initialised = True


def _current_view() -> View:
    state = st.session_state.explorer
    layers = tuple(n for n in LAYER_NAMES if st.session_state.get(f"layer_{n}"))
    return View(start=state.start, end=state.end, layers=layers, basemap=st.session_state.basemap)


def _date_range() -> tuple[dt.date, dt.date]:
    """The timeline's range: the atlas's years, widened to cover this session's imported events."""
    imported = st.session_state.get("imported")
    if imported is None:
        return ATLAS_START, ATLAS_END
    first, last = imported["dates"]
    return min(ATLAS_START, first), max(ATLAS_END, last)


_init_state()
prepared, load_errors = prepared_layers()

# --- Your events: an uploaded file, imported into this session only ----------------------
def _import_upload(upload) -> None:
    """Import an upload once (per file), keeping the result in this session's state only.

    The import runs in a worker (``ImportJob``) under the importer's time budget; this
    session keeps it alive by touching it, here and from ``_import_progress`` while it
    runs, so a closed tab stops it within seconds. The file is read from memory; nothing is
    written outside a temporary directory, and nothing is shared with other sessions.
    """
    current = st.session_state.get("imported") or st.session_state.get("import_error")
    if current is not None and current["file_id"] == upload.file_id:
        return  # already imported (or refused): reruns do not redo it
    job = st.session_state.get("import_job")
    if job is None or job.key != upload.file_id or (job.done and job.orphaned):
        if job is not None:
            job.cancel("another file was chosen")
        st.session_state.pop("imported", None)
        st.session_state.pop("import_error", None)
        data, name = upload.getvalue(), upload.name
        job = ImportJob(lambda stop: import_events(data, filename=name, stop=stop),
                        key=upload.file_id)
        st.session_state.import_job = job
    job.touch()
    if job.wait(IMPORT_WAIT_SECONDS):
        _finish_import(upload, st.session_state.pop("import_job"))


def _finish_import(upload, job: ImportJob) -> None:
    """Keep a finished import's result (or its error) in this session's state."""
    try:
        result = job.result()
    except EventImportError as exc:
        st.session_state.import_error = {"file_id": upload.file_id, "message": str(exc)}
        return
    events = result.events
    dates = (ATLAS_START, ATLAS_END)
    if not events.empty:
        last = events["end_date"].fillna(events["date"])
        dates = (events["date"].min().date(), last.max().date())
    layer = prepare_imported(events)
    st.session_state.imported = {
        "file_id": upload.file_id,
        "name": upload.name,
        "result": result,
        "layer": layer,
        "columns": imported_columns(layer, upload.name),  # what the map element draws
        "dates": dates,
    }
    st.session_state.layer_imported = True


@st.fragment(run_every=IMPORT_POLL_SECONDS)
def _import_progress(name: str) -> None:
    """While an import runs: say so, and keep it alive (the browser reruns this every
    ``IMPORT_POLL_SECONDS``; once the tab is closed nothing does, and the import stops)."""
    job = st.session_state.get("import_job")
    if job is None:
        return
    job.touch()
    if job.done:
        st.rerun()  # the whole page: the sidebar, map and table show the result
    st.info(plain_markdown(f"Importing {name}… ({time.monotonic() - job.started:.0f} s)"),
            icon="⏳")


def import_panel() -> None:
    """Upload box, what the import kept and skipped, and the layer's toggle."""
    st.header(TEXT["import_heading"])
    upload = st.file_uploader(TEXT["import_label"], type=list(UPLOAD_TYPES), key="upload",
                              help=TEXT["import_help"], max_upload_size=MAX_UPLOAD_MB)
    if upload is None:
        st.session_state.pop("imported", None)
        st.session_state.pop("import_error", None)
        if (job := st.session_state.pop("import_job", None)) is not None:
            job.cancel("the file was removed")
        return
    _import_upload(upload)
    if "import_job" in st.session_state:
        _import_progress(upload.name)
        return
    if "import_error" in st.session_state:
        st.error(plain_markdown(st.session_state.import_error["message"]), icon="🚫")
        return
    result = st.session_state.imported["result"]
    (st.success if not result.problems else st.warning)(plain_markdown(result.summary()))
    lines = result.problem_lines(limit=PROBLEM_LINES)
    if lines:
        with st.expander(f"Rows skipped and notes ({len(result.problems) + len(result.notes):,})"):
            st.code("\n".join(lines), language=None, wrap_lines=True)
    st.checkbox(IMPORTED.title, key="layer_imported", help=IMPORTED.description)


# --- Sidebar: layers and basemap --------------------------------------------------------
with st.sidebar:
    st.header(TEXT["layers"])
    for name, spec in SPECS.items():
        disabled = name in load_errors
        st.checkbox(spec.title, key=f"layer_{name}", disabled=disabled, help=spec.description)
    st.radio(TEXT["basemap"], options=list(BASEMAPS), key="basemap",
             format_func=lambda key: BASEMAPS[key].label, help=TEXT["basemap_help"])
    import_panel()
    st.caption(f"Data: {credits()}; event sources in each popup. Boundaries are approximate.")

st.markdown(f"#### {TEXT['title']}")
st.caption(TEXT["intro"])
for note in st.session_state.get("notes", []):
    st.warning(plain_markdown(f"Link parameter ignored: {note}."), icon="⚠️")
for name, error in load_errors.items():
    st.error(plain_markdown(f"The {name} layer could not be loaded and is left out:\n{error}"))

# --- The map element: map, timeline and playback, all in the browser --------------------
@st.cache_resource(show_spinner=False)
def explorer_page() -> tuple[str, dict]:
    """The map document and the engine's data (the same for every session; built once)."""
    layers, _ = prepared_layers()
    page = map_document()
    static = {name: web.static_layer_url(name) for name in layers
              if name in web.STATIC_LAYERS and (web.WEB_DIR / f"{name}.json").exists()}
    dated_file = web.WEB_DIR / f"{DATED_FILE}.json"
    # The browser file holds every dated layer: used only when each of them loaded here too
    # (a layer that failed is left out everywhere); otherwise what loaded is sent inline.
    complete = all(name in layers for name in ("events", "crossings"))
    dated = web.static_layer_url(DATED_FILE) if complete and dated_file.exists() else None
    config = engine_config(layers, domain=(ATLAS_START, ATLAS_END), static_sources=static,
                           basemaps=page.basemaps, dated_source=dated)
    return page.html, config


def map_and_count(view: View) -> View:
    """The map element; returns the view as the element last reported it."""
    state = st.session_state.explorer
    doc, config = explorer_page()
    lo, hi = _date_range()
    if (lo, hi) != (ATLAS_START, ATLAS_END):  # an import widened the timeline
        config = {**config, "domain": [lo.isoformat(), hi.isoformat()], "presets": presets((lo, hi))}
    legend = web.legend_html(view.layers)
    imported = _imported_shown()
    columns = None
    if imported is not None:
        columns = (*imported["columns"], imported["file_id"])
        legend += imported_legend_html()
    shown = view.layers + (("imported",) if imported is not None else ())
    map_element(state, doc=doc, config=config, layers=shown, basemap=view.basemap,
                legend=legend, imported=columns)
    return _current_view()


# --- Timeline and table -----------------------------------------------------------------
def pick_from_table(view: View) -> None:
    """A row picked in the events table (its selection, kept by Streamlit from the last run)
    asks the map to fly to that event and open it: once per pick, before the map is drawn."""
    selection = st.session_state.get("events_table")
    rows = selection["selection"]["rows"] if selection and "selection" in selection else []
    if not rows or "events" not in prepared or st.session_state.get("picked_row") == (view.start, view.end, rows[0]):
        return
    st.session_state.picked_row = (view.start, view.end, rows[0])
    table = window_outputs(view.start, view.end)[0]
    if rows[0] < len(table):
        ask_focus(st.session_state.explorer, str(table["id"].iloc[rows[0]]))


def events_section(view: View) -> None:
    """The window's events as a table (a row's click opens it on the map) and downloads."""
    if "events" not in prepared:
        return
    table, csv_bytes, geojson_bytes = window_outputs(view.start, view.end)
    st.subheader(f"{TEXT['events_heading']}, {view.start:%d %b %Y} to {view.end:%d %b %Y} ({len(table)})")
    st.dataframe(table.drop(columns="id"), width="stretch", hide_index=True,
                 on_select="rerun", selection_mode="single-row", key="events_table")
    stem = f"border-atlas-events-{view.start}-{view.end}"
    c1, c2, _ = st.columns([1, 1, 4])
    c1.download_button("Download CSV", csv_bytes, file_name=f"{stem}.csv",
                       mime="text/csv", width="stretch")
    c2.download_button("Download GeoJSON", geojson_bytes, file_name=f"{stem}.geojson",
                       mime="application/geo+json", width="stretch")
    border = prepared.get("border")
    if border is not None and "border" in view.layers:
        row = border.frame.iloc[0]
        published = " / ".join(sorted({f"{int(p['km'])} km" for p in row["published_lengths"]}))
        with st.expander(f"The border: {row['length_km']:,.0f} km measured, {published} published. Why?"):
            st.text(row["length_note"])


def _imported_shown() -> dict | None:
    """This session's import, if there is one and its layer is switched on."""
    imported = st.session_state.get("imported")
    return imported if imported is not None and st.session_state.get("layer_imported") else None


def imported_section(view: View) -> None:
    """The imported events in the window: a table (first rows) and every one as CSV/GeoJSON."""
    imported = _imported_shown()
    if imported is None:
        return
    layer = imported["layer"]  # its day numbers give the window without re-reading dates
    shown = layer.frame[layer.mask(view.start, view.end)]
    st.subheader(f"{TEXT['imported_heading']} ({len(shown):,})")
    note = f"From {imported['name']}, as imported: not checked by the atlas's editors."
    if len(shown) > IMPORTED_TABLE_ROWS:
        note += f" The first {IMPORTED_TABLE_ROWS:,} are listed; the downloads hold all {len(shown):,}."
    st.caption(plain_markdown(note))
    st.dataframe(imported_table(shown.head(IMPORTED_TABLE_ROWS)), width="stretch", hide_index=True)
    stem = f"imported-events-{view.start}-{view.end}"
    c1, c2, _ = st.columns([1, 1, 4])
    c1.download_button("Download CSV", lambda: events_csv(shown), file_name=f"{stem}.csv",
                       mime="text/csv", width="stretch", key="imported_csv")
    c2.download_button("Download GeoJSON", lambda: events_geojson(shown), file_name=f"{stem}.geojson",
                       mime="application/geo+json", width="stretch", key="imported_geojson")


# --- The explorer: everything the window drives, rerun on its own -----------------------
@st.fragment
def explorer() -> None:
    """Map element, table and imported events.

    A fragment: when the element reports a new window, only this part of the page reruns,
    not the sidebar or the export panel (which read the window from the session state).
    """
    pick_from_table(_current_view())
    view = map_and_count(_current_view())
    events_section(view)
    imported_section(view)


explorer()
view = _current_view()

# --- Export: the same view as a publication figure --------------------------------------
@st.cache_data(show_spinner="Drawing the figure…", max_entries=32)
def figure_file(view: View, preset: str, fmt: str, dpi: int, title: str, greyscale: bool,
                label_lang: str, import_id: str | None = None,
                _imported: dict | None = None) -> tuple[bytes, tuple[str, ...]]:
    """The figure's bytes and the town names it had no room for (deterministic, so one cache
    serves every user).

    With a session's import, ``import_id`` (the upload's own id, known only to that session)
    keys the cache, so no other session can be served a figure drawn with it.
    """
    events = _imported["result"].events if _imported else None
    label = _imported["name"] if _imported else None
    dropped: list[str] = []
    spec = FigureSpec(preset=preset, fmt=fmt, dpi=dpi, title=title or None, greyscale=greyscale,
                      label_lang=label_lang)
    data = figure_spec_bytes(view, spec, imported=events, imported_label=label, dropped=dropped)
    return data, tuple(dropped)


MIME = {"png": "image/png", "pdf": "application/pdf", "svg": "image/svg+xml", "tiff": "image/tiff",
        "gif": "image/gif", "mp4": "video/mp4"}


@st.cache_data(show_spinner="Writing the HTML file…", max_entries=16)
def html_file(view: View, title: str, map_view, import_id: str | None = None,
              _imported: dict | None = None) -> tuple[bytes, str | None]:
    """The interactive HTML file of the view and its note on imported events left out
    (deterministic; keyed by the session's own upload id like ``figure_file``)."""
    from geo.web.page import html_page

    page = html_page(view, imported=_imported["result"].events if _imported else None,
                     imported_label=_imported["name"] if _imported else None,
                     map_view=map_view, title=title or None)
    return page.data, page.note


with st.expander("Export a map for publication", expanded=False):
    st.caption("The current window and layers, drawn for print: legend, scale bar, north arrow, "
               "locator map and sources; or, as a GIF or MP4, the window stepping through time. "
               "Same output as `border-atlas export`.")
    e1, e2, e3, e4 = st.columns(4)
    preset = e1.selectbox("Size", list(SIZE_PRESETS), index=list(SIZE_PRESETS).index(DEFAULT_SIZE_PRESET),
                          key="export_preset")
    fmt = e2.selectbox("Format", [*FORMATS, *ANIMATION_FORMATS, "html"], key="export_format",
                       format_func=lambda f: "Interactive HTML" if f == "html" else f)
    animated = fmt in ANIMATION_FORMATS
    dpi = e3.selectbox("Resolution (dpi)", [300, 600], key="export_dpi",
                       disabled=fmt in ("pdf", "svg", "html") or animated,
                       help="PDF and SVG are vector: resolution applies to PNG and TIFF.")
    label_lang = e4.selectbox("Town labels", ["en", "fa", "ur"], key="export_lang",
                              format_func={"en": "English", "fa": "Persian", "ur": "Urdu"}.get)
    if animated:
        a1, a2, a3, a4 = st.columns(4)
        step = a1.selectbox("A frame is a", STEPS, key="export_step")
        mode = a2.selectbox("Window", MODES, key="export_mode",
                            help="sliding: each frame shows one step; growing: each frame shows "
                            "everything from the first day.")
        fps = a3.number_input("Frames a second", 0.2, 30.0, 2.0, 0.5, key="export_fps")
        width_px = a4.selectbox("Width (px)", [1280, 1920, 960, 640], key="export_width_px")
    title = st.text_input("Title (optional)", key="export_title", max_chars=120)
    greyscale = st.checkbox("Greyscale", key="export_grey")
    # The offline basemap is always used for print: tiles need the network and suit no journal.
    print_view = view.with_(basemap="offline")
    imported = _imported_shown()
    import_id = imported["file_id"] if imported else None
    if imported:
        st.caption(plain_markdown(f"Your imported events ({imported['name']}) are drawn too, "
                                  "under the atlas's own."))
    if fmt == "html":  # one file of the map as it is: window, layers, timeline, popups; offline
        st.caption("Interactive HTML: one file with the map, these layers, the window, the timeline "
                   "and its play control, and popups with their sources. It works offline and makes "
                   "no request; online basemaps are left out.")
        if st.button("Make HTML file", key="export_html"):
            data, note = html_file(view, title, st.session_state.explorer.map_view, import_id,
                                   _imported=imported)
            if note:
                st.caption(plain_markdown(note + "."))
            st.download_button(f"Download HTML ({len(data) / 1e6:.1f} MB)", data,
                               file_name=f"border-atlas-{view.start}-{view.end}.html",
                               mime="text/html", key="export_html_download")
    elif st.button("Draw figure" if not animated else "Draw animation", key="export_draw"):
        name = f"border-atlas-{view.start}-{view.end}.{fmt}"
        try:
            if animated:
                bar = st.progress(0.0, text="Drawing the frames…")
                data = render_animation(
                    print_view, FigureSpec(preset=preset, title=title or None, greyscale=greyscale,
                                           label_lang=label_lang),
                    AnimationSpec(fmt=fmt, step=step, mode=mode, fps=float(fps), width_px=width_px),
                    imported=imported["result"].events if imported else None,
                    imported_label=imported["name"] if imported else None,
                    progress=lambda done, total: bar.progress(done / total,
                                                              text=f"Frame {done} of {total}"))
                dropped: tuple[str, ...] = ()
            else:
                common = {"title": title, "greyscale": greyscale, "label_lang": label_lang,
                          "import_id": import_id, "_imported": imported}
                preview, dropped = figure_file(print_view, preset, "png", 110, **common)
                data, _ = figure_file(print_view, preset, fmt, dpi, **common)
        except BorderAtlasError as exc:
            st.error(plain_markdown(f"The figure could not be drawn: {exc}"))
        else:
            if fmt == "mp4":
                st.video(data, format="video/mp4")
            else:
                st.image(data if fmt == "gif" else preview,
                         caption=f"{'Animation' if animated else 'Preview (110 dpi)'} of "
                         f"{view.start} to {view.end}")
            if dropped:
                st.caption("No room for these town labels, left out: " + ", ".join(dropped)
                           + ". A wider size has room for more.")
            st.download_button(f"Download {fmt.upper()}", data, file_name=name, mime=MIME[fmt],
                               key="export_download")
