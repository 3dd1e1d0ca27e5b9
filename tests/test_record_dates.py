"""Key dates: every "weekday, day month" the record states agrees with the calendar, and the
crisis week of January 2024 follows the sequence its sources give, day by day."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest

from geo.build import curated

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
DAY_PHRASE = re.compile(rf"\b({'|'.join(WEEKDAYS)}),? (\d{{1,2}}) ({'|'.join(MONTHS)})\b")


def weekday_mismatches(text: str, years: set[int]) -> list[str]:
    """Each "Friday 19 January" in ``text`` whose weekday is wrong for every one of ``years``
    (the event's year and the source's: a report of late December may be dated January)."""
    bad = []
    for match in DAY_PHRASE.finditer(text):
        weekday, day, month = match.groups()
        fits = []
        for year in years:
            try:
                fits.append(dt.date(year, MONTHS.index(month) + 1, int(day)).strftime("%A") == weekday)
            except ValueError:  # 29 February in a common year, 31 April...
                fits.append(False)
        if not any(fits):
            bad.append(match.group(0))
    return bad


def _texts(event: dict[str, Any], registry: dict[str, Any]) -> list[tuple[str, set[int]]]:
    year = int(event["date"][:4])
    out = [(str(event.get(field, "")), {year}) for field in ("summary", "location_note", "casualty_note")]
    for key in event.get("sources", []):
        src = registry[key]
        out.append((str(src.get("note", "")) + " " + str(src.get("title", "")), {year, int(str(src["date"])[:4])}))
    return out


@pytest.fixture(scope="module")
def record():
    registry, tables = curated.load_tables()
    return registry, {e["id"]: e for e in tables["events"]["event"]}


def test_the_check_finds_a_weekday_the_calendar_denies():
    assert weekday_mismatches("the FO said on Friday 19 January", {2024}) == []
    assert weekday_mismatches("the FO said on Thursday 19 January", {2024}) == ["Thursday 19 January"]
    assert weekday_mismatches("Sunday, 31 December", {2023, 2024}) == []  # either year may hold
    assert weekday_mismatches("Monday 29 February", {2023}) == ["Monday 29 February"]


def test_every_stated_weekday_matches_its_date(record):
    registry, events = record
    phrases, bad = 0, []
    for event in events.values():
        for text, years in _texts(event, registry):
            phrases += len(DAY_PHRASE.findall(text))
            bad += [f"{event['id']}: {phrase}" for phrase in weekday_mismatches(text, years)]
    assert phrases >= 50, "the record states weekdays with dates in dozens of places; the scan found few"
    assert bad == []


# The crisis of January 2024, day by day, as the record's sources give it: (event id, date,
# weekday, source key, what that source says of the day; None: the source is a same-day report).
CRISIS_SEQUENCE = [
    ("2024-01-15-irgc-missile-strike-erbil", "2024-01-15", "Monday", "kurdistan24-2024-01-16-erbil",
     "the night of 15 January"),
    ("2024-01-16-iran-strike-panjgur", "2024-01-16", "Tuesday", "dawn-2024-01-18-koh-i-sabz", "16 January"),
    ("2024-01-16-davos-kakar-amir-abdollahian-meeting", "2024-01-16", "Tuesday", "anews-2024-01-17-iran-claims",
     "Tuesday 16 January"),
    ("2024-01-17-pakistan-recalls-ambassador-islamabad", "2024-01-17", "Wednesday", "brecorder-2024-01-17-recall",
     "17 January"),
    ("2024-01-17-fm-call-jilani-amir-abdollahian", "2024-01-17", "Wednesday", "brecorder-2024-01-17-fm-call",
     "Wednesday 17 January"),
    ("2024-01-18-pakistan-strike-saravan", "2024-01-18", "Thursday", "ary-2024-01-18-ispr-marg-bar-sarmachar",
     "early hours of 18 January"),
    ("2024-01-18-pakistan-strike-saravan", "2024-01-18", "Thursday", "iribnews-zahedan-2024-01-18-saravan",
     "Thursday"),
    ("2024-01-19-pakistan-national-security-committee", "2024-01-19", "Friday", "app-urdupoint-2024-01-19-nsc",
     "Friday 19 January"),
    ("2024-01-22-joint-statement-ambassadors-return", "2024-01-22", "Monday", "urdupoint-2024-01-22-joint-statement",
     "22 January"),
    ("2024-01-26-pakistan-ambassador-returns-tehran", "2024-01-26", "Friday", "brecorder-2024-01-27-envoys",
     "Friday 26 January"),
    ("2024-01-26-iran-ambassador-returns-islamabad", "2024-01-26", "Friday", "brecorder-2024-01-27-envoys",
     "Friday 26 January"),
    ("2024-01-27-saravan-killing-of-pakistani-workers", "2024-01-27", "Saturday", "ary-2024-01-27-saravan-workers",
     None),
    ("2024-01-29-amir-abdollahian-visit-islamabad", "2024-01-29", "Monday", "urdupoint-2024-01-29-fm-meeting",
     "29 January"),
]


@pytest.mark.parametrize(("event_id", "day", "weekday", "key", "said"), CRISIS_SEQUENCE,
                         ids=[f"{row[0]}:{row[3]}" for row in CRISIS_SEQUENCE])
def test_the_crisis_weeks_follow_the_sources(record, event_id, day, weekday, key, said):
    registry, events = record
    event = events[event_id]
    assert event["date"] == day, f"{event_id} is dated {event['date']}; its sources give {day}"
    assert dt.date.fromisoformat(day).strftime("%A") == weekday
    assert key in event["sources"], f"{event_id} no longer cites {key}"
    source = registry[key]
    if said is None:
        assert str(source["date"]) == day, f"{key} is not a report of the day itself"
    else:
        assert said in str(source.get("note", "")), f"{key}'s note no longer says {said!r}"


def test_the_strikes_come_in_their_order(record):
    """Iraq and Syria (15 Jan), Panjgur (16 Jan), Saravan (18 Jan): the record's strikes of the
    crisis keep the order and the spacing the sources give."""
    _, events = record
    strikes = sorted((e["date"], e["id"]) for e in events.values()
                     if e["kind"] == "strike" and "2024-01-14" <= e["date"] <= "2024-01-24")
    assert [d for d, _ in strikes] == ["2024-01-15", "2024-01-15", "2024-01-16", "2024-01-18"]
    assert strikes[2][1] == "2024-01-16-iran-strike-panjgur" and strikes[3][1] == "2024-01-18-pakistan-strike-saravan"
