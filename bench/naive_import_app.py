"""Baseline for the import bench: the naive way to show imported events in Streamlit.

The same import (``geo.importers.import_events``, cached once), then one folium marker with
its popup per event in the window, added to a fresh map shown by a plain st_folium call on
every rerun. The file comes from BA_NAIVE_EVENTS; the window from the URL (start, end).
"""

from __future__ import annotations

import datetime as dt
import os

import folium
import streamlit as st
from streamlit_folium import st_folium

from geo.assemble import in_window
from geo.importers import import_events
from geo.view import ATLAS_END, ATLAS_START, PRESETS
from layers.imported import IMPORTED

LOCAL = {"leaflet.js": "/app/static/vendor/leaflet/leaflet.js",
         "leaflet.css": "/app/static/vendor/leaflet/leaflet.css",
         "jquery": "/app/static/vendor/jquery/jquery.min.js"}


@st.cache_resource
def events():
    return import_events(os.environ["BA_NAIVE_EVENTS"]).events


start = dt.date.fromisoformat(st.query_params.get("start", str(PRESETS["crisis-week"][0])))
end = dt.date.fromisoformat(st.query_params.get("end", str(PRESETS["crisis-week"][1])))
st.slider("Date window", min_value=ATLAS_START, max_value=ATLAS_END, value=(start, end),
          key="window", step=dt.timedelta(days=1), format="YYYY-MM-DD")
start, end = st.session_state.window
frame = events()
shown = frame[in_window(frame, "imported", start, end)]
m = folium.Map(location=(28.0, 62.6), zoom_start=6, tiles=None)
m.default_js = [("leaflet", LOCAL["leaflet.js"]), ("jquery", LOCAL["jquery"])]
m.default_css = [("leaflet_css", LOCAL["leaflet.css"])]
for row in shown.drop(columns="geometry").assign(lon=shown.geometry.x, lat=shown.geometry.y).to_dict("records"):
    folium.CircleMarker((row["lat"], row["lon"]), radius=4, weight=1, fill=True,
                        tooltip=IMPORTED.tooltip_of(row), popup=IMPORTED.popup_of(row)).add_to(m)
st_folium(m, key="naive_import_map", height=620, use_container_width=True, returned_objects=[])
