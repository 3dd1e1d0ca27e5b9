"""Layer specs: one per layer, drawn by both the web map and the static export.

A new layer goes in its own module here, with its data contract in ``geo/_schema.py`` and
its file in ``data/``; then it is added to ``SPECS`` below.
"""

from __future__ import annotations

from geo import LAYER_NAMES, UnknownLayerError
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


def get_spec(name: str) -> LayerSpec:
    """The spec of layer ``name``; UnknownLayerError names the known layers."""
    try:
        return SPECS[name]
    except KeyError:
        raise UnknownLayerError(name, tuple(SPECS)) from None


def parse_layer_list(text: str) -> list[str]:
    """Layer names from a comma-separated list, in drawing order; unknown names raise."""
    names = [n.strip() for n in text.split(",") if n.strip()]
    for n in names:
        get_spec(n)
    return [n for n in SPECS if n in names]


__all__ = ["SPECS", "LayerSpec", "LegendEntry", "Style", "get_spec", "parse_layer_list"]
