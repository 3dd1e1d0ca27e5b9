"""What every part of the event importer shares: its error, a row's problem, kinds, size units."""

from __future__ import annotations

from typing import NamedTuple

from geo._errors import BorderAtlasError
from geo._schema import EVENT_KINDS
from geo.limits import MB

# The atlas's own kinds, plus two that only imports need: ACLED exports are largely protests,
# and a kind the atlas has no shape for is "other" rather than a wrong guess.
IMPORT_KINDS: tuple[str, ...] = (*EVENT_KINDS, "protest", "other")

# What each format calls the numbered unit a problem is reported against.
ROW_LABELS = {"acled": "row", "ucdp": "row", "geojson": "feature", "gpkg": "feature id"}


class EventImportError(BorderAtlasError):
    """An upload that cannot be imported at all; the message names the file and the problem."""


class Problem(NamedTuple):
    """One thing the importer found: a skipped row, or a note on a row it kept or fixed.

    ``row`` is the number the user sees: the spreadsheet row of a CSV (header = row 1),
    the index of a GeoJSON feature, the feature id of a GeoPackage feature; None when the
    note is about the whole file. ``reason`` starts with a short category and a colon
    ("unparseable date: ..."), which the summary counts by.
    """

    row: int | None
    reason: str

    @property
    def category(self) -> str:
        return self.reason.split(":", 1)[0]


def quote(value: object, limit: int = 60) -> str:
    """A value from the file, quoted and cut short, for use inside a message."""
    text = str(value)
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return repr(text)


def fmt_size(n_bytes: int) -> str:
    """'61.2 MB' (MB = 1,000,000 bytes, as the limits are given), '12 KB' or '512 bytes'."""
    if n_bytes >= MB:
        return f"{n_bytes / MB:,.1f} MB".replace(".0 MB", " MB")
    if n_bytes >= 1000:
        return f"{n_bytes / 1000:,.0f} KB"
    return f"{n_bytes} bytes"
