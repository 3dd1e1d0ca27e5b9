"""Filters (kind, actor group, side, killed, time precision, search): one rule, every door
(URL, command line, recipe), every output (table, downloads, figure, GIF, HTML file)."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import geopandas as gpd
from shapely.geometry import Point

from geo.assemble import shipped_layer, window
from geo.cli import main
from geo.errors import RecipeError, ViewError
from geo.filters import apply_filters, filter_mask, normalise_search, precision_class
from geo.recipe import dumps_recipe, recipe_from_mapping
from geo.view import (
    ACTOR_GROUPS,
    FILTER_KEYS,
    Filters,
    View,
    filters_from_mapping,
    view_from_query,
)
from layers import SPECS
from layers import palette as pal
from layers.events import actor_group
from layers.imported import IMPORTED, imported_actor_group

CASES = json.loads((Path(__file__).parent / "cases" / "filters.json").read_text(encoding="utf-8"))
EVENTS = SPECS["events"]


def _case_frame() -> pd.DataFrame:
    return pd.DataFrame(CASES["features"])


def _case_group(actor):
    return {f["actor"]: f["group"] for f in CASES["features"]}[actor]


# ---- the rule --------------------------------------------------------------------------------
@pytest.mark.parametrize("case", CASES["cases"], ids=lambda c: json.dumps(c["filters"]))
def test_the_shared_cases(case):
    frame = _case_frame()
    filters, notes = filters_from_mapping(case["filters"])
    assert not notes
    kept = frame["id"][filter_mask(frame, filters, _case_group)].tolist()
    assert kept == case["keep"]


@pytest.mark.parametrize(("text", "normalised"), CASES["normalise"])
def test_search_normalisation(text, normalised):
    assert normalise_search(text) == normalised


def test_the_cases_cover_every_filter():
    """The shared cases use every URL key, each of them alone in a case that leaves events out."""
    everything = [f["id"] for f in CASES["features"]]
    alone = {k for c in CASES["cases"] if c["keep"] != everything for k in c["filters"]
             if len(c["filters"]) == 1}
    assert alone == set(FILTER_KEYS)


@pytest.mark.parametrize(("text", "klass"), [
    ("day", "day"), ("week", "week"), ("month", "month"), ("week (coded as mid-week)", "week"),
    ("month (coded as mid-month)", "month"), ("within 2-6 days", "week"),
    ("within 8-30 days or the month", "month"), ("within the year", "year"), ("", "day"),
    (None, "day"), (float("nan"), "day")])
def test_precision_classes_of_every_source(text, klass):
    assert precision_class(text) == klass


def test_actor_groups_are_the_palettes():
    assert tuple(pal.ACTOR_COLORS) == ACTOR_GROUPS


def test_no_filter_keeps_every_event_and_the_same_frame():
    events = shipped_layer("events")
    assert apply_filters(events, Filters(), EVENTS) is events
    assert filter_mask(events, Filters(), actor_group).all()


def test_filters_on_the_shipped_events_match_a_plain_reading():
    events = shipped_layer("events")
    f = Filters(kinds=("strike", "attack"), sides=("IRN",))
    got = set(apply_filters(events, f, EVENTS)["id"])
    expected = {r.id for r in events.itertuples() if r.kind in ("strike", "attack") and r.border_side == "IRN"}
    assert got == expected and got
    groups = set(apply_filters(events, Filters(actors=("militant",)), EVENTS)["actor"].map(actor_group))
    assert groups == {"militant"}
    killed = apply_filters(events, Filters(min_killed=10), EVENTS)
    assert len(killed) and (killed["killed_high"].fillna(killed["killed_low"]) >= 10).all()


def test_layers_without_actors_are_never_filtered():
    crossings = shipped_layer("crossings")
    assert apply_filters(crossings, Filters(kinds=("strike",)), SPECS["crossings"]) is crossings


def test_imported_events_use_their_own_actor_rule_and_precision_words():
    frame = gpd.GeoDataFrame({
        "id": ["x1", "x2", "x3"], "kind": ["protest", "bombing", "clash"],
        "actor": ["Military Forces of Pakistan (2018-)", "BLA: Balochistan Liberation Army", None],
        "date_precision": ["week (coded as mid-week)", "day", "within the year"],
        "killed_low": [np.nan, 3.0, np.nan], "killed_high": [np.nan, 3.0, np.nan],
        "place": ["Quetta", "Turbat", "Zāhedān"], "target": [None, None, None],
        "summary": ["", "", ""], "border_side": ["PAK", "PAK", "IRN"]},
        geometry=[Point(66, 30)] * 3, crs=4326)
    assert imported_actor_group("Military Forces of Pakistan (2018-)") == "PAK"
    assert actor_group("Military Forces of Pakistan (2018-)") == "other"  # why the rule is the layer's
    ids = lambda f: list(apply_filters(frame, f, IMPORTED)["id"])  # noqa: E731
    assert ids(Filters(actors=("PAK",))) == ["x1"]
    assert ids(Filters(actors=("other",))) == ["x3"]
    assert ids(Filters(precision="day")) == ["x2"]
    assert ids(Filters(precision="week")) == ["x1", "x2"]
    assert ids(Filters(search="zahedan")) == ["x3"]
    assert ids(Filters(min_killed=1)) == ["x2"]


def test_a_search_over_100000_events_is_vectorised():
    """Bounded work: 100,000 imported rows are searched in well under a second's worth of
    Python calls (normalisation once per row, matching per word in pandas)."""
    n = 100_000
    rng = np.random.default_rng(1)
    places = np.array(["Quetta", "Turbat", "Zāhedān", "Gwadar", "Panjgur"])[rng.integers(0, 5, n)]
    frame = pd.DataFrame({"actor": "Protesters", "place": places, "target": None,
                          "summary": "Fishermen protested.", "kind": "protest"})
    kept = filter_mask(frame, Filters(search="zahedan protested"), lambda a: "other")
    assert kept.sum() == (places == "Zāhedān").sum()


# ---- the doors: URL, recipe, command line ----------------------------------------------------
def test_url_keys_make_filters_and_bad_ones_are_named_and_dropped():
    view = view_from_query({"kind": "strike,attack", "actor": "irn", "side": "PAK",
                            "min_killed": "3", "precision": "week", "search": "  Jaish  al-Adl "})
    assert view.filters == Filters(kinds=("strike", "attack"), actors=("IRN",), sides=("PAK",),
                                   min_killed=3, precision="week", search="Jaish al-Adl")
    assert view.notes == ()
    assert view_from_query(view.filters.to_query()).filters == view.filters  # the link round-trips
    bad = view_from_query({"kind": "strike,<b>nuke</b>", "side": "AFG", "min_killed": "lots",
                           "precision": "decade", "search": "a" * 500})
    assert bad.filters == Filters()
    text = " | ".join(bad.notes)
    for key in ("kind", "side", "min_killed", "precision", "search"):
        assert f"{key}:" in text
    assert "'<b>nuke</b>'" in text and "'AFG'" in text and "'decade'" in text


@pytest.mark.parametrize(("args", "message"), [
    ({"kinds": ("meteor",)}, "kind: 'meteor' is not one of"),
    ({"actors": ("NATO",)}, "actor: 'NATO' is not one of"),
    ({"sides": ("AFG",)}, "side: 'AFG' is not one of"),
    ({"min_killed": -1}, "min_killed: '-1' is not a whole number"),
    ({"min_killed": "5.5"}, "min_killed: '5.5' is not a whole number"),
    ({"precision": "hour"}, "precision: 'hour' is not one of"),
    ({"search": "x" * 201}, "search: "),
    ({"search": "a\x00b"}, "holds a control character"),
    ({"search": " ".join("w" * 13)}, "has 13 words"),
])
def test_a_bad_filter_is_refused_by_name(args, message):
    with pytest.raises(ViewError) as exc:
        Filters(**args)
    assert message in str(exc.value)


def test_filters_in_words():
    f = Filters(kinds=("shoot-down",), actors=("militant", "PAK"), sides=("IRN",), min_killed=5,
                precision="week", search="Jaish")
    assert f.describe() == ("kind shoot down; actor Pakistan or armed group; Iranian side; "
                            "at least 5 killed; dated to the week or finer; matching “Jaish”")
    assert Filters().describe() == "" and not Filters().active


def test_recipe_keys_round_trip_and_bad_ones_name_the_key(tmp_path):
    recipe = recipe_from_mapping({"window": "crisis-week", "kind": ["strike"], "actor": "IRN,PAK",
                                  "min_killed": 2, "precision": "day", "search": "Panjgur",
                                  "out": str(tmp_path / "f.png")})
    assert recipe.view.filters == Filters(kinds=("strike",), actors=("IRN", "PAK"), min_killed=2,
                                          precision="day", search="Panjgur")
    text = dumps_recipe(recipe)
    assert 'kind = ["strike"]' in text and "min_killed = 2" in text and 'search = "Panjgur"' in text
    import tomllib

    again = recipe_from_mapping(tomllib.loads(text))
    assert again.view.filters == recipe.view.filters
    assert "kind" not in dumps_recipe(recipe_from_mapping({"window": "crisis-week"}))
    with pytest.raises(ViewError) as exc:
        recipe_from_mapping({"kind": ["strike", 3]})
    assert exc.value.field == "kind"
    with pytest.raises((ViewError, RecipeError)) as exc2:
        recipe_from_mapping({"min_killed": True})
    assert exc2.value.field == "min_killed"


def test_cli_flags_filter_the_figure_and_a_bad_one_names_the_flag(tmp_path, capsys):
    out = tmp_path / "f.svg"
    recipe = tmp_path / "f.toml"
    code = main(["export", "--layers", "border,provinces,events", "--preset", "single-column",
                 "--start", "2024-01-16", "--end", "2024-01-18", "--kind", "strike", "--side", "PAK",
                 "--out", str(out), "--write-recipe", str(recipe)])
    assert code == 0, capsys.readouterr().err
    svg = out.read_text(encoding="utf-8")
    assert "Events shown: kind strike; Pakistani side." in re.sub(r"\s+", " ", _svg_text(svg))
    assert 'side = ["PAK"]' in recipe.read_text(encoding="utf-8")
    code = main(["export", "--kind", "meteor", "--out", str(tmp_path / "g.png")])
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("border-atlas: error: --kind: 'meteor' is not one of")
    assert not (tmp_path / "g.png").exists()
    code = main(["export", "--min-killed", "many", "--out", str(tmp_path / "g.png")])
    assert code == 2 and "--min-killed: 'many'" in capsys.readouterr().err


def _svg_text(svg: str) -> str:
    """The text an SVG figure shows (its <text> elements, lines joined)."""
    import xml.etree.ElementTree as ET

    root = ET.fromstring(svg)
    return " ".join("".join(t.itertext()) for t in root.iter("{http://www.w3.org/2000/svg}text"))


# ---- the outputs: figure, animation, HTML file -----------------------------------------------
def test_the_figure_draws_only_the_filtered_events():
    from geo.figure import FigureSpec, build_figure, figure_info

    view = View(start=dt.date(2024, 1, 15), end=dt.date(2024, 1, 22),
                layers=("border", "provinces", "events"))
    spec = FigureSpec(preset="single-column")
    both = figure_info(build_figure(view, spec)).layers["events"].frame
    only = figure_info(build_figure(view.with_(filters=Filters(sides=("IRN",))), spec)).layers["events"].frame
    assert set(both["border_side"].dropna()) == {"IRN", "PAK"}
    assert set(only["border_side"]) == {"IRN"}
    assert set(only["id"]) == set(both[both["border_side"] == "IRN"]["id"])


def test_every_animation_frame_keeps_the_filters():
    from geo.figure import FigureSpec, build_figure, figure_info
    from geo.figure.compose import redraw_window

    view = View(start=dt.date(2023, 12, 1), end=dt.date(2024, 4, 30),
                layers=("border", "provinces", "events"))
    drawn = {}
    for name, filters in (("all", Filters()), ("pak", Filters(sides=("PAK",)))):
        fig = build_figure(view.with_(filters=filters), FigureSpec(preset="single-column"))
        redraw_window(fig, dt.date(2023, 12, 10), dt.date(2024, 2, 29))  # one frame
        drawn[name] = figure_info(fig).layers["events"].frame
    everything = drawn["all"]
    assert set(everything["border_side"].dropna()) == {"IRN", "PAK"}
    assert set(drawn["pak"]["id"]) == set(everything[everything["border_side"] == "PAK"]["id"])


def test_the_html_file_holds_the_filtered_events_and_says_so():
    from geo.web.page import html_page

    view = View(start=dt.date(2024, 1, 15), end=dt.date(2024, 1, 22),
                layers=("border", "provinces", "events"),
                filters=Filters(kinds=("strike",), search="Panjgur"))
    text = html_page(view).data.decode("utf-8")
    block = re.search(r'<script type="application/json" id="ba-config">(.*?)</script>', text, re.S)
    config = json.loads(block.group(1))
    ids = {f["properties"]["_id"] for f in config["dated"]["events"]["features"] if "#" not in f["properties"]["_id"]}
    events = shipped_layer("events")
    assert ids == set(apply_filters(events, view.filters, EVENTS)["id"]) and ids
    assert config["filters"] == {"kind": "strike", "search": "Panjgur"}
    assert "events shown: kind strike; matching “Panjgur”" in text


def test_a_hostile_search_is_text_in_the_html_file():
    from geo.web.page import html_page

    view = View(layers=("border", "events"), filters=Filters(search='</script><img src=x onerror=alert(1)>'))
    text = html_page(view).data.decode("utf-8")
    assert "<img src=x" not in text
    assert "&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;" in text


# ---- the app: the URL's filters reach the table, the count, the downloads and the element ----
def _app(params):
    from streamlit.testing.v1 import AppTest

    from tests.test_app import APP, TIMEOUT

    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


def test_the_app_filters_table_count_downloads_and_element(served):
    import csv
    import io

    from tests._element import data
    from tests.test_app import _download

    at = _app({"start": "2024-01-15", "end": "2024-01-22", "kind": "strike", "side": "PAK"})
    assert not at.exception and not at.warning
    events = window(SPECS["events"], dt.date(2024, 1, 15), dt.date(2024, 1, 22))
    expected = set(events[(events["kind"] == "strike") & (events["border_side"] == "PAK")]["id"])
    assert expected and len(expected) < len(events)
    table = at.dataframe[0].value
    assert len(table) == len(expected) and set(table["kind"]) == {"strike"}
    assert any(f"({len(expected)})" in h.value for h in at.subheader)
    assert any("Events shown: kind strike; Pakistani side" in c.value.replace("\\", "")
               for c in at.caption)
    rows = list(csv.DictReader(io.StringIO(_download(at, served, "Download CSV").decode("utf-8"))))
    assert {r["id"] for r in rows} == expected
    collection = json.loads(_download(at, served, "Download GeoJSON"))
    assert {f["properties"]["id"] for f in collection["features"]} == expected
    assert data(at)["state"]["filters"] == {"kind": "strike", "side": "PAK"}


def test_hostile_filter_values_in_a_link_are_plain_text():
    from tests._markdown import only_escaped, shown

    hostile = {"kind": "[Session expired](http://evil.example/login)", "search": "$x^2$ :red[alarm] <b>b</b>",
               "side": "![](http://127.0.0.1:9/p.png)"}
    at = _app(hostile)
    assert not at.exception
    notices = [w.value for w in at.warning]
    assert len(notices) == 2  # kind and side are refused; the search is a search
    assert all(only_escaped(n) for n in notices)
    text = " ".join(shown(n) for n in notices)
    assert hostile["kind"] in text and hostile["side"] in text
    captions = [c.value for c in at.caption if "Events shown" in shown(c.value)]
    assert captions and only_escaped(captions[0]) and hostile["search"] in shown(captions[0])


def test_the_app_filters_imported_events_too():
    from tests.test_app_import import _imported_heading, _upload
    from tests.test_import import acled_row, to_csv

    rows = [acled_row(event_id_cnty="PAK9101", notes="Drones struck a house in Sabz Koh."),
            acled_row(event_id_cnty="PAK9102", fatalities="7", notes="Gunmen attacked a checkpoint.",
                      sub_event_type="Armed clash", event_type="Battles",
                      actor1="Unidentified Armed Group (Pakistan)"),
            acled_row(event_id_cnty="PAK9103", time_precision="2", notes="A protest.",
                      event_type="Protests", sub_event_type="Peaceful protest", fatalities="0")]
    at = _app({"start": "2024-01-15", "end": "2024-01-22"})
    at = _upload(at, "acled.csv", to_csv(rows))
    assert _imported_heading(at) == "Imported events in the window (3)"
    for params, count in (({"actor": "militant"}, 1), ({"min_killed": "5"}, 1),
                          ({"precision": "day"}, 2), ({"search": "drones sabz"}, 1),
                          ({"kind": "protest"}, 1)):
        at.session_state["filters"] = filters_from_mapping(params)[0]
        at.run()
        assert _imported_heading(at) == f"Imported events in the window ({count})", params
