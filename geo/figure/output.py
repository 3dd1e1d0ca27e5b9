"""Figure bytes in each format, the same bytes for the same figure, and files written whole."""

from __future__ import annotations

import io
import os
from pathlib import Path

import numpy as np
from matplotlib.figure import Figure
from PIL import Image

from geo.errors import ExportError as ExportError  # its home is geo.errors
from geo.figure.canvas import agg_canvas
from geo.io import replace_file

FORMATS = ("png", "pdf", "svg", "tiff")
RASTER_FORMATS = ("png", "tiff")
SUFFIXES = {".png": "png", ".pdf": "pdf", ".svg": "svg", ".tif": "tiff", ".tiff": "tiff"}
FORMAT_ALIASES = {"tif": "tiff"}

# Metadata that would change from run to run (dates, versions) is left out, so the same
# inputs give the same bytes; the creator is named so a reader knows where a file came from.
_METADATA = {
    "pdf": {"Creator": "Border Atlas", "Producer": None, "CreationDate": None, "ModDate": None},
    "svg": {"Creator": "Border Atlas", "Date": None},
}



def normalise_format(fmt: str) -> str:
    """A supported format name (``tif`` is ``tiff``), or ExportError."""
    name = str(fmt).strip().lower().lstrip(".")
    name = FORMAT_ALIASES.get(name, name)
    if name not in FORMATS:
        raise ExportError(f"{fmt!r} is not supported; choose one of {', '.join(FORMATS)}", field="format", value=fmt)
    return name


def format_for(path: str | Path, fmt: str | None = None) -> str:
    """The format to write ``path`` in: the suffix's, which ``fmt`` (if given) must match."""
    suffix = Path(path).suffix.lower()
    from_suffix = SUFFIXES.get(suffix)
    if fmt is None:
        if from_suffix is None:
            raise ExportError(f"cannot tell the format from {str(path)!r}; use a "
                              f"{', '.join(sorted(SUFFIXES))} suffix or give a format", field="out", value=path)
        return from_suffix
    name = normalise_format(fmt)
    if from_suffix is None:  # a figure is never written under a name that hides what it is
        wanted = " or ".join(s for s, f in SUFFIXES.items() if f == name)
        raise ExportError(f"{str(path)!r} needs a {wanted} suffix for the {name} format", field="out", value=path)
    if from_suffix != name:
        raise ExportError(f"{str(path)!r} has a {suffix} suffix but the format is {name}", field="out", value=path)
    return name


def figure_bytes(fig: Figure, fmt: str, dpi: int) -> bytes:
    """The figure as a file's bytes; raster formats carry ``dpi`` in their header."""
    fmt = normalise_format(fmt)
    if fmt in RASTER_FORMATS:
        return _raster_bytes(fig, fmt, dpi)
    buf = io.BytesIO()
    # PDF fonts are subset by matplotlib as it chooses (fontTools, layout tables kept), with
    # no public setting for it; the atlas makes that cheap by setting Latin text in a small
    # subset of DejaVu Sans to begin with (geo.figure.typeface).
    fig.savefig(buf, format=fmt, dpi=dpi, metadata=_METADATA[fmt])
    return buf.getvalue()


def _raster_bytes(fig: Figure, fmt: str, dpi: int) -> bytes:
    """PNG or TIFF written by Pillow from the Agg canvas, as RGB: the figure is opaque, so
    the alpha channel matplotlib's writer keeps says nothing (print workflows choke on it,
    and it costs a PNG 8% of its size and of its deflate time). No timestamp or software tag."""
    layout_dpi = fig.dpi
    try:
        fig.set_dpi(dpi)
        canvas = agg_canvas(fig)
        canvas.draw()
        rgba = np.asarray(canvas.buffer_rgba())
        image = Image.fromarray(np.ascontiguousarray(rgba[..., :3]), mode="RGB")
    finally:
        fig.set_dpi(layout_dpi)
    buf = io.BytesIO()
    if fmt == "png":
        # zlib level 3 writes these flat-coloured maps as small as the default level 6, twice as fast.
        image.save(buf, format="PNG", dpi=(dpi, dpi), compress_level=3)
    else:
        image.save(buf, format="TIFF", dpi=(dpi, dpi), compression="tiff_lzw")
    return buf.getvalue()


def check_writable(path: str | Path, *, key: str = "out") -> Path:
    """``path`` if a file can be written there, else ExportError saying why (nothing is created).

    ``key`` names the option or recipe key the path came from, and starts the message.
    """
    path = Path(path)
    if not path.name:
        raise ExportError(f"{str(path)!r} is not a file name", field=key, value=path)
    if path.is_dir():
        raise ExportError(f"{str(path)!r} is a folder, not a file", field=key, value=path)
    parent = path.parent
    if not parent.exists():
        raise ExportError(f"folder {str(parent)!r} does not exist", field=key, value=path)
    if not parent.is_dir():
        raise ExportError(f"{str(parent)!r} is not a folder", field=key, value=path)
    if not os.access(parent, os.W_OK | os.X_OK):
        raise ExportError(f"cannot write in folder {str(parent)!r} (permission denied)", field=key, value=path)
    return path


def write_atomic(data: bytes, path: str | Path, *, key: str = "out") -> Path:
    """Write ``data`` to ``path`` through a temporary file: readers see no file or a whole one
    (``geo.io.replace_file``); a failure names the option or key ``key``."""
    path = check_writable(path, key=key)
    try:
        replace_file(path, data)
    except OSError as exc:
        raise ExportError(f"cannot write {str(path)!r}: {exc.strerror}", field=key, value=path) from None
    return path
