"""Every error of Border Atlas a user can act on, in one place, on one base.

``BorderAtlasError`` carries what is at fault as attributes, so no caller has to read them
back out of the message:

- ``field``: the parameter, recipe key, option or column at fault (``"width_mm"``), or None;
- ``value``: the value that was refused, when there is one (None otherwise);
- ``source``: where the value came from when the error says so (``"recipe fig.toml"``);
- ``detail``: the message without those prefixes.

The message a user sees is ``"<source>: <field>: <detail>"``, leaving out what is not set:
``ExportError("0 mm is not a printable size", field="width_mm", value=0)`` reads
``width_mm: 0 mm is not a printable size``. The command line reads ``field`` to name the
option a user typed (``--width-mm: 0 mm is ...``).

The subclasses say which part refused: a view parameter (``ViewError``), a shipped layer file
(``LayerFileError``, ``LayerValidationError``, ``UnknownLayerError``), a figure option or
output path (``ExportError``), a recipe (``RecipeError``), an upload (``EventImportError``,
``ImportStopped``). Those that were ``ValueError`` or ``KeyError`` before stay so.
"""

from __future__ import annotations

__all__ = [
    "BorderAtlasError",
    "EventImportError",
    "ExportError",
    "ImportOutOfMemory",
    "ImportStopped",
    "LayerFileError",
    "LayerValidationError",
    "RecipeError",
    "UnknownLayerError",
    "ViewError",
]


class BorderAtlasError(Exception):
    """Base class for errors a user can act on (bad file, bad name, bad date)."""

    def __init__(self, detail: str, *, field: str | None = None, value: object = None,
                 source: str | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.field = field
        self.value = value
        self.source = source

    def __str__(self) -> str:
        head = "".join(f"{part}: " for part in (self.source, self.field) if part)
        return head + self.detail


# -- the shipped layers ------------------------------------------------------------------------


class UnknownLayerError(BorderAtlasError, KeyError):
    """A layer name that is not one of the atlas layers (``value`` is the name)."""

    def __init__(self, name: str, known: tuple[str, ...]) -> None:
        self.name = name
        self.known = known
        from geo.safe_text import quote  # a name can come from a URL: cut to length

        super().__init__(f"unknown layer {quote(name)}; known layers: {', '.join(known)}",
                         value=name)

    def __reduce__(self):  # rebuilt from its own arguments (KeyError would quote the message)
        return (type(self), (self.name, self.known))


class LayerFileError(BorderAtlasError):
    """A layer file that cannot be read at all (missing, not JSON, not a FeatureCollection)."""


class LayerValidationError(BorderAtlasError):
    """A layer file that was read but breaks the data contract; lists every problem found."""

    def __init__(self, path: str, problems: list[str]) -> None:
        self.path = path
        self.problems = problems
        head = f"{path}: {len(problems)} problem{'s' if len(problems) != 1 else ''}"
        super().__init__(head + "\n" + "\n".join(f"  - {p}" for p in problems))

    def __reduce__(self):
        return (type(self), (self.path, self.problems))


# -- what to show, how to draw it, where to write it ---------------------------------------


class ViewError(BorderAtlasError, ValueError):
    """A view parameter with a bad value; ``field`` names the parameter."""


class ExportError(BorderAtlasError, ValueError):
    """A figure option or output path that cannot be used; ``field`` names the option."""


class RecipeError(BorderAtlasError, ValueError):
    """A recipe that cannot be read or holds a bad key or value; ``field`` names the key."""


# -- a user's events ----------------------------------------------------------------------


class EventImportError(BorderAtlasError):
    """An upload that cannot be imported at all; the message names the file and the problem."""


class ImportStopped(EventImportError):
    """An import stopped before its end: out of time, or its session went away."""


class ImportOutOfMemory(EventImportError):
    """An upload whose import ran out of memory (in a job: past its cap, ``geo.jobs``)."""
