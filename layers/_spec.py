"""What a layer spec is: name, title, geometry kind, style, legend, popup and date field."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from geo.timespan import TimeRule

GeometryKind = Literal["point", "line", "polygon"]
Marker = Literal["circle", "triangle", "square", "diamond", "star", "cross", "hexagon", "pentagon",
                 "triangle-down", "triangle-right", "burst", "plus", "bar", "bowtie", "dot", "peak"]
Dash = Literal["solid", "dash", "dot", "dashdot"]


@dataclass(frozen=True)
class Style:
    """How one feature is drawn, in terms both renderers understand.

    Sizes are in screen pixels for the web map; the static renderer scales them to points.
    """

    color: str = "#000000"
    weight: float = 1.0
    dash: Dash = "solid"
    opacity: float = 1.0
    fill: str | None = None
    fill_opacity: float = 0.0
    marker: Marker | None = None
    size: float = 8.0
    hatch: str | None = None  # a fill pattern (matplotlib hatch): palette.ACTOR_HATCHES, MARKET_HATCH

    def with_(self, **changes: Any) -> Style:
        return replace(self, **changes)


@dataclass(frozen=True)
class LegendEntry:
    """One row of a legend; ``shows`` tells which features it stands for.

    Without ``shows``, an entry stands for the features drawn in exactly its style.
    """

    label: str
    style: Style
    geometry: GeometryKind
    shows: Callable[[Mapping[str, Any]], bool] | None = field(default=None, compare=False)


@dataclass(frozen=True)
class LayerSpec:
    """Everything the web map and the static export need to draw one layer.

    Parameters
    ----------
    name
        The layer's name, as in ``geo.LAYER_NAMES`` and the file ``data/<name>.geojson``.
    style_of
        Style of one feature from its properties (categories differ by shape or dash, not
        only colour, so maps stay readable in greyscale).
    legend
        The legend entries this layer contributes, in order.
    time
        Which fields place a feature in time (``geo.timespan.TimeRule``: date, end,
        precision, a lasting state, status history; None: always shown). Every door reads
        it: the table, the figure, animations, imports and the browser's engine.
    interactive
        False: the layer is background, with no tooltip or popup and never in the way of a
        click (the context layer).
    precision_style
        Points with a ``precision_m`` radius get a circle of that radius drawn in this style
        (None: no circles).
    end_label, end_label_side, end_label_at
        A permanent label at the last vertex of each line (its text from the feature's
        properties), on that side of it; ``end_label_at`` (lon, lat) anchors it elsewhere,
        in the clear, when the line's end is crowded (the border's length sits out at sea,
        off the Makran coast's towns at Gwadar Bay).
    area_style
        A feature with an ``area_geometry`` (a GeoJSON polygon: its site is known only within
        that area) has the area's outline drawn in this style instead of a precision circle.
    With a status history in ``time``, a feature closed at the window's end is drawn in the
    look ``style_of`` gives with ``window_status`` "closed".
    timeline_group, timeline_text
        For a layer on the timeline: the stack a feature counts in (an actor group) and its
        one-line plain text there.
    zoom_labels
        The ``label_field`` names are the map's place labels, shown as room allows by zoom,
        ranked by how many of the timeline's features lie near each.
    attribution
        Where the layer's data come from, its credits separated by "; ", for the app's credit
        line and a figure's source line (None: nothing to credit beyond its popups).
    background
        The layer is the map's background (the context): print draws it simplified, under
        everything, and never lets it widen a figure's extent or crowd a corner; the locator
        inset draws its countries, so a figure always credits it.
    focus
        The layer's extent is the region a figure frames by default (the two provinces).
    line_obstacle
        Print's labels keep off this layer's lines where they can.
    print_labels
        How print labels the layer's features: "event" (place and date, never left out),
        "area" (names centred in each area) or "town" (names beside points, left out when
        they do not fit); None: no labels.
    cites_sources
        Each feature cites its own dated sources, so the newest of them dates the atlas's
        data (the citation's "sources to").
    """

    name: str
    title: str
    geometry: GeometryKind
    description: str
    style_of: Callable[[Mapping[str, Any]], Style]
    legend: tuple[LegendEntry, ...]
    tooltip_of: Callable[[Mapping[str, Any]], str]
    popup_of: Callable[[Mapping[str, Any]], str] | None = None
    time: TimeRule | None = None
    label_field: str | None = None
    z: int = 0
    web_simplify_deg: float = 0.0  # simplification for the browser; measures use full detail
    interactive: bool = True
    precision_style: Style | None = None
    area_style: Style | None = None
    end_label: Callable[[Mapping[str, Any]], str] | None = None
    end_label_side: Literal["bottom", "top", "left", "right"] = "bottom"
    end_label_at: tuple[float, float] | None = None
    timeline_group: Callable[[Any], str] | None = None
    timeline_text: Callable[[Mapping[str, Any]], str] | None = None
    zoom_labels: bool = False
    attribution: str | None = None
    background: bool = False
    focus: bool = False
    line_obstacle: bool = False
    print_labels: Literal["event", "area", "town"] | None = None
    cites_sources: bool = False
    extra: Mapping[str, Any] = field(default_factory=dict)
