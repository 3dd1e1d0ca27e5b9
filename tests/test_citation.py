"""One title, citation and data date for every output, and a source line a reader can read.

The figure (and so every frame of an animation, composed as the same figure) and the HTML
file of the same data name the atlas, its version and its data's date in the same words,
from ``geo.citation``. The figure's source line names publishers whole, as readers know them,
never a note meant for the data's keepers.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

import geo
from geo.citation import TITLE, atlas_citation, data_date, newest_date, version
from geo.figure import FigureSpec, build_figure, figure_info
from geo.figure.compose import redraw_window
from geo.figure.furniture import listed_publishers, publisher_name, publisher_names
from geo.view import View
from geo.web.page import html_page

# What a reader of the atlas should read: "<title>, version <v>, data as of <date>".
DATE_CLAUSES = re.compile(r"(?:data as of|sources to) (\d{4}(?:-\d{2}){0,2})")


@pytest.fixture(scope="module")
def figure_text() -> str:
    fig = build_figure(View(), FigureSpec(preset="single-column", dpi=100))
    text = figure_info(fig).source.get_text()
    # an animation's frame is the same figure redrawn for another window
    redraw_window(fig, dt.date(2024, 1, 16), dt.date(2024, 1, 16))
    assert figure_info(fig).source.get_text() == text
    return text.replace("\n", " ")


@pytest.fixture(scope="module")
def html_text() -> str:
    return html_page(View()).data.decode()


def test_the_figure_the_animation_and_the_file_cite_the_same_atlas(figure_text, html_text):
    head = f"{TITLE}, version {version()}, data as of {data_date()}"
    assert head in atlas_citation()
    assert f"Cite as: {atlas_citation()}" in figure_text
    assert head in html_text and f"<title>{TITLE}</title>" in html_text
    # every date either output gives its data is the one data date
    for text in (figure_text, html_text):
        assert set(DATE_CLAUSES.findall(text)) == {data_date()}, DATE_CLAUSES.findall(text)


def test_the_data_date_is_the_newest_date_the_data_carries():
    first_day = dt.date.fromisoformat((data_date() + "-01-01")[:10])
    assert first_day >= geo.load_layer("events")["date"].max().date()
    sources = [s.get("date", "") for name in ("events", "crossings", "routes", "places")
               for listed in geo.load_layer(name).get("sources", []) for s in listed or ()]
    assert data_date() == newest_date([data_date(), *(d for d in sources if d[:4].isdigit())])


@pytest.mark.parametrize(("dates", "newest"), [
    (["2024-01-16", "2026-07", "2023"], "2026-07"),
    (["2026-07", "2026-07-01"], "2026-07-01"),  # a day beats its own month
    (["2025-12-10", "2025-12"], "2025-12-10"),
    (["2025", "2024-12-31"], "2025"),
    ([], ""),
])
def test_newest_date_compares_dates_of_any_precision(dates, newest):
    assert newest_date(dates) == newest


@pytest.mark.parametrize(("field", "name"), [
    ("Al Jazeera, as republished by Graphic Online (Ghana); the aljazeera.com URL was not found",
     "Al Jazeera"),
    ("Associated Press (Jon Gambrell and Munir Ahmed), as carried by KVIA", "Associated Press"),
    ("Dawn (AFP)", "Dawn"),
    ("IRIB News, Sistan and Baluchestan bureau", "IRIB News"),
    ("Daily Abb", "Daily Abb"),
])
def test_a_publisher_is_named_as_readers_know_it(field, name):
    assert publisher_name(field) == name


def test_the_source_line_prints_whole_publisher_names_and_no_editorial_note(figure_text):
    listed = re.search(r"Event sources: (.*?)\. Cite as", figure_text).group(1)
    names, _, more = listed.partition("; and ")
    known = {publisher_name(p) for sources in geo.load_layer("events")["sources"]
             for p in (s.get("publisher", "") for s in sources or ())}
    assert names.split("; ") and set(names.split("; ")) <= known, names
    assert not more or re.fullmatch(r"\d+ more", more), more
    for note in ("URL", "not found", "as carried by", "republished", "(", "via "):
        assert note not in listed, note


names = st.lists(st.text(st.characters(whitelist_categories=("L",)), min_size=1, max_size=30)
                 .map(lambda s: s.strip()).filter(bool), min_size=0, max_size=30, unique=True)


@given(names, st.integers(1, 10), st.integers(1, 200))
def test_the_list_never_cuts_a_name_and_counts_what_it_leaves_out(given_names, max_names, max_chars):
    text = listed_publishers(given_names, max_names=max_names, max_chars=max_chars)
    shown, _, more = text.partition("; and ")
    shown_names = shown.split("; ") if shown else []
    assert shown_names == given_names[:len(shown_names)]  # whole names, in order
    assert len(shown_names) <= max_names and (given_names == [] or shown_names)
    left = len(given_names) - len(shown_names)
    assert (more == f"{left} more") if left else more == ""


def test_publisher_names_are_listed_once_each():
    assert publisher_names(["Dawn (AFP)", "Dawn (AP)", "BBC News"]) == ["Dawn", "BBC News"]
