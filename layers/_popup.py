"""Popup and tooltip HTML shared by the layers. Every text from data is escaped here."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

from geo._validate import parse_date
from geo.counts import count_range


def missing(value: Any) -> bool:
    """True for None, NaN, NaT and empty text: a value the data does not give."""
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    try:
        import pandas as pd

        if value is pd.NaT:
            return True
    except ImportError:  # pragma: no cover - pandas always comes with geopandas
        pass
    return isinstance(value, str) and not value.strip()


def number(value: Any) -> float | None:
    """A value the data gives, as a number; None when it gives none (see ``missing``)."""
    return None if missing(value) else float(value)


def fmt_date(value: Any) -> str:
    """ISO date text of a date, datetime, Timestamp or ISO string ('' when missing)."""
    if missing(value):
        return ""
    if hasattr(value, "date") and callable(value.date):
        value = value.date()
    if isinstance(value, dt.date):
        return value.isoformat()
    parsed = parse_date(str(value)[:10])
    return parsed.isoformat() if parsed else str(value)


def fmt_range(low: Any, high: Any) -> str:
    """'3', '3–5' or 'unknown' for a low/high pair that may be missing (``geo.counts``)."""
    return count_range(low, high)


def fmt_precision(metres: Any) -> str:
    if missing(metres):
        return "unknown"
    m = float(metres)
    return f"± {m / 1000:.0f} km" if m >= 1000 else f"± {m:.0f} m"


def sources_html(sources: Any, *, with_notes: bool = False) -> str:
    """An ordered list of sources with links; every text escaped, links open in a new tab.

    ``with_notes`` adds each source's note (what it supports) under its line.
    """
    if missing(sources) or not isinstance(sources, Sequence) or not sources:
        return ""
    items = []
    for src in sources:
        if not isinstance(src, Mapping):
            continue
        url = str(src.get("url", ""))
        title = escape(str(src.get("title", "")))
        link = (
            f'<a href="{escape(url)}" target="_blank" rel="noopener noreferrer">{title}</a>'
            if url.startswith(("https://", "http://"))
            else title
        )
        meta = ", ".join(escape(str(src[k])) for k in ("publisher", "date") if src.get(k))
        note = src.get("note") if with_notes else None
        note_html = f'<div class="ba-source-note">{escape(str(note))}</div>' if note else ""
        items.append(f"<li>{link}{' — ' + meta if meta else ''}{note_html}</li>")
    return '<ol class="ba-sources">' + "".join(items) + "</ol>"


def table_html(title: str, rows: Sequence[tuple[str, Any]], after: str = "") -> str:
    """A popup: a heading, a two-column table of (label, value) and raw HTML after it.

    Values are escaped; rows whose value is missing are left out.
    """
    body = "".join(
        f"<tr><th>{escape(label)}</th><td>{escape(str(value))}</td></tr>"
        for label, value in rows
        if not missing(value)
    )
    return (
        f'<div class="ba-popup"><h4>{escape(title)}</h4>'
        f'<table class="ba-table">{body}</table>{after}</div>'
    )


def sections_html(title: str, lead: Any, rows: Sequence[tuple[str, Any]],
                  sections: Sequence[tuple[str, str]]) -> str:
    """A popup read top down: a heading, a lead sentence, the key facts as a table, then
    foldable sections (summary text, raw HTML body) that stay closed until asked for.

    Text is escaped here; section bodies are HTML built (and escaped) by the caller.
    """
    body = "".join(
        f"<tr><th>{escape(label)}</th><td>{escape(str(value))}</td></tr>"
        for label, value in rows
        if not missing(value)
    )
    lead_html = f'<p class="ba-lead">{escape(str(lead))}</p>' if not missing(lead) else ""
    folds = "".join(f"<details><summary>{escape(summary)}</summary>{html}</details>"
                    for summary, html in sections if html)
    return (f'<div class="ba-popup"><h4>{escape(title)}</h4>{lead_html}'
            f'<table class="ba-table">{body}</table>{folds}</div>')
