"""The parts of the page: sidebar, notices, the explorer (map element, tables) and the export
panel. Each reads the session's state (ui.state) and the cached data (ui.data)."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

import streamlit as st

from geo import BorderAtlasError
from geo.filters import apply_filters
from geo.jobs import draw_animation, run_job
from geo.limits import IMPORTED_TABLE_ROWS
from geo.safe_text import plain_markdown
from geo.table import imported_table
from geo.view import ATLAS_END, ATLAS_START, BASEMAPS, View
from geo.web import layers as web
from geo.web.explorer import imported_legend_html, presets
from geo.web.site import check_base_url, embed_snippet
from layers import SPECS, credits
from layers.imported import IMPORTED
from ui.data import (
    dated_file_problem,
    explorer_page,
    figure_file,
    html_file,
    prepared_layers,
    window_outputs,
)
from ui.downloads import imported_download_buttons
from ui.explorer import ask_focus, map_element, screen_extent
from ui.importing import import_panel
from ui.state import current_view, date_range, explorer_state, imported_shown
from ui.text import LABEL_LANGS, MIME, TEXT

if TYPE_CHECKING:  # the figure code (matplotlib) is loaded by the export panel, when it runs
    from geo.figure import FigureSpec
    from geo.figure.animate import AnimationSpec

# --- Sidebar and notices ------------------------------------------------------------------
# The page on a laptop: the map starts at the top of the screen. Streamlit's main block keeps
# about 6rem of blank band above its first element and 5rem either side; the header here is
# one line. Only the page's own layout is touched (no widget's look), by Streamlit's test ids.
PAGE_CSS = """<style>
[data-testid="stMainBlockContainer"] { padding: 0.6rem 1rem 2rem 1rem; max-width: none; }
[data-testid="stHeader"] { background: transparent; }
.ba-page-title { font-size: 1rem; font-weight: 600; line-height: 1.3; margin: 0;
                 padding-right: 3rem; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
[data-testid="stSidebarContent"] [data-testid="stExpander"] details { border: 0; }
</style>"""


def page_style() -> None:
    """The page's layout (PAGE_CSS): constant, never from a user."""
    st.html(PAGE_CSS)


def sidebar(load_errors: dict[str, str]) -> None:
    """Layers, basemap, your events (each a section that folds away), and the data's credits."""
    with st.sidebar:
        with st.expander(TEXT["layers"], expanded=True):
            for name, spec in SPECS.items():
                st.checkbox(spec.title, key=f"layer_{name}", disabled=name in load_errors,
                            help=spec.description)
        with st.expander(TEXT["basemap"], expanded=True):
            st.radio(TEXT["basemap"], options=list(BASEMAPS), key="basemap",
                     format_func=lambda key: BASEMAPS[key].label, help=TEXT["basemap_help"],
                     label_visibility="collapsed")
        with st.expander(TEXT["import_heading"], expanded=True):
            import_panel()
        st.caption(f"Data: {credits()}; event sources in each popup. Boundaries are approximate.")


def header(load_errors: dict[str, str]) -> None:
    """The title on one line, and what went wrong (as plain text); the introduction is under
    the map, so that the map starts at the top of a laptop's screen."""
    st.html(f'<h1 class="ba-page-title">{html.escape(TEXT["title"])}</h1>')
    for note in st.session_state.get("notes", []):
        st.warning(plain_markdown(f"Link parameter ignored: {note}."), icon="⚠️")
    changes = explorer_state().changes
    if changes:
        st.info(plain_markdown("To show the linked event, " + " and ".join(changes) + "."), icon="ℹ️")
    for name, error in load_errors.items():
        st.error(plain_markdown(f"The {name} layer could not be loaded and is left out:\n{error}"))
    if (problem := dated_file_problem()) is not None:
        st.warning(plain_markdown(f"The map's file of dated layers is damaged; the layers are sent "
                                  f"with the page instead (slower to open):\n{problem}"), icon="⚠️")


# --- The explorer: map element, tables ----------------------------------------------------
def map_and_count(view: View) -> View:
    """The map element; returns the view as the element last reported it."""
    doc, config = explorer_page()
    lo, hi = date_range()
    if (lo, hi) != (ATLAS_START, ATLAS_END):  # an import widened the timeline
        config = {**config, "domain": [lo.isoformat(), hi.isoformat()], "presets": presets((lo, hi))}
    legend = web.legend_html(view.layers)
    imported = imported_shown()
    columns = None
    if imported is not None:
        columns = (*imported["columns"], imported["file_id"])
        legend += imported_legend_html()
    shown = view.layers + (("imported",) if imported is not None else ())
    state = explorer_state()
    map_element(state, doc=doc, config=config, layers=shown, basemap=view.basemap,
                legend=legend, imported=columns, url_layers=view.layers,
                filters=view.filters.to_query())
    if state.filters is not None:  # the filters the map's controls report rule the table and exports
        st.session_state.filters = state.filters
    if state.refused:
        st.warning(plain_markdown(f"The map reported a view that was ignored: {state.refused}."),
                   icon="⚠️")
        state.refused = None
    return current_view()


def pick_from_table(view: View) -> None:
    """A row picked in the events table (its selection, kept by Streamlit from the last run)
    asks the map to fly to that event and open it: once per pick, before the map is drawn."""
    selection = st.session_state.get("events_table")
    rows = selection["selection"]["rows"] if selection and "selection" in selection else []
    picked = (view.start, view.end, view.filters, rows[0]) if rows else None
    if picked is None or "events" not in prepared_layers()[0] or st.session_state.get("picked_row") == picked:
        return
    st.session_state.picked_row = picked
    table = window_outputs(view.start, view.end, view.filters)[0]
    if rows[0] < len(table):
        ask_focus(explorer_state(), str(table["id"].iloc[rows[0]]))


def events_section(view: View) -> None:
    """The window's events as a table (a row's click opens it on the map) and downloads."""
    prepared = prepared_layers()[0]
    if "events" not in prepared:
        return
    table, csv_bytes, geojson_bytes = window_outputs(view.start, view.end, view.filters)
    st.subheader(f"{TEXT['events_heading']}, {view.start:%d %b %Y} to {view.end:%d %b %Y} ({len(table)})")
    if view.filters.active:
        st.caption(plain_markdown(f"Events shown: {view.filters.describe()}."))
    st.dataframe(table.drop(columns="id"), width="stretch", hide_index=True,
                 on_select="rerun", selection_mode="single-row", key="events_table")
    stem = f"border-atlas-events-{view.start}-{view.end}" + ("-filtered" if view.filters.active else "")
    c1, c2, _ = st.columns([1, 1, 4])
    c1.download_button("Download CSV", csv_bytes, file_name=f"{stem}.csv",
                       mime="text/csv", width="stretch", on_click="ignore")
    c2.download_button("Download GeoJSON", geojson_bytes, file_name=f"{stem}.geojson",
                       mime="application/geo+json", width="stretch", on_click="ignore")
    border = prepared.get("border")
    if border is not None and "border" in view.layers:
        row = border.frame.iloc[0]
        published = " / ".join(sorted({f"{int(p['km'])} km" for p in row["published_lengths"]}))
        with st.expander(f"The border: {row['length_km']:,.0f} km measured, {published} published. Why?"):
            st.text(row["length_note"])


def imported_section(view: View) -> None:
    """The imported events in the window: a table (first rows) and every one as CSV/GeoJSON."""
    imported = imported_shown()
    if imported is None:
        return
    layer = imported["layer"]  # its day numbers give the window without re-reading dates
    shown = layer.frame[layer.mask(view.start, view.end)]
    shown = apply_filters(shown, view.filters, IMPORTED)
    st.subheader(f"{TEXT['imported_heading']} ({len(shown):,})")
    note = f"From {imported['name']}, as imported: not checked by the atlas's editors."
    if len(shown) > IMPORTED_TABLE_ROWS:
        note += f" The first {IMPORTED_TABLE_ROWS:,} are listed; the downloads hold all {len(shown):,}."
    st.caption(plain_markdown(note))
    st.dataframe(imported_table(shown.head(IMPORTED_TABLE_ROWS)), width="stretch", hide_index=True)
    stem = f"imported-events-{view.start}-{view.end}" + ("-filtered" if view.filters.active else "")
    imported_download_buttons(shown, (imported["file_id"], view.start, view.end, view.filters), stem)


@st.fragment
def explorer() -> None:
    """Map element, table and imported events.

    A fragment: when the element reports a new window, only this part of the page reruns,
    not the sidebar or the export panel (which read the window from the session state).
    """
    pick_from_table(current_view())
    view = map_and_count(current_view())
    st.caption(TEXT["intro"])
    events_section(view)
    imported_section(view)


# --- Export: the same view as a figure, an animation or an interactive file ----------------
SCOPES = {
    "screen": "The view on screen: the map's extent, the window, the layers",
    "region": "The whole region: the window and the layers",
}


def export_view(view: View, scope: str) -> View:
    """What the export draws: the view as on screen (its extent, window, layers and, when the
    view carries them, its filters) or the same view over the whole region."""
    if scope == "screen":
        return view.with_(extent=screen_extent(explorer_state()))
    return view.with_(extent=None)


def export_panel(view: View) -> None:
    """Size, format and look of the export, then the file to download.

    The last file drawn stays on the page (its preview and its Download button) for as long
    as nothing it was drawn from changes: a download reruns the page, and a result kept only
    for the run of the click would vanish with it.
    """
    # Loaded here, not with the page's modules: the map and tables go out before matplotlib
    # (about 1.3 s of one core) is loaded on a server's first visit.
    from geo.figure import DEFAULT_SIZE_PRESET, FORMATS, SIZE_PRESETS, FigureSpec
    from geo.figure.animate import ANIMATION_FORMATS

    with st.expander(TEXT["export_heading"], expanded=False):
        st.caption(TEXT["export_intro"])
        scope = st.radio("What to draw", list(SCOPES), key="export_scope", format_func=SCOPES.get,
                         horizontal=True,
                         help="The view on screen draws the part of the map you are looking at; "
                         "the whole region fits the two provinces and the events shown.")
        view = export_view(view, scope)
        e1, e2, e3, e4 = st.columns(4)
        preset = e1.selectbox("Size", list(SIZE_PRESETS), key="export_preset",
                              index=list(SIZE_PRESETS).index(DEFAULT_SIZE_PRESET))
        fmt = e2.selectbox("Format", [*FORMATS, *ANIMATION_FORMATS, "html"], key="export_format",
                           format_func=lambda f: "Interactive HTML" if f == "html" else f)
        animated = fmt in ANIMATION_FORMATS
        dpi = e3.selectbox("Resolution (dpi)", [300, 600], key="export_dpi",
                           disabled=fmt in ("pdf", "svg", "html") or animated,
                           help="PDF and SVG are vector: resolution applies to PNG and TIFF.")
        langs: list[str] = list(LABEL_LANGS)
        label_lang = e4.selectbox("Town labels", langs, key="export_lang",
                                  format_func=lambda k: LABEL_LANGS[k])
        animation = _animation_options(fmt) if animated else None
        title = st.text_input("Title (optional)", key="export_title", max_chars=120)
        greyscale = st.checkbox("Greyscale", key="export_grey")
        imported = imported_shown()
        if imported:
            st.caption(plain_markdown(f"Your imported events ({imported['name']}) are drawn too, "
                                      "under the atlas's own."))
        if fmt == "html":
            _html_export(view, title, imported)
            embed_line()
            return
        # The offline basemap is always used for print: tiles need the network.
        view = view.with_(basemap="offline")
        spec = FigureSpec(preset=preset, fmt="png" if animated else fmt, dpi=dpi, title=title or None,
                          greyscale=greyscale, label_lang=label_lang)
        key = ("figure", view, spec, animation, imported["file_id"] if imported else None)
        if st.button("Draw animation" if animated else "Draw figure", key="export_draw"):
            result = _figure_export(view, spec, animation, imported)
            st.session_state.export_result = None if result is None else {"key": key, **result}
        _show_figure_result(key)


def _animation_options(fmt: str) -> AnimationSpec:
    from geo.figure.animate import MODES, STEPS, AnimationSpec

    a1, a2, a3, a4 = st.columns(4)
    step = a1.selectbox("A frame is a", STEPS, key="export_step")
    mode = a2.selectbox("Window", MODES, key="export_mode",
                        help="sliding: each frame shows one step; growing: each frame shows "
                        "everything from the first day.")
    fps = a3.number_input("Frames a second", 0.2, 30.0, 2.0, 0.5, key="export_fps")
    width_px = a4.selectbox("Width (px)", [1280, 1920, 960, 640], key="export_width_px")
    return AnimationSpec(fmt=fmt, step=step, mode=mode, fps=float(fps), width_px=width_px)


def _kept(key: tuple) -> dict | None:
    """The result drawn last, if it was drawn from exactly what the panel shows now."""
    result = st.session_state.get("export_result")
    return result if result is not None and result["key"] == key else None


def _html_export(view: View, title: str, imported: dict | None) -> None:
    """One file of the map as it is: window, layers, timeline, popups; works offline."""
    st.caption(TEXT["html_intro"])
    map_view = explorer_state().map_view
    key = ("html", view, title, map_view, imported["file_id"] if imported else None)
    if st.button("Make HTML file", key="export_html"):
        data, note = html_file(view, title, map_view,
                               imported["file_id"] if imported else None, _imported=imported)
        st.session_state.export_result = {"key": key, "data": data, "note": note}
    result = _kept(key)
    if result is None:
        return
    if result["note"]:
        st.caption(plain_markdown(result["note"] + "."))
    data = result["data"]
    st.download_button(f"Download HTML ({len(data) / 1e6:.1f} MB)", data,
                       file_name=f"border-atlas-{view.start}-{view.end}.html",
                       mime=MIME["html"], key="export_html_download", on_click="ignore")


def embed_line() -> None:
    """The line of HTML that embeds the atlas's static site in an article (as
    ``border-atlas site`` prints it), for the address the user will publish the site at."""
    st.caption(TEXT["embed_intro"])
    address = st.text_input("Your site's address", key="export_site_url", max_chars=300,
                            placeholder="https://example.org/atlas/")
    try:
        base = check_base_url(address.strip() or None)
    except BorderAtlasError as exc:
        st.error(plain_markdown(str(exc)))
        return
    st.code(embed_snippet(base), language="html")  # shown as text, never as markup


def _figure_export(view: View, spec: FigureSpec, animation: AnimationSpec | None,
                   imported: dict | None) -> dict | None:
    """Draw the figure (a preview and the file) or the animation; None if it cannot be drawn."""
    from geo.figure import FigureSpec
    from geo.figure.animate import planned_frames

    fmt = animation.fmt if animation else spec.fmt
    dropped: tuple[str, ...] = ()
    try:
        if animation is not None:
            planned_frames(view, animation)  # refused with its figures before any frame
            bar = st.progress(0.0, text="Drawing the frames…")
            still = FigureSpec(preset=spec.preset, title=spec.title, greyscale=spec.greyscale,
                               label_lang=spec.label_lang)

            def progress(done: int, total: int) -> None:
                bar.progress(done / total, text=f"Frame {done} of {total}")

            # In a child process (geo.jobs); the bar's updates stop it if this page goes.
            data = run_job(draw_animation, (view, still, animation,
                                            imported["result"].events if imported else None,
                                            imported["name"] if imported else None),
                           label=f"the {animation.fmt} animation", on_progress=progress)
            preview = data
        else:
            import_id = imported["file_id"] if imported else None
            preview, dropped = figure_file(view, spec.preset, "png", 110, spec.title or "", spec.greyscale,
                                           spec.label_lang, import_id=import_id, _imported=imported)
            data, _ = figure_file(view, spec.preset, fmt, spec.dpi, spec.title or "", spec.greyscale,
                                  spec.label_lang, import_id=import_id, _imported=imported)
    except BorderAtlasError as exc:
        st.error(plain_markdown(f"The figure could not be drawn: {exc}"))
        return None
    return {"fmt": fmt, "data": data, "preview": preview, "dropped": dropped,
            "animated": animation is not None}


def _show_figure_result(key: tuple) -> None:
    """The kept figure or animation: its preview, what was left out, its Download button."""
    result = _kept(key)
    if result is None:
        return
    fmt, data, view = result["fmt"], result["data"], key[1]
    if fmt == "mp4":
        st.video(data, format="video/mp4")
    else:
        where = "" if view.extent is None else " · extent " + ", ".join(f"{v:g}" for v in view.extent)
        st.image(result["preview"], caption=f"{'Animation' if result['animated'] else 'Preview (110 dpi)'} of "
                 f"{view.start} to {view.end}{where}")
    if result["dropped"]:
        st.caption("No room for these town labels, left out: " + ", ".join(result["dropped"])
                   + ". A wider size has room for more.")
    st.download_button(f"Download {fmt.upper()}", data, file_name=f"border-atlas-{view.start}-{view.end}.{fmt}",
                       mime=MIME[fmt], key="export_download", on_click="ignore")
