"""Publication maps: what is drawn, sizes and resolution, vector output, stable bytes, images.

Figures are built once per module where a test only inspects them; every test runs offline.
Image baselines live in tests/baseline/; `BORDER_ATLAS_UPDATE_BASELINES=1 pytest
tests/test_export.py` rewrites them after a deliberate change of look.
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
import math
import os
import re
import shutil
import struct
import subprocess
import sys
import warnings
import xml.etree.ElementTree as ET
from pathlib import Path

import matplotlib as mpl
import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_hex
from matplotlib.patches import Polygon, Rectangle
from matplotlib.testing.compare import compare_images
from PIL import Image

from pyproj import Geod, Proj, Transformer

from geo.figure import (
    SIZE_PRESETS,
    ExportError,
    FigureSpec,
    build_figure,
    export_figure,
    figure_info,
    render_figure,
)
from geo.figure.drawn import lonlat_to_map, map_to_lonlat, project_box
from geo.figure.furniture import geodesic_km, true_north_angle
from geo.figure.labels import shape_script
from geo.figure.output import figure_bytes
from geo.view import View
from layers import SPECS

BASELINE = Path(__file__).resolve().parent / "baseline"
UPDATE_BASELINES = os.environ.get("BORDER_ATLAS_UPDATE_BASELINES") == "1"
GEOD = Geod(ellps="WGS84")
MM = 1 / 25.4
FEW_LAYERS = ("border", "provinces", "events")

_bytes_cache: dict[tuple, bytes] = {}


def rendered(view: View = View(), **options) -> bytes:  # noqa: B008 - View is frozen
    """render_figure, remembered for the module: most tests only read the bytes."""
    key = (view, tuple(sorted(options.items())))
    if key not in _bytes_cache:
        _bytes_cache[key] = render_figure(view, **options)
    return _bytes_cache[key]


@pytest.fixture(scope="module")
def default_fig():
    fig = build_figure(View())
    return fig, figure_info(fig)


@pytest.fixture(scope="module")
def few_layers_fig():
    fig = build_figure(View(layers=FEW_LAYERS))
    return fig, figure_info(fig)


# -- what is drawn ---------------------------------------------------------------------------

def legend_texts(info) -> list[str]:
    return [t.get_text() for t in info.legend.get_texts() if t.get_text()]


def test_legend_lists_the_kinds_and_actors_drawn_and_no_others(few_layers_fig):
    from layers import palette as pal
    from layers.events import actor_group

    _, info = few_layers_fig
    drawn = info.layers["events"].frame
    kinds = {f"Kind: {k.replace('-', ' ')}" for k in drawn["kind"]}
    actors = {f"Actor: {pal.ACTOR_LABELS[actor_group(a)]}" for a in drawn["actor"]}
    texts = legend_texts(info)
    assert {t for t in texts if t.startswith("Kind: ")} == kinds
    assert "Kind: strike" in kinds  # both strikes of the crisis week are drawn
    assert {t for t in texts if t.startswith("Actor: ")} == actors == {"Actor: Iran", "Actor: Pakistan"}
    assert "Location precision" in texts
    # Crossings: an entry for each kind drawn in the extent, none for a kind not drawn.
    info = figure_info(build_figure(View(layers=("crossings",), extent=(62.5, 26.9, 63.5, 27.8))))
    kinds = set(info.layers["crossings"].frame["kind"])
    entries = {"crossing": "Border crossing", "border-market": "Joint border market"}
    assert "border-market" in kinds
    assert legend_texts(info)[1:] == [label for kind, label in entries.items() if kind in kinds]


@pytest.mark.parametrize("view", [
    View(), View(layers=("crossings",), extent=(62.5, 26.9, 63.5, 27.8)),
    View(layers=("routes",), extent=(60.5, 26.5, 62.3, 27.76))])  # drawn, though none inside
def test_legend_entries_are_those_of_the_features_drawn(view):
    """Entries found before layout are kept only for layers drawn with the same rows; the
    legend is the one worked out afresh from what was drawn."""
    from geo.figure import RC, compose, furniture

    info = figure_info(build_figure(view, FigureSpec(preset="single-column")))
    with mpl.rc_context(RC):
        keep = compose._legend_keep(view.layers, (), {n: d.frame for n, d in info.layers.items()})
        groups = furniture.legend_groups(view.layers, greyscale=False, keep=keep)
    assert sorted(legend_texts(info)) == sorted(i.label for group in groups for i in group)


def test_legend_all_lists_every_entry_of_the_shown_layers_only():
    info = figure_info(build_figure(View(layers=FEW_LAYERS), FigureSpec(legend_all=True)))
    texts = legend_texts(info)
    expected = []
    for name in reversed(SPECS):  # top layer first, as drawn over each other
        if name in FEW_LAYERS and SPECS[name].legend:
            expected.append(SPECS[name].title.split(":")[0].strip())
            expected += [e.label for e in SPECS[name].legend]
    assert texts == expected
    for hidden in ("places", "crossings", "routes"):
        for entry in SPECS[hidden].legend:
            assert entry.label not in texts


def test_legend_headers_are_bold_and_entries_are_not(few_layers_fig):
    _, info = few_layers_fig
    weights = {t.get_text(): t.get_fontweight() for t in info.legend.get_texts()}
    assert weights["International border"] == "bold"
    assert weights[SPECS["border"].legend[0].label] == "normal"


def test_legend_headers_start_where_the_handles_do(few_layers_fig):
    """A header row has no handle box: it starts at the handles' left edge, and the entries'
    labels one handle length and text pad to its right."""
    fig, info = few_layers_fig
    fig.canvas.draw()  # a legend places its rows when drawn
    renderer = fig.canvas.get_renderer()
    legend = info.legend
    texts = [t for t in legend.get_texts() if t.get_text()]
    headers = [t.get_window_extent(renderer).x0 for t in texts if t.get_fontweight() == "bold"]
    entries = [t.get_window_extent(renderer).x0 for t in texts if t.get_fontweight() != "bold"]
    assert len(headers) == len(FEW_LAYERS) and entries  # one column: the figure is wide
    px = legend.prop.get_size_in_points() * fig.dpi / 72
    handles = [h.get_window_extent(renderer).x0 for h in legend.legend_handles
               if isinstance(h, Rectangle) and h.get_visible()]  # province fills: the whole box
    assert handles and max(headers) - min(headers) < 0.5
    assert min(headers) == pytest.approx(min(handles), abs=1.0)
    assert min(entries) - min(headers) == pytest.approx(
        (legend.handlelength + legend.handletextpad) * px, rel=0.05)


def test_each_shown_layer_has_artists_on_the_map(default_fig):
    _, info = default_fig
    assert list(info.layers) == [n for n in SPECS if n in View().layers]
    for name, drawn in info.layers.items():
        assert drawn.artists, f"{name} drew nothing"
        for artist in drawn.artists:
            assert artist.axes is info.map_ax


def test_crisis_week_draws_both_strikes_and_leaves_far_events_outside(default_fig):
    _, info = default_fig
    events = info.layers["events"].frame
    ids = set(events["id"])
    assert {"2024-01-16-iran-strike-panjgur", "2024-01-18-pakistan-strike-saravan"} <= ids
    places = " ".join(events["place"])
    for far in ("Erbil", "Davos", "Idlib", "Islamabad"):
        assert far not in places


def test_default_extent_is_the_provinces_with_a_margin(default_fig):
    _, info = default_fig
    x0, y0, x1, y1 = info.map_box
    xs, ys = np.meshgrid(np.linspace(x0, x1, 5), np.linspace(y0, y1, 5))
    lon, lat = map_to_lonlat(info.crs).transform(xs.ravel(), ys.ravel())
    assert 55 < lon.min() < 58.8 and 70.3 < lon.max() < 73.0  # Islamabad (73.04 E) is out
    assert 22 < lat.min() < 24.9 and 32.1 < lat.max() < 36


def test_map_shows_the_requested_extent(tmp_path):
    extent = (60.0, 25.0, 64.0, 30.0)
    fig = build_figure(View(extent=extent, layers=FEW_LAYERS), FigureSpec(preset="single-column"))
    info = figure_info(fig)
    want = project_box(extent, info.crs)
    (ax0, ax1), (ay0, ay1) = info.map_ax.get_xlim(), info.map_ax.get_ylim()
    eps = 1e-6 * (want[2] - want[0])  # float rounding of the same numbers
    assert ax0 <= want[0] + eps and ax1 >= want[2] - eps
    assert ay0 <= want[1] + eps and ay1 >= want[3] - eps
    # Tight along one side: the map grows only to fit the frame's shape.
    tight_x = abs((ax1 - ax0) - (want[2] - want[0])) / (want[2] - want[0]) < 1e-6
    tight_y = abs((ay1 - ay0) - (want[3] - want[1])) / (want[3] - want[1]) < 1e-6
    assert tight_x or tight_y


def drawn_scale_bar(info) -> tuple[float, float, float, list[str]]:
    """The bar as drawn: (left x, right x, y) of its black-edged parts in map units, and its
    numbers, read from the artists on the map rather than from what the helper returned."""
    parts = [a for a in info.map_ax.patches
             if a.get_gid() == "scale-bar" and tuple(a.get_edgecolor()) == (0, 0, 0, 1)]
    assert parts, "no scale bar drawn"
    x0 = min(p.get_x() for p in parts)
    x1 = max(p.get_x() + p.get_width() for p in parts)
    y = parts[0].get_y()
    numbers = [t.get_text() for t in info.map_ax.texts
               if t.get_gid() == "scale-bar" and t.get_text() != "km"]
    return x0, x1, y, numbers


def test_scale_bar_is_true_on_the_ellipsoid(default_fig):
    """The bar as drawn is as long on WGS84 as its last number says, measured by pyproj alone
    (a transformer and a geodesic of its own, nothing of geo.figure's)."""
    _, info = default_fig
    bar = info.scale_bar
    assert bar.length_km in (100, 150, 200, 250, 300, 400, 500)
    x0, x1, y, numbers = drawn_scale_bar(info)
    assert numbers[-1] == f"{bar.length_km:g}" and numbers[0] == "0"
    to_lonlat = Transformer.from_crs(info.crs, "EPSG:4326", always_xy=True)
    (lon0, lat0), (lon1, lat1) = to_lonlat.transform(x0, y), to_lonlat.transform(x1, y)
    drawn_km = GEOD.inv(lon0, lat0, lon1, lat1)[2] / 1000
    assert drawn_km == pytest.approx(float(numbers[-1]), rel=1e-3)
    assert geodesic_km(info.crs, bar.start, bar.end) == pytest.approx(bar.length_km, rel=1e-3)


def test_scale_bar_measures_a_known_distance(default_fig):
    """One degree of latitude near 27 N is 110.8 km on WGS84 (meridian arc, 26.5-27.5 N)."""
    _, info = default_fig
    bar = info.scale_bar
    units_per_km = (bar.end[0] - bar.start[0]) / bar.length_km
    (x0, x1), (y0, y1) = lonlat_to_map(info.crs).transform([63.0, 63.0], [26.5, 27.5])
    measured_km = float(np.hypot(x1 - x0, y1 - y0)) / units_per_km
    assert measured_km == pytest.approx(110.8, rel=0.01)
    left, right, _, _ = drawn_scale_bar(info)  # the drawn bar, not only the helper's ends
    assert (right - left) / bar.length_km == pytest.approx(units_per_km, rel=1e-6)


def test_north_arrow_points_to_true_north(default_fig):
    fig, info = default_fig
    arrow = [a for a in info.map_ax.get_children() if a.get_gid() == "north-arrow"]
    halves = [a for a in arrow if isinstance(a, Polygon)]
    assert {to_hex(h.get_facecolor()) for h in halves} == {"#000000", "#ffffff"}  # two-tone
    # The drawn arrow (tip minus tail, on the display) against pyproj's meridian convergence
    # where it stands: true north, clockwise from the map's up, is minus the convergence.
    tip, tail = (halves[0].get_transform().transform(p) for p in [(0, 1), (0, -1)])
    drawn = math.degrees(math.atan2(tip[0] - tail[0], tip[1] - tail[1]))
    x, y = info.map_ax.transData.inverted().transform((tip + tail) / 2)
    lon, lat = Transformer.from_crs(info.crs, "EPSG:4326", always_xy=True).transform(x, y)
    assert drawn == pytest.approx(-Proj(info.crs).get_factors(lon, lat).meridian_convergence,
                                  abs=0.01)
    assert "N" in {a.get_text() for a in arrow if hasattr(a, "get_text")}
    # On a conic projection meridians lean toward the pole: north tilts west east of centre.
    lon0 = float(re.search(r"\+lon_0=(\S+)", info.crs.srs).group(1))
    fwd = lonlat_to_map(info.crs)
    centre = fwd.transform(lon0, 28.0)
    east = fwd.transform(lon0 + 5, 28.0)
    west = fwd.transform(lon0 - 5, 28.0)
    assert abs(true_north_angle(info.crs, *centre)) < 0.01
    assert true_north_angle(info.crs, *east) < -1 and true_north_angle(info.crs, *west) > 1


def test_inset_frames_the_map_within_iran_pakistan_and_afghanistan(default_fig):
    _, info = default_fig
    frames = [p for p in info.inset_ax.patches if isinstance(p, Rectangle)]
    x0, y0, x1, y1 = info.map_box
    assert any(np.allclose(r.get_bbox().bounds, (x0, y0, x1 - x0, y1 - y0)) for r in frames)
    names = {t.get_text() for t in info.inset_ax.texts}
    assert names == {"Iran", "Pakistan", "Afghanistan"}


def test_source_line_credits_the_data_and_says_boundaries_are_approximate(default_fig, few_layers_fig):
    text = default_fig[1].source.get_text().replace("\n", " ")
    for credit in ("Natural Earth", "© OpenStreetMap contributors (ODbL)", "GeoNames (CC BY 4.0)",
                   "Event sources:", "approximate", "Cite as: Border Atlas", "version 0.1.0",
                   "Margalla Papers", "margallapapers.ndu.edu.pk"):
        assert credit in text
    assert "data/" not in text  # a path in the repository means nothing to a reader
    few = few_layers_fig[1].source.get_text()
    assert "GeoNames" not in few  # no towns drawn, no GeoNames credit


def test_labels_stay_inside_the_map_and_never_overlap(default_fig):
    fig, info = default_fig
    renderer = fig.canvas.get_renderer()
    boxes = [t.get_window_extent(renderer) for t in info.labels]
    names = [t.get_text() for t in info.labels]
    assert "Koh-i-Sabz, 16 Jan" in names and "Zahedan" in names and "Quetta" in names
    frame = info.map_ax.get_window_extent(renderer)
    inset = info.inset_ax.get_window_extent(renderer)
    for box in boxes:
        assert frame.x0 <= box.x0 and box.x1 <= frame.x1 and frame.y0 <= box.y0 and box.y1 <= frame.y1
        assert not box.overlaps(inset)
    for (a, na), (b, nb) in itertools.combinations(zip(boxes, names, strict=True), 2):
        assert not a.overlaps(b), f"{na!r} overlaps {nb!r}"


def test_persian_labels_are_drawn_with_real_glyphs():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        info = figure_info(build_figure(View(layers=("provinces", "places")),
                                        FigureSpec(preset="single-column", label_lang="fa")))
    texts = [t.get_text() for t in info.labels]
    assert "زاهدان" in texts  # Zahedan
    assert "Quetta" in texts  # no Persian name in the data: English
    assert not [w for w in caught if "missing from font" in str(w.message)]


def test_urdu_labels_keep_their_letters_and_have_every_glyph(tmp_path):
    """Urdu's heh goal and yeh barree (absent from DejaVu Sans) come from the shipped font."""
    assert shape_script("کوئٹہ").endswith("\u06c1")  # heh goal kept, not replaced
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig = build_figure(View(layers=("provinces", "places")),
                           FigureSpec(preset="single-column", label_lang="ur"))
        pdf = tmp_path / "ur.pdf"
        pdf.write_bytes(figure_bytes(fig, "pdf", 300))
        fig.canvas.draw()
    texts = {t.get_text(): t for t in figure_info(fig).labels}
    assert "چابہار" in texts  # Chabahar, with heh goal
    assert texts["چابہار"].get_fontfamily()[0] == "Noto Sans Arabic UI"
    assert not [w for w in caught if "missing from font" in str(w.message)]
    if shutil.which("pdffonts"):
        fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True).stdout
        assert "NotoSansArabicUI" in fonts


def test_figure_is_agg_and_not_left_with_pyplot(default_fig):
    fig, _ = default_fig
    assert isinstance(fig.canvas, FigureCanvasAgg)
    import matplotlib.pyplot as plt

    assert plt.get_fignums() == []


# -- size and resolution ---------------------------------------------------------------------

@pytest.mark.parametrize("preset", list(SIZE_PRESETS))
def test_preset_widths_in_mm(preset):
    info = figure_info(build_figure(View(layers=FEW_LAYERS), FigureSpec(preset=preset)))
    width, height = info.size_mm
    assert width == SIZE_PRESETS[preset][0]
    if SIZE_PRESETS[preset][1] is not None:
        assert height == SIZE_PRESETS[preset][1]
    assert 40 < height <= 250


@pytest.mark.parametrize(("preset", "dpi"), [("double-column", 300), ("double-column", 600),
                                             ("single-column", 600), ("full-page", 300)])
def test_png_pixel_size_and_stored_dpi(preset, dpi):
    data = rendered(preset=preset, dpi=dpi)
    image = Image.open(io.BytesIO(data))
    width_mm = SIZE_PRESETS[preset][0]
    assert abs(image.width - width_mm * MM * dpi) <= 1  # 170 mm at 300 dpi: 2008 px
    if SIZE_PRESETS[preset][1]:
        assert abs(image.height - SIZE_PRESETS[preset][1] * MM * dpi) <= 1
    assert image.info["dpi"] == pytest.approx((dpi, dpi), abs=0.01)
    # pHYs holds pixels per metre, unit 1 (metre)
    at = data.index(b"pHYs")
    x, y, unit = struct.unpack(">IIB", data[at + 4:at + 13])
    assert unit == 1 and x == y == round(dpi / 0.0254)


@pytest.mark.parametrize("dpi", [300, 150])
def test_png_is_rgb_with_the_pixels_matplotlibs_own_writer_gives(dpi):
    """The atlas writes PNGs itself, without the alpha channel: the figure is opaque, so
    matplotlib's RGBA file holds the same picture, pixel for pixel."""
    import matplotlib as mpl

    from geo.figure import RC

    view, spec = View(), FigureSpec(preset="single-column")
    ours = Image.open(io.BytesIO(render_figure(view, preset=spec.preset, dpi=dpi)))
    buf = io.BytesIO()
    with mpl.rc_context(RC):
        build_figure(view, spec).savefig(buf, format="png", dpi=dpi)
    theirs = np.asarray(Image.open(buf))
    assert ours.mode == "RGB" and theirs.shape[2] == 4 and (theirs[..., 3] == 255).all()
    assert np.array_equal(np.asarray(ours), theirs[..., :3])


def test_double_column_at_300_dpi_is_2008_px_wide():
    assert Image.open(io.BytesIO(rendered(preset="double-column", dpi=300))).width in (2007, 2008)


def test_tiff_carries_dpi_and_is_rgb():
    data = render_figure(View(layers=FEW_LAYERS), fmt="tiff", dpi=150, preset="single-column")
    image = Image.open(io.BytesIO(data))
    assert image.format == "TIFF" and image.mode == "RGB"
    assert image.info["dpi"] == pytest.approx((150, 150))
    assert abs(image.width - 85 * MM * 150) <= 1
    again = render_figure(View(layers=FEW_LAYERS), fmt="tiff", dpi=150, preset="single-column")
    assert data == again


# -- vector output ---------------------------------------------------------------------------

def test_pdf_is_vector_with_embedded_fonts_and_real_text(tmp_path):
    data = rendered(fmt="pdf")
    assert data.startswith(b"%PDF")
    path = tmp_path / "figure.pdf"
    path.write_bytes(data)
    if shutil.which("pdfimages") and shutil.which("pdffonts") and shutil.which("pdftotext"):
        images = subprocess.run(["pdfimages", "-list", str(path)], capture_output=True, text=True,
                                check=True).stdout.splitlines()
        assert images[:1] and not images[2:], images  # a header, no raster image listed
        fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True,
                               check=True).stdout.splitlines()[2:]
        assert fonts and all(line.split()[-5] == "yes" for line in fonts), fonts  # emb column
        text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                              check=True).stdout
        assert "Koh-i-Sabz" in text and "OpenStreetMap" in text
    else:  # poppler-utils missing: read the file itself
        if os.environ.get("CI"):
            pytest.fail("poppler-utils is missing: .ci/run must install it")
        assert b"/Subtype /Image" not in data
        assert b"/FontFile2" in data


def test_svg_keeps_text_as_text():
    data = rendered(fmt="svg")
    root = ET.fromstring(data)
    ns = "{http://www.w3.org/2000/svg}"
    texts = ["".join(t.itertext()) for t in root.iter(f"{ns}text")]
    assert any("Koh-i-Sabz" in t for t in texts)
    assert not list(root.iter(f"{ns}image"))


@pytest.mark.parametrize("fmt", ["png", "pdf", "svg"])
def test_same_inputs_give_the_same_bytes(fmt):
    first = rendered(fmt=fmt)
    second = render_figure(View(), fmt=fmt)
    assert first == second


def test_same_bytes_in_another_process():
    """Nothing may depend on the process: hash seeds, ids, dict order, timestamps."""
    code = ("import sys; from geo.figure import render_figure; from geo.view import View; "
            "sys.stdout.buffer.write(render_figure(View(), fmt=sys.argv[1]))")
    root = Path(__file__).resolve().parent.parent
    for fmt in ("pdf", "svg"):
        other = subprocess.run([sys.executable, "-c", code, fmt], cwd=root, capture_output=True,
                               env={**os.environ, "PYTHONHASHSEED": "12345"}, check=True,
                               timeout=120).stdout
        assert other == rendered(fmt=fmt)


# -- greyscale and image baselines -----------------------------------------------------------

def test_greyscale_has_no_coloured_pixel():
    rgb = np.asarray(Image.open(io.BytesIO(rendered(greyscale=True, dpi=100))).convert("RGB"),
                     dtype=int)
    spread = rgb.max(axis=2) - rgb.min(axis=2)
    assert spread.max() <= 1


def test_colour_figure_has_colour():
    rgb = np.asarray(Image.open(io.BytesIO(rendered(dpi=100))).convert("RGB"), dtype=int)
    assert (rgb.max(axis=2) - rgb.min(axis=2)).max() > 100


def map_without_text(view: View, spec: FigureSpec) -> bytes:
    """The map panel alone at 100 dpi, every text hidden: geometry, colours and furniture.

    Text-free so a changed label or font hinting does not fail it; the map alone so a
    changed legend (another module's words) does not move it.
    """
    fig = build_figure(view, spec)
    for text in fig.findobj(match=lambda a: hasattr(a, "get_text") and hasattr(a, "set_text")):
        text.set_visible(False)
    info = figure_info(fig)
    renderer = fig.canvas.get_renderer()
    box = info.map_ax.get_window_extent(renderer).transformed(fig.dpi_scale_trans.inverted())
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100, bbox_inches=box, metadata={"Software": None})
    return buf.getvalue()


@pytest.mark.parametrize(("name", "view", "spec"), [
    ("map_crisis_week", View(), FigureSpec(preset="single-column")),
    ("map_everything_grey", View(start=dt.date(2017, 1, 1), end=dt.date(2024, 12, 31)),
     FigureSpec(preset="single-column", greyscale=True)),
])
def test_map_matches_baseline_image(tmp_path, name, view, spec):
    actual = tmp_path / f"{name}.png"
    actual.write_bytes(map_without_text(view, spec))
    expected = BASELINE / f"{name}.png"
    if UPDATE_BASELINES:
        BASELINE.mkdir(exist_ok=True)
        shutil.copyfile(actual, expected)
    assert expected.exists(), f"no baseline {expected.name}: run with BORDER_ATLAS_UPDATE_BASELINES=1"
    result = compare_images(str(expected), str(actual), tol=10)
    assert result is None, result


# -- options and files -----------------------------------------------------------------------

@pytest.mark.parametrize(("options", "message"), [
    ({"preset": "poster"}, "preset"),
    ({"width_mm": 0}, "width_mm"),
    ({"width_mm": 1001}, "width_mm"),
    ({"height_mm": -5}, "height_mm"),
    ({"fmt": "jpeg"}, "format"),
    ({"dpi": 0}, "dpi"),
    ({"dpi": 300.5}, "dpi"),
    ({"label_lang": "de"}, "label_lang"),
    ({"width_mm": 1000, "height_mm": 1000, "dpi": 600}, "megapixels"),
])
def test_bad_options_are_named(options, message):
    with pytest.raises(ExportError, match=message):
        render_figure(View(), **options)


def test_height_too_small_for_the_legend_is_refused():
    with pytest.raises(ExportError, match="height"):
        render_figure(View(), height_mm=45)


def test_export_replaces_a_file_only_when_the_figure_is_complete(tmp_path, monkeypatch):
    out = tmp_path / "figure.png"
    out.write_bytes(b"the previous figure")

    def broken(*_args, **_kwargs):
        raise RuntimeError("renderer failed half way")

    monkeypatch.setattr("geo.figure.figure_bytes", broken)
    with pytest.raises(RuntimeError):
        export_figure(View(layers=FEW_LAYERS), FigureSpec(), out)
    assert out.read_bytes() == b"the previous figure"
    assert [p.name for p in tmp_path.iterdir()] == ["figure.png"]


def test_export_writes_the_file(tmp_path):
    out = export_figure(View(start=dt.date(2024, 1, 16), end=dt.date(2024, 1, 18), layers=FEW_LAYERS),
                        FigureSpec(preset="single-column", fmt="svg"), tmp_path / "fig.svg")
    assert out.read_bytes().lstrip().startswith(b"<?xml")
    assert [p.name for p in tmp_path.iterdir()] == ["fig.svg"]


# -- print fixes -----------------------------------------------------------------------------

def test_the_window_is_stamped_on_the_figure():
    svg = rendered(fmt="svg").decode()
    assert "15–22 January 2024" in svg  # View(): the crisis week, with no title given
    info = figure_info(build_figure(View(start=dt.date(2023, 12, 28), end=dt.date(2024, 1, 4))))
    assert info.stamp.get_text() == "28 December 2023 – 4 January 2024"


@pytest.mark.parametrize("view", [View(), View(start=dt.date(2017, 1, 1), end=dt.date(2024, 12, 31))],
                         ids=["crisis-week", "everything"])
def test_no_event_label_is_left_out_at_single_column_width(view):
    from geo.figure.labels import event_labels

    info = figure_info(build_figure(view, FigureSpec(preset="single-column")))
    wanted = {lb.text for lb in event_labels(info.layers["events"],
                                             with_year=view.start.year != view.end.year)}
    placed = {t.get_text() for t in info.labels}
    assert wanted and wanted <= placed, f"left out: {wanted - placed}"
    if view == View():
        assert "Border village near Saravan, 18 Jan" in placed


def test_town_labels_left_out_are_reported(tmp_path, capsys):
    from geo.cli import main

    info = figure_info(build_figure(View(), FigureSpec(preset="single-column")))
    assert info.dropped and not set(info.dropped) & {t.get_text() for t in info.labels}
    assert main(["export", "--preset", "single-column", "--out", str(tmp_path / "f.png")]) == 0
    err = capsys.readouterr().err
    assert "left out" in err and info.dropped[0] in err


def test_event_labels_keep_off_the_border_and_routes(default_fig):
    import shapely

    from geo.figure.labels import display_lines

    fig, info = default_fig
    renderer = fig.canvas.get_renderer()
    lines = display_lines(info.map_ax, [*info.layers["border"].frame.geometry,
                                        *info.layers["routes"].frame.geometry])
    for text in info.labels:
        if text.get_text().startswith("Koh-i-Sabz"):
            b = text.get_window_extent(renderer)
            assert not shapely.box(b.x0, b.y0, b.x1, b.y1).intersects(lines)
            break
    else:
        raise AssertionError("no Koh-i-Sabz label")


def _black_ink(style, *, greyscale: bool) -> np.ndarray:
    """One marker at 600 dpi: True where it is drawn in black ink (outline and pattern)."""
    import matplotlib as mpl
    from matplotlib.figure import Figure

    from geo.figure import RC
    from geo.figure.drawn import draw_points

    with mpl.rc_context(RC):
        fig = Figure(figsize=(0.3, 0.3), dpi=600)
        FigureCanvasAgg(fig)
        ax = fig.add_axes((0, 0, 1, 1))
        ax.set_xlim(-1, 1)
        ax.set_ylim(-1, 1)
        ax.set_axis_off()
        draw_points(ax, np.zeros((1, 2)), np.zeros(1, dtype=int), [style], greyscale=greyscale,
                    zorder=1)
        fig.canvas.draw()
        rgb = np.asarray(fig.canvas.buffer_rgba())[..., :3].astype(float)
    return rgb.max(axis=2) < 60


@pytest.mark.parametrize("greyscale", [True, False], ids=["greyscale", "colour"])
@pytest.mark.parametrize("pair", ["market-vs-attack", "joint-vs-other", "imported-joint-vs-other"])
def test_categories_sharing_a_shape_differ_by_pattern_not_only_by_shade(pair, greyscale):
    from layers.crossings import CROSSINGS
    from layers.events import EVENTS
    from layers.imported import IMPORTED

    a, b = {
        "market-vs-attack": (CROSSINGS.style_of({"kind": "border-market"}),
                             EVENTS.style_of({"kind": "attack", "actor": "Pakistani forces"})),
        "joint-vs-other": (EVENTS.style_of({"kind": "attack", "actor": "Iran and Pakistan"}),
                           EVENTS.style_of({"kind": "attack", "actor": "unknown"})),
        "imported-joint-vs-other": (
            IMPORTED.style_of({"kind": "clash", "actor": "Iran and Pakistan"}),
            IMPORTED.style_of({"kind": "clash", "actor": "Protesters"})),
    }[pair]
    assert a.marker == b.marker
    ink_a = _black_ink(a, greyscale=greyscale)
    ink_b = _black_ink(b, greyscale=greyscale)
    # The same outline; the pattern adds ink the plain marker does not have. Counted where
    # one has ink and the other none, not as a difference of totals: a total also counts an
    # outline drawn with an edge missing (as print's open markers once were).
    pattern = max(int((ink_a & ~ink_b).sum()), int((ink_b & ~ink_a).sum()))
    assert pattern > 0.15 * min(ink_a.sum(), ink_b.sum()), \
        f"{pair}: only the shade of the fill tells them apart"


@pytest.mark.parametrize("preset", ["double-column", "full-page"])  # single: too small to name
def test_inset_names_clear_the_map_frame_and_each_other(preset):
    import shapely

    fig = build_figure(View(), FigureSpec(preset=preset))
    info = figure_info(fig)
    renderer = fig.canvas.get_renderer()
    frame = next(p for p in info.inset_ax.patches if isinstance(p, Rectangle))
    outline = shapely.LineString(frame.get_transform().transform(frame.get_path().vertices))
    names = [t for t in info.inset_ax.texts if t.get_gid() != "halo"]
    assert {t.get_text() for t in names} == {"Iran", "Pakistan", "Afghanistan"}
    boxes = [t.get_window_extent(renderer) for t in names]
    for box, name in zip(boxes, names, strict=True):
        assert not shapely.box(box.x0, box.y0, box.x1, box.y1).intersects(outline), name.get_text()
    for a, b in itertools.combinations(boxes, 2):
        assert not a.padded(1).overlaps(b)
