"""Baseline for `make bench`: the naive way to put the atlas in Streamlit.

The same layers at full resolution through GeoDataFrame.explore(), filtered by the same
date window, shown with a plain st_folium call (the whole map is rebuilt on every rerun).
Only the CDN script URLs are pointed at the vendored copies, so it can draw offline at all.
"""

from __future__ import annotations

import datetime as dt

import folium
import streamlit as st
from streamlit_folium import st_folium

from geo import LAYER_NAMES, load_layer
from geo.assemble import window

LOCAL = {"leaflet.js": "/app/static/vendor/leaflet/leaflet.js",
         "leaflet.css": "/app/static/vendor/leaflet/leaflet.css",
         "jquery": "/app/static/vendor/jquery/jquery.min.js"}


def _localise(m: folium.Map) -> None:
    m.default_js = [("leaflet", LOCAL["leaflet.js"]), ("jquery", LOCAL["jquery"])]
    m.default_css = [("leaflet_css", LOCAL["leaflet.css"])]


st.set_page_config(layout="wide")
start, end = st.slider("Date window", min_value=dt.date(2017, 1, 1), max_value=dt.date(2024, 12, 31),
                       value=(dt.date(2024, 1, 15), dt.date(2024, 1, 22)), key="window")
m = folium.Map(location=(28.0, 62.6), zoom_start=6, tiles=None)
_localise(m)
for name in LAYER_NAMES:
    frame = window(name, start, end, load_layer(name))  # loaded from disk on every rerun
    if frame.empty:
        continue
    frame = frame.copy()
    for col in frame.columns:
        if col != "geometry" and frame[col].map(lambda v: isinstance(v, list | dict)).any():
            frame[col] = frame[col].astype(str)
    for col in frame.select_dtypes("datetime").columns:
        frame[col] = frame[col].dt.strftime("%Y-%m-%d")
    frame.explore(m=m, name=name, marker_type="circle_marker",
                  marker_kwds={"radius": 6, "className": f"naive-{name}"}, tooltip=False,
                  popup=True, style_kwds={"className": f"naive-{name}"})
st_folium(m, height=620, use_container_width=True)
