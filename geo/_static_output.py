"""Figure bytes in each format, the same bytes for the same figure, and files written whole."""

from __future__ import annotations

import contextlib
import io
import os
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
from matplotlib.figure import Figure
from PIL import Image

from geo._errors import BorderAtlasError

FORMATS = ("png", "pdf", "svg", "tiff")
RASTER_FORMATS = ("png", "tiff")
SUFFIXES = {".png": "png", ".pdf": "pdf", ".svg": "svg", ".tif": "tiff", ".tiff": "tiff"}
FORMAT_ALIASES = {"tif": "tiff"}

# Metadata that would change from run to run (dates, versions) is left out, so the same
# inputs give the same bytes; the creator is named so a reader knows where a file came from.
_METADATA = {
    "png": {"Software": None},
    "pdf": {"Creator": "Border Atlas", "Producer": None, "CreationDate": None, "ModDate": None},
    "svg": {"Creator": "Border Atlas", "Date": None},
}


class ExportError(BorderAtlasError, ValueError):
    """A figure option or output path that cannot be used; the message names it and its value."""


def normalise_format(fmt: str) -> str:
    """A supported format name (``tif`` is ``tiff``), or ExportError."""
    name = str(fmt).strip().lower().lstrip(".")
    name = FORMAT_ALIASES.get(name, name)
    if name not in FORMATS:
        raise ExportError(f"format: {fmt!r} is not supported; choose one of {', '.join(FORMATS)}")
    return name


def format_for(path: str | Path, fmt: str | None = None) -> str:
    """The format to write ``path`` in: the suffix's, which ``fmt`` (if given) must match."""
    suffix = Path(path).suffix.lower()
    from_suffix = SUFFIXES.get(suffix)
    if fmt is None:
        if from_suffix is None:
            raise ExportError(f"out: cannot tell the format from {str(path)!r}; use a "
                              f"{', '.join(sorted(SUFFIXES))} suffix or give a format")
        return from_suffix
    name = normalise_format(fmt)
    if from_suffix is None:  # a figure is never written under a name that hides what it is
        wanted = " or ".join(s for s, f in SUFFIXES.items() if f == name)
        raise ExportError(f"out: {str(path)!r} needs a {wanted} suffix for the {name} format")
    if from_suffix != name:
        raise ExportError(f"out: {str(path)!r} has a {suffix} suffix but the format is {name}")
    return name


def figure_bytes(fig: Figure, fmt: str, dpi: int) -> bytes:
    """The figure as a file's bytes; raster formats carry ``dpi`` in their header."""
    fmt = normalise_format(fmt)
    if fmt == "tiff":
        return _tiff_bytes(fig, dpi)
    buf = io.BytesIO()
    # zlib level 3 writes these flat-coloured maps as small as the default level 6, twice as fast.
    extra: dict[str, Any] = {"pil_kwargs": {"compress_level": 3}} if fmt == "png" else {}
    with _lean_font_subsets() if fmt == "pdf" else contextlib.nullcontext():
        fig.savefig(buf, format=fmt, dpi=dpi, metadata=_METADATA[fmt], **extra)
    return buf.getvalue()


class _LeanSubset:
    """Stands in for ``fontTools.subset`` in matplotlib's PDF backend during a save.

    matplotlib picks glyphs itself (it shapes text before embedding), so the OpenType layout
    tables of the embedded font subset are never read; subsetting them is most of the cost
    of a PDF (0.1-0.3 s per font face). Everything else is fontTools' own.
    """

    def __init__(self, module: Any) -> None:
        self._module = module

    def __getattr__(self, name: str) -> Any:
        return getattr(self._module, name)

    def Options(self, *args: Any, **kwargs: Any) -> Any:  # named as in fontTools
        options = self._module.Options(*args, **kwargs)
        options.drop_tables += ["GSUB", "GPOS", "GDEF", "JSTF"]
        return options


_SUBSET_LOCK = threading.Lock()
_subset_users = 0


@contextlib.contextmanager
def _lean_font_subsets() -> Iterator[None]:
    """Within the block, PDF font subsets leave out layout tables (see ``_LeanSubset``)."""
    global _subset_users
    try:
        from matplotlib.backends import _backend_pdf_ps as pdf_ps
    except ImportError:  # pragma: no cover - a matplotlib without this module: plain subsets
        yield
        return
    real = getattr(pdf_ps, "subset", None)
    if real is None or not hasattr(real, "Options"):  # pragma: no cover - layout changed
        yield
        return
    with _SUBSET_LOCK:
        _subset_users += 1
        if not isinstance(pdf_ps.subset, _LeanSubset):
            pdf_ps.subset = _LeanSubset(real)
    try:
        yield
    finally:
        with _SUBSET_LOCK:
            _subset_users -= 1
            if _subset_users == 0 and isinstance(pdf_ps.subset, _LeanSubset):
                pdf_ps.subset = pdf_ps.subset._module


def _tiff_bytes(fig: Figure, dpi: int) -> bytes:
    # Pillow rather than matplotlib's writer: RGB (print workflows choke on alpha), LZW, and
    # no timestamp or software tag.
    layout_dpi = fig.dpi
    try:
        fig.set_dpi(dpi)
        fig.canvas.draw()
        rgba = np.asarray(fig.canvas.buffer_rgba())
        image = Image.fromarray(rgba[..., :3].copy(), mode="RGB")
    finally:
        fig.set_dpi(layout_dpi)
    buf = io.BytesIO()
    image.save(buf, format="TIFF", dpi=(dpi, dpi), compression="tiff_lzw")
    return buf.getvalue()


def check_writable(path: str | Path, *, key: str = "out") -> Path:
    """``path`` if a file can be written there, else ExportError saying why (nothing is created).

    ``key`` names the option or recipe key the path came from, and starts the message.
    """
    path = Path(path)
    if not path.name:
        raise ExportError(f"{key}: {str(path)!r} is not a file name")
    if path.is_dir():
        raise ExportError(f"{key}: {str(path)!r} is a folder, not a file")
    parent = path.parent
    if not parent.exists():
        raise ExportError(f"{key}: folder {str(parent)!r} does not exist")
    if not parent.is_dir():
        raise ExportError(f"{key}: {str(parent)!r} is not a folder")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise ExportError(f"{key}: cannot write in folder {str(parent)!r} (permission denied)")
    return path


def write_atomic(data: bytes, path: str | Path, *, key: str = "out") -> Path:
    """Write ``data`` to ``path`` through a temporary file: readers see no file or a whole one."""
    path = check_writable(path, key=key)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    except OSError as exc:
        raise ExportError(f"{key}: cannot write {str(path)!r}: {exc.strerror}") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)  # mkstemp makes it private; a figure is meant to be shared
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise ExportError(f"{key}: cannot write {str(path)!r}: {exc.strerror}") from None
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return path
