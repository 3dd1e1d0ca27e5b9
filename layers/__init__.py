"""Layer specs: one per layer, drawn by both the web map and the static export.

A new shipped layer goes in its own module here, with its data contract in
``geo/_schema.py`` and its file in ``data/``; then it is added to ``SPECS`` below. A layer of
your own needs no change here: ``register(spec, schema, file)`` adds it at run time, and the
table, the figure, the map and the HTML file draw it from its spec alone.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from geo import LAYER_NAMES
from geo._schema import LayerSchema, add_schema, remove_schema
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


def register(spec: LayerSpec, schema: LayerSchema, file: str | Path) -> None:
    """Add a layer: its spec (how every renderer draws it), its data contract and its GeoJSON
    file. It takes its place in the drawing order by ``spec.z``; a view names it like any
    shipped layer. The file is read, and checked against ``schema``, when first drawn."""
    if spec.name != schema.name:
        raise ValueError(f"the spec is named {spec.name!r} but the schema {schema.name!r}")
    if spec.name in SPECS:
        raise ValueError(f"a layer named {spec.name!r} already exists")
    add_schema(schema, Path(file))
    _reorder({**SPECS, spec.name: spec})


def unregister(name: str) -> None:
    """Remove a layer added with ``register`` (the shipped layers stay)."""
    remove_schema(name)
    _reorder({n: s for n, s in SPECS.items() if n != name})


def _reorder(specs: dict[str, LayerSpec]) -> None:
    """SPECS in drawing order, changed in place (every module holds the same dict)."""
    ordered = sorted(specs.values(), key=lambda s: s.z)
    SPECS.clear()
    SPECS.update((s.name, s) for s in ordered)



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



__all__ = ["SPECS", "LayerSpec", "LegendEntry", "Style", "background", "credits", "register", "timeline_layers",
           "unregister"]
