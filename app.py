"""Border Atlas explorer: the Streamlit page, composed from its parts in ui/.

The work is in geo/ (data, measures, the map document, figures) and layers/ (what each layer
is and how it looks); ui/ holds the page's state, cached data and panels.
"""

from __future__ import annotations

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
explorer()
export_panel(current_view())
