"""Animations: frames, sizes, stamps, stable bytes, MP4 readable, CLI and recipe, speed."""

from __future__ import annotations

import datetime as dt
import io
import json
import shutil
import subprocess

import numpy as np
import pytest
from PIL import Image

from geo.cli import main
from geo.figure import ExportError, FigureSpec, build_figure, figure_info
from geo.figure.animate import AnimationSpec, _frames, frame_windows, render_animation
from geo.figure.compose import redraw_window
from geo.recipe import load_recipe
from geo.view import View

CRISIS = View()  # 15-22 January 2024


def test_frame_windows_slide_or_grow_by_day_week_or_month():
    jan = (dt.date(2024, 1, 15), dt.date(2024, 1, 22))
    days = frame_windows(*jan)
    assert len(days) == 8 and days[0] == (jan[0], jan[0]) and days[-1] == (jan[1], jan[1])
    grow = frame_windows(*jan, mode="growing")
    assert [w[0] for w in grow] == [jan[0]] * 8 and grow[-1] == jan
    weeks = frame_windows(*jan, step="week")
    assert weeks == [(dt.date(2024, 1, 15), dt.date(2024, 1, 21)), (dt.date(2024, 1, 22), jan[1])]
    months = frame_windows(dt.date(2023, 12, 1), dt.date(2024, 4, 30), step="month")
    assert [m[0].month for m in months] == [12, 1, 2, 3, 4] and months[1][1] == dt.date(2024, 1, 31)


@pytest.mark.parametrize(("options", "message"), [
    ({"fmt": "avi"}, "format"), ({"step": "year"}, "frame_step"), ({"mode": "jump"}, "frame_mode"),
    ({"fps": 0}, "fps"), ({"width_px": 10}, "width_px"),
])
def test_bad_animation_options_are_named(options, message):
    with pytest.raises(ExportError, match=message):
        AnimationSpec(**options)


@pytest.fixture(scope="module")
def crisis_gif():
    return render_animation(CRISIS, FigureSpec(), AnimationSpec(fmt="gif", width_px=1280))


def test_crisis_week_gif_is_a_frame_a_day_1280_px_wide(crisis_gif):
    # Its time (budget 10 s) is measured by bench/export_bench.py, not asserted here.
    data = crisis_gif
    gif = Image.open(io.BytesIO(data))
    assert gif.format == "GIF" and gif.n_frames == 8
    assert gif.size[0] == 1280 and 600 < gif.size[1] < 1000
    assert gif.info["duration"] == 500 and gif.info["loop"] == 0
    frames = []
    for i in range(gif.n_frames):
        gif.seek(i)
        frames.append(np.asarray(gif.convert("RGB")))
    assert not np.array_equal(frames[0], frames[1])  # 16 January brings Iran's strike


def test_same_inputs_give_the_same_gif_bytes(crisis_gif):
    again = render_animation(CRISIS, FigureSpec(), AnimationSpec(fmt="gif", width_px=1280))
    assert again == crisis_gif


def test_each_frame_is_stamped_and_shows_only_its_window():
    fig = build_figure(CRISIS)
    info = figure_info(fig)
    assert info.stamp.get_text() == "15–22 January 2024"
    redraw_window(fig, dt.date(2024, 1, 16), dt.date(2024, 1, 16))
    assert info.stamp.get_text() == "16 January 2024"
    ids = set(info.layers["events"].frame["id"])
    assert "2024-01-16-iran-strike-panjgur" in ids
    assert "2024-01-18-pakistan-strike-saravan" not in ids
    assert "Koh-i-Sabz, 16 Jan" in [t.get_text() for t in info.labels]
    assert info.legend is not None and "Kind: strike" in [t.get_text() for t in info.legend.get_texts()]


def test_a_frame_drawn_over_the_snapshot_equals_the_whole_figure_drawn():
    """The fast path (snapshot + dated layers) draws what a full redraw of the figure draws."""
    fig = build_figure(CRISIS)
    windows = frame_windows(CRISIS.start, CRISIS.end)[2:4]
    frames = _frames(fig, windows, 640, None)
    fig.canvas.draw()
    full = np.asarray(fig.canvas.buffer_rgba())[:frames[-1].shape[0], :640, :3]
    diff = np.abs(full.astype(int) - frames[-1].astype(int))
    assert (diff.max(axis=2) > 40).mean() < 0.001, "the fast frame differs from a full draw"


def test_mp4_is_readable_h264(tmp_path):
    assert shutil.which("ffprobe"), "ffmpeg is needed for MP4 (Debian: apt-get install ffmpeg)"
    out = tmp_path / "crisis.mp4"
    out.write_bytes(render_animation(CRISIS, FigureSpec(), AnimationSpec(fmt="mp4", width_px=640,
                                                                         fps=4)))
    probe = subprocess.run(["ffprobe", "-v", "error", "-count_frames", "-show_entries",
                            "stream=codec_name,width,height,nb_read_frames,pix_fmt,avg_frame_rate",
                            "-of", "json", str(out)], capture_output=True, text=True, check=True)
    stream = json.loads(probe.stdout)["streams"][0]
    assert stream["codec_name"] == "h264" and stream["pix_fmt"] == "yuv420p"
    assert stream["width"] == 640 and int(stream["nb_read_frames"]) == 8
    assert stream["avg_frame_rate"] == "4/1"


def test_cli_gif_shows_progress_and_its_recipe_redraws_it(tmp_path, capsys):
    out, recipe = tmp_path / "week.gif", tmp_path / "week.toml"
    code = main(["export", "--window", "crisis-week", "--layers", "border,provinces,events",
                 "--frame-step", "day", "--frame-mode", "growing", "--fps", "4", "--width-px", "480",
                 "--out", str(out), "--write-recipe", str(recipe)])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert "frames [" in captured.err and "8/8" in captured.err
    assert Image.open(out).n_frames == 8 and Image.open(out).size[0] == 480
    again = load_recipe(recipe)
    assert again.animation == AnimationSpec(fmt="gif", step="day", mode="growing", fps=4.0,
                                            width_px=480)
    first = out.read_bytes()
    assert main(["export", str(recipe)]) == 0
    assert out.read_bytes() == first


def test_animation_options_without_an_animation_are_refused(tmp_path, capsys):
    assert main(["export", "--fps", "3", "--out", str(tmp_path / "x.png")]) == 2
    assert "fps" in capsys.readouterr().err
    assert not (tmp_path / "x.png").exists()
