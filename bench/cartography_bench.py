"""Hand-written cartography against the libraries: scale bar, north arrow, label placement.

Compares, in one run, the atlas's own furniture (geo.figure.furniture) and label placement
(geo.figure.labels) with matplotlib-map-utils (scale bar, north arrow), textalloc and
adjustText (labels), on the atlas's own maps, and prints:

* scale bar: the length each bar states and the geodesic length of the bar as drawn
  (its ends found in the rendered pixels, measured on WGS84 by pyproj, nothing of either
  implementation reused), and the time to add and draw it;
* north arrow: the angle each arrow points at, against the meridian convergence pyproj
  gives where the arrow stands, and the time;
* labels: the same candidate labels (events first, then provinces and towns) and the same
  obstacles (markers, scale bar, north arrow, inset, window stamp) handed to each placer;
  then labels overlapping each other, labels on an obstacle, labels outside the map,
  labels left out (events among them), and the time.

The libraries are not dependencies of the atlas, only of `make bench` (the bench extra); a
missing one is reported and skipped. Run by hand; machines are shared and noisy, so read
medians.

What it showed when written (issue 9), and why the atlas keeps its own:

* scale bar: both within 0.2 % of the geodesic length (the bar stands near a standard
  parallel, where the projection's scale is 1); the atlas's takes 0.03-0.06 s, the
  library's 2.5-2.8 s, and the library's is a raster image, also in PDF and SVG, drawn
  through pyplot figures of its own;
* north arrow: the library points at north of the map's centre by default (2.7-2.9 degrees
  off where the arrow stands); told where the arrow stands it agrees with the atlas's to
  0.001 degrees, at the same speed, but needs cartopy;
* labels: the atlas's places in 0.03-0.11 s, textalloc in 7-12 s and adjustText in 5 s.
  textalloc leaves no overlap but leaves events out (22 of them over 2017-2024), which the
  atlas never does; adjustText keeps all but lays labels on each other and on markers
  (70 overlapping pairs over 2017-2024). The atlas's has none on the crisis-week maps and,
  keeping every event over 2017-2024 on a single column, 11 overlapping pairs there.
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
import sys
import warnings
from contextlib import redirect_stdout
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import matplotlib  # noqa: E402

matplotlib.use("Agg")  # the libraries use pyplot; never let it look for a display

import matplotlib as mpl  # noqa: E402
import numpy as np  # noqa: E402
from _timing import median_time  # noqa: E402
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.text import Text  # noqa: E402
from matplotlib.transforms import Bbox  # noqa: E402

from pyproj import Geod, Proj, Transformer  # noqa: E402

from geo.figure import RC, FigureSpec, build_figure, figure_info, furniture, labels  # noqa: E402
from geo.figure import compose as composer  # noqa: E402
from geo.view import View  # noqa: E402

GEOD = Geod(ellps="WGS84")
RUNS = 5
MEASURE_DPI = 600
VIEWS = {
    "crisis week, single column": (View(), FigureSpec(preset="single-column")),
    "2017-2024, single column": (View(start=dt.date(2017, 1, 1), end=dt.date(2024, 12, 31)),
                                 FigureSpec(preset="single-column")),
    "crisis week, double column": (View(), FigureSpec()),
}


def optional(name: str):
    try:
        return __import__(name)
    except ImportError:
        print(f"  ({name} is not installed: pip install it to compare)")
        return None


# -- scale bar -------------------------------------------------------------------------------

def blank_like(info) -> tuple[Figure, object]:
    """A figure with an empty axes of the map's size and limits: only the bar will be drawn."""
    w, h = info.size_mm
    fig = Figure(figsize=(w / 25.4, h / 25.4), dpi=MEASURE_DPI)
    FigureCanvasAgg(fig)
    ax = fig.add_axes(info.map_ax.get_position().bounds)
    ax.set_xlim(info.map_ax.get_xlim())
    ax.set_ylim(info.map_ax.get_ylim())
    ax.set_axis_off()
    return fig, ax


def drawn_bar_ends(fig: Figure, ax, edge_pt: float) -> tuple[tuple[float, float], tuple[float, float]]:
    """The bar's two ends in map coordinates, found in the rendered pixels.

    The bar is the dark band in the lower half of an otherwise empty map; its ends are the
    outermost dark pixels, moved in by half the outline's width (the outline is centred on
    the bar's edge).
    """
    fig.canvas.draw()
    rgba = np.asarray(fig.canvas.buffer_rgba()).astype(int)
    dark = (rgba[..., :3].sum(axis=2) < 300) & (rgba[..., 3] > 128)
    height = dark.shape[0]
    box = ax.get_window_extent()
    rows = slice(int(height - box.y0 - box.height / 2), int(height - box.y0))  # lower half
    band = dark[rows]
    counts = band.sum(axis=1)
    bar_rows = np.flatnonzero(counts >= 0.8 * counts.max())
    cols = np.flatnonzero(band[bar_rows].any(axis=0))
    half = edge_pt / 72 * fig.dpi / 2
    y_px = height - (rows.start + bar_rows.mean()) - 0.5
    x0_px, x1_px = cols.min() + half, cols.max() + 1 - half
    inv = ax.transData.inverted()
    return tuple(inv.transform((x0_px, y_px))), tuple(inv.transform((x1_px, y_px)))


def geodesic_km(crs, a, b) -> float:
    to_lonlat = Transformer.from_crs(crs, "EPSG:4326", always_xy=True)
    (lon0, lat0), (lon1, lat1) = to_lonlat.transform(*a), to_lonlat.transform(*b)
    return GEOD.inv(lon0, lat0, lon1, lat1)[2] / 1000


def atlas_bar(info):
    fig, ax = blank_like(info)
    bar = furniture.add_scale_bar(ax, info.crs, corner="lower left",
                                  max_fraction=composer.SCALE_BAR_FRACTION)
    for artist in bar.artists:
        if isinstance(artist, Text):
            artist.set_visible(False)  # the bar alone: its numbers are in ``bar.length_km``
    return fig, ax, bar.length_km, 0.5


def mmu_bar(info, km: float):
    from matplotlib_map_utils import scale_bar

    fig, ax = blank_like(info)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        scale_bar(ax, location="lower left", style="boxes",
                  bar={"projection": info.crs.to_wkt(), "unit": "km", "max": km, "major_div": 2,
                       "edgewidth": 0.5},
                  # its numbers in white: the dark pixels are then the bar's alone
                  text={"textcolor": "white", "stroke_width": 0})
    return fig, ax, km, 0.5


def scale_bars() -> None:
    print("\nScale bar: stated length against the geodesic length of the bar as drawn")
    print(f"{'map':<30}{'bar':<22}{'states km':>10}{'drawn km':>10}{'error %':>9}"
          f"{'lat':>7}{'add+draw s':>12}")
    mmu = optional("matplotlib_map_utils")
    for name, (view, spec) in VIEWS.items():
        with mpl.rc_context(RC):
            info = figure_info(build_figure(view, spec))
        _, _, km, _ = atlas_bar(info)
        makers = [("atlas (furniture.py)", lambda info=info: atlas_bar(info))]
        if mmu is not None:
            makers.append(("matplotlib-map-utils", lambda info=info, km=km: mmu_bar(info, km)))
        for label, make in makers:
            fig, ax, stated, edge = make()
            a, b = drawn_bar_ends(fig, ax, edge)
            drawn = geodesic_km(info.crs, a, b)
            lat = Transformer.from_crs(info.crs, "EPSG:4326", always_xy=True).transform(*a)[1]

            def add_and_draw(make=make):
                f, *_ = make()
                f.canvas.draw()

            took = median_time(add_and_draw, runs=RUNS)
            print(f"{name:<30}{label:<22}{stated:>10g}{drawn:>10.2f}"
                  f"{100 * (drawn - stated) / stated:>+9.2f}{lat:>7.1f}{took:>12.3f}")


# -- north arrow -----------------------------------------------------------------------------

def true_north(crs, x: float, y: float) -> float:
    """Clockwise degrees from the map's up to true north at (x, y), from pyproj's convergence."""
    lon, lat = Transformer.from_crs(crs, "EPSG:4326", always_xy=True).transform(x, y)
    return -float(Proj(crs).get_factors(lon, lat).meridian_convergence)


def north_arrows() -> None:
    print("\nNorth arrow: angle to true north where the arrow stands (degrees clockwise)")
    print(f"{'map':<30}{'arrow':<34}{'points':>9}{'true':>9}{'error':>9}{'add+draw s':>12}")
    mmu = optional("matplotlib_map_utils")
    for name, (view, spec) in VIEWS.items():
        with mpl.rc_context(RC):
            info = figure_info(build_figure(view, spec))
        ax = info.map_ax
        # The arrow's corner in this figure: where its patches are.
        patches = [a for a in ax.get_children() if a.get_gid() == "north-arrow"
                   and not isinstance(a, Text)]
        fig = ax.figure
        fig.canvas.draw()
        centre = Bbox.union([p.get_window_extent() for p in patches]).corners().mean(axis=0)
        x, y = ax.transData.inverted().transform(centre)
        truth = true_north(info.crs, x, y)
        corner = (("upper" if centre[1] > ax.get_window_extent().y0 + ax.get_window_extent().height / 2
                   else "lower") + " " + ("right" if centre[0] > ax.get_window_extent().x0
                                          + ax.get_window_extent().width / 2 else "left"))

        def atlas(info=info, corner=corner):
            f, a = blank_like(info)
            furniture.add_north_arrow(a, info.crs, corner=corner)
            f.canvas.draw()

        rows = [("atlas (where it stands)", furniture.true_north_angle(info.crs, x, y), atlas)]
        if mmu is not None:
            from matplotlib_map_utils import north_arrow
            from matplotlib_map_utils.core.north_arrow import _rotate_arrow  # the angle it draws

            ax_xy = tuple(ax.transAxes.inverted().transform(centre))
            for ref, coords in (("center", None), ("axis", ax_xy)):
                rotation = {"crs": info.crs.to_wkt(), "reference": ref, "coords": coords}
                # matplotlib-map-utils rotates counter-clockwise by this many degrees
                angle = -_rotate_arrow(ax, rotation)

                def theirs(info=info, corner=corner, rotation=rotation):
                    f, a = blank_like(info)
                    with warnings.catch_warnings():
                        warnings.simplefilter("ignore")
                        north_arrow(a, location=corner, rotation=rotation)
                        f.canvas.draw()

                rows.append((f"matplotlib-map-utils ({ref})", angle, theirs))
        for label, angle, draw in rows:
            took = median_time(draw, runs=RUNS)
            print(f"{name:<30}{label:<34}{angle:>9.3f}{truth:>9.3f}{angle - truth:>+9.3f}{took:>12.3f}")


# -- labels ----------------------------------------------------------------------------------

class Scene:
    """A composed figure with its labels taken off, and what any placer needs to know."""

    def __init__(self, view: View, spec: FigureSpec) -> None:
        with mpl.rc_context(RC):
            self.fig = build_figure(view, spec)
        info = figure_info(self.fig)
        self.info, self.ax = info, info.map_ax
        for artist in list(self.ax.get_children()):  # the placed labels, halos and leaders
            if ((isinstance(artist, Text) and 11.9 <= artist.get_zorder() <= 12)
                    or (isinstance(artist, Line2D) and artist.get_zorder() == 11)):
                artist.remove()
        self.renderer = self.fig.canvas.get_renderer()
        drawn = info.layers
        self.events = composer._event_candidates(view, drawn)
        self.others = composer._label_candidates(spec, drawn, info.map_box)
        st = info.state
        self.lines = st["lines"]
        self.obstacles = [*st["static_obstacles"], info.stamp.get_window_extent(self.renderer),
                          *labels.point_boxes(self.ax, composer._points(drawn, dated=True))]
        self.candidates = sorted(self.events + self.others,
                                 key=lambda lb: (lb.priority, -lb.y, lb.x))


def place_atlas(scene: Scene) -> list[Text]:
    ev = labels.place_labels(scene.ax, scene.events, scene.obstacles, scene.renderer,
                             halo="white", lines=scene.lines)
    ot = labels.place_labels(scene.ax, scene.others, [
        *scene.obstacles, *(t.get_window_extent(scene.renderer) for t in ev.texts)],
        scene.renderer, halo="white", lines=scene.lines)
    return ev.texts + ot.texts


def obstacle_points(scene: Scene, step_pt: float = 2.0) -> np.ndarray:
    """Points (map coordinates) filling every obstacle box: how textalloc is told of them."""
    px = scene.fig.dpi / 72 * step_pt
    pts = []
    for b in scene.obstacles:
        xs = np.arange(b.x0, b.x1 + px, px)
        ys = np.arange(b.y0, b.y1 + px, px)
        pts.append(np.column_stack([a.ravel() for a in np.meshgrid(xs, ys)]))
    return scene.ax.transData.inverted().transform(np.vstack(pts))


def border_lines(scene: Scene) -> tuple[list[np.ndarray], list[np.ndarray]]:
    inv = scene.ax.transData.inverted()
    xs, ys = [], []
    for part in getattr(scene.lines, "geoms", []):
        xy = inv.transform(np.asarray(part.coords))
        xs.append(xy[:, 0])
        ys.append(xy[:, 1])
    return xs, ys


def place_textalloc(scene: Scene) -> list[Text]:
    import textalloc

    cands = scene.candidates
    pts = obstacle_points(scene)
    xl, yl = border_lines(scene)
    with redirect_stdout(io.StringIO()):
        _, _, texts, _ = textalloc.allocate(
            scene.ax, [c.x for c in cands], [c.y for c in cands], [c.text for c in cands],
            x_scatter=pts[:, 0], y_scatter=pts[:, 1], x_lines=xl, y_lines=yl,
            textsize=[c.fontsize for c in cands], fontweight=[c.weight for c in cands],
            textcolor=[c.color for c in cands], draw_all=False, draw_lines=True, linecolor="k",
            linewidth=0.45, margin=0.004, min_distance=0.01, max_distance=0.12,
            nbr_candidates=200, zorder=12)
    return [t for t in texts if t is not None]  # None: a label it could not place


def place_adjusttext(scene: Scene) -> list[Text]:
    from adjustText import adjust_text

    texts = [scene.ax.text(c.x, c.y, c.text, fontsize=c.fontsize, color=c.color,
                           fontweight=c.weight, fontstyle=c.style, ha="center", va="center",
                           zorder=12, linespacing=1.0) for c in scene.candidates]
    centres = scene.ax.transData.inverted().transform(
        np.array([[(b.x0 + b.x1) / 2, (b.y0 + b.y1) / 2] for b in scene.obstacles]))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        adjust_text(texts, x=centres[:, 0], y=centres[:, 1], objects=list(scene.obstacles),
                    ax=scene.ax, ensure_inside_axes=True, time_lim=5,
                    arrowprops={"arrowstyle": "-", "lw": 0.45})
    return texts


def judge(scene: Scene, texts: list[Text]) -> dict[str, int]:
    scene.fig.canvas.draw()
    renderer = scene.fig.canvas.get_renderer()
    boxes = [t.get_window_extent(renderer) for t in texts]
    frame = scene.ax.get_window_extent(renderer)
    placed = {t.get_text() for t in texts}
    event_texts = {c.text for c in scene.events}
    return {
        "placed": len(texts),
        "pairs overlapping": sum(a.overlaps(b) for a, b in itertools.combinations(boxes, 2)),
        "on an obstacle": sum(any(b.overlaps(o) for o in scene.obstacles) for b in boxes),
        "outside the map": sum(not (frame.x0 <= b.x0 and b.x1 <= frame.x1
                                    and frame.y0 <= b.y0 and b.y1 <= frame.y1) for b in boxes),
        "left out": len(scene.candidates) - len(placed),
        "events left out": len(event_texts - placed),
    }


def label_placement() -> None:
    print("\nLabels: the same candidates and obstacles for each placer")
    placers = [("atlas (labels.py)", place_atlas)]
    if optional("textalloc") is not None:
        placers.append(("textalloc", place_textalloc))
    if optional("adjustText") is not None:
        placers.append(("adjustText", place_adjusttext))
    cols = ("placed", "pairs overlapping", "on an obstacle", "outside the map", "left out",
            "events left out")
    print(f"{'map':<30}{'placer':<20}{'labels':>7}" + "".join(f"{c:>18}" for c in cols)
          + f"{'place s':>10}")
    for name, (view, spec) in VIEWS.items():
        for label, place in placers:
            scores = judge(scene := Scene(view, spec), place(scene))
            timings = []
            for _ in range(RUNS):
                fresh = Scene(view, spec)
                timings.append(median_time(lambda fresh=fresh, place=place: place(fresh), runs=1))
            took = sorted(timings)[len(timings) // 2]
            print(f"{name:<30}{label:<20}{len(scene.candidates):>7}"
                  + "".join(f"{scores[c]:>18}" for c in cols) + f"{took:>10.3f}")


def main() -> int:
    print("Cartography: the atlas's own furniture and labels against libraries, "
          f"median of {RUNS} runs for times")
    scale_bars()
    north_arrows()
    label_placement()
    return 0


if __name__ == "__main__":
    sys.exit(main())
