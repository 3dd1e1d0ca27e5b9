"""The browser side of the atlas: the folium map document, the time engine's data, exports.

The only part of ``geo`` that builds HTML for a browser and the only part of the project that
imports folium; it never imports Streamlit (the UI in ``ui/`` mounts what is built here).
``layers``: the layers' browser features, the base map and the legend; ``imported``: imported
events prepared once per upload; ``explorer``: the map document and the engine's data;
``page``: one self-contained HTML file of a view.
"""
