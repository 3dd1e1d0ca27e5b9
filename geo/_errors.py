"""Domain errors of Border Atlas: every message names the file, feature and field at fault."""

from __future__ import annotations


class BorderAtlasError(Exception):
    """Base class for errors a user can act on (bad file, bad name, bad date)."""


class UnknownLayerError(BorderAtlasError, KeyError):
    """A layer name that is not one of the atlas layers."""

    def __init__(self, name: str, known: tuple[str, ...]) -> None:
        self.name = name
        self.known = known
        from geo.safe_text import quote  # a name can come from a URL: cut to length

        super().__init__(f"unknown layer {quote(name)}; known layers: {', '.join(known)}")

    def __str__(self) -> str:  # KeyError would quote the whole message
        return str(self.args[0])


class LayerFileError(BorderAtlasError):
    """A layer file that cannot be read at all (missing, not JSON, not a FeatureCollection)."""


class LayerValidationError(BorderAtlasError):
    """A layer file that was read but breaks the data contract; lists every problem found."""

    def __init__(self, path: str, problems: list[str]) -> None:
        self.path = path
        self.problems = problems
        head = f"{path}: {len(problems)} problem{'s' if len(problems) != 1 else ''}"
        super().__init__(head + "\n" + "\n".join(f"  - {p}" for p in problems))
