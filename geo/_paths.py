"""Where the shipped data lives: always found from this package, never from the working directory.

The layers are in the project's top-level ``data/`` folder. An installed wheel carries that
folder as ``geo/data`` (pyproject.toml maps the package ``geo.data`` to ``data/``), and
``importlib.resources`` finds it there; a checkout (an editable install, the tests,
``make data``) has no ``geo/data`` and reads and writes ``data/`` beside the package itself.

The browser's files (Leaflet, the atlas's scripts and styles, the layers' browser copies) live
in the top-level ``static/`` folder, which Streamlit serves from a checkout; a wheel carries the
same folder as ``geo/static``. Every reader finds them through ``static_dir()`` (or ``asset``).
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def data_dir() -> Path:
    """The shipped data: ``geo/data`` inside an installed package, else the checkout's ``data/``."""
    shipped = files("geo") / "data"
    if shipped.is_dir():
        return Path(str(shipped))  # a wheel is installed unpacked: a real folder
    return PROJECT_ROOT / "data"


def static_dir() -> Path:
    """The browser's files: ``geo/static`` inside an installed package, else the checkout's
    ``static/`` (where ``make data`` and ``make vendor`` write them)."""
    shipped = files("geo") / "static"
    if shipped.is_dir():
        return Path(str(shipped))
    return PROJECT_ROOT / "static"


def asset(relative: str) -> Path:
    """One of the browser's files by its path under ``static/`` (``"atlas/engine.js"``)."""
    return STATIC_DIR / relative


DATA_DIR = data_dir()
STATIC_DIR = static_dir()
CURATED_DIR = DATA_DIR / "curated"
RAW_DIR = PROJECT_ROOT / "data" / "raw"  # `make data`'s downloads: a checkout's only, never shipped
