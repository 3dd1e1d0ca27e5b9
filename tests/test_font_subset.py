"""The shipped DejaVu Sans subset: DejaVu's own glyphs, the same pixels, a smaller PDF font."""

from __future__ import annotations

import shutil
import subprocess

import numpy as np
import pytest
from fontTools.ttLib import TTFont
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from geo.figure import render_figure
from geo.figure import subset_fonts as fonts
from geo.figure.typeface import FONT_DIR, FONT_FAMILY, LATIN_FONT
from geo.view import View

SAMPLE = "".join(chr(c) for c in fonts.covered())


def _outline(font: TTFont, char: int) -> tuple:
    name = font.getBestCmap()[char]
    glyph = font["glyf"][name]
    glyph.expand(font["glyf"])
    if glyph.isComposite():
        parts = tuple((c.glyphName, c.x, c.y) for c in glyph.components)
        return ("composite", parts, font["hmtx"][name])
    coords, ends, flags = glyph.getCoordinates(font["glyf"]) if glyph.numberOfContours else ([], [], [])
    return (tuple(map(tuple, coords)), tuple(ends), tuple(int(f) & 1 for f in flags), font["hmtx"][name])


@pytest.mark.parametrize("suffix", list(fonts.STYLES))
def test_every_covered_character_has_dejavus_outline_and_advance(suffix):
    ours = TTFont(fonts.out_path(suffix, FONT_DIR))
    theirs = TTFont(fonts.source_path(suffix))
    assert ours["name"].getDebugName(1) == LATIN_FONT
    cmap = ours.getBestCmap()
    missing = [hex(c) for c in fonts.covered() if c in theirs.getBestCmap() and c not in cmap]
    assert not missing
    for char in cmap:
        assert _outline(ours, char) == _outline(theirs, char), hex(char)
    assert "MATH" not in ours and "GPOS" not in ours
    assert {"GSUB", "GDEF", "kern", "fpgm"} <= set(ours.keys())


def _gpos_kerning(font: TTFont, glyphs: set[str], typed: set[str]) -> dict[tuple[str, str], int]:
    """Every non-zero pair adjustment (x advance of the first glyph) of ``font``'s GPOS
    kerning between ``glyphs``, the first subtable that covers a pair deciding it; its other
    lookups (mark positioning) must never apply to the ``typed`` glyphs (those of a character)."""
    pairs: dict[tuple[str, str], int] = {}
    table = font["GPOS"].table
    kerning = sorted({i for f in table.FeatureList.FeatureRecord if f.FeatureTag == "kern"
                      for i in f.Feature.LookupListIndex})
    for i, lookup in enumerate(table.LookupList.Lookup):
        if i not in kerning:  # mark positioning: none of its marks is a character's glyph
            for sub in lookup.SubTable:
                marks = getattr(sub, "MarkCoverage", None) or getattr(sub, "Mark1Coverage", None)
                assert marks is not None and not typed & set(marks.glyphs), (i, lookup.LookupType)
            continue
        assert lookup.LookupType == 2, lookup.LookupType
        for sub in lookup.SubTable:
            if sub.Format == 1:
                for first, pair_set in zip(sub.Coverage.glyphs, sub.PairSet, strict=True):
                    for rec in pair_set.PairValueRecord:
                        if first in glyphs and rec.SecondGlyph in glyphs:
                            pairs.setdefault((first, rec.SecondGlyph),
                                             getattr(rec.Value1, "XAdvance", 0) or 0)
                continue
            first_class, second_class = sub.ClassDef1.classDefs, sub.ClassDef2.classDefs
            for first in sub.Coverage.glyphs:
                if first not in glyphs:
                    continue
                row = sub.Class1Record[first_class.get(first, 0)].Class2Record
                for second in glyphs:
                    value = row[second_class.get(second, 0)].Value1
                    pairs.setdefault((first, second), getattr(value, "XAdvance", 0) or 0)
    return {pair: v for pair, v in pairs.items() if v}


@pytest.mark.parametrize("suffix", list(fonts.STYLES))
def test_the_kern_table_holds_dejavus_gpos_kerning_pair_for_pair(suffix):
    """The subset keeps kerning in 'kern' only (HarfBuzz applies it when there is no GPOS):
    it must hold exactly the pairs DejaVu Sans's GPOS gives between the subset's glyphs."""
    ours = TTFont(fonts.out_path(suffix, FONT_DIR))
    theirs = TTFont(fonts.source_path(suffix))
    kern = {pair: v for pair, v in ours["kern"].kernTables[0].kernTable.items() if v}
    expected = _gpos_kerning(theirs, set(ours.getGlyphOrder()), set(ours.getBestCmap().values()))
    assert len(expected) > 500  # DejaVu kerns: the comparison is not of two empty tables
    assert kern == expected


def test_the_shipped_files_are_what_the_build_makes(tmp_path):
    """Regenerated from matplotlib's DejaVu Sans, the fonts have the same tables and glyphs."""
    for suffix in fonts.STYLES:
        made = fonts.make_subset(suffix)
        shipped = TTFont(fonts.out_path(suffix, FONT_DIR))
        assert made.getGlyphOrder() == shipped.getGlyphOrder(), suffix
        assert sorted(made.keys()) == sorted(shipped.keys()), suffix


def _pixels(text: str, family: list[str], **kw) -> np.ndarray:
    fig = Figure(figsize=(12, 3), dpi=150)
    canvas = FigureCanvasAgg(fig)
    for row, size in enumerate((5.4, 6.0, 8.5)):
        for line in range(4):
            chunk = text[line * 60:(line + 1) * 60]
            fig.text(0.01, 0.95 - (row * 4 + line) * 0.075, chunk, fontsize=size, family=family, **kw)
    canvas.draw()
    return np.asarray(canvas.buffer_rgba()).copy()


@pytest.mark.parametrize("kw", [{}, {"fontweight": "bold"}, {"fontstyle": "italic"},
                                {"fontweight": "bold", "fontstyle": "italic"}])
def test_text_in_the_subset_draws_the_same_pixels_as_in_dejavu_sans(kw):
    words = ("Taftan–Mirjaveh ‘Saravan’ “Panjgur” 27°10′N 15–22 January 2024 Bāluchestān fi fl ffi "
             "AV To Wa Ty Yo P. L’ “A” F, r. 7, Kuhak")
    for text in (SAMPLE, words):
        assert np.array_equal(_pixels(text, FONT_FAMILY, **kw), _pixels(text, ["DejaVu Sans"], **kw))


def test_a_figure_pdf_embeds_the_subset_and_falls_back_for_other_letters(tmp_path):
    pdf = tmp_path / "map.pdf"
    pdf.write_bytes(render_figure(View(), fmt="pdf", preset="single-column", title="Дом at the border"))
    if not (shutil.which("pdffonts") and shutil.which("pdftotext")):
        pytest.skip("poppler-utils not installed")
    listed = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    names = [line.split()[0].split("+")[-1] for line in listed.splitlines()[2:]]
    assert "DejaVuSansAtlas" in names and "DejaVuSansAtlas-Oblique" in names
    assert "DejaVuSans-Bold" in names  # the Cyrillic title's letters, from the whole font
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "Дом at the border" in text and "Zabol" in text
