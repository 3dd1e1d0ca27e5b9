"""The explorer's controls beside the timeline in headless Chromium, at a laptop's 1280×720 and
at 1400×1000: the filters (the map, the bars, the marks, the count, the address and Python's
table follow them; a reload keeps them), the typed dates, what Play plays and says, the Play
button's one width, the year on every tick and the overview's mark; then the same filters in
an exported file opened from disk with every request blocked."""

from __future__ import annotations

import re
import time
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from test_import import acled_row, to_csv

from geo.imports import import_events
from geo.view import View
from geo.web.page import html_page
from tests._server import engine_frame, wait_for

pytestmark = pytest.mark.browser
ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
ENGINE = "BorderAtlasEngine"
IRAN_STRIKE = "2024-01-16-iran-strike-panjgur"
PAKISTAN_STRIKE = "2024-01-18-pakistan-strike-saravan"
SIZES = [(1280, 720), (1400, 1000)]
BARS = "Array.from(document.querySelectorAll('.ba-tl-bars rect')).reduce((s, r) => s + +r.getAttribute('height'), 0)"


@pytest.fixture(params=SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def session(request, server, browser):
    width, height = request.param
    page = browser.new_page(viewport={"width": width, "height": height})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("dialog", lambda d: (errors.append("dialog: " + d.message), d.dismiss()))
    yield page, server, errors, f"{width}x{height}"
    page.close()


def events_shown(frame) -> set[str]:
    """Ids of the atlas's events on the map (their ids start with their date; crossings, which
    are never filtered, are left out)."""
    return {i for i in frame.evaluate(f"{ENGINE}.shown()") if re.match(r"\d{4}-\d\d-\d\d-", i)}


def query_of(page) -> dict[str, list[str]]:
    return parse_qs(urlparse(page.evaluate("location.href")).query)


def heading_count(page) -> int:
    """The count in the events table's heading (Python's side)."""
    text = page.locator("h3").filter(has_text="Events in the window").first.inner_text()
    return int(re.search(r"\((\d+)\)\s*$", text).group(1))


def test_a_kind_filter_rules_the_map_bars_count_address_and_table_and_survives_a_reload(session, browser):
    page, url, errors, size = session
    page.goto(url + "?start=2024-01-01&end=2024-02-29")
    frame = engine_frame(page, timeout=60)
    wait_for(lambda: {IRAN_STRIKE, PAKISTAN_STRIKE} <= events_shown(frame), what="both strikes")
    before = events_shown(frame)
    bars_before = frame.evaluate(BARS)
    wait_for(lambda: heading_count(page) == len(before), what="the table's count to be the map's")
    frame.click('.ba-fl-menu[data-filter="kind"] summary')
    frame.check('.ba-fl-menu[data-filter="kind"] input[value="strike"]')
    after = events_shown(frame)  # in the same call as the click: nothing to wait for
    assert {IRAN_STRIKE, PAKISTAN_STRIKE} <= after < before, (after, before)
    assert frame.evaluate(BARS) < bars_before
    assert "(filtered)" in frame.inner_text(".ba-tl-label")
    assert f"· {len(after)} event" in frame.inner_text(".ba-tl-label")
    assert frame.inner_text('.ba-fl-menu[data-filter="kind"] summary') == "Kind: Strike"
    has_mark = lambda ids: [frame.evaluate(f"!!{ENGINE}.mark('{i}')") for i in sorted(ids)]  # noqa: E731
    assert all(has_mark(after)) and not any(has_mark(before - after))  # the track's marks follow too
    page.keyboard.press("Escape")
    # the address and Python follow when the user lets go
    wait_for(lambda: query_of(page).get("kind") == ["strike"], what="kind=strike in the address")
    wait_for(lambda: heading_count(page) == len(after), timeout=20, what="Python's table to follow the filters")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"controls-filtered-{size}.png"))
    # a reload of the address reopens the same state
    again = browser.new_page(viewport=page.viewport_size)
    try:
        again.goto(page.evaluate("location.href"))
        frame2 = engine_frame(again, timeout=60)
        assert frame2.evaluate(f"{ENGINE}.filters()") == {"kind": "strike"}
        wait_for(lambda: events_shown(frame2) == after, what="the same events after a reload")
        assert frame2.is_checked('.ba-fl-menu[data-filter="kind"] input[value="strike"]')
        # clearing brings every event back, and the address loses the key
        frame2.click("text=Clear filters")
        assert events_shown(frame2) == before
        wait_for(lambda: "kind" not in query_of(again), what="kind to leave the address")
    finally:
        again.close()
    assert errors == [], errors


def test_search_and_killed_filter_and_the_search_stays_text(session):
    page, url, errors, _ = session
    page.goto(url + "?start=2024-01-01&end=2024-02-29")
    frame = engine_frame(page, timeout=60)
    wait_for(lambda: {IRAN_STRIKE, PAKISTAN_STRIKE} <= events_shown(frame), what="both strikes")
    frame.fill(".ba-fl-search", "Saravan")
    assert PAKISTAN_STRIKE in events_shown(frame) and IRAN_STRIKE not in events_shown(frame)
    frame.fill(".ba-fl-search", "")
    frame.fill(".ba-fl-killed input", "5")
    kept = events_shown(frame)
    assert PAKISTAN_STRIKE in kept and IRAN_STRIKE not in kept  # 9-11 killed at Saravan, 2 at Panjgur
    frame.fill(".ba-fl-killed input", "")
    hostile = '<img src=x onerror="alert(1)">Saravan'
    frame.fill(".ba-fl-search", hostile)
    assert frame.evaluate("document.querySelectorAll('.ba-timeline img, .ba-timeline [onerror]').length") == 0
    assert frame.evaluate(f"{ENGINE}.filters().search") == hostile
    assert events_shown(frame) == set()  # no event's text holds it
    wait_for(lambda: query_of(page).get("search") == [hostile], what="the search in the address, as text")
    assert page.locator('[data-testid="stException"]').count() == 0
    assert errors == [], errors


def test_typed_dates_move_the_window_and_a_bad_date_says_so_and_moves_nothing(session):
    page, url, errors, size = session
    page.goto(url)
    frame = engine_frame(page, timeout=60)
    assert frame.get_attribute('input[type="date"] >> nth=0', "min") == frame.evaluate(f"{ENGINE}.domain()[0]")
    assert frame.input_value('input[type="date"] >> nth=0') == "2024-01-15"  # the fields show the window
    frame.fill('input[type="date"] >> nth=0', "2024-01-17")
    frame.fill('input[type="date"] >> nth=1', "2024-01-19")
    frame.press('input[type="date"] >> nth=1', "Enter")
    assert frame.evaluate(f"{ENGINE}.window()") == ["2024-01-17", "2024-01-19"]
    assert PAKISTAN_STRIKE in events_shown(frame) and IRAN_STRIKE not in events_shown(frame)
    wait_for(lambda: query_of(page).get("start") == ["2024-01-17"], what="the typed window in the address")
    # To before From: a message, the window stays
    frame.fill('input[type="date"] >> nth=1', "2024-01-10")
    frame.press('input[type="date"] >> nth=1', "Enter")
    assert frame.inner_text(".ba-tl-datemsg") == "To is before From; the window is unchanged."
    assert frame.is_visible(".ba-tl-datemsg")
    assert frame.evaluate(f"{ENGINE}.window()") == ["2024-01-17", "2024-01-19"]
    frame.fill('input[type="date"] >> nth=0', "1990-01-01")
    frame.press('input[type="date"] >> nth=0', "Enter")
    assert frame.inner_text(".ba-tl-datemsg").startswith("From is outside 1 Jan 2012")
    assert frame.evaluate(f"{ENGINE}.window()") == ["2024-01-17", "2024-01-19"]
    # the brush moves the fields
    frame.evaluate(f"{ENGINE}.setWindow({ENGINE}.dayOf('2023-03-01'), {ENGINE}.dayOf('2023-03-09'))")
    # at once, or within the fields' throttle (timeline.js DATE_FIELDS_MS, 250 ms) after a
    # write just before
    fields = lambda: [frame.input_value(f'input[type="date"] >> nth={i}') for i in (0, 1)]  # noqa: E731
    wait_for(lambda: fields() == ["2023-03-01", "2023-03-09"], timeout=2, what="the fields showing the window")
    assert frame.inner_text(".ba-tl-datemsg") == ""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"controls-dates-{size}.png"))
    assert errors == [], errors


def test_play_steps_through_a_preset_or_runs_to_the_end_and_says_which(session):
    page, url, errors, _ = session
    page.goto(url)
    frame = engine_frame(page, timeout=60)
    frame.click('button[data-preset="crisis-week"]')
    assert frame.inner_text(".ba-tl-playnote") == "Play: through Crisis week, day by day"
    seen = []
    frame.click(".ba-tl-playbtn")
    # sampled from the click on: the first frame is the week's first day, never the day before
    deadline = time.monotonic() + 4
    while time.monotonic() < deadline:
        seen.append(tuple(frame.evaluate(f"{ENGINE}.window()")))
        time.sleep(0.1)
    frame.click(".ba-tl-playbtn")
    assert all(a == b and "2024-01-15" <= a <= "2024-01-22" for a, b in seen), seen  # one day, inside the week
    assert len(set(seen)) >= 3, seen  # it stepped
    # a brushed window plays on to the end of the data
    frame.evaluate(f"{ENGINE}.setWindow({ENGINE}.dayOf('2025-11-01'), {ENGINE}.dayOf('2025-11-07'))")
    end = frame.evaluate(f"{ENGINE}.domain()[1]")
    assert frame.inner_text(".ba-tl-playnote").startswith("Play: on to the end of the data")
    frame.select_option('select[aria-label="Playback speed"]', "30")
    frame.click(".ba-tl-playbtn")
    wait_for(lambda: frame.get_attribute(".ba-tl-playbtn", "aria-pressed") == "false", timeout=90,
             what="play to reach the end")  # a loaded machine drops frames: generous, not timed
    assert frame.evaluate(f"{ENGINE}.window()")[1] == end
    # a preset played to its end is shown whole again
    frame.click('button[data-preset="crisis-week"]')
    frame.select_option('select[aria-label="Playback speed"]', "3")
    frame.click(".ba-tl-playbtn")
    wait_for(lambda: frame.get_attribute(".ba-tl-playbtn", "aria-pressed") == "false", timeout=45,
             what="the week to play through")
    assert frame.evaluate(f"{ENGINE}.window()") == ["2024-01-15", "2024-01-22"]
    assert errors == [], errors


def test_play_and_pause_take_the_same_place_so_a_second_click_pauses(session):
    page, url, errors, _ = session
    page.goto(url)
    frame = engine_frame(page, timeout=60)
    button = frame.locator(".ba-tl-playbtn")
    box = button.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.click(x, y)
    assert button.get_attribute("aria-pressed") == "true"
    assert button.inner_text().endswith("Pause")
    assert button.bounding_box() == box
    page.mouse.click(x, y)  # where Play was: Pause is there
    assert button.get_attribute("aria-pressed") == "false"
    assert button.bounding_box() == box
    assert errors == [], errors


def test_every_tick_carries_its_year_and_the_overview_mark_is_visible(session):
    page, url, errors, _ = session
    page.goto(url)
    frame = engine_frame(page, timeout=60)
    frame.click('button[data-preset="crisis-week"]')  # the track zoomed to days; a week is ~1 px of the overview
    mark = frame.locator(".ba-tl-ovwin").bounding_box()
    assert mark["width"] >= 8, mark
    axis = "Array.from(document.querySelectorAll('.ba-tl-track .ba-tl-axis text'), (t) => t.textContent)"
    days = frame.evaluate(axis)
    assert "15 Jan 2024" in days and all(re.search(r"\b20\d\d$", t) for t in days), days
    frame.click('button[data-preset="dec2023-apr2024"]')  # to weeks or months
    months = frame.evaluate(axis)
    assert months != days and all(re.search(r"\b20\d\d$", t) for t in months), months
    style = frame.evaluate("(() => { const s = getComputedStyle(document.querySelector('.ba-tl-ovwin'));"
                           " return [s.fill, s.stroke, s.strokeWidth]; })()")
    assert style[1] != "none" and float(style[2].rstrip("px")) >= 1, style
    assert errors == [], errors


def test_the_overview_is_drawn_again_only_when_its_counts_change(session):
    """Moving the window redraws the track, not the whole domain's overview; a filter that
    changes the counts redraws both."""
    page, url, errors, _ = session
    page.goto(url)
    frame = engine_frame(page, timeout=60)
    first_bar = "document.querySelector('.ba-tl-overview g rect')"
    bars = "document.querySelectorAll('.ba-tl-overview g rect').length"
    frame.evaluate(f"{first_bar}.dataset.probe = 'kept'")
    track = frame.evaluate("document.querySelector('.ba-tl-track .ba-tl-axis text').textContent")
    frame.click('button[data-preset="crisis-week"]')
    frame.evaluate(f"{ENGINE}.setWindow({ENGINE}.dayOf('2019-03-01'), {ENGINE}.dayOf('2019-03-09'))")
    assert frame.evaluate("document.querySelector('.ba-tl-track .ba-tl-axis text').textContent") != track
    assert frame.evaluate(f"{first_bar}.dataset.probe") == "kept"  # the same node: not drawn again
    before = frame.evaluate(bars)
    frame.fill(".ba-fl-search", "Saravan")
    wait_for(lambda: frame.evaluate(f"{first_bar} === null || {first_bar}.dataset.probe !== 'kept'"),
             what="the overview drawn again for the filtered counts")
    assert frame.evaluate(bars) < before
    assert errors == [], errors


# ---- the exported file: the same controls, offline --------------------------------------------
@pytest.fixture(scope="module")
def imported_events():
    rows = [acled_row(event_date=f"2024-01-{d:02d}", sub_event_type="Armed clash",
                      actor1="BLA: Balochistan Liberation Army", location="Testabad", fatalities=str(d % 4),
                      longitude=str(63.0 + d / 10), latitude="27.0") for d in range(10, 20)]
    return import_events(to_csv(rows), filename="acled.csv").events


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_html_files_controls_filter_offline_and_write_the_fragment(browser, tmp_path, imported_events, size):
    page = browser.new_page(viewport={"width": size[0], "height": size[1]})
    blocked, errors = [], []
    path = tmp_path / "atlas.html"
    path.write_bytes(html_page(View(), imported=imported_events, imported_label="acled.csv").data)
    page.route("**/*", lambda r: r.continue_() if r.request.url.split("#")[0] == path.as_uri()
               else (blocked.append(r.request.url), r.abort()))
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto(path.as_uri())
        wait_for(lambda: page.evaluate(f"!!window.{ENGINE} && {ENGINE}.started() && !!{ENGINE}.imported()"),
                 what="the engine and the imported events")
        shown = lambda: set(page.evaluate(f"{ENGINE}.shown()"))  # noqa: E731
        imported = lambda: page.evaluate(f"{ENGINE}.imported().count")  # noqa: E731
        assert IRAN_STRIKE in shown() and imported() == 5
        bars = page.evaluate(BARS)
        # the imported events' toggle keeps them out of the bars
        page.uncheck(".ba-tl-imported input")
        assert page.evaluate(BARS) < bars
        page.check(".ba-tl-imported input")
        # an actor filter: the imported clashes (armed group) stay, the strikes go
        page.click('.ba-fl-menu[data-filter="actor"] summary')
        page.check('.ba-fl-menu[data-filter="actor"] input[value="militant"]')
        assert IRAN_STRIKE not in shown() and imported() == 5
        page.keyboard.press("Escape")
        page.fill(".ba-fl-killed input", "2")  # fatalities d % 4 for 15-19 January: 3, 0, 1, 2, 3
        assert imported() == 3
        wait_for(lambda: "actor=militant" in page.evaluate("location.hash")
                 and "min_killed=2" in page.evaluate("location.hash"), what="the fragment to carry the filters")
        fragment = page.evaluate("location.hash")
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"controls-html-file-{size[0]}x{size[1]}.png"))
        # the fragment reopens the same filters
        page.goto("about:blank")
        page.goto(path.as_uri() + fragment)
        wait_for(lambda: page.evaluate(f"!!window.{ENGINE} && {ENGINE}.started() && !!{ENGINE}.imported()"),
                 what="the engine again")
        assert page.evaluate(f"{ENGINE}.filters()") == {"actor": "militant", "min_killed": "2"}
        assert imported() == 3 and IRAN_STRIKE not in shown()
        assert page.input_value(".ba-fl-killed input") == "2"
        assert blocked == [] and errors == [], (blocked, errors)
    finally:
        page.close()
