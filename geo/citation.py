"""What the atlas calls itself, how to cite it and how old its data is: one rule for every output.

The printed figure's source line, the animation's frames (the same composed figure) and the
interactive HTML file all read their title, version, data date and citation from here, so a
figure and a file of the same data say the same thing.

The data date is the newest date the shipped data carries, whatever field holds it: an
event's date, a crossing's opening, a source's publication. Dates are given at the precision
their record gives (a day, a month or a year: ``2024-01-16``, ``2026-07``, ``2023``); the
newest is the one whose first day is latest (a day beats its own month). It is never the day
of the export, so the same data always prints the same line.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
from collections.abc import Iterator
from typing import Any

from geo._paths import DATA_DIR

TITLE = "Border Atlas: Iran–Pakistan border, January 2024 crisis"
# The article the atlas accompanies (README), whose page links the atlas.
PAPER = ("Schofield, Mehmood and Ayaz, \u2018Iran\u2019s Aerial Strikes: Motivations and Pakistan\u2019s "
         "Measured Response\u2019, Margalla Papers 28 (1), 2024, "
         "margallapapers.ndu.edu.pk/site/article/view/239")
_ISO = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$")


def version() -> str:
    """The atlas's version (the installed package's); "unreleased" from a bare source tree."""
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as _version

    try:
        return _version("border-atlas")
    except PackageNotFoundError:  # pragma: no cover - run from a checkout without install
        return "unreleased"


def _first_day(text: str) -> dt.date | None:
    """The first day of an ISO date of any precision (None: not such a date)."""
    match = _ISO.match(text)
    if match is None:
        return None
    year, month, day = match.groups()
    try:
        return dt.date(int(year), int(month or 1), int(day or 1))
    except ValueError:
        return None


def _dates_in(value: Any, key: str = "") -> Iterator[str]:
    """Every date in a feature's properties: fields named date, opened or *_date, at any depth
    (a source's date inside the feature's list of sources included)."""
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _dates_in(v, k)
    elif isinstance(value, list):
        for v in value:
            yield from _dates_in(v, key)
    elif (isinstance(value, str) and (key in ("date", "opened") or key.endswith("_date"))
          and _first_day(value) is not None):
        yield value


def newest_date(dates: Iterator[str] | list[str]) -> str:
    """The newest of ISO dates of any precision, as written ("" for none)."""
    def key(text: str) -> tuple[dt.date, int]:
        day = _first_day(text)
        assert day is not None
        return day, len(text)

    return max(dates, key=key, default="")


@functools.lru_cache(maxsize=8)
def _data_date(stamp: tuple[tuple[str, int], ...]) -> str:
    dates: list[str] = []
    for name, _ in stamp:
        features = json.loads((DATA_DIR / name).read_text(encoding="utf-8")).get("features", [])
        for feature in features:
            dates.extend(_dates_in(feature.get("properties") or {}))
    return newest_date(dates)


def data_date() -> str:
    """The data's date: the newest date in the shipped data (see the module's docstring)."""
    files = sorted(DATA_DIR.glob("*.geojson"))
    return _data_date(tuple((p.name, p.stat().st_mtime_ns) for p in files))


def atlas_citation() -> str:
    """How to cite the atlas: title, version, data date and the article it accompanies."""
    return f"{TITLE}, version {version()}, data as of {data_date()}. Accompanies {PAPER}."


def window_citation(start: dt.date, end: dt.date) -> str:
    """How to cite a view of the atlas: the atlas's citation and the window shown."""
    return (f"{TITLE}, version {version()}, data as of {data_date()}, the window "
            f"{start.isoformat()} to {end.isoformat()}. Accompanies {PAPER}.")
