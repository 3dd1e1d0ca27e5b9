"""From an upload's bytes to a table of texts: size limit, zip, encoding, format, parsing.

Everything read here is data. Texts are never evaluated; a GeoPackage is opened read-only
from a private temporary directory that is deleted as soon as it has been read.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import lzma
import math
import os
import re
import sqlite3
import tempfile
import warnings
import zipfile
import zlib
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np
import pandas as pd

import shapely
from pyproj import CRS, Transformer
from pyproj.exceptions import CRSError

from geo._bounded import JsonTooCostly, NotARegularFile, read_at_most, scan_json
from geo.errors import EventImportError
from geo.imports.budget import checkpoint
from geo.imports.problems import Problem, Reason, fmt_size, quote, row_key
from geo.limits import (
    GPKG_SQL_STEPS,
    MAX_COLUMNS,
    MAX_FIELD_CHARS,
    MAX_HEADER_CHARS,
    MAX_JSON_CONTAINERS,
    MAX_JSON_DEPTH,
    MAX_LINE_BYTES,
    MAX_ROWS,
)

SQLITE_MAGIC = b"SQLite format 3\x00"
ZIP_MAGIC = b"PK\x03\x04"
CSV_SUFFIXES = (".csv", ".txt", ".tsv")
JSON_SUFFIXES = (".geojson", ".json")
GPKG_SUFFIXES = (".gpkg",)
ARCHIVE_MEMBERS = CSV_SUFFIXES + JSON_SUFFIXES + GPKG_SUFFIXES
DELIMITERS = (",", ";", "\t")
CSV_CHUNK_ROWS = 50_000  # rows (or features) read between two checks of the import's budget
_WGS84 = CRS.from_epsg(4326)


@dataclass
class RawTable:
    """An upload parsed into rows of text, before any field is interpreted.

    ``table`` has one row per record, lower-case column names and text values ('' where
    empty). ``lon``/``lat`` hold the geometry's coordinates for GeoJSON and GeoPackage
    (already in WGS84) and are None for CSV, whose coordinates are columns of ``table``.
    """

    kind: str  # "csv", "geojson" or "gpkg"
    table: pd.DataFrame
    rows: np.ndarray
    rows_read: int
    lon: np.ndarray | None = None
    lat: np.ndarray | None = None
    problems: list[Problem] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)
    delimiter: str = ","


# -- getting the bytes ---------------------------------------------------------------------


def read_bytes(source: Any, *, filename: str | None, max_bytes: int) -> tuple[bytes, str]:
    """The upload's bytes and the name to call it by, refusing anything over ``max_bytes``."""
    if isinstance(source, bytes | bytearray | memoryview):
        data = bytes(source)
        label = filename or "upload"
    elif isinstance(source, str | os.PathLike):
        path = Path(source)
        label = filename or path.name or str(path)
        try:
            data = read_at_most(path, max_bytes)
        except NotARegularFile:
            raise EventImportError(f"{quote(label)}: not a regular file (a device, pipe or "
                                   "socket); import a file saved on disk") from None
        except FileNotFoundError:
            hint = (" (this looks like file contents: pass them as bytes, e.g. text.encode())"
                    if isinstance(source, str) and "\n" in source else "")
            raise EventImportError(f"{quote(label)}: file not found{hint}") from None
        except IsADirectoryError:
            raise EventImportError(f"{quote(label)}: is a folder, not a file") from None
        except OSError as exc:
            raise EventImportError(f"{quote(label)}: cannot be read ({exc.strerror or exc})") from None
    elif hasattr(source, "read"):
        label = filename or Path(str(getattr(source, "name", "") or "upload")).name
        size = getattr(source, "size", None)  # Streamlit's UploadedFile knows its size
        if isinstance(size, int) and size > max_bytes:
            raise EventImportError(_too_big(label, size, max_bytes))
        data = _read_stream(source, max_bytes)
    else:
        raise TypeError(f"import_events takes bytes, a path or a binary file, not {type(source).__name__}")
    if len(data) > max_bytes:
        raise EventImportError(_too_big(label, len(data), max_bytes,
                                        at_least=not isinstance(source, bytes | bytearray | memoryview)))
    return data, label


def _read_stream(stream: BinaryIO, max_bytes: int) -> bytes:
    chunk = stream.read(max_bytes + 1)
    if isinstance(chunk, str):
        return chunk.encode("utf-8")
    return bytes(chunk)


def _too_big(label: str, size: int, limit: int, *, at_least: bool = False) -> str:
    more = "more than " if at_least else ""
    return (f"{quote(label)} is {more}{fmt_size(size)}, over the import limit of "
            f"{fmt_size(limit)} ({limit:,} bytes); export a smaller date range or region and "
            "import that")


def unzip(data: bytes, label: str, *, max_bytes: int) -> tuple[bytes, str]:
    """The one CSV, GeoJSON or GeoPackage inside a zip archive (UCDP ships GED zipped)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = [
                info for info in archive.infolist()
                # (not ``is_dir()``: it fails on a member whose name is empty)
                if not info.filename.endswith("/") and not info.filename.startswith("__MACOSX/")
                and info.filename.lower().endswith(ARCHIVE_MEMBERS)
            ]
            if len(members) != 1:
                names = ", ".join(quote(i.filename) for i in archive.infolist()[:10]) or "nothing"
                what = "no" if not members else "more than one"
                raise EventImportError(
                    f"{quote(label)}: a zip archive with {what} CSV, GeoJSON or GeoPackage file "
                    f"inside (it holds {names}); import one file"
                    + (" — an Excel workbook must first be saved as CSV" if
                       any(i.filename.startswith("xl/") for i in archive.infolist()) else ""))
            info = members[0]
            inner = f"{label}/{Path(info.filename).name}"
            if info.file_size > max_bytes:
                raise EventImportError(_too_big(inner, info.file_size, max_bytes))
            with archive.open(info) as member:
                content = member.read(max_bytes + 1)  # the header's size may lie
            if len(content) > max_bytes:
                raise EventImportError(_too_big(inner, len(content), max_bytes, at_least=True))
            return content, inner
    except EventImportError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError,
            EOFError, OSError, ValueError, zlib.error, lzma.LZMAError) as exc:
        raise EventImportError(f"{quote(label)}: a damaged or unsupported zip archive ({exc})") from None


# -- text ----------------------------------------------------------------------------------


def decode(data: bytes, label: str) -> tuple[str, str, list[Problem]]:
    """(text, codec, notes): UTF-8 (with or without BOM), UTF-16 with a BOM, else cp1252/latin-1."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "utf-16", [
                Problem(None, "encoding", "the file is UTF-16 (Excel's 'Unicode text'); read as such")]
        except UnicodeDecodeError as exc:
            raise EventImportError(f"{quote(label)}: starts like UTF-16 text but is not ({exc.reason})") from None
    try:
        return data.decode("utf-8-sig"), "utf-8-sig", []
    except UnicodeDecodeError as exc:
        where = f"byte 0x{data[exc.start]:02X} at offset {exc.start:,}"
    for codec, name in (("cp1252", "Windows-1252 (cp1252)"), ("latin-1", "Latin-1 (ISO 8859-1)")):
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        return text, codec, [Problem(None, "encoding", f"the file is not UTF-8 ({where}); read as "
                                           f"{name}; check that names with accents look right")]
    raise AssertionError("latin-1 decodes any bytes")  # pragma: no cover


def sniff_kind(data: bytes, text: str | None, filename: str) -> str:
    """'gpkg', 'geojson' or 'csv', from the content first and the file name second."""
    name = filename.lower()
    if data.startswith(SQLITE_MAGIC):
        return "gpkg"
    if name.endswith(GPKG_SUFFIXES):
        raise EventImportError(f"{quote(filename)}: named .gpkg but is not a GeoPackage "
                               "(no SQLite header)")
    assert text is not None
    head = text.lstrip()[:1]
    if head in ("{", "[") or name.endswith(JSON_SUFFIXES):
        return "geojson"
    return "csv"


# -- CSV -----------------------------------------------------------------------------------


def _delimiter(header: str) -> str:
    counts = {d: header.count(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])  # ties go to the comma (first)
    return best if counts[best] else ","


def _header_end(text: str) -> int | None:
    """Where the header line ends (a line break outside quotes), looking no further than the limit."""
    head = text[: MAX_HEADER_CHARS + 1]
    quotes, pos = 0, 0
    for brk in _LINE_BREAK.finditer(head):
        quotes += head.count('"', pos, brk.start())
        pos = brk.start()
        if quotes % 2 == 0:
            return brk.start()
    return None if len(text) > MAX_HEADER_CHARS else len(text)


_LINE_BREAK = re.compile(r"[\r\n]")
_BLANK_LINE = re.compile(r"^[ \t\r]*$", re.MULTILINE)
_BLANK_BYTES_LINE = re.compile(rb"^[ \t\r]*$", re.MULTILINE)


def read_header(text: str, label: str) -> tuple[list[str], str, int]:
    """(header fields, delimiter, where the header ends), checked against the limits.

    The header is read here, from at most ``MAX_HEADER_CHARS`` characters, and its columns
    are counted before any parser sees them: pandas renames duplicate names in time that
    grows with the square of their number, so a bomb must never reach it.
    """
    _check_header_quotes(text, label)
    end = _header_end(text)
    if end is None:
        raise EventImportError(f"{quote(label)}: the header row is longer than the limit of "
                               f"{MAX_HEADER_CHARS:,} characters; is this a CSV export?")
    line = text[:end]
    sep = _delimiter(line)
    if line.count(sep) >= MAX_COLUMNS:  # fields >= separators + 1; quoted ones counted once below
        fields = next(csv.reader([line], delimiter=sep), [])
        if len(fields) > MAX_COLUMNS:
            raise EventImportError(f"{quote(label)}: the header has {len(fields):,} columns, over "
                                   f"the limit of {MAX_COLUMNS:,}; ACLED has 31, UCDP GED 47")
    try:
        fields = next(csv.reader([line], delimiter=sep), [])
    except csv.Error as exc:
        raise EventImportError(f"{quote(label)}: the header row cannot be read as CSV ({exc})") from None
    if not fields or all(not f.strip() for f in fields):
        raise EventImportError(f"{quote(label)}: has no header row")
    return fields, sep, end


def _check_header_quotes(text: str, label: str) -> None:
    """Refuse a header whose first line leaves a quote open: names cannot span lines, so the
    quote would swallow the rows after it and leave nothing to import."""
    head = text[: MAX_HEADER_CHARS + 1]
    brk = _LINE_BREAK.search(head)
    if brk is None or head.count('"', 0, brk.start()) % 2 == 0:
        return
    line = head[: brk.start()]
    at = line.rfind('"')
    column = line.count(",", 0, at) + line.count(";", 0, at) + line.count("\t", 0, at) + 1
    raise EventImportError(f"{quote(label)}: the header row has an unclosed quote (character "
                           f"{at + 1:,}, column {column:,}: {quote(line[at:at + 30])}); a column "
                           "name cannot run over lines, so it would swallow every row: close or "
                           "remove the quote")


def _check_lines(data: bytes, label: str) -> None:
    """Refuse a CSV with more rows or a longer line than the limits, before it is parsed."""
    lines = data.count(b"\n")
    if lines > MAX_ROWS:
        raise EventImportError(f"{quote(label)}: has {lines:,} lines, over the limit of "
                               f"{MAX_ROWS:,} rows; export a smaller date range or region")
    if len(data) > MAX_LINE_BYTES and _may_hold_a_long_line(data):
        breaks = np.flatnonzero(np.frombuffer(data, dtype=np.uint8) == 10)
        edges = np.concatenate(([-1], breaks, [len(data)]))
        longest = int(np.diff(edges).max()) - 1
        if longest > MAX_LINE_BYTES:
            raise EventImportError(f"{quote(label)}: has a line of {fmt_size(longest)}, over the "
                                   f"limit of {fmt_size(MAX_LINE_BYTES)} for one line")


def _may_hold_a_long_line(data: bytes) -> bool:
    """False when every line is surely within ``MAX_LINE_BYTES``: a line longer than that
    holds a whole aligned block of half its length, so a line break in every such block
    rules one out (each search stops at the block's first break, a few hundred bytes in)."""
    half = MAX_LINE_BYTES // 2
    return any(data.find(b"\n", start, start + half) < 0 for start in range(0, len(data) - half + 1, half))


def read_csv(data: bytes, text: str | list[str], codec: str, label: str) -> RawTable:
    """Parse CSV text into a table of strings; rows with too many fields are reported.

    The header is read and checked first (``read_header``). The fast path is pandas' C
    parser, given the header's names made unique. A file it cannot take as it is (a row
    with more fields than the header) is parsed again with the csv module, row by row, so
    the bad rows can be named and the good ones kept.

    ``text`` is ``data`` decoded by ``codec``; handed over in a one-item list (emptied here),
    a UTF-8 file's text is let go once the header is read: the parsers read the bytes, its
    lines are counted in the bytes (the same line breaks at the same places), and the slow
    path decodes the bytes again. A million rows then never hold the file twice.
    """
    if isinstance(text, list):
        text = text.pop()
    header, sep, header_end = read_header(text, label)
    source: str | bytes = text
    if codec in UTF8_CODECS:
        bom = len(codecs.BOM_UTF8) if codec == "utf-8-sig" and data.startswith(codecs.BOM_UTF8) else 0
        header_end = bom + len(text[:header_end].encode("utf-8"))
        source = data
    del text
    _check_lines(data, label)
    names = [c.strip().lower() for c in header]
    unique = _unique_names(names)
    problems: list[Problem] = []
    arrow = None
    try:
        frame = arrow = _read_csv_arrow(data, sep, codec, unique)
        if frame is None:
            frame = _read_csv_in_chunks(data, sep, codec, unique)
        rows = np.arange(2, len(frame) + 2)
    except pd.errors.EmptyDataError:
        raise EventImportError(f"{quote(label)}: has no header row") from None
    except (pd.errors.ParserError, pd.errors.ParserWarning, ValueError, UnicodeError,
            OverflowError, csv.Error):
        text = source if isinstance(source, str) else data.decode(codec)
        _, frame, rows, problems = _read_csv_slowly(text, sep, label)
        del text
        frame.columns = unique
    if arrow is None:  # Arrow was told that no value is missing: its table needs no copy
        frame = frame.fillna("")
    del arrow
    frame, rows = _drop_blank_rows(frame, rows)
    notes = _duplicate_columns(frame, names, unique, label)
    frame, rows, more_problems, more_notes = _multiline_fields(frame, rows, source, header_end,
                                                               len(problems))
    problems += more_problems
    frame, rows, long_problems = drop_long_fields(frame, rows, file_bytes=len(data))
    problems += long_problems
    frame = frame.reset_index(drop=True)
    n_read = len(frame) + len(problems)
    return RawTable("csv", frame, rows, n_read, problems=sorted(problems, key=row_key),
                    notes=notes + more_notes, delimiter=sep)


# Codecs whose text is the bytes' own: a character below 128 is that byte, and no byte of a
# longer character is below 128, so line breaks and blank lines are where the bytes have them.
UTF8_CODECS = ("utf-8-sig", "utf-8")


def drop_long_fields(frame: pd.DataFrame, rows: np.ndarray, *, file_bytes: int | None = None,
                     ) -> tuple[pd.DataFrame, np.ndarray, list[Problem]]:
    """Rows with a value over ``MAX_FIELD_CHARS`` skipped, each naming the column and length.

    ``file_bytes``: the size of the text file the values were read from, when there was one;
    a file no larger than the limit cannot hold a longer value (every codec read here takes
    at least one byte a character), so it is not searched.
    """
    if file_bytes is not None and file_bytes <= MAX_FIELD_CHARS:
        return frame, rows, []
    skip = np.zeros(len(frame), dtype=bool)
    problems = []
    for column in frame.columns:
        if _surely_short(frame[column]):
            continue
        lengths = frame[column].str.len().fillna(0).to_numpy()
        for i in np.flatnonzero((lengths > MAX_FIELD_CHARS) & ~skip):
            problems.append(Problem(int(rows[i]), "value too long", f"{quote(column, 40)} holds "
                                    f"{int(lengths[i]):,} characters, over the limit of "
                                    f"{MAX_FIELD_CHARS:,} for one value (MAX_FIELD_CHARS)"))
            skip[i] = True
    if not skip.any():
        return frame, rows, []
    return frame[~skip], rows[~skip], problems


def _surely_short(column: pd.Series) -> bool:
    """True when no value of a text column can be over ``MAX_FIELD_CHARS``: a character is at
    least one byte of UTF-8, so the longest value in bytes bounds them all (one Arrow pass,
    with no count of characters)."""
    if column.dtype != "str" or not len(column):
        return False
    import pyarrow as pa
    import pyarrow.compute as pc

    longest = pc.max(pc.binary_length(pa.array(column))).as_py()
    return longest is None or longest <= MAX_FIELD_CHARS


# Bytes of CSV Arrow parses between two checks of the budget. 1 MB blocks stay in the
# processor's cache: 100,000 ACLED rows parse in ~60 ms instead of ~90 ms with 8 MB blocks,
# and the import's peak memory is ~50 MB lower (bench/import_bench.py).
ARROW_BLOCK_BYTES = 1 << 20


def _read_csv_arrow(data: bytes, sep: str, codec: str, names: list[str]) -> pd.DataFrame | None:
    """Arrow's CSV reader, a block at a time with a ``checkpoint()`` between; None when the
    file is one it does not read exactly as pandas' C parser would.

    Arrow builds its string columns in place, with no Python object per value, so a UTF-8
    file reads in about a third of the time and memory of pandas' parser. It reads quotes,
    doubled quotes, line breaks inside quotes, blank lines and bare carriage returns as the
    C parser does; what it does otherwise is left to that parser: any row with fewer or more
    fields than the header (Arrow refuses it; pandas pads a short row and the slow path
    names a long one), text that is not UTF-8, and an odd number of quote characters (a
    quote left open at the end, which Arrow would read to the end of the file and pandas
    refuses; a file that does not end in a line break, or whose last row ends in one, is
    left to pandas too, as a quote opened in the last row and left open (an even number of
    quote characters all the same, beside a bare quote) ends its value in the file's last
    line break).
    """
    if codec != "utf-8-sig" or data.count(b'"') % 2 or not data.endswith((b"\n", b"\r")):
        return None
    import pyarrow as pa
    import pyarrow.csv as pacsv

    # The header was read and checked already (read_header): skip it and use its unique names.
    read = pacsv.ReadOptions(column_names=names, skip_rows=1, block_size=ARROW_BLOCK_BYTES,
                             use_threads=False)
    parse = pacsv.ParseOptions(delimiter=sep, quote_char='"', double_quote=True,
                               newlines_in_values=True, ignore_empty_lines=False)
    # large strings: what pandas keeps its "str" columns in, so they are not copied into it
    convert = pacsv.ConvertOptions(column_types=dict.fromkeys(names, pa.large_string()),
                                   strings_can_be_null=False, quoted_strings_can_be_null=False)
    batches = []
    try:
        with pacsv.open_csv(pa.py_buffer(data), read_options=read, parse_options=parse,
                            convert_options=convert) as reader:
            for batch in reader:
                batches.append(batch)
                checkpoint()
            schema = reader.schema
    except pa.ArrowException:  # a row wider or narrower than the header, or not UTF-8
        return None
    table = pa.Table.from_batches(batches, schema=schema)
    del batches
    if table.num_rows and any(str(value).endswith(("\n", "\r"))
                              for value in table.slice(table.num_rows - 1).to_pylist()[0].values()):
        return None  # maybe a quote left open: Arrow read on to the end, pandas' parser refuses
    string = pd.StringDtype("pyarrow", na_value=np.nan)  # pandas' "str", as the C parser gives
    return table.to_pandas(types_mapper={pa.large_string(): string}.get, self_destruct=True)


def _read_csv_in_chunks(data: bytes, sep: str, codec: str, names: list[str]) -> pd.DataFrame:
    """pandas' C parser, ``CSV_CHUNK_ROWS`` rows at a time with a ``checkpoint()`` between.

    Raises ValueError (or pandas' ParserError/ParserWarning) for a row wider than the header.
    """
    chunks = []
    with warnings.catch_warnings():  # a row wider than the header: read it slowly, below
        warnings.simplefilter("error", pd.errors.ParserWarning)
        with pd.read_csv(
            io.BytesIO(data), sep=sep, dtype=str, na_filter=False, keep_default_na=False,
            skip_blank_lines=False, encoding=codec, engine="c", quotechar='"',
            header=0, names=names, chunksize=CSV_CHUNK_ROWS,
        ) as reader:
            for chunk in reader:
                if not isinstance(chunk.index, pd.RangeIndex):  # pandas took column 1 as an index
                    raise ValueError("more fields than header")
                chunks.append(chunk)
                checkpoint()
    if not chunks:
        return pd.DataFrame({n: pd.Series([], dtype=str) for n in names})
    return pd.concat(chunks, ignore_index=True) if len(chunks) > 1 else chunks[0]


def _drop_blank_rows(frame: pd.DataFrame, rows: np.ndarray) -> tuple[pd.DataFrame, np.ndarray]:
    """The table without rows whose every field is blank (blank lines in the file)."""
    if not len(frame):
        return frame, rows
    maybe_blank = np.flatnonzero((frame.iloc[:, 0] == "").to_numpy())
    if not maybe_blank.size:
        return frame, rows
    sub = frame.iloc[maybe_blank]
    blank = maybe_blank[(sub.apply(lambda c: c.str.strip() == "")).all(axis=1).to_numpy()]
    keep = np.ones(len(frame), dtype=bool)
    keep[blank] = False
    return frame[keep], rows[keep]


def _duplicate_columns(frame: pd.DataFrame, names: list[str], unique: list[str],
                       label: str) -> list[Problem]:
    """Notes on repeated column names: the first is used; refused when the copies disagree."""
    notes = []
    first_at: dict[str, int] = {}
    for i, name in enumerate(names):
        if name not in first_at:
            first_at[name] = i
            continue
        j = first_at[name]
        differ = np.flatnonzero((frame.iloc[:, j].str.strip() != frame.iloc[:, i].str.strip()).to_numpy())
        if differ.size:
            raise EventImportError(
                f"{quote(label)}: the column {quote(name, 40)} appears twice (columns {j + 1} "
                f"and {i + 1}) and the two disagree on {differ.size:,} rows; keep one and import again")
        notes.append(Problem(None, "duplicate column", f"{quote(name, 40)} appears as columns "
                                   f"{j + 1} and {i + 1} with the same values; column {j + 1} "
                                   f"was used, column {i + 1} ({unique[i]}) ignored"))
    return notes


# Columns of ACLED and UCDP GED exports that hold free text, where a line break can be real;
# every other column (ids, dates, codes, names, coordinates) is one line.
MULTILINE_COLUMNS = frozenset({"notes", "source", "tags", "source_article", "source_headline",
                               "source_original", "source_office", "where_description"})


def _multiline_fields(frame: pd.DataFrame, rows: np.ndarray, text: str | bytes, header_end: int,
                      refused: int) -> tuple[pd.DataFrame, np.ndarray, list[Problem], list[Problem]]:
    """Rows whose fields span lines where the format allows none, skipped; and a note when the
    file's lines and the rows read disagree.

    A line break is allowed only in a free-text column (``MULTILINE_COLUMNS``), and even
    there a field whose lines look like rows of the file (as many delimiters as a row has)
    is an unclosed quote that swallowed the rows after it: the row is skipped. ``text`` is the
    file's text, or its bytes when they are UTF-8 (``header_end`` then counts bytes).
    """
    start, end = _body_span(text, header_end)  # the text after the header, line breaks trimmed
    if isinstance(text, bytes):
        breaks = text.count(b"\n", start, end) or text.count(b"\r", start, end)
    else:
        breaks = text.count("\n", start, end) or text.count("\r", start, end)
    lines = breaks + 1 if end > start else 0
    read = len(frame) + refused
    if lines <= read or not len(frame):
        return frame, rows, [], []
    if isinstance(text, bytes):
        lines -= sum(1 for _ in _BLANK_BYTES_LINE.finditer(text[start:end]))
    else:
        lines -= sum(1 for _ in _BLANK_LINE.finditer(text[start:end]))
    if lines <= read:
        return frame, rows, [], []
    width = len(frame.columns)
    skip = np.zeros(len(frame), dtype=bool)
    problems = []
    for column in frame.columns:
        values = frame[column]
        spans = np.flatnonzero(values.str.contains("[\r\n]", regex=True).to_numpy() & ~skip)
        for i in spans:
            value = values.iat[i]
            n_lines = len(value.splitlines())
            looks_like_rows = max(line.count(",") + line.count(";") + line.count("\t")
                                  for line in value.splitlines()) >= max(width // 2, 2)
            if column in MULTILINE_COLUMNS and not looks_like_rows:
                continue
            why = ("its lines look like rows of the file: an unclosed quote swallowed them"
                   if looks_like_rows else "this column has no line breaks in ACLED or UCDP GED")
            problems.append(Problem(int(rows[i]), "multi-line field", f"{quote(column, 40)} runs over "
                                                  f"{n_lines} lines ({why}); row skipped"))
            skip[i] = True
    note = Problem(None, "line count", f"the file has {lines:,} lines of rows, read as {read:,} "
                         "rows: some quoted fields run over several lines")
    return frame[~skip], rows[~skip], problems, [note]


_LEADING_BREAKS = re.compile(r"[\r\n]*")
_LEADING_BYTE_BREAKS = re.compile(rb"[\r\n]*")


def _body_span(text: str | bytes, header_end: int) -> tuple[int, int]:
    """Where ``text[header_end:].strip("\\r\\n")`` would start and end, without the copy."""
    if isinstance(text, bytes):
        start = _LEADING_BYTE_BREAKS.match(text, header_end).end()  # type: ignore[union-attr]
        end = len(text)
        while end > start and text[end - 1] in (10, 13):  # a byte of b"\n" or b"\r"
            end -= 1
    else:
        start = _LEADING_BREAKS.match(text, header_end).end()  # type: ignore[union-attr]
        end = len(text)
        while end > start and text[end - 1] in "\r\n":
            end -= 1
    return start, end


def _read_csv_slowly(text: str, sep: str, label: str) -> tuple[list[str], pd.DataFrame, np.ndarray, list[Problem]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
    try:
        header = next(reader, [])
    except csv.Error as exc:
        raise EventImportError(f"{quote(label)}: the header row cannot be read as CSV ({exc})") from None
    if not header or all(not h.strip() for h in header):
        raise EventImportError(f"{quote(label)}: has no header row")
    width = len(header)
    good: list[list[str]] = []
    rows: list[int] = []
    problems: list[Problem] = []
    record = 1
    while True:
        record += 1
        if record % CSV_CHUNK_ROWS == 0:
            checkpoint()
        try:
            fields = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:  # e.g. an unclosed quote swallowing the rest of the file
            problems.append(Problem(record, "unreadable CSV", f"{exc}; this row and the rest of the "
                                            "file were not read (an unclosed quote?)"))
            break
        while len(fields) > width and fields[-1] == "":  # a trailing delimiter
            fields.pop()
        if len(fields) > width:
            problems.append(Problem(record, "too many fields", f"{len(fields)} where the header "
                                            f"has {width} (an unquoted {_sep_name(sep)} inside a text?)"))
            continue
        if len(fields) < width:
            fields = fields + [""] * (width - len(fields))
        good.append(fields)
        rows.append(record)
    frame = pd.DataFrame(good, columns=range(width), dtype=str) if good else pd.DataFrame(
        {i: pd.Series([], dtype=str) for i in range(width)})
    return header, frame, np.asarray(rows, dtype=int), problems


def _sep_name(sep: str) -> str:
    return {",": "comma", ";": "semicolon", "\t": "tab"}[sep]


def _unique_names(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for name in names:
        if name in seen:
            seen[name] += 1
            name = f"{name}.{seen[name]}"
        else:
            seen[name] = 0
        out.append(name)
    return out


# -- GeoJSON -------------------------------------------------------------------------------


def as_text(value: Any) -> str:
    """A property value as text: '' for null, sources lists as 'title (publisher, date) url'."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):  # numpy floats too: repr(float(...)) avoids 'np.float64(...)'
        return "" if math.isnan(value) else repr(float(value))
    if isinstance(value, list | tuple):
        return "; ".join(t for t in (_source_text(v) if isinstance(v, Mapping) else as_text(v)
                                     for v in value) if t)
    if isinstance(value, Mapping):
        return _source_text(value)
    return str(value)


def _source_text(item: Mapping[str, Any]) -> str:
    if any(k in item for k in ("title", "url", "publisher")):
        meta = ", ".join(as_text(item[k]) for k in ("publisher", "date") if item.get(k))
        parts = [as_text(item.get("title")), f"({meta})" if meta else "", as_text(item.get("url"))]
        return " ".join(p for p in parts if p)
    try:
        return json.dumps(item, ensure_ascii=False, default=str)
    except (TypeError, ValueError):
        return str(item)


def _crs_of(collection: Mapping[str, Any], label: str) -> CRS | None:
    """The CRS a (2008-style) GeoJSON names, None for WGS84 or none given (RFC 7946)."""
    crs = collection.get("crs")
    if crs is None:
        return None
    name = None
    if isinstance(crs, Mapping) and isinstance(crs.get("properties"), Mapping):
        name = crs["properties"].get("name")
    if not isinstance(name, str) or not name.strip():
        raise EventImportError(f"{quote(label)}: its 'crs' member names no coordinate system "
                               f"({quote(crs)}); save the file as WGS84 (EPSG:4326)")
    try:
        parsed = CRS.from_user_input(name)
    except CRSError:
        raise EventImportError(f"{quote(label)}: coordinate system {quote(name)} is unknown; "
                               "save the file as WGS84 (EPSG:4326)") from None
    _check_crs_kind(parsed, label)
    return None if _is_wgs84(parsed) else parsed


def _check_crs_kind(crs: CRS, label: str) -> None:
    """Refuse a CRS that is neither geographic nor projected (geocentric, engineering, ...)."""
    if not (crs.is_geographic or crs.is_projected):
        raise EventImportError(
            f"{quote(label)}: coordinate system {quote(crs.name, 40)} is neither geographic "
            "(longitude/latitude) nor projected (e.g. UTM), so its points cannot be placed on "
            "the map; save the file as WGS84 (EPSG:4326)")


def _is_wgs84(crs: CRS) -> bool:
    return crs.to_epsg() == 4326 or crs.equals(CRS.from_user_input("OGC:CRS84")) or crs.equals(_WGS84)


def _point_xy(geometry: Any) -> tuple[float, float] | Reason:
    """(x, y) of a Point (or a one-point MultiPoint), or why there is none."""
    if geometry is None:
        return Reason("missing geometry", "the feature has no geometry")
    if not isinstance(geometry, Mapping):
        return Reason("missing geometry", "'geometry' is not an object")
    gtype = geometry.get("type")
    coords = geometry.get("coordinates")
    if gtype == "MultiPoint" and isinstance(coords, list) and len(coords) == 1:
        gtype, coords = "Point", coords[0]
    if gtype != "Point":
        return Reason("not a point", f"geometry is {quote(gtype, 30)}; events are imported as points")
    if not isinstance(coords, list) or len(coords) < 2:
        return Reason("missing coordinates", "the point has no [longitude, latitude]")
    xy = []
    for axis, value in zip(("longitude", "latitude"), coords[:2], strict=True):
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            return Reason("non-numeric coordinates", f"{axis} {quote(value, 30)} is not a number")
        try:
            number = float(value)
        except (ValueError, OverflowError):
            return Reason("non-numeric coordinates", f"{axis} {quote(value, 30)} is not a number")
        if not math.isfinite(number):
            return Reason("non-numeric coordinates", f"{axis} {quote(value, 30)} is not a finite number")
        xy.append(number)
    return xy[0], xy[1]


def read_geojson(text: str, label: str) -> RawTable:
    """A FeatureCollection (or one Feature) of points; rows are feature indices from 0."""
    collection, features = _feature_collection(_parse_json(text, label), label)
    crs = _crs_of(collection, label)
    points = _point_features(features, label)
    if features and not points.records:
        raise EventImportError(_no_points(label, points.problems))
    frame = pd.DataFrame.from_records(points.records).fillna("") if points.records else pd.DataFrame()
    frame = frame.astype(str) if len(frame.columns) else frame
    lon, lat = np.asarray(points.xs, dtype=float), np.asarray(points.ys, dtype=float)
    notes: list[Problem] = []
    if crs is not None:
        lon, lat, notes = _reproject(lon, lat, crs)
    return RawTable("geojson", frame, np.asarray(points.rows, dtype=int), len(features), lon=lon,
                    lat=lat, problems=points.problems, notes=notes)


def _parse_json(text: str, label: str) -> Any:
    """The parsed JSON of a GeoJSON file, once ``scan_json`` has measured its cost (nesting,
    strings, objects and arrays) in time linear in its length."""
    try:
        scan_json(text, max_depth=MAX_JSON_DEPTH, max_string=MAX_FIELD_CHARS,
                  max_containers=MAX_JSON_CONTAINERS)
    except JsonTooCostly as exc:
        raise EventImportError(json_cost_message(label, exc)) from None
    checkpoint()
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise EventImportError(f"{quote(label)}: not valid JSON: {exc.msg} at line {exc.lineno}, "
                               f"column {exc.colno}") from None
    except (RecursionError, ValueError) as exc:
        raise EventImportError(f"{quote(label)}: not valid JSON ({type(exc).__name__})") from None


def json_cost_message(label: str, exc: JsonTooCostly) -> str:
    """What a refused JSON text went over, with the figures and the limit's name."""
    at = f" at character {exc.where:,}"
    if exc.what == "nesting":
        return (f"{quote(label)}: JSON nested {exc.found:,} levels deep, over the limit of "
                f"{exc.limit} (MAX_JSON_DEPTH){at}; a FeatureCollection of points needs about 8")
    if exc.what == "string":
        return (f"{quote(label)}: a text value of at least {exc.found:,} characters{at}, over the "
                f"limit of {exc.limit:,} characters for one value (MAX_FIELD_CHARS)")
    return (f"{quote(label)}: more than {exc.limit:,} JSON objects and arrays, over the limit "
            f"(MAX_JSON_CONTAINERS){at}; a point feature needs about 4")


def _feature_collection(parsed: Any, label: str) -> tuple[Mapping[str, Any], list[Any]]:
    """(the FeatureCollection, its features); one Feature is read as a collection of one."""
    collection = parsed
    if isinstance(collection, Mapping) and collection.get("type") == "Feature":
        collection = {"type": "FeatureCollection", "features": [collection]}
    if not isinstance(collection, Mapping) or collection.get("type") != "FeatureCollection":
        raise EventImportError(f"{quote(label)}: JSON, but not a GeoJSON FeatureCollection")
    features = collection.get("features")
    if not isinstance(features, list):
        raise EventImportError(f"{quote(label)}: its 'features' member is not a list")
    if len(features) > MAX_ROWS:
        raise EventImportError(f"{quote(label)}: has {len(features):,} features, over the limit "
                               f"of {MAX_ROWS:,}; export a smaller date range or region")
    return collection, features


@dataclass
class _PointFeatures:
    """The point features of a collection: properties, feature index and x, y of each, and
    a problem for each feature skipped."""

    records: list[dict[str, str]] = field(default_factory=list)
    rows: list[int] = field(default_factory=list)
    xs: list[float] = field(default_factory=list)
    ys: list[float] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def _point_features(features: list[Any], label: str) -> _PointFeatures:
    points = _PointFeatures()
    keys: set[str] = set()
    for index, feature in enumerate(features):
        if index % CSV_CHUNK_ROWS == 0:
            checkpoint()
        if not isinstance(feature, Mapping) or feature.get("type") != "Feature":
            points.problems.append(Problem(index, "not a feature", "the item is not a GeoJSON Feature"))
            continue
        xy = _point_xy(feature.get("geometry"))
        if isinstance(xy, Reason):
            points.problems.append(Problem(index, *xy))
            continue
        record = _feature_record(feature)
        keys.update(record)
        if len(keys) > MAX_COLUMNS + 1:  # + the feature id
            raise EventImportError(f"{quote(label)}: its features have more than {MAX_COLUMNS:,} "
                                   "distinct properties, over the limit of columns")
        points.records.append(record)
        points.rows.append(index)
        points.xs.append(xy[0])
        points.ys.append(xy[1])
    return points


def _feature_record(feature: Mapping[str, Any]) -> dict[str, str]:
    """A feature's properties as text, keyed by lower-case name, with its id if it has one."""
    props = feature.get("properties")
    record = ({str(k).strip().lower(): as_text(v) for k, v in props.items()}
              if isinstance(props, Mapping) else {})
    if "id" in feature and feature["id"] is not None:
        record["__feature_id"] = as_text(feature["id"])
    return record


def _no_points(label: str, problems: list[Problem]) -> str:
    """'x.geojson: no point features to import: of its 3 features, 2 not a point, 1 missing geometry'."""
    counted = Counter(p.category for p in problems)
    tally = ", ".join(f"{n:,} {category}" for category, n in counted.most_common())
    return (f"{quote(label)}: no point features to import: of its {len(problems):,} features, "
            f"{tally}; events are imported as points")


def _reproject(x: np.ndarray, y: np.ndarray, crs: CRS) -> tuple[np.ndarray, np.ndarray, list[Problem]]:
    to_wgs84 = Transformer.from_crs(crs, _WGS84, always_xy=True)
    with np.errstate(all="ignore"):
        lon, lat = to_wgs84.transform(x, y, errcheck=False)
    code = crs.to_string()
    note = Problem(None, "reprojected", f"coordinates were in {code} ({crs.name}); converted to "
                         "WGS84 longitude/latitude")
    return np.asarray(lon, dtype=float), np.asarray(lat, dtype=float), [note]


# -- GeoPackage ----------------------------------------------------------------------------


def read_gpkg(data: bytes, label: str) -> RawTable:
    """The first point layer of a GeoPackage, reprojected to WGS84; rows are feature ids."""
    import pyogrio
    from pyogrio.errors import DataLayerError, DataSourceError, FieldError, GeometryError

    gdal_errors = (DataSourceError, DataLayerError, FieldError, GeometryError, RuntimeError, OSError,
                   ValueError)
    notes: list[Problem] = []
    with tempfile.TemporaryDirectory(prefix="border-atlas-import-") as tmp:
        path = Path(tmp) / "upload.gpkg"
        path.write_bytes(data)
        check_gpkg_cost(path, label)
        try:
            layers = pyogrio.list_layers(path)
            points = [str(name) for name, gtype in layers
                      if str(gtype).replace(" Z", "").replace(" M", "") in ("Point", "MultiPoint")]
            if not points:
                listed = ", ".join(f"{quote(n, 40)} ({t})" for n, t in layers[:10]) or "none"
                raise EventImportError(f"{quote(label)}: has no point layer to import "
                                       f"(layers: {listed})")
            if len(points) > 1:
                notes.append(Problem(None, "layer", f"read point layer {quote(points[0])}; "
                                           f"the file has others ({', '.join(map(quote, points[1:]))})"))
            _check_gpkg_size(pyogrio.read_info(path, layer=points[0]), label)
            checkpoint()
            frame = pyogrio.read_dataframe(path, layer=points[0], fid_as_index=True,
                                           max_features=MAX_ROWS + 1)
        except EventImportError:
            raise
        except gdal_errors as exc:
            raise EventImportError(f"{quote(label)}: cannot be read as a GeoPackage ({exc})") from None
    if frame.crs is None:
        raise EventImportError(
            f"{quote(label)}: layer {quote(points[0])} has no coordinate system, so its points "
            "cannot be placed; save it with one (EPSG:4326 for longitude/latitude)")
    geoms = np.asarray(frame.geometry.values)
    rows = np.asarray(frame.index, dtype=np.int64)
    problems: list[Problem] = []
    gtype = shapely.get_type_id(geoms)
    multi = gtype == 4
    if multi.any():
        single = multi & (shapely.get_num_geometries(geoms) == 1)
        geoms = np.where(single, shapely.get_geometry(geoms, 0), geoms)
        gtype = shapely.get_type_id(geoms)
    ok = (gtype == 0) & ~shapely.is_empty(geoms)
    for i in np.flatnonzero(~ok):
        problems.append(Problem(int(rows[i]), "missing geometry", "the feature has no point"
                                if geoms[i] is None or shapely.is_empty(geoms[i])
                                else f"not a point: geometry is {shapely.get_type_id(geoms[i])!r}; "
                                     "events are imported as points"))
    x = shapely.get_x(geoms[ok])
    y = shapely.get_y(geoms[ok])
    crs = CRS.from_user_input(frame.crs)
    _check_crs_kind(crs, label)
    if not _is_wgs84(crs):
        x, y, more = _reproject(x, y, crs)
        notes += more
    props = frame.drop(columns=frame.geometry.name)[ok]
    table = pd.DataFrame({str(c).strip().lower(): _column_text(props[c]) for c in props.columns})
    table["__feature_id"] = rows[ok].astype(str)
    table = table.reset_index(drop=True)
    table, kept, long_problems = drop_long_fields(table, rows[ok])
    keep = np.isin(rows[ok], kept)
    table = table.reset_index(drop=True)
    return RawTable("gpkg", table, kept, len(frame), lon=np.asarray(x, dtype=float)[keep],
                    lat=np.asarray(y, dtype=float)[keep],
                    problems=sorted(problems + long_problems, key=row_key), notes=notes)


GPKG_HANDLER_STEPS = 10_000  # SQLite calls the progress handler every this many steps


def check_gpkg_cost(path: Path, label: str, *, steps: int | None = None) -> None:
    """Refuse a GeoPackage whose feature layers cost more than ``GPKG_SQL_STEPS`` to read.

    A layer can be a view, and a view can run any query (a recursive one can produce 10⁹ rows
    from a few KB), which GDAL would then run without a bound. Here the file is opened
    read-only (``immutable``: no journal is read or written, no other process is assumed),
    with untrusted schema functions off, and every view among the feature layers is read
    through under SQLite's progress handler, which interrupts it past the step budget.
    Plain tables cost what their size says and are not read here.
    """
    budget = GPKG_SQL_STEPS if steps is None else steps
    done = 0

    def over_budget() -> int:
        nonlocal done
        done += GPKG_HANDLER_STEPS
        return int(done > budget)

    uri = f"{path.resolve().as_uri()}?mode=ro&immutable=1".replace("file://", "file:", 1)
    try:
        con = sqlite3.connect(uri, uri=True, check_same_thread=False)
    except sqlite3.Error as exc:
        raise EventImportError(f"{quote(label)}: cannot be read as a GeoPackage ({exc})") from None
    try:
        con.execute("PRAGMA trusted_schema = OFF")
        con.set_progress_handler(over_budget, GPKG_HANDLER_STEPS)
        views = con.execute(
            "SELECT c.table_name FROM gpkg_contents c JOIN sqlite_master m ON m.name = c.table_name "
            "WHERE m.type = 'view'").fetchall()
        for (name,) in views:
            cursor = con.execute(f'SELECT * FROM "{str(name).replace(chr(34), chr(34) * 2)}" '
                                 f"LIMIT {MAX_ROWS + 1}")
            while cursor.fetchmany(10_000):
                checkpoint()
    except sqlite3.OperationalError as exc:
        if done > budget:
            raise EventImportError(
                f"{quote(label)}: reading its layers would take more than {budget:,} SQLite steps "
                f"(the limit GPKG_SQL_STEPS, about {budget / 67e6:.0f} s); a layer is a view whose "
                "query runs too long: save the layer as a table") from None
        raise EventImportError(f"{quote(label)}: cannot be read as a GeoPackage ({exc})") from None
    except sqlite3.Error as exc:
        raise EventImportError(f"{quote(label)}: cannot be read as a GeoPackage ({exc})") from None
    finally:
        con.close()


def _check_gpkg_size(info: Mapping[str, Any], label: str) -> None:
    """Refuse a GeoPackage layer with more features or fields than the limits, before reading it."""
    features, fields = int(info.get("features") or 0), len(info.get("fields", ()))
    if features > MAX_ROWS:
        raise EventImportError(f"{quote(label)}: has {features:,} features, over the limit of "
                               f"{MAX_ROWS:,}; export a smaller date range or region")
    if fields > MAX_COLUMNS:
        raise EventImportError(f"{quote(label)}: has {fields:,} fields, over the limit of "
                               f"{MAX_COLUMNS:,} columns")


def _column_text(series: pd.Series) -> pd.Series:
    """A column of any type as text: dates as YYYY-MM-DD (times dropped), missing as ''."""
    if pd.api.types.is_datetime64_any_dtype(series):
        return series.dt.strftime("%Y-%m-%d").fillna("").astype(str)
    if pd.api.types.is_bool_dtype(series) or pd.api.types.is_numeric_dtype(series):
        return series.astype(object).map(as_text).astype(str)
    return series.map(as_text, na_action="ignore").fillna("").astype(str)
