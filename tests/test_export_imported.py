"""Imported events in publication maps and in `border-atlas export --events`.

The events files are written here in ACLED's and UCDP's real column layouts (the helpers of
test_import.py), so the tests run offline.
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest
from test_import import acled_row, to_csv, ucdp_row

import geopandas as gpd
import shapely

from geo.assemble import in_window
from geo.cli import main
from geo.figure import FigureSpec, build_figure, figure_info, render_figure
from geo.figure.drawn import attributes, records
from geo.imports import import_events
from geo.recipe import dumps_recipe, load_recipe, recipe_from_mapping
from geo.view import View
from layers.imported import IMPORTED

FEW_LAYERS = ("border", "provinces", "events")
JANUARY = View(start=dt.date(2024, 1, 1), end=dt.date(2024, 1, 31), layers=FEW_LAYERS)
SMALL = FigureSpec(preset="single-column", dpi=100)
PLACE = "Testabad"  # no town of the atlas has this name: a label with it came from an import

# (date, sub-event type, actor, lon, lat): six on the map, then one just north of it (which
# would widen a map fitted to the events), one at Erbil in Iraq, one in December.
ROWS = [
    ("2024-01-03", "Air/drone strike", "Military Forces of Iran (1989-)", 62.9, 27.1),
    ("2024-01-10", "Peaceful protest", "Protesters (Pakistan)", 66.99, 30.18),
    ("2024-01-16", "Armed clash", "BLA: Balochistan Liberation Army", 64.1, 26.9),
    ("2024-01-16", "Arrests", "Police Forces of Pakistan (2018-)", 63.0, 25.3),
    ("2024-01-18", "Air/drone strike", "Military Forces of Pakistan (2018-)", 62.3, 27.4),
    ("2024-01-25", "Peaceful protest", "Protesters (Iran)", 60.86, 29.5),
    ("2024-01-22", "Armed clash", "Unidentified Armed Group (Afghanistan)", 64.0, 32.9),
    ("2024-01-20", "Armed clash", "Military Forces of Iran (1989-)", 44.0, 36.19),
    ("2023-12-05", "Armed clash", "BLA: Balochistan Liberation Army", 63.5, 27.0),
]
IN_REGION_JANUARY = 6


def acled_csv(rows=ROWS) -> bytes:
    return to_csv([acled_row(event_date=date, sub_event_type=sub, actor1=actor, location=PLACE,
                             longitude=str(lon), latitude=str(lat))
                   for date, sub, actor, lon, lat in rows])


@pytest.fixture(scope="module")
def imported():
    result = import_events(acled_csv(), filename="acled-jan.csv")
    assert result.problems == [] and len(result.events) == len(ROWS)
    return result.events


@pytest.fixture(scope="module")
def january(imported):
    fig = build_figure(JANUARY, SMALL, imported=imported, imported_label="acled-jan.csv")
    return fig, figure_info(fig)


def points_drawn(info) -> int:
    return sum(len(a.get_offsets()) for a in info.layers["imported"].artists)


def legend_texts(info) -> list[str]:
    return [t.get_text() for t in info.legend.get_texts() if t.get_text()]


# -- the figure ------------------------------------------------------------------------------

def test_imported_events_in_the_window_and_on_the_map_are_drawn(january):
    _, info = january
    drawn = info.layers["imported"]
    assert points_drawn(info) == len(drawn.frame) == IN_REGION_JANUARY
    # One scatter per look (shape, fill, edge) of the events drawn, each look in one scatter:
    # 100,000 markers in a handful of looks take the fast path, never a scatter per marker.
    looks = [(artist.get_paths()[0].vertices.round(6).tobytes(),
              tuple(map(tuple, artist.get_facecolors())), tuple(map(tuple, artist.get_edgecolors())))
             for artist in drawn.artists]
    styles = {IMPORTED.style_of(row) for row in records(attributes(drawn.frame))}
    assert len(drawn.artists) == len(set(looks)) == len(styles) < len(drawn.frame)
    for artist in drawn.artists:
        assert artist.axes is info.map_ax
        assert len(artist.get_facecolors()) == 1  # one look for all its points


def test_a_narrower_window_draws_fewer(imported):
    view = View(start=dt.date(2024, 1, 16), end=dt.date(2024, 1, 18), layers=FEW_LAYERS)
    info = figure_info(build_figure(view, SMALL, imported=imported))
    assert points_drawn(info) == 3
    assert set(info.layers["imported"].frame["date"].dt.day) == {16, 18}


def test_imported_events_lie_under_everything_the_atlas_draws_but_its_areas(imported):
    """A dense import is background: the border, routes, towns, crossings and the atlas's
    events print over it, and it over the province fills."""
    view = View(start=dt.date(2024, 1, 1), end=dt.date(2024, 1, 31))
    info = figure_info(build_figure(view, SMALL, imported=imported))
    z = {name: {a.get_zorder() for a in d.artists} for name, d in info.layers.items() if d.artists}
    for above in ("border", "routes", "places", "crossings", "events"):
        assert max(z["imported"]) < min(z[above]), above
    assert max(z["provinces"]) < min(z["imported"])


def test_imported_events_do_not_move_the_map_and_are_not_labelled(january):
    _, info = january
    plain = figure_info(build_figure(JANUARY, SMALL))
    assert info.extent == plain.extent  # the rows north of the map and at Erbil do not widen it
    assert info.labels and not any(PLACE in t.get_text() for t in info.labels)


def test_legend_has_an_imported_block_of_the_kinds_and_actors_shown(january):
    _, info = january
    texts = legend_texts(info)
    start = texts.index("Imported events")
    end = texts.index("Provinces")  # drawn under the border, over the provinces (in print)
    assert texts.index("Strikes, attacks and diplomacy") < texts.index("International border") < start < end
    block = texts[start + 1:end]
    assert block == ["Kind: strike", "Kind: clash", "Kind: protest", "Kind: other",
                     "Actor: Iran", "Actor: Pakistan", "Actor: Armed group",
                     "Actor: Other or unknown"]


def test_source_line_names_the_imported_file(january, imported):
    _, info = january
    text = info.source.get_text().replace("\n", " ")
    assert "Imported events: acled-jan.csv (not checked by the atlas)." in text
    unnamed = figure_info(build_figure(JANUARY, SMALL, imported=imported))
    text = unnamed.source.get_text().replace("\n", " ")
    assert "Imported events: ACLED export (not checked by the atlas)." in text


def test_same_events_give_the_same_bytes(imported):
    options = {"preset": "single-column", "dpi": 100, "imported": imported,
               "imported_label": "acled-jan.csv"}
    first = render_figure(JANUARY, **options)
    assert first == render_figure(JANUARY, **options)
    assert first != render_figure(JANUARY, preset="single-column", dpi=100)


@pytest.fixture(scope="module")
def hundred_thousand(imported):
    """100,000 imported events in January, spread over the map (resampled from the file's)."""
    rng = np.random.default_rng(13)
    january = imported[imported["date"].dt.month == 1].iloc[:IN_REGION_JANUARY]
    big = january.iloc[rng.integers(0, len(january), 100_000)].reset_index(drop=True)
    points = shapely.points(rng.uniform(57, 67, len(big)), rng.uniform(24, 32, len(big)))
    return gpd.GeoDataFrame(big, geometry=points, crs=imported.crs)


@pytest.mark.parametrize("fmt", ["pdf", "svg"])
def test_100000_imported_events_are_one_image_in_a_vector_file(hundred_thousand, fmt):
    # How long this takes is for the bench (bench/export_bench.py), not a timed test: the
    # property that makes it fast is checked here (the points are one image, not 100,000 objects).
    view = View(start=dt.date(2024, 1, 1), end=dt.date(2024, 1, 31))
    data = render_figure(view, fmt=fmt, imported=hundred_thousand, imported_label="big.csv")
    if fmt == "svg":
        root = ET.fromstring(data)
        ns = "{http://www.w3.org/2000/svg}"
        assert len(root.findall(f".//{ns}image")) >= 1  # the markers, rasterized
        assert len(list(root.iter())) < 5_000  # not a vector object per marker
        assert any("Quetta" in "".join(t.itertext()) for t in root.iter(f"{ns}text"))
    else:
        assert data.count(b"/Subtype /Image") >= 1
        assert len(data) < 3_000_000


def test_an_import_with_nothing_in_the_window_leaves_the_figure_as_it_was(imported):
    february = View(start=dt.date(2024, 2, 1), end=dt.date(2024, 2, 29), layers=FEW_LAYERS)
    plain = render_figure(february, preset="single-column", dpi=100)
    assert render_figure(february, preset="single-column", dpi=100, imported=imported,
                         imported_label="acled-jan.csv") == plain


def test_an_event_spanning_days_shows_in_any_window_it_overlaps():
    ten_days = ucdp_row(date_start="2024-01-10 00:00:00.000", date_end="2024-01-20 00:00:00.000")
    frame = import_events(to_csv([ten_days]), filename="ged.csv").events
    assert in_window(frame, IMPORTED.time, dt.date(2024, 1, 15), dt.date(2024, 1, 16)).all()
    assert not in_window(frame, IMPORTED.time, dt.date(2024, 1, 21), dt.date(2024, 1, 31)).any()


# -- the command line ------------------------------------------------------------------------

def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


CLI_VIEW = ["--start", "2024-01-01", "--end", "2024-01-31", "--layers", ",".join(FEW_LAYERS),
            "--preset", "single-column", "--dpi", "100"]


def test_export_with_events_draws_them_and_reports_the_import(tmp_path, capsys, imported):
    events = tmp_path / "acled-jan.csv"
    events.write_bytes(acled_csv())
    out = tmp_path / "fig.png"
    code, stdout, err = run(capsys, "export", *CLI_VIEW, "--events", str(events), "--out", str(out))
    assert code == 0 and str(out) in stdout
    # One line saying which file and how many of its rows were drawn from (the wording is
    # the importer's summary: tests/test_import.py pins it).
    assert err.count("\n") == 1 and err.startswith("border-atlas: ")
    assert "acled-jan.csv" in err and "9 rows read" in err and "9 imported" in err
    assert out.read_bytes() == render_figure(JANUARY, preset="single-column", dpi=100,
                                             imported=imported, imported_label="acled-jan.csv")


@pytest.mark.parametrize(("content", "message"), [
    (b"", "'broken.csv': the file is empty"),
    (b"name,when\nx,2024-01-01\n", "'broken.csv': not an ACLED or UCDP GED export"),
    (None, "'broken.csv': file not found"),
])
def test_events_that_cannot_be_imported_are_one_line_and_leave_no_file(tmp_path, capsys,
                                                                        content, message):
    events = tmp_path / "broken.csv"
    if content is not None:
        events.write_bytes(content)
    code, stdout, err = run(capsys, "export", *CLI_VIEW, "--events", str(events),
                            "--out", str(tmp_path / "fig.png"))
    assert code == 2 and stdout == ""
    assert err.count("\n") == 1 and err.startswith("border-atlas: error: --events: "), err
    assert message in err
    assert [p.name for p in tmp_path.iterdir()] == ([] if content is None else ["broken.csv"])


def test_recipe_keeps_the_events_file_relative_to_itself(tmp_path, capsys, monkeypatch):
    folder = tmp_path / "figures"
    folder.mkdir()
    (folder / "acled-jan.csv").write_bytes(acled_csv())
    monkeypatch.chdir(folder)
    recipe = folder / "fig.toml"
    code, _, _ = run(capsys, "export", *CLI_VIEW, "--events", "acled-jan.csv", "--out", "a.png",
                     "--write-recipe", str(recipe))
    assert code == 0
    assert 'events = "acled-jan.csv"' in recipe.read_text()
    assert load_recipe(recipe).events == folder / "acled-jan.csv"
    monkeypatch.chdir(tmp_path)  # the recipe finds its events wherever it is run from
    code, _, err = run(capsys, "export", "figures/fig.toml", "--out", "b.png")
    assert code == 0 and "9 imported" in err
    assert (tmp_path / "b.png").read_bytes() == (folder / "a.png").read_bytes()


def test_recipe_events_round_trip():
    import tomllib

    recipe = recipe_from_mapping({"window": "crisis-week", "events": "data/acled.csv",
                                  "out": "fig.png"})
    assert recipe.events == Path("data/acled.csv")
    assert recipe_from_mapping(tomllib.loads(dumps_recipe(recipe))) == recipe
    without = recipe_from_mapping({"out": "fig.png"})
    assert without.events is None and "events" not in tomllib.loads(dumps_recipe(without))
