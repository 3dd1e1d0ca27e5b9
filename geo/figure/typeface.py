"""The figure fonts: DejaVu Sans (from matplotlib) and Noto Sans Arabic UI (shipped in geo/figure/fonts).

Latin text is set in "DejaVu Sans Atlas", DejaVu Sans cut to the characters map text uses
(shipped in geo/figure/fonts, made by ``python -m geo.figure.subset_fonts``): the same glyphs, so the
same picture, but a PDF embeds it in a third of the time. A character it lacks comes from
the whole DejaVu Sans, glyph by glyph.

DejaVu Sans lacks letters Urdu needs (heh goal, yeh barree), so Persian and Urdu text is set
in Noto Sans Arabic UI (SIL Open Font License, geo/figure/fonts/OFL.txt), which the atlas ships
rather than asks of the machine: a figure looks the same wherever it is drawn. Text in
Arabic script names the Arabic font first (a Persian word is never set half in one font and
half in the other); any other text keeps DejaVu Sans and falls back to the Arabic font glyph
by glyph (a Urdu file name in the source line).
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from matplotlib import font_manager

FONT_DIR = Path(__file__).resolve().parent / "fonts"
ARABIC_FONT = "Noto Sans Arabic UI"
LATIN_FONT = "DejaVu Sans Atlas"
FONT_FAMILY = [LATIN_FONT, "DejaVu Sans", ARABIC_FONT]
ARABIC_FIRST = [ARABIC_FONT, LATIN_FONT, "DejaVu Sans"]
_ARABIC = re.compile(r"[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")


@cache
def register_fonts() -> tuple[str, ...]:
    """Add the shipped fonts to matplotlib's font manager (once); their file names."""
    files = sorted(FONT_DIR.glob("*.ttf"))
    for path in files:
        font_manager.fontManager.addfont(str(path))
    return tuple(p.name for p in files)


def has_arabic(text: str) -> bool:
    """True when ``text`` has a letter of the Arabic script (Persian, Urdu)."""
    return bool(_ARABIC.search(text))


def family_for(text: str) -> list[str]:
    """The font family list to set ``text`` in."""
    return ARABIC_FIRST if has_arabic(text) else FONT_FAMILY


register_fonts()
