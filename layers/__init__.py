"""Layer specs: one per layer, drawn by both the web map and the static export.

A new layer goes in its own module here, with its data contract in ``geo/_schema.py`` and
its file in ``data/``; then it is added to ``SPECS`` below.
"""

from __future__ import annotations

from collections.abc import Iterable

from geo import LAYER_NAMES
from layers._spec import LayerSpec, LegendEntry, Style
from layers.border import BORDER
from layers.context import CONTEXT
from layers.crossings import CROSSINGS
from layers.events import EVENTS
from layers.places import PLACES
from layers.provinces import PROVINCES
from layers.routes import ROUTES

# Drawing order: bottom to top.
SPECS: dict[str, LayerSpec] = {
    s.name: s for s in sorted((CONTEXT, PROVINCES, ROUTES, PLACES, CROSSINGS, BORDER, EVENTS),
                              key=lambda s: s.z)
}
assert set(SPECS) == set(LAYER_NAMES), "every data layer needs a spec"



def credits(specs: Iterable[LayerSpec] | None = None) -> str:
    """Where the layers' data come from, each credit once, the top layer's first."""
    specs = list(SPECS.values() if specs is None else specs)
    seen = dict.fromkeys(part for s in reversed(specs) if s.attribution
                         for part in s.attribution.split("; "))
    return "; ".join(seen)


def background() -> LayerSpec:
    """The map's background layer (``LayerSpec.background``: the context)."""
    return next(s for s in SPECS.values() if s.background)


def timeline_layers() -> list[LayerSpec]:
    """The layers on the timeline (those with a ``timeline_group``), bottom to top."""
    return [s for s in SPECS.values() if s.timeline_group is not None]



__all__ = ["SPECS", "LayerSpec", "LegendEntry", "Style", "background", "credits", "timeline_layers"]
