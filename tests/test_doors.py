"""Every door checks what comes in (issue 20): what the page reports, the command line's paths,
dates and recipes, and damaged shipped files, each a named message and never a traceback."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from geo.cli import main
from geo.view import LAST_VIEW_DAY, View, data_years
from tests._element import data
from tests._markdown import shown
from ui.explorer import ExplorerState, _read_report

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
FAST = ["--start", "2024-01-16", "--end", "2024-01-17", "--layers", "border", "--preset", "single-column"]


def run(capsys, *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    err = capsys.readouterr().err
    return code, err


def _one_line(code: int, err: str) -> str:
    assert code == 2, err
    assert err.count("\n") == 1 and "Traceback" not in err and str(ROOT) not in err, err
    return err


# -- what the page reports -----------------------------------------------------------------------

def _state() -> ExplorerState:
    return ExplorerState(initial={}, start=dt.date(2024, 1, 15), end=dt.date(2024, 1, 22))


@pytest.mark.parametrize(("report", "why"), [
    ({"start": "2024-01-01", "end": "2024-01-03", "lat": float("nan"), "lon": 62, "zoom": 6},
     "lat/lon/zoom outside"),
    ({"start": "2024-01-01", "end": "2024-01-03", "lat": "NaN", "lon": 62, "zoom": 6}, "lat/lon/zoom outside"),
    ({"start": "2024-01-01", "end": "2024-01-03", "lat": 27, "lon": 1e308, "zoom": 6}, "lat/lon/zoom outside"),
    ({"start": "2024-01-01", "end": "9999-12-31", "lat": 27, "lon": 62, "zoom": 6},
     f"end: '9999-12-31' is outside 1900-01-01–{LAST_VIEW_DAY}"),
    ({"start": "2024-01-05", "end": "2024-01-03", "lat": 27, "lon": 62, "zoom": 6}, "before start"),
    ({"start": "<b>" * 100, "end": "2024-01-03", "lat": 27, "lon": 62, "zoom": 6}, "is not a date"),
])
def test_a_bad_report_from_the_page_is_a_notice_and_the_view_is_kept(report, why):
    state = _state()
    assert _read_report(state, report) is False
    assert why in state.refused and len(state.refused) < 300
    assert (state.start, state.end, state.map_view) == (dt.date(2024, 1, 15), dt.date(2024, 1, 22), None)
    assert _read_report(state, {**report, "start": "2024-01-01", "end": "2024-01-03", "lat": 27,
                                "lon": 62, "zoom": 6}) is True


GOOD = {"start": "2024-01-01", "end": "2024-01-03", "lat": 27, "lon": 62, "zoom": 6}


@pytest.mark.parametrize("bounds", [
    [float("nan"), 25, 64, 29], ["NaN", 25, 64, 29], [60, 25, 64], [60, 25, 64, 29, 1], "60,25,64,29",
    [64, 25, 60, 29], [60, 25, 60.001, 29], [-400, 25, 64, 29], [60, 25, 64, 1e308], [60, 25, 64, float("inf")],
    [[60], 25, 64, 29], {"w": 60},
])
def test_bad_bounds_from_the_page_are_a_notice_and_the_extent_falls_back(bounds):
    state = _state()
    assert _read_report(state, {**GOOD, "bounds": bounds}) is True  # the window and centre are taken
    assert state.refused is not None and state.refused.startswith("bounds: ") and len(state.refused) < 300
    assert state.bounds is None
    state.refused = None
    assert _read_report(state, {**GOOD, "bounds": [60.1234567, 25, 64, 29]}) is True
    assert state.bounds == (60.1235, 25.0, 64.0, 29.0) and state.refused is None


def test_a_view_ending_at_the_end_of_the_calendar_is_refused_by_name():
    with pytest.raises(ValueError, match="end: '9999-12-31' is outside"):
        View(start=dt.date(2024, 1, 1), end=dt.date(9999, 12, 31))


# -- the command line --------------------------------------------------------------------------------

def test_a_nested_toml_recipe_is_named(tmp_path, capsys):
    recipe = tmp_path / "nested.toml"
    recipe.write_text("a = " + "[" * 5000 + "]" * 5000 + "\n")
    err = _one_line(*run(capsys, "export", str(recipe)))
    assert "nested too deeply to be a recipe" in err


@pytest.mark.parametrize("where", ["out", "events", "write-recipe", "recipe", "recipe key"])
def test_a_nul_byte_in_a_path_is_named(tmp_path, capsys, where):
    out = str(tmp_path / "f.png")
    if where == "recipe":
        argv = ["export", str(tmp_path / "a\x00.toml")]
    elif where == "recipe key":
        recipe = tmp_path / "r.toml"
        recipe.write_text('start = "2024-01-16"\nout = "a\\u0000b.png"\n')
        argv = ["export", str(recipe)]
    elif where == "out":
        argv = ["export", *FAST, "--out", "a\x00.png"]
    else:
        argv = ["export", *FAST, "--out", out, f"--{where}", "a\x00b"]
    err = _one_line(*run(capsys, *argv))
    assert "a path cannot hold a NUL byte" in err


@pytest.mark.parametrize("option", ["--start", "--end"])
def test_a_date_at_the_end_of_the_calendar_is_named(tmp_path, capsys, option):
    argv = ["export", "--start", "2024-01-01", "--end", "2024-01-02", "--out", str(tmp_path / "a.gif")]
    argv[argv.index(option) + 1] = "9999-12-31"
    if option == "--start":
        argv[argv.index("--end") + 1] = "9999-12-31"
    err = _one_line(*run(capsys, *argv))
    assert f"{option}: '9999-12-31' is outside 1900-01-01–{LAST_VIEW_DAY}" in err


@pytest.mark.parametrize("kind", ["device", "pipe"])
def test_a_recipe_that_is_a_device_or_a_pipe_is_refused_at_once(tmp_path, capsys, kind):
    path = "/dev/zero"
    if kind == "pipe":
        path = str(tmp_path / "r.toml")
        os.mkfifo(path)
    began = time.monotonic()
    err = _one_line(*run(capsys, "export", path))
    assert time.monotonic() - began < 10
    assert "not a regular file (a device, pipe or socket)" in err


def test_a_recipe_over_its_limit_is_refused_naming_it(tmp_path, capsys):
    recipe = tmp_path / "big.toml"
    recipe.write_text("# " + "x" * 200_000 + "\n")
    err = _one_line(*run(capsys, "export", str(recipe)))
    assert "larger than the limit of 100,000 bytes for a recipe (MAX_RECIPE_BYTES)" in err


# -- damaged shipped files ---------------------------------------------------------------------------

@pytest.mark.parametrize("fault", ["a device", "nested 5,000 levels deep", "not JSON"])
def test_the_slider_span_survives_a_damaged_events_file(tmp_path, fault):
    path = Path("/dev/zero")
    if fault != "a device":
        path = tmp_path / "events.geojson"
        path.write_text("[" * 5000 + "]" * 5000 if fault.startswith("nested") else "{oops")
    began = time.monotonic()
    assert data_years(path, default=(2012, 2025)) == (dt.date(2012, 1, 1), dt.date(2025, 12, 31))
    assert time.monotonic() - began < 10


def _clear_caches() -> None:
    import streamlit as st

    st.cache_resource.clear()
    st.cache_data.clear()


@pytest.mark.parametrize("fault", ["not JSON", "no events layer", "a pipe"])
def test_a_damaged_dated_file_is_named_and_the_map_gets_its_layers_inline(tmp_path, monkeypatch, fault):
    import geo.web.layers as web

    web_dir = tmp_path / "web"
    shutil.copytree(web.WEB_DIR, web_dir)
    dated = web_dir / "dated.json"
    dated.unlink()
    if fault == "not JSON":
        dated.write_text('{"events": [')
    elif fault == "a pipe":
        os.mkfifo(dated)
    else:
        dated.write_text(json.dumps({"crossings": {"type": "FeatureCollection", "features": []}}))
    monkeypatch.setattr(web, "WEB_DIR", web_dir)
    _clear_caches()
    try:
        at = AppTest.from_file(APP, default_timeout=90).run()
    finally:
        monkeypatch.undo()
        _clear_caches()
    assert not at.exception
    warnings = [shown(w.value) for w in at.warning]
    assert any("file of dated layers is damaged" in w and "dated.json" in w for w in warnings), warnings
    assert not any(str(ROOT) in w for w in warnings)
    source = data(at)["config"]["dated"]
    assert isinstance(source, dict) and source["events"]["features"]  # inline: the map is drawn


# -- a header that swallows the file, and a command stopped half-way --------------------------------

def test_a_header_with_an_unclosed_quote_is_named_not_no_data():
    from geo.errors import EventImportError
    from geo.imports import import_events

    data = b'event_id_cnty,"event_date,latitude,longitude\nA,16 January 2024,27,62\nB,16 January 2024,27,62\n'
    with pytest.raises(EventImportError, match=r"the header row has an unclosed quote \(character 15, "
                                               r"column 2: '\"event_date,latitude,longitude'\)"):
        import_events(data, filename="h.csv")


def test_sigterm_while_an_mp4_is_made_leaves_no_partial_file(tmp_path):
    import signal
    import subprocess
    import sys

    if shutil.which("ffmpeg") is None:
        pytest.skip("ffmpeg is not installed")
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    out = tmp_path / "out" / "a.mp4"
    out.parent.mkdir()
    cmd = [sys.executable, "-m", "geo.cli", "export", "--start", "2024-01-01", "--end", "2024-01-30",
           "--layers", "border,events", "--width-px", "640", "--out", str(out)]
    proc = subprocess.Popen(cmd, cwd=ROOT, stderr=subprocess.PIPE, env={**os.environ, "TMPDIR": str(scratch)})
    assert proc.stderr is not None
    seen = b""
    while b"30/30" not in seen and proc.poll() is None:  # the frames are drawn: ffmpeg starts
        seen += proc.stderr.read(1)
    time.sleep(0.1)
    assert proc.poll() is None, "the MP4 was already written"
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(60) == 128 + signal.SIGTERM
    assert list(scratch.iterdir()) == [] and list(out.parent.iterdir()) == []
