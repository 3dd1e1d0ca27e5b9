"""Border Atlas explorer: the Streamlit UI. Widgets and layout only; the work is in geo/ and layers/."""

from __future__ import annotations

import datetime as dt
import time

import altair as alt
import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from geo import LAYER_NAMES, BorderAtlasError, webmap
from geo.assemble import shipped_layer, window
from geo.static import DEFAULT_SIZE_PRESET, FORMATS, SIZE_PRESETS, render_figure
from geo.table import events_csv, events_geojson, events_table
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
from layers import palette as pal

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
    "timeline_heading": "Timeline",
}
MAP_HEIGHT = 620
PLAY_STEP_SECONDS = 0.8
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


def _set_window(start: dt.date, end: dt.date) -> None:
    st.session_state.window = (max(start, ATLAS_START), min(end, ATLAS_END))


def _apply_preset(key: str) -> None:
    st.session_state.playing = False
    _set_window(*PRESETS[key])


def _shift(days: int) -> None:
    start, end = st.session_state.window
    span = end - start
    new_start = min(max(start + dt.timedelta(days=days), ATLAS_START), ATLAS_END - span)
    _set_window(new_start, new_start + span)


def _toggle_play() -> None:
    st.session_state.playing = not st.session_state.playing


_init_state()
prepared, load_errors = prepared_layers()

# --- Sidebar: layers and basemap --------------------------------------------------------
with st.sidebar:
    st.header(TEXT["layers"])
    for name, spec in SPECS.items():
        disabled = name in load_errors
        st.checkbox(spec.title, key=f"layer_{name}", disabled=disabled, help=spec.description)
    st.radio(TEXT["basemap"], options=list(BASEMAPS), key="basemap",
             format_func=BASEMAP_LABELS.get, help=TEXT["basemap_help"])
    st.caption(
        "Data: © OpenStreetMap contributors (ODbL); Natural Earth; GeoNames (CC BY 4.0); "
        "event sources in each popup. Boundaries are approximate."
    )

st.title(TEXT["title"])
st.caption(TEXT["intro"])
for note in st.session_state.get("notes", []):
    st.warning(f"Link parameter ignored: {note}.", icon="⚠️")
for name, error in load_errors.items():
    st.error(f"The {name} layer could not be loaded and is left out:\n\n{error}")

# --- Date window: presets, slider, step and play ---------------------------------------
preset_cols = st.columns(len(PRESETS) + 3)
for col, (key, label) in zip(preset_cols, PRESET_LABELS.items(), strict=False):
    col.button(label, key=f"preset_{key}", on_click=_apply_preset, args=(key,),
               width="stretch")
preset_cols[-3].button(TEXT["back"], on_click=_shift, args=(-1,), width="stretch", key="step_back")
preset_cols[-2].button(TEXT["forward"], on_click=_shift, args=(1,), width="stretch", key="step_forward")
preset_cols[-1].button(TEXT["pause"] if st.session_state.playing else TEXT["play"],
                       on_click=_toggle_play, width="stretch", key="play")
st.slider(TEXT["window"], min_value=ATLAS_START, max_value=ATLAS_END, key="window",
          step=dt.timedelta(days=1), format="YYYY-MM-DD", help=TEXT["window_help"])

view = _current_view()
st.query_params.from_dict(view.to_query())  # the URL always reopens this view

# --- Map and legend ---------------------------------------------------------------------
groups, shown = webmap.data_groups(prepared, view.layers, view.start, view.end)
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
    st.markdown(webmap.LEGEND_CSS + webmap.legend_html(view.layers), unsafe_allow_html=True)
    n_events = shown.get("events", 0)
    st.metric("Events in the window", n_events)
    border = prepared.get("border")
    if border is not None and "border" in view.layers:
        row = border.frame.iloc[0]
        published = " / ".join(sorted({f"{int(p['km'])} km" for p in row["published_lengths"]}))
        st.metric("Border, measured", f"{row['length_km']:,.0f} km", help=f"Published: {published}")
        with st.expander(f"Why not {published}?"):
            st.write(row["length_note"])

def _timeline_chart(events: pd.DataFrame, start: dt.date, end: dt.date) -> alt.LayerChart:
    """Every event on a time axis, shaped and coloured as on the map; the window shaded."""
    table = events_table(events)
    kinds = list(pal.KIND_MARKERS)
    actors = list(pal.ACTOR_LABELS.values())
    dots = alt.Chart(table).mark_point(filled=True, size=80, stroke="black", strokeWidth=0.6).encode(
        x=alt.X("date:T", title=None,
                scale=alt.Scale(domain=[ATLAS_START.isoformat(), ATLAS_END.isoformat()])),
        y=alt.Y("kind:N", title=None, sort=kinds, scale=alt.Scale(domain=kinds)),
        shape=alt.Shape("kind:N", legend=None, scale=alt.Scale(
            domain=kinds, range=[pal.VEGA_SHAPES[pal.KIND_MARKERS[k]] for k in kinds])),
        color=alt.Color("actor group:N", scale=alt.Scale(
            domain=actors, range=[pal.ACTOR_COLORS[g] for g in pal.ACTOR_LABELS]),
            legend=alt.Legend(title="Actor", orient="bottom")),
        tooltip=["date:N", "kind:N", "place:N", "actor:N"],
    )
    band = pd.DataFrame({"start": [pd.Timestamp(start)],
                         "end": [pd.Timestamp(end) + pd.Timedelta(days=1)]})
    shade = alt.Chart(band).mark_rect(opacity=0.2, color=pal.BLUE).encode(x="start:T", x2="end:T")
    # Edges drawn as rules, so a one-week window stays visible on an eight-year axis.
    edges = alt.Chart(band).mark_rule(color=pal.BLUE, strokeWidth=1.5).encode(x="start:T") + \
        alt.Chart(band).mark_rule(color=pal.BLUE, strokeWidth=1.5).encode(x="end:T")
    return (shade + edges + dots).properties(height=220)


# --- Timeline and table -----------------------------------------------------------------
if "events" in prepared:
    all_events = prepared["events"].frame
    table, csv_bytes, geojson_bytes = window_outputs(view.start, view.end)
    st.subheader(TEXT["timeline_heading"])
    st.altair_chart(_timeline_chart(all_events, view.start, view.end), width="stretch")

    st.subheader(f"{TEXT['events_heading']} ({len(table)})")
    st.dataframe(table, width="stretch", hide_index=True)
    stem = f"border-atlas-events-{view.start}-{view.end}"
    c1, c2, _ = st.columns([1, 1, 4])
    c1.download_button("Download CSV", csv_bytes, file_name=f"{stem}.csv",
                       mime="text/csv", width="stretch")
    c2.download_button("Download GeoJSON", geojson_bytes, file_name=f"{stem}.geojson",
                       mime="application/geo+json", width="stretch")

# --- Export: the same view as a publication figure --------------------------------------
@st.cache_data(show_spinner="Drawing the figure…", max_entries=32)
def figure_file(view: View, preset: str, fmt: str, dpi: int, title: str, greyscale: bool,
                label_lang: str) -> bytes:
    """The figure's bytes (deterministic, so one cache serves every user)."""
    return render_figure(view, preset=preset, fmt=fmt, dpi=dpi, title=title or None,
                         greyscale=greyscale, label_lang=label_lang)


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
    if st.button("Draw figure", key="export_draw"):
        try:
            preview = figure_file(print_view, preset, "png", 110, title, greyscale, label_lang)
            data = figure_file(print_view, preset, fmt, dpi, title, greyscale, label_lang)
        except BorderAtlasError as exc:
            st.error(f"The figure could not be drawn: {exc}")
        else:
            st.image(preview, caption="Preview (110 dpi)")
            st.download_button(f"Download {fmt.upper()}", data,
                               file_name=f"border-atlas-{view.start}-{view.end}.{fmt}",
                               mime={"png": "image/png", "pdf": "application/pdf", "svg": "image/svg+xml",
                                     "tiff": "image/tiff"}[fmt], key="export_download")

# --- Play: move the window a day at a time until the end of the atlas -------------------
if st.session_state.playing:
    if view.end >= ATLAS_END:
        st.session_state.playing = False
    else:
        time.sleep(PLAY_STEP_SECONDS)
        _shift(1)
        st.rerun()
