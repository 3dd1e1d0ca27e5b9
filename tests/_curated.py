"""A private copy of the curated record to break in a test (the build's checks read it)."""

from __future__ import annotations

import shutil
from pathlib import Path

from geo._paths import CURATED_DIR


def copy_curated(tmp_path: Path) -> Path:
    """The curated folder copied under ``tmp_path``."""
    target = tmp_path / "curated"
    shutil.copytree(CURATED_DIR, target)
    return target


def edit_curated(folder: Path, name: str, old: str, new: str) -> None:
    """Replace the first ``old`` in ``folder/name`` by ``new`` (``old`` must be there)."""
    path = folder / name
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
