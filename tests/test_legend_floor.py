"""The legend's width floor: never above the built legend's width (a try it rules out could
not have fitted), and close to it (so it rules out the tries that cannot fit)."""

from __future__ import annotations

import datetime as dt

import matplotlib as mpl
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from geo.figure import RC, FigureSpec, build_figure, compose, figure_info, furniture
from geo.figure.compose import FONT
from geo.view import View
from layers import SPECS
from layers.imported import IMPORTED

TRIES = [(4, FONT["legend"], False), (3, FONT["legend"], False), (2, FONT["legend"], False),
         (2, FONT["legend_small"], True), (1, FONT["legend"], False)]


def _group_sets():
    everything = tuple(SPECS)
    return {
        "default": furniture.legend_groups(View().layers, greyscale=False),
        "every layer, grey": furniture.legend_groups(everything, greyscale=True),
        "with an import": furniture.legend_groups(everything, greyscale=False, extra=(IMPORTED,)),
        "one layer": furniture.legend_groups(("events",), greyscale=False),
    }


@pytest.mark.parametrize("dpi", [150, 300])
def test_the_floor_is_the_built_legends_width_at_most(dpi):
    with mpl.rc_context(RC):
        for name, groups in _group_sets().items():
            for ncol, size, compact in TRIES:
                fig = Figure(figsize=(4, 4), dpi=dpi)
                renderer = FigureCanvasAgg(fig).get_renderer()
                floor = furniture.legend_width_floor(groups, renderer, ncol=ncol, fontsize=size,
                                                     compact=compact)
                legend = furniture.add_legend(fig, groups, ncol=ncol, fontsize=size, compact=compact)
                assert legend is not None
                width = legend.get_window_extent(renderer).width
                assert floor <= width + 1e-6, (name, ncol, size, floor, width)
                assert floor >= 0.99 * width, (name, ncol, size, floor, width)


def _tried(monkeypatch):
    built: list[tuple[int, float]] = []
    add = furniture.add_legend

    def counting(*args, **kwargs):
        built.append((kwargs.get("ncol"), kwargs.get("fontsize")))
        return add(*args, **kwargs)

    monkeypatch.setattr(furniture, "add_legend", counting)
    return built


def test_a_narrow_figure_builds_only_the_legend_it_keeps(monkeypatch):
    built = _tried(monkeypatch)
    fig = build_figure(View(start=dt.date(2024, 1, 15), end=dt.date(2024, 1, 22)),
                       FigureSpec(preset="single-column"))
    legend = figure_info(fig).legend
    assert legend is not None and len(built) == 1
    assert legend.get_texts()[0].get_fontsize() == built[0][1]


def test_the_legend_chosen_is_the_first_try_that_fits():
    """Built and measured in turn, the tries before the chosen one are all too wide."""
    fig = build_figure(View(), FigureSpec(preset="single-column"))
    info = figure_info(fig)
    room_mm = info.size_mm[0] - 2 * compose.MARGIN
    renderer = FigureCanvasAgg(fig).get_renderer()
    chosen = info.legend.get_window_extent(renderer)
    with mpl.rc_context(RC):
        groups = furniture.legend_groups(View().layers, greyscale=False, keep=compose._legend_keep(
            View().layers, (), {n: d.frame for n, d in info.layers.items()}))
        for ncol, size, compact in TRIES:
            other = Figure(figsize=fig.get_size_inches(), dpi=fig.dpi)
            legend = furniture.add_legend(other, groups, ncol=ncol, fontsize=size, compact=compact)
            width = legend.get_window_extent(FigureCanvasAgg(other).get_renderer())
            if width.width / fig.dpi * 25.4 <= room_mm or ncol == 1:
                break
    assert (width.width, width.height) == pytest.approx((chosen.width, chosen.height))
    assert info.legend.get_texts()[0].get_fontsize() == size
