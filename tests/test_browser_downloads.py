"""Downloads that always arrive (issue 20): ten sessions with their own imports click "Download
CSV" and "Download GeoJSON" together, then two seconds apart, and one session clicks ten times
in a row; every download arrives whole, with that session's own events, and so does a drawn
figure's. A real Streamlit server and Chromium: the failures were in how the server keeps the
files between the click and the browser's request for them."""

from __future__ import annotations

import csv
import io
import json
import time
from pathlib import Path

import pytest

from tests._server import wait_for
from tests.test_import import acled_row, to_csv

pytestmark = pytest.mark.browser
VIEWPORT = {"width": 1400, "height": 1000}
UPLOAD_INPUT = '[data-testid="stFileUploaderDropzoneInput"]'
SESSIONS = 10
CSV_BUTTON = ".st-key-imported_csv button"
GEOJSON_BUTTON = ".st-key-imported_geojson button"
ARRIVE = 60.0  # seconds for every download to arrive on a shared, busy machine


def _upload(tmp_path: Path, n: int) -> tuple[Path, set[str]]:
    """Session ``n``'s own file: three events in the default window, ids that name the session."""
    ids = [f"S{n:02d}E{i}" for i in range(3)]
    rows = [acled_row(event_id_cnty=i, event_date=f"{16 + k} January 2024",
                      notes=f"=HYPERLINK(\"x\") session {n}") for k, i in enumerate(ids)]
    path = tmp_path / f"session-{n:02d}.csv"
    path.write_bytes(to_csv(rows))
    return path, set(ids)


def _csv_ids(data: bytes) -> set[str]:
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert all(r["summary"].startswith("'=") for r in rows), "a formula left live"  # neutralised
    return {r["id"] for r in rows}


def _geojson_ids(data: bytes) -> set[str]:
    collection = json.loads(data)
    assert collection["type"] == "FeatureCollection"
    return {f["properties"]["id"] for f in collection["features"]}


class Session:
    """One reader's tab in its own browser context, with its own import."""

    def __init__(self, browser, server: str, tmp_path: Path, n: int) -> None:
        self.context = browser.new_context(viewport=VIEWPORT, accept_downloads=True)
        self.page = self.context.new_page()
        self.arrived: list = []
        self.page.on("download", lambda d: self.arrived.append(d))
        self.file, self.ids = _upload(tmp_path, n)
        self.page.goto(server + "?layers=border")

    def upload(self) -> None:
        self.page.wait_for_selector(UPLOAD_INPUT, state="attached", timeout=240_000)
        self.page.set_input_files(UPLOAD_INPUT, str(self.file))

    def ready(self) -> bool:
        return (self.page.locator(CSV_BUTTON).count() > 0
                and self.page.locator(GEOJSON_BUTTON).count() > 0)

    def click(self, selector: str) -> None:
        self.page.locator(selector).click(no_wait_after=True, timeout=30_000)


def _collect(sessions: list[Session], expected: int) -> None:
    """Let the pages run until each has seen ``expected`` downloads start, or time runs out."""
    deadline = time.monotonic() + ARRIVE
    while time.monotonic() < deadline and any(len(s.arrived) < expected for s in sessions):
        for s in sessions:
            s.page.wait_for_timeout(50)


def _outcome(sessions: list[Session], expected: int, read) -> tuple[int, list[str]]:
    """How many of ``expected`` downloads per session arrived whole and right, and what failed."""
    good, failures = 0, []
    for n, s in enumerate(sessions):
        if len(s.arrived) < expected:
            failures.append(f"session {n}: {len(s.arrived)} of {expected} downloads started")
        for download in s.arrived:
            problem = download.failure()
            if problem:
                failures.append(f"session {n}: {problem}")
                continue
            data = Path(download.path()).read_bytes()
            if read(data) != s.ids:
                failures.append(f"session {n}: the wrong events ({sorted(read(data))})")
                continue
            good += 1
        s.arrived.clear()
    return good, failures


@pytest.fixture(scope="module")
def sessions(server, browser, tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("downloads")
    opened: list[Session] = []
    try:
        for n in range(SESSIONS):  # one after another: ten pages loading at once stall 2 cores
            opened.append(Session(browser, server, tmp_path, n))
            opened[-1].upload()
        wait_for(lambda: all(s.ready() for s in opened), timeout=480,
                 what="every session's imported downloads")
        yield opened
    finally:
        for s in opened:
            s.context.close()


def test_ten_sessions_clicking_together_all_get_their_csv(sessions):
    for s in sessions:
        s.click(CSV_BUTTON)
    _collect(sessions, 1)
    good, failures = _outcome(sessions, 1, _csv_ids)
    assert (good, failures) == (SESSIONS, [])


def test_ten_sessions_clicking_together_all_get_their_geojson(sessions):
    for s in sessions:
        s.click(GEOJSON_BUTTON)
    _collect(sessions, 1)
    good, failures = _outcome(sessions, 1, _geojson_ids)
    assert (good, failures) == (SESSIONS, [])


def test_ten_sessions_two_seconds_apart_all_get_their_csv(sessions):
    for s in sessions:
        s.click(CSV_BUTTON)
        began = time.monotonic()
        while time.monotonic() - began < 2.0:
            for other in sessions:
                other.page.wait_for_timeout(20)
    _collect(sessions, 1)
    good, failures = _outcome(sessions, 1, _csv_ids)
    assert (good, failures) == (SESSIONS, [])


def test_ten_clicks_in_a_row_give_ten_downloads(sessions):
    one = sessions[0]
    for _ in range(10):
        one.click(CSV_BUTTON)
        one.page.wait_for_timeout(150)
    _collect([one], 10)
    good, failures = _outcome([one], 10, _csv_ids)
    assert (good, failures) == (10, [])


def test_a_drawn_figure_downloads_every_time(sessions):
    """Three sessions draw a figure; each clicks its download three times while the others
    click theirs: nine PNGs arrive whole, each session's three the same bytes."""
    from ui.text import TEXT

    drawers = sessions[:3]
    for s in drawers:
        s.page.get_by_text(TEXT["export_heading"]).click()
        s.page.locator(".st-key-export_draw button").click(timeout=60_000)
    wait_for(lambda: all(s.page.locator(".st-key-export_download button").count() for s in drawers),
             timeout=480, what="each session's figure")
    for _ in range(3):
        for s in drawers:
            s.click(".st-key-export_download button")
        for s in drawers:
            s.page.wait_for_timeout(100)
    _collect(drawers, 3)
    failures = []
    for n, s in enumerate(drawers):
        kinds = set()
        if len(s.arrived) < 3:
            failures.append(f"session {n}: {len(s.arrived)} of 3 downloads started")
        for download in s.arrived:
            if download.failure():
                failures.append(f"session {n}: {download.failure()}")
                continue
            data = Path(download.path()).read_bytes()
            assert data.startswith(b"\x89PNG"), data[:20]
            kinds.add(data)
        s.arrived.clear()
        assert len(kinds) <= 1, f"session {n}: one figure, different bytes"  # the same every time
    assert failures == []
