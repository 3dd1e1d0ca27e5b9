"""Border Atlas explorer: the Streamlit UI. Widgets and layout only; the work is in geo/ and layers/."""

from __future__ import annotations

import datetime as dt
import time

import folium
import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from geo import LAYER_NAMES, BorderAtlasError, webimport, webmap
from geo.assemble import shipped_layer, window
from geo.import_budget import ImportJob
from geo.importers import EventImportError, import_events
from geo.limits import IMPORT_POLL_SECONDS, MAX_IMPORT_BYTES, MAX_UPLOAD_MB
from geo.safe_text import plain_markdown
from geo.static import DEFAULT_SIZE_PRESET, FORMATS, SIZE_PRESETS, render_figure
from geo.table import events_csv, events_geojson, events_table, imported_table
from geo.timeline import timeline_svg
from geo.view import (
    ATLAS_END,
    ATLAS_START,
    BASEMAPS,
    PRESET_LABELS,
    PRESETS,
    View,
    view_from_query,
)
from layers import SPECS
from layers.imported import IMPORTED

# --- Labels, ranges and help text (one place) -------------------------------------------
TEXT = {
    "title": "Border Atlas: Iran–Pakistan border, January 2024 crisis",
    "intro": (
        "Iran's strike near Sabz Koh (Panjgur) on 16 January 2024, Pakistan's strikes near "
        "Saravan on 18 January, and the incidents, routes, crossings and diplomacy around them. "
        "Click a marker for what happened and its sources."
    ),
    "window": "Date window",
    "window_help": "Drag either handle. Events outside the window disappear; crossings appear "
    "from their opening date; borders and routes always show.",
    "layers": "Layers",
    "basemap": "Basemap",
    "basemap_help": "The offline basemap is bundled with the atlas; the others load tiles from "
    "the internet.",
    "play": "▶ Play",
    "pause": "⏸ Pause",
    "back": "◀ Day",
    "forward": "Day ▶",
    "events_heading": "Events in the window",
    "imported_heading": "Imported events in the window",
    "import_heading": "Your events",
    "import_label": "Import an events file",
    "import_help": "An ACLED or UCDP GED CSV export, a GeoJSON or a GeoPackage of points with a "
    f"date (a .zip of one is fine), up to {MAX_UPLOAD_MB} MB ({MAX_IMPORT_BYTES:,} bytes). Bad "
    "rows are skipped and listed. The file stays in your session: no one else sees it, and it "
    "is gone when you close the page.",
    "timeline_heading": "Timeline",
}
MAP_HEIGHT = 620
UPLOAD_TYPES = ("csv", "geojson", "json", "gpkg", "zip")
PROBLEM_LINES = 200  # skipped rows listed on screen; the summary counts them all
IMPORTED_TABLE_ROWS = 1000  # rows of imported events shown; the download has them all
PLAY_STEP_SECONDS = 0.8
IMPORT_WAIT_SECONDS = 1.5  # an import done by then shows at once; a longer one reports progress
BASEMAP_LABELS = {k: webmap.BASEMAPS[k][0] for k in BASEMAPS}

st.set_page_config(page_title="Border Atlas", page_icon="🗺️", layout="wide")


# --- Cached loaders (shared by every session; never modified) ---------------------------
@st.cache_resource(show_spinner=False)
def prepared_layers() -> tuple[dict[str, webmap.PreparedLayer], dict[str, str]]:
    """Every layer ready for the browser, and the error of any layer that failed to load."""
    prepared, errors = {}, {}
    for name in LAYER_NAMES:
        try:
            prepared[name] = webmap.prepare_layer(name, shipped_layer(name))
        except BorderAtlasError as exc:
            errors[name] = str(exc)
    return prepared, errors


@st.cache_data(show_spinner=False, max_entries=256)
def window_outputs(start: dt.date, end: dt.date) -> tuple[pd.DataFrame, bytes, bytes]:
    """Table, CSV and GeoJSON of the events in a window (the same for every user)."""
    events = window("events", start, end, prepared_layers()[0]["events"].frame)
    return events_table(events), events_csv(events), events_geojson(events)


# --- State: from the URL on first run, then from the widgets ---------------------------
def _init_state() -> None:
    if st.session_state.get("initialised"):
        return
    view = view_from_query({k: st.query_params[k] for k in st.query_params})
    st.session_state.window = (view.start, view.end)
    for name in LAYER_NAMES:
        st.session_state[f"layer_{name}"] = name in view.layers
    st.session_state.basemap = view.basemap
    st.session_state.notes = list(view.notes)
    st.session_state.playing = False
    st.session_state.initialised = True


def _current_view() -> View:
    start, end = st.session_state.window
    layers = tuple(n for n in LAYER_NAMES if st.session_state.get(f"layer_{n}"))
    return View(start=start, end=end, layers=layers, basemap=st.session_state.basemap)


def _date_range() -> tuple[dt.date, dt.date]:
    """The slider's range: the atlas's years, widened to cover this session's imported events."""
    imported = st.session_state.get("imported")
    if imported is None:
        return ATLAS_START, ATLAS_END
    first, last = imported["dates"]
    return min(ATLAS_START, first), max(ATLAS_END, last)


def _set_window(start: dt.date, end: dt.date) -> None:
    lo, hi = _date_range()
    st.session_state.window = (max(start, lo), min(end, hi))


def _apply_preset(key: str) -> None:
    st.session_state.playing = False
    _set_window(*(_date_range() if key == "everything" else PRESETS[key]))


def _shift(days: int) -> None:
    start, end = st.session_state.window
    span = end - start
    lo, hi = _date_range()
    new_start = min(max(start + dt.timedelta(days=days), lo), hi - span)
    _set_window(new_start, new_start + span)


def _toggle_play() -> None:
    st.session_state.playing = not st.session_state.playing


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
    st.session_state.imported = {
        "file_id": upload.file_id,
        "name": upload.name,
        "result": result,
        "layer": webimport.prepare_imported(events),
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
             format_func=BASEMAP_LABELS.get, help=TEXT["basemap_help"])
    import_panel()
    st.caption(
        "Data: © OpenStreetMap contributors (ODbL); Natural Earth; GeoNames (CC BY 4.0); "
        "event sources in each popup. Boundaries are approximate."
    )

st.title(TEXT["title"])
st.caption(TEXT["intro"])
for note in st.session_state.get("notes", []):
    st.warning(plain_markdown(f"Link parameter ignored: {note}."), icon="⚠️")
for name, error in load_errors.items():
    st.error(plain_markdown(f"The {name} layer could not be loaded and is left out:\n{error}"))

# --- Date window: presets, slider, step and play ---------------------------------------
def date_controls() -> None:
    """Preset, step and play buttons above the two-handled date slider."""
    cols = st.columns(len(PRESETS) + 3)
    lo, hi = _date_range()
    labels = {**PRESET_LABELS, "everything": f"Everything ({lo.year}–{hi.year})"}
    for col, (key, label) in zip(cols, labels.items(), strict=False):
        col.button(label, key=f"preset_{key}", on_click=_apply_preset, args=(key,),
                   width="stretch")
    cols[-3].button(TEXT["back"], on_click=_shift, args=(-1,), width="stretch", key="step_back")
    cols[-2].button(TEXT["forward"], on_click=_shift, args=(1,), width="stretch", key="step_forward")
    cols[-1].button(TEXT["pause"] if st.session_state.playing else TEXT["play"],
                    on_click=_toggle_play, width="stretch", key="play")
    st.slider(TEXT["window"], min_value=lo, max_value=hi, key="window",
              step=dt.timedelta(days=1), format="YYYY-MM-DD", help=TEXT["window_help"])


# --- Map and legend ---------------------------------------------------------------------
def map_and_legend(view: View) -> None:
    """The map (updated in place: the base script never changes with the window) and its legend."""
    groups, shown = webmap.data_groups(prepared, view.layers, view.start, view.end)
    imported, imported_shown = _imported_shown(), None
    if imported is not None:  # this session's own events, in a group of their own
        element, imported_shown = webimport.imported_layer(imported["layer"], view.start, view.end)
        groups.append(folium.FeatureGroup(name="imported", control=False).add_child(element))
    map_col, legend_col = st.columns([5, 1.35])
    with map_col:
        st_folium(
            webmap.base_map(view.basemap),
            key="atlas_map",
            feature_group_to_add=groups,
            returned_objects=[],
            height=MAP_HEIGHT,
            use_container_width=True,  # streamlit-folium's own option
        )
    with legend_col:
        legend = webmap.legend_html(view.layers)
        if imported_shown is not None:
            legend += webimport.legend_html(imported_shown)
        st.markdown(webmap.LEGEND_CSS + legend, unsafe_allow_html=True)
        st.metric("Events in the window", shown.get("events", 0))
        if imported_shown is not None:
            st.caption(imported_shown.message() + ".")
        border = prepared.get("border")
        if border is not None and "border" in view.layers:
            row = border.frame.iloc[0]
            published = " / ".join(sorted({f"{int(p['km'])} km" for p in row["published_lengths"]}))
            st.metric("Border, measured", f"{row['length_km']:,.0f} km", help=f"Published: {published}")
            with st.expander(f"Why not {published}?"):
                st.write(row["length_note"])


# --- Timeline and table -----------------------------------------------------------------
def timeline_and_table(view: View) -> None:
    """The timeline with the window shaded, and the window's events as a downloadable table."""
    if "events" not in prepared:
        return
    table, csv_bytes, geojson_bytes = window_outputs(view.start, view.end)
    st.subheader(TEXT["timeline_heading"])
    lo, hi = _date_range()
    events = prepared["events"].frame
    st.markdown(timeline_svg(events, view.start, view.end, domain=(lo, hi)), unsafe_allow_html=True)
    if (view.start, view.end) != (lo, hi):
        st.caption(f"The window, {view.start:%d %b %Y} to {view.end:%d %b %Y}, in detail")
        st.markdown(timeline_svg(events, view.start, view.end, domain=(view.start, view.end),
                                 band=False), unsafe_allow_html=True)
    st.subheader(f"{TEXT['events_heading']} ({len(table)})")
    st.dataframe(table, width="stretch", hide_index=True)
    stem = f"border-atlas-events-{view.start}-{view.end}"
    c1, c2, _ = st.columns([1, 1, 4])
    c1.download_button("Download CSV", csv_bytes, file_name=f"{stem}.csv",
                       mime="text/csv", width="stretch")
    c2.download_button("Download GeoJSON", geojson_bytes, file_name=f"{stem}.geojson",
                       mime="application/geo+json", width="stretch")


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
    """Date controls, map, legend, timeline and table.

    A fragment: moving the window reruns only this part of the page, not the sidebar or the
    export panel (which read the window from the session state when they are used).
    """
    date_controls()
    view = _current_view()
    st.query_params.from_dict(view.to_query())  # the URL always reopens this view
    map_and_legend(view)
    timeline_and_table(view)
    imported_section(view)
    # Play: move the window a day at a time until the end of the atlas.
    if st.session_state.playing:
        if view.end >= _date_range()[1]:
            st.session_state.playing = False
        else:
            time.sleep(PLAY_STEP_SECONDS)
            _shift(1)
            st.rerun(scope="fragment")


explorer()
view = _current_view()

# --- Export: the same view as a publication figure --------------------------------------
@st.cache_data(show_spinner="Drawing the figure…", max_entries=32)
def figure_file(view: View, preset: str, fmt: str, dpi: int, title: str, greyscale: bool,
                label_lang: str, import_id: str | None = None, _imported: dict | None = None) -> bytes:
    """The figure's bytes (deterministic, so one cache serves every user).

    With a session's import, ``import_id`` (the upload's own id, known only to that session)
    keys the cache, so no other session can be served a figure drawn with it.
    """
    events = _imported["result"].events if _imported else None
    label = _imported["name"] if _imported else None
    return render_figure(view, preset=preset, fmt=fmt, dpi=dpi, title=title or None,
                         greyscale=greyscale, label_lang=label_lang, imported=events,
                         imported_label=label)


with st.expander("Export a map for publication", expanded=False):
    st.caption("The current window and layers, drawn for print: legend, scale bar, north arrow, "
               "locator map and sources. Same output as `border-atlas export`.")
    e1, e2, e3, e4 = st.columns(4)
    preset = e1.selectbox("Size", list(SIZE_PRESETS), index=list(SIZE_PRESETS).index(DEFAULT_SIZE_PRESET),
                          key="export_preset")
    fmt = e2.selectbox("Format", list(FORMATS), key="export_format")
    dpi = e3.selectbox("Resolution (dpi)", [300, 600], key="export_dpi", disabled=fmt in ("pdf", "svg"),
                       help="PDF and SVG are vector: resolution applies to PNG and TIFF.")
    label_lang = e4.selectbox("Town labels", ["en", "fa", "ur"], key="export_lang",
                              format_func={"en": "English", "fa": "Persian", "ur": "Urdu"}.get)
    title = st.text_input("Title (optional)", key="export_title", max_chars=120)
    greyscale = st.checkbox("Greyscale", key="export_grey")
    # The offline basemap is always used for print: tiles need the network and suit no journal.
    print_view = view.with_(basemap="offline")
    imported = _imported_shown()
    import_id = imported["file_id"] if imported else None
    if imported:
        st.caption(plain_markdown(f"Your imported events ({imported['name']}) are drawn too, "
                                  "under the atlas's own."))
    if st.button("Draw figure", key="export_draw"):
        try:
            common = {"title": title, "greyscale": greyscale, "label_lang": label_lang,
                      "import_id": import_id, "_imported": imported}
            preview = figure_file(print_view, preset, "png", 110, **common)
            data = figure_file(print_view, preset, fmt, dpi, **common)
        except BorderAtlasError as exc:
            st.error(plain_markdown(f"The figure could not be drawn: {exc}"))
        else:
            st.image(preview, caption=f"Preview (110 dpi) of {view.start} to {view.end}")
            st.download_button(f"Download {fmt.upper()}", data,
                               file_name=f"border-atlas-{view.start}-{view.end}.{fmt}",
                               mime={"png": "image/png", "pdf": "application/pdf", "svg": "image/svg+xml",
                                     "tiff": "image/tiff"}[fmt], key="export_download")
