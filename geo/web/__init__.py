"""The browser side of the atlas: the folium map document, the time engine's data, exports.

The only part of ``geo`` that builds HTML for a browser; it never imports Streamlit (the UI
in ``ui/`` mounts what is built here).
"""
