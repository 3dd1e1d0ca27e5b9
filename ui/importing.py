"""Your events: an uploaded file, imported into this session only, in a child process
(``geo.jobs``) that is killed when its tab goes away or it passes its limits."""

from __future__ import annotations

import time
from typing import Any

import streamlit as st

from geo.imports import EventImportError
from geo.jobs import Job, import_for_page, import_upload, start_pool
from geo.limits import IMPORT_POLL_SECONDS, MAX_UPLOAD_MB
from geo.safe_text import plain_markdown
from geo.view import ATLAS_END, ATLAS_START
from geo.web.imported import prepare_imported
from layers.imported import IMPORTED
from ui.text import IMPORT_WAIT_SECONDS, PROBLEM_LINES, TEXT, UPLOAD_TYPES

# What a job runs in its child: a module-level function (it is sent by name), wrapped by
# ``import_for_page``, which also makes the map's columns there.
IMPORT_TARGET = import_upload


def _import_upload(upload: Any) -> None:
    """Import an upload once (per file), keeping the result in this session's state only.

    The import runs in a child process (``geo.jobs.Job``) under the OS's CPU and memory
    limits and the importer's time budget, waiting in line when the pool is busy; this
    session keeps it alive by touching it, here and from ``_import_progress`` while it
    runs, so a closed tab kills it within seconds. This process never parses the file;
    nothing is written outside a temporary directory, and nothing is shared with other
    sessions.
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
        job = Job(import_for_page, (IMPORT_TARGET, data, name), label=name, key=upload.file_id)
        st.session_state.import_job = job
    job.touch()
    if job.wait(IMPORT_WAIT_SECONDS):
        _finish_import(upload, st.session_state.pop("import_job"))


def _finish_import(upload: Any, job: Job) -> None:
    """Keep a finished import's result (or its error) in this session's state."""
    try:
        result, columns = job.result()
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
        "columns": columns,  # what the map element draws (made in the job's process)
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
    waited = time.monotonic() - job.started
    place = job.position
    if place:
        text = (f"Waiting to import {name}: the importer is busy with other sessions' files; "
                f"yours is number {place} in line ({waited:.0f} s)")
    else:
        text = f"Importing {name}… ({waited:.0f} s)"
    st.info(plain_markdown(text), icon="⏳")


def import_panel() -> None:
    """Upload box, what the import kept and skipped, and the layer's toggle."""
    start_pool()  # the first upload need not wait for the job processes to start
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
