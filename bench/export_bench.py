"""Export speed: publication figures of the default view against a plain GeoDataFrame.plot().

Prints, for a 300-dpi double-column PNG and for a PDF of ``View()`` (crisis week, all
layers): the median of RUNS renders with ``geo.figure.render_figure``, the median of a naive
baseline measured in the same run (each layer's ``GeoDataFrame.plot()`` onto one axes of the
same size, saved the same way), and their ratio. The budget is 1.5 s per figure. Layers are
loaded and projected once before timing, as in the app. Run by hand (`make bench`); machines
are shared and noisy, so read medians and ratios, not single numbers.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import matplotlib  # noqa: E402

matplotlib.use("Agg")

from _timing import median_time  # noqa: E402
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from geo.assemble import assemble  # noqa: E402
from geo.figure import figure_info, render_figure  # noqa: E402
from geo.view import View  # noqa: E402
from layers import SPECS  # noqa: E402

RUNS = 7
BUDGET_S = 1.5
MM = 1 / 25.4



def naive(view: View, size_mm: tuple[float, float], fmt: str) -> bytes:
    """What a first attempt looks like: every layer's .plot() on one axes, saved as is."""
    frames = assemble([SPECS[n] for n in view.layers], view.start, view.end)
    fig = Figure(figsize=(size_mm[0] * MM, size_mm[1] * MM), dpi=300)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    for frame in frames.values():
        if not frame.empty:
            frame.plot(ax=ax)
    buf = io.BytesIO()
    fig.savefig(buf, format=fmt, dpi=300)
    return buf.getvalue()


def main() -> int:
    view = View()
    from geo.figure import build_figure

    size_mm = figure_info(build_figure(view)).size_mm  # warms the caches too
    for fmt in ("png", "pdf"):
        render_figure(view, fmt=fmt)
        naive(view, size_mm, fmt)
    print(f"Export of View() (crisis week, all layers), {size_mm[0]:g} x {size_mm[1]:.0f} mm, "
          f"median of {RUNS} runs")
    print(f"{'figure':<26}{'atlas (s)':>11}{'plain .plot() (s)':>19}{'ratio':>8}{'budget':>10}")
    ok = True
    for label, fmt in (("PNG, 300 dpi, double col.", "png"), ("PDF, double column", "pdf")):
        atlas = median_time(lambda fmt=fmt: render_figure(view, fmt=fmt, dpi=300), runs=RUNS)
        plain = median_time(lambda fmt=fmt: naive(view, size_mm, fmt), runs=RUNS)
        within = atlas <= BUDGET_S
        ok &= within
        print(f"{label:<26}{atlas:>11.3f}{plain:>19.3f}{atlas / plain:>8.2f}"
              f"{'ok' if within else 'OVER':>10}")
    ok &= publishing()
    return 0 if ok else 1


def publishing() -> bool:
    """The crisis week as a GIF (a frame a day, 1280 px; budget 10 s) and a month with 100,000
    imported events as PDF and SVG (budget 3 s each), medians, beside the plain figure."""
    import datetime as dt
    import tempfile

    from geo.figure import FigureSpec
    from geo.figure.animate import AnimationSpec, render_animation
    from geo.imports import import_events
    from tests._synthetic import write_export

    crisis = View(start=dt.date(2024, 1, 15), end=dt.date(2024, 1, 22))
    gif = median_time(lambda: render_animation(crisis, FigureSpec(), AnimationSpec(fmt="gif", width_px=1280)),
                      runs=3)
    month = View(start=dt.date(2024, 1, 1), end=dt.date(2024, 1, 31))
    with tempfile.TemporaryDirectory() as tmp:
        export = Path(tmp) / "acled-100k.csv"
        write_export(export)  # 100,000 synthetic ACLED rows over the region, 2023-2024
        big = import_events(export.read_bytes(), filename=export.name).events
    rows = [("GIF, crisis week, 1280 px", gif, 10.0)]
    for fmt in ("pdf", "svg"):
        plain = median_time(lambda fmt=fmt: render_figure(month, fmt=fmt), runs=3)
        took = median_time(lambda fmt=fmt: render_figure(month, fmt=fmt, imported=big, imported_label="big.csv"),
                           runs=3)
        rows.append((f"{fmt.upper()}, +100,000 imported", took, 3.0))
        rows.append((f"{fmt.upper()}, same month, no import", plain, None))
    print(f"{'publishing':<32}{'median (s)':>11}{'budget':>10}")
    ok = True
    for label, took, budget in rows:
        within = budget is None or took <= budget
        ok &= within
        print(f"{label:<32}{took:>11.3f}{('' if budget is None else 'ok' if within else 'OVER'):>10}")
    return ok


if __name__ == "__main__":
    sys.exit(main())
