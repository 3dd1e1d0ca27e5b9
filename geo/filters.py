"""Which events a view's filters keep: one rule for the atlas's events and imported ones.

``filter_mask(frame, filters, group_of)`` is the one implementation in Python: the app's
table, count and downloads, the figure, each animation frame and the HTML file use it. The
browser applies the same rule to the same fields (``static/atlas/``), and the cases in
``tests/filter_cases.json`` are checked on both sides.

A layer is filtered when its spec stacks it on the timeline by actor group
(``LayerSpec.timeline_group``: the atlas's events, a user's imported events); other layers
(crossings, places, lines) are never filtered. The fields read:

- kind: ``kind``; actor group: the spec's ``timeline_group`` (the layer's rule of actor names);
- side: ``border_side`` (IRN or PAK; an event with no side is left out when sides are asked);
- killed: the highest figure a source gives, ``killed_high`` or else ``killed_low`` (an event
  without one is left out when ``min_killed`` is above 0);
- time precision: ``time_precision`` (the atlas's: day, week, month), or an import's
  ``date_precision`` text in its source's words (``precision_class``);
- search: ``place``, ``actor``, ``target`` and ``summary``, normalised by
  ``normalise_search`` (case and accents folded), every word of the search a substring.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from geo.view import PRECISIONS, Filters

SEARCH_FIELDS = ("place", "actor", "target", "summary")
# An import's date precision in its source's words (geo.imports.layouts) -> the filter's class.
# A file that says nothing of precision gives its dates as days.
_PRECISION_PREFIXES = (("day", "day"), ("week", "week"), ("mid-week", "week"), ("within 2-6 days", "week"),
                       ("month", "month"), ("within 8-30 days", "month"), ("within the year", "year"),
                       ("year", "year"))


def normalise_search(text: Any) -> str:
    """Text as a search compares it: Unicode compatibility forms decomposed, marks (accents)
    dropped, lower case, runs of white space one space. The browser's ``normaliseSearch``
    does the same (``String.normalize('NFKD')``, ``\\p{M}``, ``toLowerCase``)."""
    if text is None or (isinstance(text, float) and np.isnan(text)):
        return ""
    value = str(text)
    if not value.isascii():
        value = "".join(c for c in unicodedata.normalize("NFKD", value)
                        if not unicodedata.category(c).startswith("M"))
    return " ".join(value.lower().split())


def precision_class(value: Any) -> str:
    """The filter's class (day, week, month, year) of a time precision in any source's words:
    the atlas's own (day, week, month) or an import's ('week (coded as mid-week)', UCDP's
    'within 2-6 days', ...). Missing or unknown: day (the date given is a day)."""
    text = "" if value is None or (isinstance(value, float) and np.isnan(value)) else str(value)
    text = text.strip().lower()
    for prefix, klass in _PRECISION_PREFIXES:
        if text.startswith(prefix):
            return klass
    return "day"


def _column(frame: pd.DataFrame, name: str) -> pd.Series:
    return frame[name] if name in frame else pd.Series([None] * len(frame), index=frame.index, dtype=object)


def _by_distinct(values: pd.Series, fn: Callable[[Any], Any]) -> np.ndarray:
    """``fn`` of each value, computed once per distinct value (100,000 rows, ~30 actors)."""
    codes, uniques = pd.factorize(values.astype(object), use_na_sentinel=False)
    mapped = np.array([fn(None if isinstance(u, float) and np.isnan(u) else u) for u in uniques],
                      dtype=object)
    return mapped[codes] if len(codes) else np.zeros(0, dtype=object)


def _killed(frame: pd.DataFrame) -> pd.Series:
    high = pd.to_numeric(_column(frame, "killed_high"), errors="coerce")
    low = pd.to_numeric(_column(frame, "killed_low"), errors="coerce")
    return high.fillna(low)


def _precision_rank(frame: pd.DataFrame) -> np.ndarray:
    field = "time_precision" if "time_precision" in frame else "date_precision"
    ranks = {p: i for i, p in enumerate(PRECISIONS)}
    return _by_distinct(_column(frame, field), lambda v: ranks[precision_class(v)]).astype(int)


def search_text(frame: pd.DataFrame) -> pd.Series:
    """Each feature's searched text, normalised (its place, actor, target and summary)."""
    parts = [_column(frame, name).map(normalise_search) for name in SEARCH_FIELDS]
    joined = parts[0]
    for part in parts[1:]:
        joined = joined + "\n" + part
    return joined


def filter_mask(frame: pd.DataFrame, filters: Filters,
                group_of: Callable[[Any], str]) -> np.ndarray:
    """Which rows of an event-like layer the filters keep (a boolean array).

    ``group_of`` gives an actor's group (the layer's rule: ``layers.events.actor_group`` for
    the atlas's events, ``layers.imported.imported_actor_group`` for an import's).
    """
    keep = np.ones(len(frame), dtype=bool)
    if not filters.active or frame.empty:
        return keep
    if filters.kinds:
        keep &= _column(frame, "kind").isin(filters.kinds).to_numpy()
    if filters.actors:
        groups = _by_distinct(_column(frame, "actor"), group_of)
        keep &= np.isin(groups, list(filters.actors))
    if filters.sides:
        keep &= _column(frame, "border_side").isin(filters.sides).to_numpy()
    if filters.min_killed:
        keep &= (_killed(frame) >= filters.min_killed).fillna(False).to_numpy(dtype=bool)
    if filters.precision:
        keep &= _precision_rank(frame) <= PRECISIONS.index(filters.precision)
    if filters.search:
        rows = np.flatnonzero(keep)  # search only what the cheaper filters kept
        text = search_text(frame.iloc[rows])
        found = np.ones(len(rows), dtype=bool)
        for word in normalise_search(filters.search).split():
            found &= text.str.contains(word, regex=False).to_numpy(dtype=bool)
        keep[rows[~found]] = False
    return keep


def spec_group_of(spec: Any) -> Callable[[Any], str] | None:
    """An actor's group by a layer spec's ``timeline_group`` (None: the layer is not filtered)."""
    group = getattr(spec, "timeline_group", None)
    if group is None:
        return None
    return lambda actor: group({"actor": actor})


def layer_mask(frame: pd.DataFrame, filters: Filters, spec: Any) -> np.ndarray:
    """Which rows of a layer (``spec``: its ``layers`` spec) the filters keep; every row of a
    layer that is not filtered."""
    group_of = spec_group_of(spec)
    if group_of is None:
        return np.ones(len(frame), dtype=bool)
    return filter_mask(frame, filters, group_of)


def apply_filters(frame: Any, filters: Filters, spec: Any) -> Any:
    """The rows of a layer the filters keep (the frame itself when nothing is filtered)."""
    group_of = spec_group_of(spec)
    if not filters.active or group_of is None:
        return frame
    return frame[filter_mask(frame, filters, group_of)]
