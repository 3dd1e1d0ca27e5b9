"""app.py with one import step made slow (60 s of CPU in 20 ms slices, checking the import's
budget between slices), to see what happens to a long import when its tab is closed. The
import runs in the app's child process (geo.jobs), so the slow step is put in there.
Used by tests/test_browser_import.py and bench/limits_bench.py; never by the atlas.

``slow_app(folder)`` puts a copy of it in ``folder`` beside a link to the atlas's static/
(Streamlit serves static/ from the main script's folder)."""

from __future__ import annotations

import runpy
import time
from pathlib import Path

import geo.imports
from geo.imports.budget import checkpoint

SLOW_SECONDS = 60.0
ROOT = Path(geo.imports.__file__).resolve().parents[2]  # geo/imports/__init__.py


def _slow_border_measures(*args, **kwargs):
    for _ in range(int(SLOW_SECONDS / 0.02)):
        checkpoint()
        end = time.perf_counter() + 0.02
        while time.perf_counter() < end:
            pass
    return _slow_border_measures.real(*args, **kwargs)




def slow_import(data: bytes, filename: str, *, progress=None):
    """The app's import (in its child process), with the slow step."""
    if not hasattr(geo.imports._border_measures, "real"):
        _slow_border_measures.real = geo.imports._border_measures
        geo.imports._border_measures = _slow_border_measures
    return geo.imports.import_events(data, filename=filename)


def slow_app(folder: Path) -> Path:
    """A runnable copy of this script in ``folder``, with the atlas's static files beside it."""
    (folder / "static").symlink_to(ROOT / "static", target_is_directory=True)
    script = folder / "slow_import_app.py"
    script.write_text(Path(__file__).read_text(encoding="utf-8"), encoding="utf-8")
    return script


if __name__ == "__main__":  # as Streamlit's main script (never on import: tests import slow_app)
    import ui.importing
    from tests import _slow_import_app  # by its module name, so the child can import it

    ui.importing.IMPORT_TARGET = _slow_import_app.slow_import
    runpy.run_path(str(ROOT / "app.py"), run_name="__main__")
