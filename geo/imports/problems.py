"""What every part of the event importer shares: its error, a row's problem, kinds, size units."""

from __future__ import annotations

from typing import NamedTuple

from geo._schema import EVENT_KINDS
from geo.limits import MB

# The atlas's own kinds, plus two that only imports need: ACLED exports are largely protests,
# and a kind the atlas has no shape for is "other" rather than a wrong guess.
IMPORT_KINDS: tuple[str, ...] = (*EVENT_KINDS, "other")

# What each format calls the numbered unit a problem is reported against.
ROW_LABELS = {"acled": "row", "ucdp": "row", "geojson": "feature", "gpkg": "feature id"}



class Reason(NamedTuple):
    """Why a row was skipped or noted: a short category the summary counts by, and the rest.

    ``str(reason)`` is the text a user reads: "unparseable date: date '32/13/2024' is ..."."""

    category: str
    detail: str = ""

    def __str__(self) -> str:
        return f"{self.category}: {self.detail}" if self.detail else self.category


class Problem(NamedTuple):
    """One thing the importer found: a skipped row, or a note on a row it kept or fixed.

    ``row`` is the number the user sees: the spreadsheet row of a CSV (header = row 1),
    the index of a GeoJSON feature, the feature id of a GeoPackage feature; None when the
    note is about the whole file. ``category`` is short ("unparseable date") and the summary
    counts by it; ``detail`` says the rest; ``reason`` is the two as the user reads them.
    """

    row: int | None
    category: str
    detail: str = ""

    @property
    def reason(self) -> str:
        return str(Reason(self.category, self.detail))


# A "bad number" note reads "<field> '<value as given>' is not a (whole) number >= 0; ...": the
# field and the value are what comes before the last occurrence of this (the value may hold
# the words too, but no field name or text after the value does).
BAD_NUMBER_SAYS = " is not"
SAMPLED_FIELDS = 3  # fields named, each with one value, beside a "bad number" count


def bad_number_sample(problems: list[Problem]) -> str:
    """"fatalities, e.g. 'several'; low, e.g. '-1'": the fields with bad numbers, each with its
    first value as the file gives it (quoted and cut short), '' when there is none."""
    first: dict[str, str] = {}
    for p in problems:
        if p.category != "bad number" or BAD_NUMBER_SAYS not in p.detail:
            continue
        field, _, value = p.detail[: p.detail.rindex(BAD_NUMBER_SAYS)].partition(" ")
        first.setdefault(field, value)
    shown = [f"{name}, e.g. {value}" for name, value in list(first.items())[:SAMPLED_FIELDS]]
    if len(first) > SAMPLED_FIELDS:
        shown.append(f"{len(first) - SAMPLED_FIELDS:,} more fields")
    return "; ".join(shown)


def row_key(p: Problem) -> tuple[int, int]:
    """Sort key: notes about the whole file (row None) first, then by row."""
    return (0, 0) if p.row is None else (1, p.row)


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
