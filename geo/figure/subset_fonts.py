"""Make the figures' Latin font: ``python -m geo.figure.subset_fonts`` writes geo/figure/fonts/DejaVuSansAtlas*.ttf.

A PDF embeds a subset of every font its text uses, and matplotlib makes each subset with
fontTools from the whole font file: for DejaVu Sans (6,241 glyphs, large kerning and
substitution tables, a MATH table) that costs about 0.1 s of CPU a font, and a figure uses
four (regular, bold, oblique, and the regular's ligatures). Most of that time is spent on
glyphs and tables the figure never uses, and matplotlib has no public setting for it.

So the atlas ships "DejaVu Sans Atlas": matplotlib's own DejaVu Sans files cut to the
characters map text uses (Latin, Latin-1, Latin Extended-A, the common punctuation, arrows
and the minus sign), with every glyph the layout features reach from them (ligatures,
marks), the same outlines, metrics, hinting and kerning, and no MATH table (used only by
math typesetting engines). Text set in it draws the same pixels and the same PDF glyphs as
in DejaVu Sans; any other character falls back to the whole DejaVu Sans glyph by glyph
(``geo.figure.typeface``). DejaVu's licence (geo/figure/fonts/LICENSE_DEJAVU) allows
modified copies under a name without "Bitstream" or "Vera".
"""

from __future__ import annotations

import argparse
from pathlib import Path

import matplotlib
from fontTools import subset
from fontTools.ttLib import TTFont

FONT_DIR = Path(__file__).resolve().parent / "fonts"
FAMILY = "DejaVu Sans Atlas"
STYLES = {"": "Book", "-Bold": "Bold", "-Oblique": "Oblique", "-BoldOblique": "Bold Oblique"}
# Code point ranges (inclusive) the subset covers.
RANGES = ((0x0020, 0x007E),  # Basic Latin
          (0x00A0, 0x017F),  # Latin-1 Supplement, Latin Extended-A (ā ī ō ū in place names)
          (0x2010, 0x2027),  # dashes, quotes, ellipsis
          (0x2030, 0x203A),  # per mille, primes (27°10′), guillemets
          (0x2190, 0x2193),  # arrows
          (0x2212, 0x2212))  # minus sign (axes.unicode_minus)


def covered() -> list[int]:
    """The code points of the subset."""
    return [c for lo, hi in RANGES for c in range(lo, hi + 1)]


def source_path(suffix: str) -> Path:
    """matplotlib's DejaVu Sans file for a style suffix ("", "-Bold", ...)."""
    return Path(matplotlib.get_data_path()) / "fonts" / "ttf" / f"DejaVuSans{suffix}.ttf"


def make_subset(suffix: str) -> TTFont:
    """The subset of one style of DejaVu Sans, renamed."""
    options = subset.Options()
    options.layout_features = ["*"]  # every shaping feature: kerning, ligatures, marks
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.name_legacy = True
    options.notdef_outline = True
    options.glyph_names = True
    options.legacy_kern = True  # the 'kern' table too, as in the original
    options.hinting = True
    options.drop_tables += ["MATH", "FFTM"]
    font = subset.load_font(str(source_path(suffix)), options)
    subsetter = subset.Subsetter(options=options)
    subsetter.populate(unicodes=covered())
    subsetter.subset(font)
    # Kerning is kept in the 'kern' table alone. DejaVu Sans carries the same pairs twice,
    # in GPOS and in 'kern' (pair for pair, value for value: tests/test_font_subset.py), and
    # HarfBuzz, which lays out matplotlib's text, applies 'kern' when a font has no GPOS, so
    # glyphs land where they did. matplotlib subsets a PDF's fonts with fixed options (no
    # public setting) and spent half of that time decompiling and pruning GPOS: a
    # single-column map's four subsets took 0.055 s, and take 0.029 s without it.
    del font["GPOS"]
    _rename(font, STYLES[suffix], suffix)
    font.recalcTimestamp = False  # the same bytes from the same source
    return font


def _rename(font: TTFont, style: str, suffix: str) -> None:
    ps_family = FAMILY.replace(" ", "")
    ps_style = suffix.lstrip("-") or ""
    full = FAMILY if style == "Book" else f"{FAMILY} {style}"
    names = {1: FAMILY, 3: f"{ps_family}{suffix}: subset of DejaVu Sans", 4: full,
             6: f"{ps_family}-{ps_style}" if ps_style else ps_family}
    table = font["name"]
    for record in list(table.names):
        if record.nameID in (16, 17, 21, 22):  # typographic names would keep the old family
            table.removeNames(nameID=record.nameID)
        elif record.nameID in names:
            record.string = names[record.nameID]


def out_path(suffix: str, folder: Path = FONT_DIR) -> Path:
    return folder / f"{FAMILY.replace(' ', '')}{suffix}.ttf"


def write_all(folder: Path = FONT_DIR) -> list[Path]:
    """Write the four styles into ``folder``; their paths."""
    paths = []
    for suffix in STYLES:
        path = out_path(suffix, folder)
        make_subset(suffix).save(str(path), reorderTables=False)
        paths.append(path)
    return paths


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m geo.figure.subset_fonts", description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=FONT_DIR, help="folder to write the fonts in")
    args = parser.parse_args(argv)
    for path in write_all(args.out):
        print(f"wrote {path.name} ({path.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
