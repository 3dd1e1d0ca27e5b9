"""Animations: the date window stepping through time, as a GIF or an MP4.

Each frame is the publication figure of one window (``geo.figure``): same legend, scale bar,
north arrow, inset and sources, with the window stamped in a corner. The figure is composed
once for the whole span, so the map, its extent and its legend hold still; each frame then
redraws only the dated layers and their labels (``redraw_window``) over a snapshot of the
rest, which is drawn once.

GIFs are written by Pillow; MP4s by Debian's ``ffmpeg`` (``apt-get install ffmpeg``), H.264
in yuv420p so every player opens them. The same inputs give the same GIF bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import matplotlib as mpl
import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from PIL import Image

import geopandas as gpd

from geo.figure import RC, build_figure, figure_info
from geo.figure.canvas import agg_canvas
from geo.figure.compose import redraw_window
from geo.figure.output import ExportError, check_writable, write_atomic
from geo.figure.spec import FigureSpec
from geo.limits import MAX_ANIMATION_MEGAPIXELS, MAX_FRAMES, MAX_PX, MIN_PX
from geo.view import View

ANIMATION_FORMATS = ("gif", "mp4")
STEPS = ("day", "week", "month")
MODES = ("sliding", "growing")

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class AnimationSpec:
    """How an animation steps and plays.

    Parameters
    ----------
    fmt
        gif or mp4.
    step
        What a frame adds: a day, a week or a month.
    mode
        sliding: each frame shows one step (16 Jan, then 17 Jan, ...); growing: each frame
        shows everything from the first day to the end of its step.
    fps
        Frames a second (0.2 to 30).
    width_px
        Frame width in pixels; the height follows the figure (its text scales with it).
    """

    fmt: str = "gif"
    step: str = "day"
    mode: str = "sliding"
    fps: float = 2.0
    width_px: int = 1280

    def __post_init__(self) -> None:
        fmt = str(self.fmt).lower().lstrip(".")
        if fmt not in ANIMATION_FORMATS:
            raise ExportError(f"{self.fmt!r} is not an animation format "
                              f"({', '.join(ANIMATION_FORMATS)})", field="format", value=self.fmt)
        object.__setattr__(self, "fmt", fmt)
        if self.step not in STEPS:
            raise ExportError(f"{self.step!r} is not one of {', '.join(STEPS)}", field="frame_step", value=self.step)
        if self.mode not in MODES:
            raise ExportError(f"{self.mode!r} is not one of {', '.join(MODES)}", field="frame_mode", value=self.mode)
        if isinstance(self.fps, bool) or not isinstance(self.fps, int | float) or not 0.2 <= self.fps <= 30:
            raise ExportError(f"{self.fps!r} is not a frame rate (give 0.2 to 30)", field="fps", value=self.fps)
        if (isinstance(self.width_px, bool) or not isinstance(self.width_px, int)
                or not MIN_PX <= self.width_px <= MAX_PX):
            raise ExportError(f"{self.width_px!r} is not a frame width (give a whole "
                              f"number from {MIN_PX} to {MAX_PX})", field="width_px", value=self.width_px)


def frame_windows(start: dt.date, end: dt.date, *, step: str = "day",
                  mode: str = "sliding") -> list[tuple[dt.date, dt.date]]:
    """The (first day, last day) of every frame from ``start`` to ``end``, both included."""
    if end < start:
        raise ExportError(f"{end} is before start {start}", field="end", value=end)
    out = []
    first = start
    while first <= end:
        nxt = _advance(first, step)
        last = min(nxt - dt.timedelta(days=1), end)
        out.append((start if mode == "growing" else first, last))
        first = nxt
        if len(out) > MAX_FRAMES:
            raise ExportError(f"{step} steps from {start} to {end} make more than "
                              f"{MAX_FRAMES} frames; take a longer step or a shorter window", field="frame_step")
    return out


def check_animation_budget(frames: int, width_px: int, height_px: int | None = None) -> None:
    """ExportError, with the figures, when frames x pixels passes ``MAX_ANIMATION_MEGAPIXELS``.

    Before the figure is composed its height is not known: it is taken as the width (the
    atlas's region is about as tall as it is wide); once composed, the real height is used.
    """
    height = width_px if height_px is None else height_px
    megapixels = frames * width_px * height / 1e6
    if megapixels > MAX_ANIMATION_MEGAPIXELS:
        raise ExportError(
            f"{frames:,} frames of {width_px:,} x {height:,} px{'' if height_px else ' (about)'} are "
            f"{megapixels:,.0f} megapixels, over the limit of {MAX_ANIMATION_MEGAPIXELS:,.0f} for "
            "an animation (MAX_ANIMATION_MEGAPIXELS); take a longer frame step, a shorter window or "
            "a smaller width", field="width_px", value=width_px)


def planned_frames(view: View, anim: AnimationSpec) -> int:
    """How many frames the animation of ``view`` will have, checked against the budget up
    front (before anything is drawn)."""
    frames = len(frame_windows(view.start, view.end, step=anim.step, mode=anim.mode))
    check_animation_budget(frames, anim.width_px)
    return frames


def _advance(day: dt.date, step: str) -> dt.date:
    if step == "day":
        return day + dt.timedelta(days=1)
    if step == "week":
        return day + dt.timedelta(days=7)
    month = day.month % 12 + 1
    year = day.year + (day.month == 12)
    return dt.date(year, month, 1) if day.day == 1 else _clamp(year, month, day.day)


def _clamp(year: int, month: int, day: int) -> dt.date:
    while True:
        try:
            return dt.date(year, month, day)
        except ValueError:
            day -= 1


def render_frames(view: View, spec: FigureSpec, anim: AnimationSpec, *,
                  imported: gpd.GeoDataFrame | None = None, imported_label: str | None = None,
                  progress: Progress | None = None) -> list[np.ndarray]:
    """The frames (RGB arrays, ``anim.width_px`` wide) of ``view``'s window stepped by ``anim``."""
    windows = frame_windows(view.start, view.end, step=anim.step, mode=anim.mode)
    check_animation_budget(len(windows), anim.width_px)
    with mpl.rc_context(RC):
        fig = build_figure(view, spec, imported=imported, imported_label=imported_label)
        try:
            height_px = int(fig.get_figheight() * anim.width_px / fig.get_figwidth()) // 2 * 2
            check_animation_budget(len(windows), anim.width_px, height_px)
            return _frames(fig, windows, anim.width_px, progress)
        finally:
            fig.clear()


def _frames(fig: Figure, windows: list[tuple[dt.date, dt.date]], width_px: int,
            progress: Progress | None) -> list[np.ndarray]:
    info = figure_info(fig)
    ax, inset = info.map_ax, info.inset_ax
    fig.set_dpi(width_px / fig.get_figwidth())
    # Whole pixels: the figure is cut to the width asked and an even height (H.264 wants it).
    height_px = int(fig.get_figheight() * fig.dpi) // 2 * 2
    canvas = agg_canvas(fig)
    dated = set(map(id, info.dated))
    low = min((a.get_zorder() for a in info.dated), default=0.0)
    # Undated artists of the map drawn above the lowest dated one are redrawn on top of each
    # frame (town markers, the border, labels, furniture), so the stacking is the figure's.
    above = [a for a in ax.get_children()
             if id(a) not in dated and a is not ax.patch and a.get_visible()
             and a.get_zorder() >= low and not _is_axis(ax, a)]
    for artist in [*info.dated, *above, inset]:
        artist.set_visible(False)
    canvas.draw()
    background = canvas.copy_from_bbox(fig.bbox)
    for artist in [*above, inset]:
        artist.set_visible(True)
    frames = []
    for i, (first, last) in enumerate(windows):
        new = set(map(id, redraw_window(fig, first, last)))
        canvas.restore_region(background)
        stack = [a for a in ax.get_children() if id(a) in new or a in above]
        for artist in sorted(stack, key=Artist.get_zorder):  # stable: drawing order on ties
            ax.draw_artist(artist)
        fig.draw_artist(inset)
        rgba = np.asarray(canvas.buffer_rgba())
        frames.append(np.ascontiguousarray(rgba[:height_px, :width_px // 2 * 2, :3]))
        if progress is not None:
            progress(i + 1, len(windows))
    return frames


def _is_axis(ax: Axes, artist: Artist) -> bool:
    return artist in (ax.xaxis, ax.yaxis)


def render_animation(view: View, spec: FigureSpec, anim: AnimationSpec, *,
                     imported: gpd.GeoDataFrame | None = None, imported_label: str | None = None,
                     progress: Progress | None = None) -> bytes:
    """The animation's file bytes (GIF or MP4); see ``render_frames`` for the arguments."""
    if anim.fmt == "mp4":
        ffmpeg_path()  # fail before the work, not after it
    frames = render_frames(view, spec, anim, imported=imported, imported_label=imported_label,
                           progress=progress)
    return gif_bytes(frames, anim.fps) if anim.fmt == "gif" else mp4_bytes(frames, anim.fps)


def export_animation(view: View, spec: FigureSpec, anim: AnimationSpec, out: str | Path, *,
                     imported: gpd.GeoDataFrame | None = None, imported_label: str | None = None,
                     progress: Progress | None = None) -> Path:
    """Render the animation and write it to ``out`` (whole or not at all)."""
    suffix = Path(out).suffix.lower().lstrip(".")
    if suffix != anim.fmt:
        raise ExportError(f"{str(out)!r} does not end in .{anim.fmt}", field="out", value=out)
    check_writable(out)
    return write_atomic(render_animation(view, spec, anim, imported=imported,
                                         imported_label=imported_label, progress=progress), out)


def gif_bytes(frames: list[np.ndarray], fps: float) -> bytes:
    """A looping GIF of the frames; each gets its own 256-colour palette (max coverage: small category colours keep their hue; no dithering)."""
    images = [Image.fromarray(f).quantize(colors=256, method=Image.Quantize.MAXCOVERAGE,
                                          dither=Image.Dither.NONE) for f in frames]
    buf = io.BytesIO()
    images[0].save(buf, format="GIF", save_all=True, append_images=images[1:],
                   duration=round(1000 / fps), loop=0, optimize=False, disposal=1)
    return buf.getvalue()


def ffmpeg_path() -> str:
    """Debian's ffmpeg, or ExportError saying how to get it."""
    path = shutil.which("ffmpeg")
    if path is None:
        raise ExportError("mp4 needs ffmpeg (on Debian: apt-get install ffmpeg); "
                          "gif needs nothing more", field="format")
    return path


def mp4_bytes(frames: list[np.ndarray], fps: float) -> bytes:
    """An H.264 MP4 of the frames (yuv420p, no timestamps or encoder tags in the file)."""
    height, width = frames[0].shape[:2]
    with tempfile.TemporaryDirectory(prefix="border-atlas-") as tmp:
        out = Path(tmp) / "animation.mp4"
        cmd = [ffmpeg_path(), "-v", "error", "-y", "-f", "rawvideo", "-pix_fmt", "rgb24",
               "-s", f"{width}x{height}", "-framerate", f"{fps:g}", "-i", "-",
               "-c:v", "libx264", "-preset", "veryfast", "-crf", "18", "-pix_fmt", "yuv420p",
               "-threads", "1", "-map_metadata", "-1", "-fflags", "+bitexact",
               "-flags:v", "+bitexact", "-movflags", "+faststart", str(out)]
        proc = subprocess.run(cmd, input=b"".join(f.tobytes() for f in frames),
                              capture_output=True, check=False)
        if proc.returncode != 0:
            raise ExportError(f"ffmpeg could not write the MP4: "
                              f"{proc.stderr.decode(errors='replace').strip()[:300]}", field="format")
        return out.read_bytes()


__all__ = [
    "ANIMATION_FORMATS",
    "MODES",
    "STEPS",
    "AnimationSpec",
    "check_animation_budget",
    "export_animation",
    "frame_windows",
    "planned_frames",
    "render_animation",
    "render_frames",
]
