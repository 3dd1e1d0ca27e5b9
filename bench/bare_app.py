"""Floor for `make bench`: a bare Streamlit page with the explorer's date slider and nothing else.

The window is shown as one empty span per day, so the bench can see the page update the way
it sees the map update (the number of elements changes when a handle moves). Whatever this
page costs, every Streamlit app pays.
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

from geo.view import ATLAS_END, ATLAS_START, PRESETS

st.slider("Date window", min_value=ATLAS_START, max_value=ATLAS_END, value=PRESETS["crisis-week"],
          key="window", step=dt.timedelta(days=1), format="YYYY-MM-DD")
start, end = st.session_state.window
days = (end - start).days + 1
st.markdown(f"{start} to {end}: {days} days" + '<span class="ba-bare-day"></span>' * days,
            unsafe_allow_html=True)
