"""The Streamlit UI: state kept per session, and the parts of the page. ``app.py`` composes them."""
