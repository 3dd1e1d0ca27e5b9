"""Reading within limits: a file to at most its limit plus one byte, JSON measured before parsing.

Shared by the importer (users' files) and the layer loader (the shipped files), so neither
can be made to read an endless file or to recurse through a document nested without end.
"""

from __future__ import annotations

import os
import re
import stat
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


_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_NOT_A_BRACKET = re.compile(r"[^\[\]{}]+")


def json_depth(text: str) -> int:
    """How deeply the arrays and objects of a JSON text nest (0 for a scalar), without parsing it.

    Linear in the text and done in C (regular expressions, numpy): strings are blanked
    first, so brackets inside them do not count. On text that is not valid JSON the figure
    may be off, but the parser then refuses it anyway.
    """
    brackets = _NOT_A_BRACKET.sub("", _JSON_STRING.sub('""', text))
    if not brackets:
        return 0
    codes = np.frombuffer(brackets.encode("ascii"), dtype=np.uint8)
    steps = np.where((codes == ord("[")) | (codes == ord("{")), 1, -1).astype(np.int32)
    return int(np.cumsum(steps).max())
