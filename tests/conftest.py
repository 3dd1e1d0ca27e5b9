"""Shared fixtures: the shipped layers, loaded once per test session."""

from __future__ import annotations

import pytest

import geo


@pytest.fixture(scope="session")
def layers():
    return {name: geo.load_layer(name) for name in geo.LAYER_NAMES}


@pytest.fixture(scope="session")
def border_line(layers):
    return layers["border"].geometry.iloc[0]
