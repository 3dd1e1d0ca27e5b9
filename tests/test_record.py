"""The 2012–2025 record: time precision, the one window rule, crossing status history, and the
build's map checks (sides, shared points, radii that cover what they claim), coverage."""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd
import pytest

import geo
from geo.assemble import WINDOW_STATUS, crossing_status, in_window, window
from geo.build import curated
from geo.timespan import date_last, describe_when, precision_problem
from layers import SPECS
from layers.events import when_text
from tests._curated import copy_curated as _copy
from tests._curated import edit_curated as _edit

D = dt.date


# -- time precision ---------------------------------------------------------------------------

@pytest.mark.parametrize(("first", "precision", "end", "last"), [
    (D(2024, 1, 16), "day", None, D(2024, 1, 16)),
    (D(2024, 1, 15), "week", None, D(2024, 1, 21)),
    (D(2024, 2, 1), "month", None, D(2024, 2, 29)),  # leap year
    (D(2023, 12, 1), "month", None, D(2023, 12, 31)),
    (D(2024, 1, 15), "week", D(2024, 1, 30), D(2024, 1, 30)),  # end_date beyond the week wins
    (D(2024, 1, 1), "month", D(2024, 1, 3), D(2024, 1, 31)),  # the month beyond end_date wins
])
def test_date_last_is_the_later_of_end_date_and_the_period(first, precision, end, last):
    assert date_last(first, precision, end) == last


def test_month_precision_needs_the_first_of_the_month():
    assert precision_problem(D(2024, 1, 2), "month")
    assert precision_problem(D(2024, 1, 1), "month") is None
    assert precision_problem(D(2024, 1, 2), "fortnight")


def test_popup_says_sometime_in_and_week_of():
    assert describe_when(D(2013, 5, 1), "month") == "sometime in May 2013"
    assert describe_when(D(2024, 1, 15), "week") == "week of 2024-01-15"
    assert when_text({"date": "2024-01-16", "end_date": "2024-01-18"}) == "2024-01-16 to 2024-01-18"
    assert when_text({"date": pd.Timestamp("2012-10-01"), "time_precision": "month"}) == \
        "sometime in October 2012"


def test_every_shipped_event_has_precision_and_date_last(layers):
    ev = layers["events"]
    assert set(ev["time_precision"]) <= {"day", "week", "month"}
    for _, row in ev.iterrows():
        end = row["end_date"].date() if pd.notna(row["end_date"]) else None
        assert row["date_last"].date() == date_last(row["date"].date(), row["time_precision"], end)
    month = ev[ev["time_precision"] == "month"]
    assert len(month) > 0 and (month["date"].dt.day == 1).all()


def _events(rows):
    frame = pd.DataFrame(rows)
    for col in ("date", "end_date", "date_last"):
        frame[col] = pd.to_datetime(frame[col])
    return frame


def test_the_one_window_rule_spans_the_precision_period():
    ev = _events([
        {"id": "month", "date": "2013-05-01", "end_date": None, "time_precision": "month",
         "date_last": "2013-05-31"},
        {"id": "week", "date": "2024-01-15", "end_date": None, "time_precision": "week",
         "date_last": "2024-01-21"},
        {"id": "day", "date": "2024-01-16", "end_date": None, "time_precision": "day",
         "date_last": "2024-01-16"},
    ])
    shown = lambda a, b: set(ev[in_window(ev, SPECS["events"].time, a, b)]["id"])  # noqa: E731
    assert shown(D(2013, 5, 20), D(2013, 5, 20)) == {"month"}  # a day inside the month
    assert shown(D(2013, 6, 1), D(2013, 6, 30)) == set()
    assert shown(D(2024, 1, 20), D(2024, 1, 25)) == {"week"}  # the week's end overlaps
    assert shown(D(2024, 1, 16), D(2024, 1, 16)) == {"week", "day"}
    assert shown(D(2024, 1, 22), D(2024, 1, 31)) == set()


def test_shipped_window_is_date_le_end_and_date_last_ge_start(layers):
    ev = layers["events"]
    for a, b in [(D(2012, 10, 15), D(2012, 10, 15)), (D(2020, 8, 31), D(2020, 9, 2)),
                 (D(2024, 1, 15), D(2024, 1, 22))]:
        expected = set(ev[(ev["date"].dt.date <= b) & (ev["date_last"].dt.date >= a)]["id"])
        assert set(window(SPECS["events"], a, b)["id"]) == expected


# -- crossings --------------------------------------------------------------------------------

HISTORY = [
    {"date": "2020-07-05", "status": "reopened"},
    {"date": "2025-01-13", "status": "approved"},
    {"date": "2025-06-15", "status": "closed"},
    {"date": "2025-10-08", "status": "reopened"},
]


@pytest.mark.parametrize(("day", "status"), [
    (D(2020, 7, 4), None), (D(2020, 7, 5), "open"), (D(2025, 3, 1), "open"),
    (D(2025, 6, 15), "closed"), (D(2025, 10, 7), "closed"), (D(2025, 10, 8), "open"),
])
def test_crossing_status_follows_the_history(day, status):
    assert crossing_status(HISTORY, day) == status


def test_approval_alone_is_approved_and_no_history_is_none():
    assert crossing_status([{"date": "2025-01-13", "status": "approved"}], D(2025, 2, 1)) == "approved"
    assert crossing_status([], D(2025, 2, 1)) is None
    assert crossing_status(None, D(2025, 2, 1)) is None


def test_shipped_crossings_carry_a_sourced_history(layers):
    cr = layers["crossings"].set_index("id")
    for cid in ("chedgi-kohak", "jirak-parom", "katagar-mashkel", "gabd-rimdan-market"):
        assert cid in cr.index
    assert all(isinstance(h, list) for h in cr["status_history"])
    assert any(e["status"] == "approved" and e["date"].startswith("2025-01")
               for e in cr.loc["chedgi-kohak", "status_history"])
    assert any(e["status"] == "reopened" and e["date"].startswith("2025-10")
               for e in cr.loc["katagar-mashkel", "status_history"])
    assert cr.loc["gabd-rimdan-market", "opened"].date() == D(2023, 4, 9)
    for history in cr["status_history"]:
        for entry in history:
            assert entry["sources"]


def test_a_crossing_closed_at_the_windows_end_is_hollow():
    shown = window(SPECS["crossings"], D(2025, 1, 1), D(2025, 7, 1)).set_index("id")
    assert shown.loc["gabd-rimdan", WINDOW_STATUS] == "closed"
    assert shown.loc["taftan-mirjaveh", WINDOW_STATUS] == "open"  # the pedestrian stop of June 2025 is partial
    style = SPECS["crossings"].style_of
    assert style(shown.loc["gabd-rimdan"].to_dict()).fill_opacity == 0
    assert style(shown.loc["taftan-mirjaveh"].to_dict()).fill_opacity == 1
    earlier = window(SPECS["crossings"], D(2024, 1, 1), D(2024, 7, 1)).set_index("id")
    assert earlier.loc["gabd-rimdan", WINDOW_STATUS] == "open"


@pytest.mark.parametrize(("day", "crossing", "status"), [
    (D(2020, 3, 1), "taftan-mirjaveh", "closed"),  # the COVID-19 closure of 24 February 2020
    (D(2020, 3, 10), "taftan-mirjaveh", "open"),  # trade resumed on 7 March
    (D(2020, 4, 1), "katagar-mashkel", "closed"),
    (D(2020, 4, 21), "mand-pishin", "open"),  # cargo from 21 April
    (D(2022, 10, 2), "taftan-mirjaveh", "closed"),  # Iran's sealing after the Zahedan killings
    (D(2022, 10, 3), "taftan-mirjaveh", "open"),  # its end is not known: not drawn as lasting
    (D(2023, 6, 1), "katagar-mashkel", "closed"),  # about four years, to 8 October 2025
    (D(2025, 10, 9), "katagar-mashkel", "open"),
])
def test_the_shipped_crossing_histories(day, crossing, status):
    shown = window(SPECS["crossings"], day, day).set_index("id")
    assert shown.loc[crossing, WINDOW_STATUS] == status


def test_web_map_gets_the_closed_look_and_the_days_it_applies(layers):
    """The engine draws a crossing in ``_sc`` (its closed look) on a day whose latest status
    change (``_h``, from ``crossing_status``) is "closed", in its own look otherwise."""
    from geo.timespan import day_number
    from geo.web.explorer import dated_collection
    from geo.web.layers import prepare_layer

    def status_on(history, day):
        return next((s for d, s in reversed(history) if d <= day_number(day)), None)

    features = dated_collection(prepare_layer("crossings", layers["crossings"]))["features"]
    props = {f["properties"]["_id"]: f["properties"] for f in features}
    gabd = props["gabd-rimdan"]
    assert status_on(gabd["_h"], D(2025, 7, 1)) == "closed"
    assert status_on(gabd["_h"], D(2024, 7, 1)) == "open"
    assert gabd["_sc"]["fill_opacity"] == 0.0 and gabd["_s"]["fill_opacity"] != 0.0
    assert "_h" not in props["gabd-rimdan-market"]  # never closed: one look


# -- build checks -----------------------------------------------------------------------------



def test_places_of_two_countries_on_one_point_are_refused(tmp_path, border_line):
    folder = _copy(tmp_path)
    _edit(folder, "places.toml", "lat = 25.3730\nlon = 61.6350", "lat = 25.3730\nlon = 61.6750")
    with pytest.raises(geo.LayerValidationError, match="(?s)share one point.*zero length"):
        curated.build(border_line, folder)


def test_a_radius_that_does_not_cover_its_claim_is_refused(tmp_path, border_line):
    folder = _copy(tmp_path)
    _edit(folder, "events.toml", "precision_m = 125000", "precision_m = 80000")
    with pytest.raises(geo.LayerValidationError, match="does not cover border:kech-bounds"):
        curated.build(border_line, folder)


def test_a_crossing_farther_from_the_border_than_its_radius_is_refused(tmp_path, border_line):
    folder = _copy(tmp_path)
    _edit(folder, "crossings.toml", "lon = 62.7102\nprecision_m = 15000", "lon = 62.7102\nprecision_m = 5000")
    with pytest.raises(geo.LayerValidationError, match="jalq-market.*beyond its 5 km radius"):
        curated.build(border_line, folder)


def test_an_event_on_the_wrong_side_is_refused(tmp_path, border_line):
    folder = _copy(tmp_path)
    _edit(folder, "events.toml", 'country = "IRN"\nlat = 29.0148', 'country = "PAK"\nlat = 29.0148')
    with pytest.raises(geo.LayerValidationError, match="country is PAK but the point is .* inside IRN"):
        curated.build(border_line, folder)


def test_month_precision_off_the_first_is_refused(tmp_path, border_line):
    folder = _copy(tmp_path)
    text = (folder / "events.toml").read_text(encoding="utf-8")
    text = re.sub(r'date = "(\d{4}-\d{2})-01"\ntime_precision = "month"',
                  r'date = "\1-02"\ntime_precision = "month"', text, count=1)
    (folder / "events.toml").write_text(text, encoding="utf-8")
    with pytest.raises(geo.LayerValidationError, match="needs the date on the 1st"):
        curated.build(border_line, folder)


# -- coverage ---------------------------------------------------------------------------------

def test_the_record_meets_the_issue(layers):
    ev = layers["events"]
    assert len(ev) >= 80
    years = set(ev["date"].dt.year)
    assert set(range(2012, 2026)) <= years


def test_coverage_report_names_years_kinds_sides_and_the_longest_gap(layers):
    feats = [{"properties": {"date": d.strftime("%Y-%m-%d"), "date_last": last.strftime("%Y-%m-%d"),
                             "kind": k, "border_side": s}}
             for d, last, k, s in zip(layers["events"]["date"], layers["events"]["date_last"],
                                   layers["events"]["kind"], layers["events"]["border_side"], strict=True)]
    report = curated.coverage_report(feats)
    for part in ("per year: 2012", "per kind:", "abduction", "border", "per side:", "longest gap:"):
        assert part in report
