"""One symbol table (layers/symbols.py): the legend, the browser and print draw the same
shapes and dashes, and the browser's copy (static/atlas/symbols.json) is current."""

from __future__ import annotations

import json
import re
import typing

import numpy as np
import pytest
from matplotlib.markers import MarkerStyle

from geo._paths import PROJECT_ROOT
from geo.figure.style import PX_TO_PT, dashes, marker_size_pt
from geo.web.layers import SWATCH_HALF, SYMBOLS_FILE, swatch_svg
from layers import SPECS, palette
from layers._spec import Dash, Marker, Style
from layers.imported import IMPORTED
from layers.symbols import DASHES, SHAPES, R, as_json, dash_px, shape
from tests._node import run_module

WEIGHTS = (0.5, 1.0, 3.0)


def unit_points(name: str) -> np.ndarray:
    return np.array(SHAPES[name].points, dtype=float)


def test_the_table_names_every_shape_and_dash_a_style_can_ask_for():
    assert set(typing.get_args(Marker)) == set(SHAPES)
    assert set(typing.get_args(Dash)) == set(DASHES)
    used = set()
    for spec in (*SPECS.values(), IMPORTED):
        for entry in spec.legend:
            used.add(entry.style.marker or "circle")
    assert used <= set(SHAPES)


@pytest.mark.parametrize("name", list(SHAPES))
def test_legend_swatch_draws_the_tables_shape(name):
    svg = swatch_svg(Style(marker=name), "point")
    s = shape(name)
    if not s.points:
        r = float(re.search(r'<circle cx="14" cy="8" r="([\d.]+)"', svg).group(1))
        assert r == pytest.approx(SWATCH_HALF * s.radius, abs=0.01)
        return
    pts = re.search(r'<polygon points="([^"]+)"', svg).group(1)
    drawn = np.array([[float(v) for v in p.split(",")] for p in pts.split()])
    assert np.allclose((drawn - [14, 8]) / SWATCH_HALF, unit_points(name), atol=0.002)


@pytest.mark.parametrize("dash", list(DASHES))
@pytest.mark.parametrize("weight", WEIGHTS)
def test_legend_swatch_dashes_lines_like_the_table(dash, weight):
    svg = swatch_svg(Style(dash=dash, weight=weight), "line")
    found = re.search(r'stroke-dasharray="([^"]+)"', svg)
    expected = dash_px(dash, weight)
    if expected is None:
        assert found is None
    else:
        assert [float(v) for v in found.group(1).split()] == pytest.approx(expected, abs=0.01)


@pytest.mark.parametrize("name", list(SHAPES))
def test_print_markers_are_the_tables_shapes_at_the_same_size(name):
    s = shape(name)
    marker = MarkerStyle(palette.MPL_MARKERS[name])
    path = marker.get_path().transformed(marker.get_transform())
    if not s.points:
        assert palette.MPL_MARKERS[name] == "o"
    else:  # matplotlib scales a marker to fill its size: compare shapes, y flipped
        drawn = path.vertices[: len(s.points)]
        table = unit_points(name) * [1, -1]
        assert np.allclose(drawn / np.abs(drawn).max(), table / np.abs(table).max(), atol=1e-3)
    # drawn at its extent relative to a full shape: shapes keep their sizes to each other
    style = Style(marker=name, size=10)
    assert marker_size_pt(style) == pytest.approx(10 * PX_TO_PT * s.extent / R)


@pytest.mark.parametrize("dash", list(DASHES))
@pytest.mark.parametrize("weight", WEIGHTS)
def test_print_dashes_are_the_tables_dashes(dash, weight):
    style = Style(dash=dash, weight=weight)
    expected = dash_px(dash, weight)
    got = dashes(style)
    if expected is None:
        assert got == "-"
    else:  # matplotlib multiplies the pattern by the line's width in points
        offset, pattern = got
        assert offset == 0
        assert [v * weight * PX_TO_PT for v in pattern] == pytest.approx(
            [v * PX_TO_PT for v in expected], abs=0.01)


def test_browser_copy_is_the_table():
    assert json.loads(SYMBOLS_FILE.read_text(encoding="utf-8")) == as_json()


def test_the_browser_scripts_have_no_shape_or_dash_table_of_their_own():
    modules = sorted((PROJECT_ROOT / "static" / "atlas").glob("*.js"))
    assert len(modules) > 10
    for path in modules:
        text = path.read_text(encoding="utf-8")
        assert not re.search(r'case "(triangle|square|diamond|star)"', text), path.name
        assert not re.search(r'shape === "(triangle|square|diamond)"', text), path.name
        assert '"8 4"' not in text and '"2 5"' not in text, path.name


def test_the_browser_draws_the_tables_shapes_and_dashes():
    """symbols.js (map markers, lines, and the imported events' canvas) reads the table."""
    size = 20
    drawn = run_module(
        "import {createSymbols} from '#atlas/symbols.js';\n"
        "const s = createSymbols(input.table);\n"
        "print({shapes: Object.fromEntries(input.shapes.map((n) => [n, s.shapePath(n, input.size)])),\n"
        "       dashes: input.dashes.map((d) => input.weights.map((w) => s.dashArray(d, w)))});",
        {"table": as_json(), "shapes": list(SHAPES), "dashes": list(DASHES), "weights": list(WEIGHTS), "size": size})
    for name in SHAPES:
        svg = drawn["shapes"][name]
        s = shape(name)
        if not s.points:
            r = float(re.search(r'r="([\d.]+)"', svg).group(1))
            assert r == pytest.approx(size / 2 * s.radius, abs=0.01), name
            continue
        pts = re.search(r'points="([^"]+)"', svg).group(1)
        got = np.array([[float(v) for v in p.split(",")] for p in pts.split()])
        assert np.allclose((got - size / 2) / (size / 2), unit_points(name), atol=0.002), name
    for dash, row in zip(DASHES, drawn["dashes"], strict=True):
        for weight, got in zip(WEIGHTS, row, strict=True):
            expected = dash_px(dash, weight)
            if expected is None:
                assert got is None
            else:
                assert [float(v) for v in got.split()] == pytest.approx(expected, abs=0.01)
