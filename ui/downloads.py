"""Your imported events as CSV and GeoJSON: downloads that arrive every time.

Why not Streamlit's deferred download (a callable as ``data``)? Its file is made on the
click and stored unreferenced by any session, and every script run of *any* session ends by
sweeping unreferenced files (``MediaFileManager.remove_orphaned_files``: marked on one
sweep, deleted on the next); the callable itself is swept when its session reruns. With ten
sessions at work, the file was gone before the browser asked for it ("canceled"): 3 of 10
downloads arrived. A button holding its bytes keeps them referenced by its session for as
long as it is on the page (the same bytes give the same file id on every rerun), and
``on_click="ignore"`` keeps a click from rerunning the page under it.

So the bytes are made before the button is shown, once per import, window and filters, and
kept in this session's state (the last set only): with the page when the window holds at
most ``DOWNLOAD_WITH_PAGE_ROWS`` events (a fraction of a second), otherwise on request, in a
capped child process (``geo.jobs``), so a large import's file costs the server nothing until
it is asked for, and never stalls the other sessions.
"""

from __future__ import annotations

import contextlib
from typing import Any

import streamlit as st

import geopandas as gpd

from geo import BorderAtlasError, limits
from geo.jobs import imported_downloads, run_job
from geo.safe_text import plain_markdown
from layers.imported import IMPORTED

KEPT = "imported_downloads"


def _files(shown: gpd.GeoDataFrame, *, in_job: bool) -> tuple[bytes, bytes]:
    if in_job:
        return run_job(imported_downloads, (shown, IMPORTED.name), label="your imported events")
    return imported_downloads(shown, IMPORTED.name, progress=lambda done, total: None)


def imported_download_buttons(shown: gpd.GeoDataFrame, key: tuple[Any, ...], stem: str) -> None:
    """"Download CSV" and "Download GeoJSON" of ``shown`` (the imported events in the window that
    the filters keep); ``key`` says what they were drawn from (the upload, window, filters)."""
    kept = st.session_state.get(KEPT)
    if kept is not None and kept["key"] != key:
        st.session_state.pop(KEPT)  # another window, filter or file: the old bytes go
        kept = None
    c1, c2, _ = st.columns([1, 1, 4])
    if kept is None:
        large = len(shown) > limits.DOWNLOAD_WITH_PAGE_ROWS
        if large:
            slot = c1.empty()
            if not slot.button(f"Prepare downloads ({len(shown):,} events)", key="imported_prepare",
                               width="stretch", help="The CSV and GeoJSON of this many events are "
                               "made when you ask for them."):
                return
            slot.empty()
        try:
            with st.spinner("Writing your events…") if large else contextlib.nullcontext():
                csv_bytes, geojson_bytes = _files(shown, in_job=large)
        except BorderAtlasError as exc:
            st.error(plain_markdown(f"Your events could not be written: {exc}"), icon="🚫")
            return
        kept = {"key": key, "csv": csv_bytes, "geojson": geojson_bytes}
        st.session_state[KEPT] = kept
    c1.download_button("Download CSV", kept["csv"], file_name=f"{stem}.csv", mime="text/csv",
                       width="stretch", key="imported_csv", on_click="ignore")
    c2.download_button("Download GeoJSON", kept["geojson"], file_name=f"{stem}.geojson",
                       mime="application/geo+json", width="stretch", key="imported_geojson",
                       on_click="ignore")
