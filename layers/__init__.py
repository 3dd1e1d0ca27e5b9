"""Layer specs: one per layer, drawn by both the web map and the static export.

A new shipped layer goes in its own module here, with its data contract in
``geo/_schema.py`` and its file in ``data/``; then it is added to ``SPECS`` below. A layer of
your own needs no change here: ``register(spec, schema, file)`` adds it at run time, and the
table, the figure, the map and the HTML file draw it from its spec alone.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
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


class LayerTable(Mapping[str, LayerSpec]):
    """The layers' specs by name, in drawing order (bottom to top, by ``z``).

    Read-only to its readers. ``register`` and ``unregister`` replace the table's dict whole,
    in one assignment, so a reader that is iterating (another session's run, say) keeps the
    table it started with and never sees it half changed."""

    def __init__(self, specs: Iterable[LayerSpec]) -> None:
        self._specs = self._ordered(specs)

    @staticmethod
    def _ordered(specs: Iterable[LayerSpec]) -> dict[str, LayerSpec]:
        return {s.name: s for s in sorted(specs, key=lambda s: s.z)}

    def _replace(self, specs: Iterable[LayerSpec]) -> None:
        self._specs = self._ordered(specs)

    def __getitem__(self, name: str) -> LayerSpec:
        return self._specs[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._specs)

    def __reversed__(self) -> Iterator[str]:
        return reversed(self._specs)

    def __len__(self) -> int:
        return len(self._specs)

    def __repr__(self) -> str:
        return f"LayerTable({list(self._specs)})"


SPECS = LayerTable((CONTEXT, PROVINCES, ROUTES, PLACES, CROSSINGS, BORDER, EVENTS))
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
    SPECS._replace([*SPECS.values(), spec])


def unregister(name: str) -> None:
    """Remove a layer added with ``register`` (the shipped layers stay)."""
    remove_schema(name)
    SPECS._replace(s for n, s in SPECS.items() if n != name)



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
