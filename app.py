"""Border Atlas explorer: the Streamlit page, composed from its parts in ui/.

The work is in geo/ (data, measures, the map document, figures) and layers/ (what each layer
is and how it looks); ui/ holds the page's state, cached data and panels.

Streamlit runs this file as ``__main__`` on every run of every session. Each job's process
(``geo.jobs``, started by multiprocessing's fork server) imports the parent's main script
again first, as ``__mp_main__`` (multiprocessing's "safe importing of main module"); behind
the guard, that import does nothing. Without it, every import and export job loaded
Streamlit and ran the whole page before its work: ~1.4 s of CPU a job, ten times the
import of a 5 MB file.
"""

from __future__ import annotations


def main() -> None:
    """The page, top to bottom."""
    import streamlit as st

    from ui.data import prepared_layers
    from ui.panels import explorer, export_panel, header, page_style, sidebar
    from ui.state import current_view, init_state

    st.set_page_config(page_title="Border Atlas", page_icon="🗺️", layout="wide")

    page_style()
    init_state()
    _, load_errors = prepared_layers()
    sidebar(load_errors)
    header(load_errors)
    # The export panel shows under the explorer, and runs before it once it holds a drawn
    # file. A full run first drops every file this session's page referred to (Streamlit's
    # media files), and any session's run end then sweeps unreferenced ones, until this run
    # adds them again: a drawn figure's download clicked in that gap is gone
    # (streamlit/streamlit#4322 and #4347 are this with one session). Run first, the panel
    # re-adds its file within a few milliseconds of the run's start instead of after the map
    # and the tables. Holding none (a first visit), it runs after them: the figure code it
    # loads then does not hold back the map.
    shown_first, shown_second = st.container(), st.container()
    if st.session_state.get("export_result") is not None:
        with shown_second:
            export_panel(current_view())
        with shown_first:
            explorer()
    else:
        with shown_first:
            explorer()
        with shown_second:
            export_panel(current_view())


if __name__ == "__main__":
    main()
