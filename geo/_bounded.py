"""Reading within limits: a file to at most its limit plus one byte, JSON measured before parsing.

Shared by the importer (users' files) and the layer loader (the shipped files), so neither
can be made to read an endless file or to recurse through a document nested without end.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

import numpy as np


class NotARegularFile(OSError):
    """A device, pipe or socket where a file was expected (its size cannot be trusted)."""


def read_at_most(path: str | Path, limit: int) -> bytes:
    """Up to ``limit + 1`` bytes of the regular file at ``path``.

    ``stat()``'s size is not trusted (``/dev/zero`` reports 0 and never ends); the read
    itself stops one byte past the limit, so a caller sees that a file is too long without
    reading it. Devices, pipes and sockets raise ``NotARegularFile``; a missing file,
    a folder or a file that cannot be read raise the usual ``OSError``.
    """
    # O_NONBLOCK: opening a pipe with no writer would otherwise wait for ever.
    fd = os.open(Path(path), os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise NotARegularFile(f"{path}: not a regular file")
        return handle.read(limit + 1)


class JsonTooCostly(ValueError):
    """A JSON text over one of the cost limits of ``scan_json``: ``what`` it was ("nesting",
    "string", "containers"), the figure ``found`` (so far) and the ``limit`` it passed."""

    def __init__(self, what: str, found: int, limit: int, where: int) -> None:
        super().__init__(f"{what}: {found:,} over the limit of {limit:,} (at character {where:,})")
        self.what, self.found, self.limit, self.where = what, found, limit, where


@dataclass(frozen=True)
class JsonShape:
    """What ``scan_json`` measured: deepest nesting, longest string (characters, escapes
    counted as written), objects and arrays."""

    depth: int
    longest_string: int
    containers: int


SCAN_CHUNK_CHARS = 1 << 20  # characters measured at a time: ~16 MB of working memory at most
_QUOTE, _BACKSLASH = 34, 92
_OPENERS = (ord("["), ord("{"))
_CLOSERS = (ord("]"), ord("}"))


def scan_json(text: str, *, max_depth: int, max_string: int, max_containers: int) -> JsonShape:
    """Measure a JSON text before it is parsed, refusing it (``JsonTooCostly``) as soon as it
    nests deeper than ``max_depth``, holds a string longer than ``max_string`` characters or
    more than ``max_containers`` objects and arrays.

    Linear in the text, in bounded memory (``SCAN_CHUNK_CHARS`` at a time) and done in numpy:
    a quote ends a string unless an odd run of backslashes precedes it, and brackets count
    only outside strings. It never backtracks, so no text costs more than its length. On
    text that is not valid JSON the figures may be off, but the parser then refuses it.
    """
    state = _ScanState()
    for offset in range(0, len(text), SCAN_CHUNK_CHARS):
        chunk = text[offset: offset + SCAN_CHUNK_CHARS]
        codes = np.frombuffer(chunk.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        state.feed(codes, offset, max_depth=max_depth, max_string=max_string,
                   max_containers=max_containers)
    state.finish(len(text), max_string)
    return JsonShape(state.max_depth, state.longest, state.containers)


class _ScanState:
    """What ``scan_json`` carries from one chunk to the next."""

    def __init__(self) -> None:
        self.in_string = False
        self.string_start = -1  # where the open string's quote is (text index)
        self.backslashes = 0  # the run of backslashes that ended the previous chunk
        self.depth = self.max_depth = self.longest = self.containers = 0

    def feed(self, codes: np.ndarray, offset: int, *, max_depth: int, max_string: int,
             max_containers: int) -> None:
        quotes = self._unescaped_quotes(codes)
        # Quote k of the chunk opens a string when the state before it is "outside".
        opens_first = not self.in_string
        string_starts = quotes[0::2] if opens_first else quotes[1::2]
        string_ends = quotes[1::2] if opens_first else quotes[0::2]
        starts = string_starts + offset
        ends = string_ends + offset
        if self.in_string:  # the string left open by the previous chunk
            starts = np.concatenate(([self.string_start], starts))
        closed = min(len(starts), len(ends))
        if closed:
            lengths = ends[:closed] - starts[:closed] - 1
            i = int(np.argmax(lengths))
            self._string(int(lengths[i]), max_string, int(starts[i]))
        if len(starts) > closed:  # a string still open at the chunk's end
            self.string_start = int(starts[-1])
            self._string(offset + len(codes) - self.string_start - 1, max_string, self.string_start)
        self.in_string = bool((len(quotes) % 2) ^ self.in_string)
        self._brackets(codes, quotes, opens_first, offset, max_depth, max_containers)

    def _unescaped_quotes(self, codes: np.ndarray) -> np.ndarray:
        """Chunk positions of the quotes not escaped by an odd run of backslashes; updates the
        run carried to the next chunk."""
        quotes = np.flatnonzero(codes == _QUOTE)
        if len(quotes):
            after_backslash = codes[np.maximum(quotes - 1, 0)] == _BACKSLASH
            if quotes[0] == 0:
                after_backslash[0] = self.backslashes > 0
            if after_backslash.any():  # only then: how long is each run of backslashes?
                plain = np.flatnonzero(codes != _BACKSLASH)
                suspects = quotes[after_backslash]
                before = np.searchsorted(plain, suspects) - 1  # the last non-backslash before
                previous = np.where(before >= 0, plain[np.maximum(before, 0)], -1 - self.backslashes)
                escaped = np.zeros(len(quotes), dtype=bool)
                escaped[after_backslash] = (suspects - previous - 1) % 2 == 1
                quotes = quotes[~escaped]
        plain_from_end = codes[::-1] != _BACKSLASH
        self.backslashes = (int(np.argmax(plain_from_end)) if plain_from_end.any()
                            else self.backslashes + len(codes))
        return quotes

    def _brackets(self, codes: np.ndarray, quotes: np.ndarray, opens_first: bool, offset: int,
                  max_depth: int, max_containers: int) -> None:
        opening = (codes == _OPENERS[0]) | (codes == _OPENERS[1])
        where = np.flatnonzero(opening | (codes == _CLOSERS[0]) | (codes == _CLOSERS[1]))
        if not len(where):
            return
        before = np.searchsorted(quotes, where)  # quotes of this chunk before each bracket
        outside = (before % 2 == 0) == opens_first
        where = where[outside]
        if not len(where):
            return
        steps = np.where(opening[where], 1, -1).astype(np.int64)
        self.containers += int((steps > 0).sum())
        if self.containers > max_containers:
            raise JsonTooCostly("objects and arrays", self.containers, max_containers,
                                offset + int(where[-1]))
        levels = self.depth + np.cumsum(steps)
        deepest = int(levels.max())
        if deepest > max_depth:
            at = int(where[int(np.argmax(levels > max_depth))]) + offset
            raise JsonTooCostly("nesting", deepest, max_depth, at)
        self.max_depth = max(self.max_depth, deepest)
        self.depth = int(levels[-1])

    def _string(self, length: int, max_string: int, where: int) -> None:
        if length > max_string:
            raise JsonTooCostly("string", length, max_string, where)
        self.longest = max(self.longest, length)

    def finish(self, size: int, max_string: int) -> None:
        if self.in_string:
            self._string(size - self.string_start - 1, max_string, self.string_start)


def json_depth(text: str) -> int:
    """How deeply the arrays and objects of a JSON text nest (0 for a scalar), without parsing
    it: ``scan_json`` with no limits."""
    huge = len(text) + 1
    return scan_json(text, max_depth=huge, max_string=huge, max_containers=huge).depth
