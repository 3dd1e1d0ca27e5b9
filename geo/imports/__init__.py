"""Bring your own events: import ACLED, UCDP GED, GeoJSON and GeoPackage files as atlas events.

``import_events`` reads an upload (bytes, a path or a binary file), works out its format,
checks every row and returns the rows it could place in time and space as a GeoDataFrame
with the atlas's event fields, plus a list of the rows it skipped and why. A file it cannot
read at all raises one ``EventImportError`` naming the file and the problem; no other
exception escapes for any input.

All work is vectorised (Arrow's CSV reader for UTF-8 files, pandas' C parser for the rest,
codes, counts and dates parsed once per distinct text, numpy masks, a prepared border line for
the distance to it, each distinct point measured once), and the file's bytes and text are let
go once parsed; ``bench/import_bench.py`` sets its time and memory beside ``pd.read_csv`` of
the same file.
The mappings from ACLED/UCDP codes to precision radii and atlas kinds are in
``geo/imports/layouts.py`` with the codebook wording they rest on.
"""

from __future__ import annotations

import calendar
import datetime as dt
import logging
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np
import pandas as pd
import pyarrow as pa

import geopandas as gpd
from pyproj import CRS
from shapely.geometry import LineString

from geo.errors import EventImportError, ImportOutOfMemory, ImportStopped
from geo.imports.budget import Budget, checkpoint, running_under
from geo.imports.layouts import (
    ACLED_PRECISION,
    ACLED_SUB_EVENT_KIND,
    LAYOUTS,
    REGION_COUNTRIES,
    UCDP_KIND,
    UCDP_PRECISION,
    Fields,
    detect_layout,
    generic_fields,
    property_layout,
)
from geo.imports.problems import (
    IMPORT_KINDS,
    ROW_LABELS,
    Problem,
    Reason,
    bad_number_sample,
    quote,
    row_key,
)
from geo.imports.read import (
    ZIP_MAGIC,
    RawTable,
    decode,
    read_bytes,
    read_csv,
    read_geojson,
    read_gpkg,
    sniff_kind,
    unzip,
)
from geo.limits import IMPORT_SECONDS, MAX_IMPORT_BYTES
from geo.measure import distance_to_border_km, side_of_border

__all__ = [
    "ACLED_PRECISION",
    "ACLED_SUB_EVENT_KIND",
    "COLUMNS",
    "IMPORT_KINDS",
    "UCDP_KIND",
    "UCDP_PRECISION",
    "EventImportError",
    "ImportResult",
    "ImportStopped",
    "Problem",
    "import_events",
]

log = logging.getLogger(__name__)

DEFAULT_MAX_BYTES = MAX_IMPORT_BYTES  # geo.limits: the one upload limit of the atlas
# Date formats tried in turn on each distinct date text. ACLED's export writes
# "16 January 2024", its API "2024-01-16"; a spreadsheet may re-save either as 16/01/2024
# (ACLED's codebook gives dates day first). Month-first dates are not guessed.
DATE_FORMATS = ("%Y-%m-%d", "%d %B %Y", "%d %b %Y", "%d-%B-%Y", "%d-%b-%Y", "%d/%m/%Y",
                "%d-%m-%Y", "%d.%m.%Y")
EARLIEST_DATE = pd.Timestamp("1900-01-01")
# The unit pandas gives dates parsed from text (us in pandas 3, ns before), as geo.io's
# layers have it, so imported and shipped events sit in one table without conversion.
DATE_DTYPE = pd.to_datetime(pd.Series(["2024-01-16"]), format="%Y-%m-%d").dtype
# Where the atlas's events are (both border provinces, with a margin), and a wider box of
# the countries around them: a point far outside the wider box that lands in the region
# when latitude and longitude are swapped was most likely written the wrong way round.
REGION_BOX = (56.0, 23.0, 68.0, 33.0)  # lon_min, lat_min, lon_max, lat_max
NEIGHBOURHOOD_BOX = (40.0, 15.0, 80.0, 42.0)
# How far beyond the box of a file's other points a swapped point may fall and still be
# believed (in degrees, ~200 km).
SWAP_MARGIN_DEG = 2.0
# The events' coordinate system, parsed once (from its name it is parsed on every frame made).
WGS84 = CRS.from_epsg(4326)

COLUMNS = (
    "id", "date", "end_date", "kind", "event_type", "actor", "target", "place", "country",
    "precision_m", "location_note", "date_precision", "time_precision", "killed_low", "killed_high", "summary",
    "source", "border_distance_km", "border_side", "origin", "row", "import_note",
)


@dataclass(frozen=True)
class ImportResult:
    """What an import gave: the events kept, the rows skipped and the notes on the rest.

    Attributes
    ----------
    events
        One row per imported event, EPSG:4326 points, columns ``COLUMNS``.
    problems
        The rows skipped, each a ``Problem(row, category, detail)``; ``reason`` joins the two.
    notes
        Things fixed or worth knowing on rows that were kept (swapped coordinates, an
        unknown precision code) and on the whole file (row None: encoding, reprojection).
    format
        "acled", "ucdp", "geojson" or "gpkg".
    filename
        The name the file was imported under.
    rows_read
        Data rows (CSV) or features (GeoJSON, GeoPackage) in the file.
    """

    events: gpd.GeoDataFrame
    problems: list[Problem]
    notes: list[Problem]
    format: str
    filename: str
    rows_read: int

    @property
    def row_label(self) -> str:
        """What a row number counts: 'row' (CSV), 'feature' (GeoJSON), 'feature id' (GeoPackage)."""
        return ROW_LABELS[self.format]

    def summary(self) -> str:
        """One line: '12,340 rows read, 12,300 imported, 40 skipped: 25 unparseable date, …'."""
        unit = "rows" if self.row_label == "row" else "features"
        text = f"{self.rows_read:,} {unit} read, {len(self.events):,} imported"
        if self.problems:
            text += f", {len(self.problems):,} skipped: " + _tally(self.problems)
        elif self.rows_read:
            text += ", none skipped"
        if self.notes:
            text += "; notes: " + _tally(self.notes)
        return text

    def problem_lines(self, *, limit: int | None = None, notes: bool = True) -> list[str]:
        """'row 5: unparseable date: …' lines, skipped rows first, then notes."""
        items = list(self.problems) + (list(self.notes) if notes else [])
        lines = [f"{self.row_label} {p.row}: {p.reason}" if p.row is not None else p.reason
                 for p in items[:limit]]
        if limit is not None and len(items) > limit:
            lines.append(f"… and {len(items) - limit:,} more")
        return lines


def _tally(problems: list[Problem]) -> str:
    """'3 unparseable date, 2 bad number (fatalities, e.g. 'several')': a count by category;
    bad numbers name their fields, each with one value as the file gives it."""
    counted = Counter(p.category for p in problems)
    parts = []
    for category, n in counted.most_common():
        sample = bad_number_sample(problems) if category == "bad number" else ""
        parts.append(f"{n:,} {category}" + (f" ({sample})" if sample else ""))
    return ", ".join(parts)


def import_events(
    source: bytes | str | Path | BinaryIO,
    *,
    filename: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    border: LineString | None = None,
    time_budget: float | None = IMPORT_SECONDS,
    stop: Callable[[], str | None] | None = None,
) -> ImportResult:
    """Import an events file: an ACLED or UCDP GED CSV export, GeoJSON or a GeoPackage.

    Parameters
    ----------
    source
        The file's bytes (e.g. an upload's ``getvalue()``), a path to it, or a binary file
        object. A ``str`` is a path, never file contents.
    filename
        The name to report the file by and a hint to its format (``.csv``, ``.geojson``,
        ``.gpkg``, ``.zip``); the content decides first.
    max_bytes
        Larger files are refused before they are parsed (``geo.limits.MAX_IMPORT_BYTES``,
        50,000,000 bytes, by default); no more than this plus one byte is ever read.
    border
        The line to measure ``border_distance_km`` and ``border_side`` from; the shipped
        Iran-Pakistan border by default.
    time_budget
        Seconds the import may take (``geo.limits.IMPORT_SECONDS`` by default; None for no
        limit); past it, it stops with an ``ImportStopped`` error.
    stop
        Asked between steps: a reason (text) to stop now, or None to go on
        (a caller's own reason: a deadline of its own, a user's cancel).

    Returns
    -------
    ImportResult
        The events kept, the rows skipped with their reasons, and notes.

    Raises
    ------
    EventImportError
        The file cannot be imported at all: empty, too large, not a format it knows, no
        date field, required columns missing, an unknown coordinate system. The message
        names the file and the problem.
    """
    if not isinstance(max_bytes, int) or max_bytes <= 0:
        raise ValueError(f"max_bytes must be a positive whole number, not {max_bytes!r}")
    if border is not None and not isinstance(border, LineString):
        raise TypeError(f"border must be a shapely LineString, not {type(border).__name__}")
    data, label = read_bytes(source, filename=filename, max_bytes=max_bytes)
    try:
        with running_under(Budget(label, time_budget, stop)):
            held = [data]  # handed over, so that parsing can let the bytes go (see _import)
            del data
            return _import(held, label, max_bytes=max_bytes, border=border)
    except EventImportError:
        raise
    except MemoryError:
        raise ImportOutOfMemory(f"{quote(label)}: too large to import in this session's memory") from None
    except Exception as exc:  # the last guard of an upload boundary: never a traceback for a user
        log.exception("importing %r failed unexpectedly", label)
        raise EventImportError(
            f"{quote(label)}: could not be imported (internal error: {type(exc).__name__}); "
            "please report it with the file") from exc
    finally:
        _return_arrow_memory()


def _return_arrow_memory() -> None:
    """Hand the memory Arrow freed during an import back to the system.

    Arrow's allocator (mimalloc or jemalloc) keeps the pages of freed buffers for reuse: after
    a 100,000-row import about 150 MB stayed resident with nothing in them, and a second
    import in the same process peaked on top of it. Releasing them costs about a microsecond.
    """
    pa.default_memory_pool().release_unused()


def _import(held: list[bytes], label: str, *, max_bytes: int,
            border: LineString | None) -> ImportResult:
    """Parse the file whose bytes are ``held`` (the only reference left to them, taken out
    here), then read its events: the bytes and the text are let go before the events are."""
    raw, label = _parse(held.pop(), label, max_bytes=max_bytes)
    return _events(raw, label, border=border)


def _parse(data: bytes, label: str, *, max_bytes: int) -> tuple[RawTable, str]:
    """The upload parsed into a table of texts, and the name it goes by (a zip's member)."""
    if not data:
        raise EventImportError(f"{quote(label)}: the file is empty (0 bytes)")
    if data.startswith(ZIP_MAGIC):
        data, label = unzip(data, label, max_bytes=max_bytes)
        if not data:
            raise EventImportError(f"{quote(label)}: the file is empty (0 bytes)")
    text, codec, notes = (None, "", []) if data.startswith(b"SQLite format 3\x00") else decode(data, label)
    if text is not None:
        nuls = text.count("\x00")
        if nuls > len(text) // 100:  # UTF-16 without a BOM is half NULs; binaries are full of them
            raise EventImportError(
                f"{quote(label)}: a binary file, not a CSV, GeoJSON or GeoPackage (it contains NUL "
                "bytes; a UTF-16 file needs its byte-order mark)")
        if nuls:  # a few stray NULs in a text file: drop them, say so, keep the rows
            text = text.replace("\x00", "")
            data = text.encode("utf-8")
            codec = "utf-8"
            notes.append(Problem(None, "control characters", f"{nuls:,} NUL byte"
                                       f"{'s' if nuls > 1 else ''} removed from the text"))
        if not text or text.isspace():  # what `not text.strip()` says, without copying the text
            raise EventImportError(f"{quote(label)}: has no text, only blank space")
    checkpoint()
    kind = sniff_kind(data, text, label)
    if kind == "gpkg":
        raw = read_gpkg(data, label)
    elif kind == "geojson":
        assert text is not None
        raw = read_geojson(text, label)
    else:
        assert text is not None
        held = [text]  # handed over: read_csv lets a UTF-8 file's text go once it has the header
        del text
        raw = read_csv(data, held, codec, label)
    raw.notes[:0] = notes
    checkpoint()
    return raw, label


def _events(raw: RawTable, label: str, *, border: LineString | None) -> ImportResult:
    """Interpret a parsed table: fields by layout, then dates and coordinates row by row."""
    columns = list(raw.table.columns)
    if raw.kind == "csv":
        layout = detect_layout(columns, label)
        fields = LAYOUTS[layout](raw.table, raw.rows)
        origin = layout
    else:
        origin = raw.kind
        layout = property_layout(columns)
        if layout == "generic":
            fields = generic_fields(raw.table, raw.rows, label)
        else:
            fields = LAYOUTS[layout](raw.table, raw.rows)
            raw.notes.append(Problem(None, "layout", f"the properties are {layout.upper()} columns "
                                           "and were read as such"))
    notes = raw.notes + fields.notes
    problems = list(raw.problems)
    n = len(raw.table)
    # The fields are new columns (stripped, joined, mapped): the file's table of texts is not
    # read again, so it is let go here rather than held beside them and the result.
    raw.table = pd.DataFrame(columns=raw.table.columns)
    if n == 0:
        if not problems:
            notes.append(Problem(None, "no data", "the file has no event rows"))
        return ImportResult(_empty_frame(), sorted(problems, key=row_key), notes, origin, label,
                            raw.rows_read)

    rows = raw.rows
    checkpoint()
    dates, date_why = parse_dates(fields.date, fields.date_column)
    checkpoint()
    lon, lat, coord_why, coord_notes = _coordinates(fields, raw)
    checkpoint()
    notes += [Problem(int(rows[i]), *why) for i, why in coord_notes]
    reasons = _combine(date_why, coord_why)
    bad = np.flatnonzero(reasons != "")
    problems += [Problem(int(rows[i]), *reasons[i]) for i in bad]
    keep = reasons == ""

    ends = _end_dates(fields, dates, rows, keep, notes)
    no_id = (fields.id == "").to_numpy()
    ids = fields.id
    if no_id.any():  # made up from the row number, only where the file gives none
        ids = ids.where(~no_id, origin + "-" + pd.Series(rows, index=fields.id.index).astype(str))
    _note_duplicates(ids, rows, keep, notes)

    k = np.flatnonzero(keep)
    lon_k, lat_k = lon[k], lat[k]
    checkpoint()
    distance, side = _border_measures(lon_k, lat_k, border)
    checkpoint()
    row_notes = _notes_by_row(notes, rows)

    every_row = k.size == n  # then each column is kept whole, not copied row by row

    def pick(series: pd.Series) -> pd.Series:  # keeps pandas' string storage: no re-conversion
        return series.reset_index(drop=True) if every_row else series.iloc[k].reset_index(drop=True)

    data: dict[str, Any] = {
        "id": pick(ids.astype(str)),
        "date": dates[k],
        "end_date": ends[k],
        "kind": pick(fields.kind),
        "event_type": pick(fields.event_type),
        "actor": pick(fields.actor),
        "target": pick(fields.target),
        "place": pick(fields.place),
        "country": pick(fields.country),
        "precision_m": pick(fields.precision_m.astype(float)),
        "location_note": pick(fields.location_note),
        "date_precision": pick(fields.date_precision),
        # the period the date stands for, read by the imported layer's time rule; "" = the day
        "time_precision": pick(fields.time_precision) if fields.time_precision is not None
        else pd.Series("", index=range(len(k)), dtype=str),
        "killed_low": pick(fields.killed_low.astype(float)),  # NaN when unknown, as in data/
        "killed_high": pick(fields.killed_high.astype(float)),
        "summary": pick(fields.summary),
        "source": pick(fields.source),
        "border_distance_km": distance,
        "border_side": side,
        "origin": origin,
        "row": rows[k].astype(np.int64),
        "import_note": row_notes[k],
    }
    frame = gpd.GeoDataFrame(data, index=pd.RangeIndex(k.size),
                             geometry=gpd.points_from_xy(lon_k, lat_k, crs=WGS84), crs=WGS84)
    for name in ("origin", "import_note"):
        frame[name] = frame[name].astype(str)
    problems.sort(key=row_key)
    notes.sort(key=row_key)
    return ImportResult(frame, problems, notes, origin, label, raw.rows_read)


def _border_measures(lon: np.ndarray, lat: np.ndarray,
                     border: LineString | None) -> tuple[np.ndarray, np.ndarray]:
    """(distance to the border in km, 'IRN'/'PAK'/None side) of each point."""
    if border is None:
        from geo._schema import BORDER_LAYER
        from geo.assemble import shipped_layer  # loaded and validated once per process

        border = shipped_layer(BORDER_LAYER).geometry.iloc[0]
    distance = distance_to_border_km(lon, lat, border)
    if not len(lon):
        return distance, np.array([], dtype=object)
    side = side_of_border(lon, lat, border, distance_km=distance).astype(object)  # a copy
    side[np.isnan(distance)] = None
    return distance, side


def _notes_by_row(notes: list[Problem], rows: np.ndarray) -> np.ndarray:
    """Each row's notes joined by '; ' ('' for none), aligned with ``rows``."""
    out = np.full(len(rows), "", dtype=object)
    position = {int(r): i for i, r in enumerate(rows)} if any(p.row is not None for p in notes) else {}
    for p in notes:
        i = position.get(p.row) if p.row is not None else None
        if i is not None:
            out[i] = (out[i] + "; " if out[i] else "") + p.reason
    return out


def _empty_frame() -> gpd.GeoDataFrame:
    data: dict[str, Any] = {name: pd.Series([], dtype=str) for name in COLUMNS}
    data.update({
        "date": pd.Series([], dtype=DATE_DTYPE),
        "end_date": pd.Series([], dtype=DATE_DTYPE),
        "precision_m": pd.Series([], dtype=float),
        "killed_low": pd.Series([], dtype=float),
        "killed_high": pd.Series([], dtype=float),
        "border_distance_km": pd.Series([], dtype=float),
        "border_side": pd.Series([], dtype=object),
        "row": pd.Series([], dtype=np.int64),
    })
    return gpd.GeoDataFrame(data, geometry=gpd.GeoSeries([], crs="EPSG:4326"), crs="EPSG:4326")


def _combine(*reasons: np.ndarray) -> np.ndarray:
    """Per row, every reason to skip it ('' when there is none): the first one's category,
    the others joined after its detail by '; '."""
    out = reasons[0].copy()
    for more in reasons[1:]:
        for i in np.flatnonzero(more != ""):
            out[i] = more[i] if out[i] == "" else Reason(out[i].category,
                                                        f"{out[i].detail}; {more[i]}")
    return out


# -- dates ---------------------------------------------------------------------------------


def _latest_date() -> pd.Timestamp:
    return pd.Timestamp.today().normalize() + pd.Timedelta(days=366)


def parse_dates(text: pd.Series, column: str) -> tuple[np.ndarray, np.ndarray]:
    """(datetime64 per row, reason per row: '' if the date is good).

    Each distinct text is parsed once (100,000 ACLED rows hold a few thousand dates), trying
    ``DATE_FORMATS`` in turn; ISO date-times ("2024-01-16 00:00:00.000", as UCDP writes
    them) count by their date.
    """
    codes, uniques = pd.factorize(text.fillna("").astype(str))
    distinct = pd.Series(np.asarray(uniques, dtype=object), dtype=object)
    is_iso_time = distinct.str.match(r"^\d{4}-\d{2}-\d{2}[T ]").fillna(False).astype(bool)
    norm = distinct.where(~is_iso_time, distinct.str.slice(0, 10))
    parsed = pd.Series(pd.NaT, index=distinct.index, dtype=DATE_DTYPE)
    for fmt in DATE_FORMATS:
        todo = (parsed.isna() & (norm != "")).to_numpy()
        if not todo.any():
            break
        got = pd.to_datetime(norm[todo], format=fmt, errors="coerce")
        parsed[todo] = got.astype(DATE_DTYPE) if got.notna().any() else pd.NaT
    latest = _latest_date()
    plausible = (parsed >= EARLIEST_DATE) & (parsed <= latest)
    reasons = np.full(len(distinct), "", dtype=object)
    for i in np.flatnonzero(~plausible.to_numpy()):
        reasons[i] = _date_reason(distinct.iat[i], norm.iat[i], column, parsed.iat[i], latest)
    parsed = parsed.where(plausible)
    return parsed.to_numpy(dtype=DATE_DTYPE)[codes], reasons[codes]


_NUMERIC_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})|(\d{1,2})[ ./-](\d{1,2})[ ./-](\d{4})")
_NAMED_DATE = re.compile(r"(\d{1,2})[ -]([A-Za-z]+)[ -](\d{4})")
_MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
_MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})


def _date_reason(raw: str, norm: str, column: str, parsed: Any, latest: pd.Timestamp) -> Reason:
    shown = f"{column} {quote(raw, 40)}"
    if raw == "":
        return Reason("missing date", f"{column} is empty")
    if not pd.isna(parsed):
        return Reason("implausible date", f"{shown} is before 1900 or after {latest.year}")
    ymd = None
    day_first = False  # the numeric form written day first (16/01/2024)
    if m := _NUMERIC_DATE.fullmatch(norm):
        ymd = (m[1], m[2], m[3]) if m[1] else (m[6], m[5], m[4])
        day_first = not m[1]
    elif (m := _NAMED_DATE.fullmatch(norm)) and m[2].lower() in _MONTHS:
        ymd = (m[3], str(_MONTHS[m[2].lower()]), m[1])
    if ymd is not None:
        year, month, day = (int(v) for v in ymd)
        if not 1 <= month <= 12:
            hint = " (dates like 16/01/2024 are read day first, as ACLED writes them)" if day_first else ""
            return Reason("impossible date", f"{shown} has no month {month}{hint}")
        try:
            dt.date(year, month, day)
        except ValueError:
            days = calendar.monthrange(year, month)[1] if year >= 1 else 31
            return Reason("impossible date", f"{shown} is not a day of the calendar "
                    f"({calendar.month_name[month]} {year} has {days} days)")
        return Reason("implausible date", f"{shown} is before 1900 or after {latest.year}")
    return Reason("unparseable date", f"{shown} is not a date (expected e.g. 16 January 2024 or "
            "2024-01-16)")


def _end_dates(fields: Fields, start: np.ndarray, rows: np.ndarray, keep: np.ndarray,
               notes: list[Problem]) -> np.ndarray:
    """End dates (NaT where none); a bad or earlier-than-start end is noted and dropped."""
    if fields.end is None:
        return np.full(len(start), np.datetime64("NaT"), dtype=DATE_DTYPE)
    end, why = parse_dates(fields.end, "end date")
    given = (fields.end != "").to_numpy()
    for i in np.flatnonzero(keep & given & (why != "")):
        notes.append(Problem(int(rows[i]), "bad end date", f"{why[i]}; the event is kept as one day"))
    before = keep & ~np.isnat(end) & ~np.isnat(start) & (end < start)
    for i in np.flatnonzero(before):
        notes.append(Problem(int(rows[i]), "end date before start",
                                           f"{pd.Timestamp(end[i]).date()} is before "
                                           f"{pd.Timestamp(start[i]).date()}; end left empty"))
    end = end.copy()
    end[before] = np.datetime64("NaT")
    return end


def _note_duplicates(ids: pd.Series, rows: np.ndarray, keep: np.ndarray, notes: list[Problem]) -> None:
    kept = ids[keep]
    dup = kept.duplicated(keep="first")
    if not dup.any():
        return
    first_row = dict(zip(kept[~dup].to_numpy(), rows[keep][~dup.to_numpy()], strict=True))
    for i, value in zip(np.flatnonzero(keep)[dup.to_numpy()], kept[dup].to_numpy(), strict=True):
        notes.append(Problem(int(rows[i]), "duplicate id", f"{quote(value, 40)} is also on row "
                                           f"{first_row[value]}; both kept"))


# -- coordinates ---------------------------------------------------------------------------


def _in_box(lon: np.ndarray, lat: np.ndarray, box: tuple[float, float, float, float]) -> np.ndarray:
    return (lon >= box[0]) & (lon <= box[2]) & (lat >= box[1]) & (lat <= box[3])


def _numbers(text: pd.Series) -> np.ndarray:
    """Decimal degrees from text ('61,5' read as 61.5); NaN where the text is not a number."""
    text = text.str.replace(",", ".", regex=False)
    if text.dtype == "str":  # Arrow's own parser, when every text is a number or empty
        import pyarrow as pa
        import pyarrow.compute as pc

        values = pa.array(text)
        try:
            parsed = pc.cast(pc.if_else(pc.equal(values, ""), None, values), pa.float64())
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            pass  # a text Arrow does not read as a number: pandas names which, below
        else:
            return np.array(parsed.to_numpy(zero_copy_only=False), dtype=float)  # writable
    number = pd.to_numeric(text, errors="coerce")
    return np.array(number.to_numpy(dtype=float, na_value=np.nan), dtype=float)  # writable


def _g(value: float) -> str:
    return f"{value:.6g}"


def _coordinates(fields: Fields, raw: RawTable) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[tuple[int, Reason]]]:
    """(lon, lat, reason to skip per row, [(row index, note)]) with swaps fixed where sure."""
    if raw.lon is not None and raw.lat is not None:
        lon, lat = raw.lon.astype(float).copy(), raw.lat.astype(float).copy()
        lon_text = lat_text = None
        missing = np.zeros(len(lon), dtype=bool)
    else:
        assert fields.lon_text is not None and fields.lat_text is not None
        lon_text, lat_text = fields.lon_text, fields.lat_text
        lon, lat = _numbers(lon_text), _numbers(lat_text)
        missing = ((lon_text == "") | (lat_text == "")).to_numpy()
    with np.errstate(invalid="ignore"):
        non_numeric = ~missing & ~(np.isfinite(lon) & np.isfinite(lat))
        usable = ~missing & ~non_numeric
        notes: list[tuple[int, Reason]] = []
        # 1. A latitude beyond ±90 beside a longitude that would be a valid latitude, when
        #    the swapped point is plausible: near the file's other points or the atlas's region.
        swap_candidate = usable & (np.abs(lat) > 90) & (np.abs(lon) <= 90) & (np.abs(lat) <= 180)
        plausible = _in_box(lat, lon, NEIGHBOURHOOD_BOX)
        given_ok = usable & ~swap_candidate & (np.abs(lat) <= 90) & (np.abs(lon) <= 180)
        others = _points_box(lon[given_ok], lat[given_ok])
        if others is not None:
            plausible |= _in_box(lat, lon, others)
        swap_sure = swap_candidate & plausible
        implausible_swap = swap_candidate & ~plausible
        for i in np.flatnonzero(swap_sure):
            notes.append((int(i), Reason("swapped latitude/longitude", f"latitude {_g(lat[i])} is beyond ±90 "
                             f"and longitude {_g(lon[i])} is a valid latitude; read as latitude "
                             f"{_g(lon[i])}, longitude {_g(lat[i])}")))
        # 2. Both valid, but only the swapped point is in the region, and the row's country
        #    agrees; without a country the point is kept as given and flagged.
        in_range = (np.abs(lat) <= 90) & (np.abs(lon) <= 180)
        looks_swapped = (usable & ~swap_sure & in_range & (np.abs(lon) <= 90)
                         & ~_in_box(lon, lat, NEIGHBOURHOOD_BOX) & _in_box(lat, lon, REGION_BOX))
        country = fields.country.to_numpy()
        region_country = np.isin(country, list(REGION_COUNTRIES))
        swap_by_region = looks_swapped & region_country
        for i in np.flatnonzero(swap_by_region):
            notes.append((int(i), Reason("swapped latitude/longitude", f"as given (latitude {_g(lat[i])}, "
                             f"longitude {_g(lon[i])}) the point is far from {country[i]}; "
                             f"swapped it lies in the border region; read as latitude "
                             f"{_g(lon[i])}, longitude {_g(lat[i])}")))
        for i in np.flatnonzero(looks_swapped & (country == "")):
            notes.append((int(i), Reason("possibly swapped latitude/longitude", f"as given (latitude "
                             f"{_g(lat[i])}, longitude {_g(lon[i])}) the point is far from the "
                             "region and swapped it would be in it; kept as given (no country "
                             "to confirm)")))
        swap = swap_sure | swap_by_region
        lon[swap], lat[swap] = lat[swap], lon[swap].copy()
        out_of_range = usable & ~((np.abs(lat) <= 90) & (np.abs(lon) <= 180))
        null_island = usable & ~out_of_range & (lat == 0) & (lon == 0)
    reasons = np.full(len(lon), "", dtype=object)
    for i in np.flatnonzero(missing):
        empty = [a for a, t in (("latitude", lat_text), ("longitude", lon_text))
                 if t is not None and t.iat[i] == ""]
        reasons[i] = Reason("missing coordinates", f"{' and '.join(empty)} empty")
    for i in np.flatnonzero(non_numeric):
        reasons[i] = _non_numeric_reason(int(i), lon, lat, lon_text, lat_text)
    for i in np.flatnonzero(out_of_range):
        hint = (" — projected coordinates? they must be WGS84 longitude/latitude"
                if max(abs(lon[i]), abs(lat[i])) > 1000 else "")
        reasons[i] = Reason("coordinates out of range", f"latitude {_g(lat[i])}, longitude {_g(lon[i])} "
                      f"(latitude must be within ±90, longitude within ±180){hint}")
    for i in np.flatnonzero(null_island):
        reasons[i] = Reason("placeholder coordinates", "latitude 0, longitude 0 stands for an unknown "
                      "location")
    for i in np.flatnonzero(implausible_swap):
        reasons[i] = Reason("coordinates out of range", f"latitude {_g(lat[i])} is beyond ±90; read the "
                      f"other way round (latitude {_g(lon[i])}, longitude {_g(lat[i])}) the point "
                      "would be far from the file's other points and from the atlas's region, "
                      "so it was not swapped")
    return lon, lat, reasons, notes


def _points_box(lon: np.ndarray, lat: np.ndarray) -> tuple[float, float, float, float] | None:
    """The box around points with a margin (a tenth of its size, at least ``SWAP_MARGIN_DEG``)."""
    if not lon.size:
        return None
    x0, x1, y0, y1 = lon.min(), lon.max(), lat.min(), lat.max()
    mx = max(SWAP_MARGIN_DEG, (x1 - x0) / 10)
    my = max(SWAP_MARGIN_DEG, (y1 - y0) / 10)
    return (x0 - mx, y0 - my, x1 + mx, y1 + my)


def _non_numeric_reason(i: int, lon: np.ndarray, lat: np.ndarray, lon_text: pd.Series | None,
                        lat_text: pd.Series | None) -> Reason:
    bad = []
    for axis, values, text in (("latitude", lat, lat_text), ("longitude", lon, lon_text)):
        if not np.isfinite(values[i]):
            shown = quote(text.iat[i], 30) if text is not None else _g(values[i])
            bad.append(f"{axis} {shown}")
    return Reason("non-numeric coordinates", f"{' and '.join(bad)} not a number in decimal degrees"
            if bad else "")
