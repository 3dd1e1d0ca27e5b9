"""Shared fixtures: the shipped layers, loaded once per test session."""

from __future__ import annotations

import pytest

import geo
from tests._server import CHROMIUM, CHROMIUM_ARGS, needs_chromium, streamlit_server


@pytest.fixture(scope="session")
def layers():
    return {name: geo.load_layer(name) for name in geo.LAYER_NAMES}


@pytest.fixture(scope="session")
def border_line(layers):
    return layers["border"].geometry.iloc[0]


@pytest.fixture(scope="module")
def server():
    """The app in a real Streamlit server (one per test module)."""
    needs_chromium()
    with streamlit_server() as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    """Headless Debian chromium driven by Playwright."""
    needs_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def served(monkeypatch) -> dict[str, bytes]:
    """The bytes of every file the app hands Streamlit to serve (downloads), by file id."""
    from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

    files: dict[str, bytes] = {}
    real = MemoryMediaFileStorage.load_and_get_id

    def keep(self, path_or_data, mimetype, kind, filename=None):
        file_id = real(self, path_or_data, mimetype, kind, filename)
        files[file_id] = bytes(path_or_data) if not isinstance(path_or_data, str) else b""
        return file_id

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", keep)
    return files
