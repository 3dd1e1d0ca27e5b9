"""Imports in the explorer (AppTest): upload, summary, map, table, export, and sessions kept apart."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import pyarrow as pa
from streamlit.testing.v1 import AppTest

from geo.assemble import window
from geo.view import ATLAS_END, PRESETS
from layers import SPECS
from tests._element import arrow_blobs, data, report
from tests._markdown import only_escaped, shown
from tests.test_import import acled_row, to_csv

APP = str(Path(__file__).resolve().parent.parent / "app.py")
TIMEOUT = 90
HOSTILE = "<img src=x onerror=alert(1)>"


def _fresh() -> AppTest:
    return AppTest.from_file(APP, default_timeout=TIMEOUT).run()


def _upload(at: AppTest, name: str, content: bytes) -> AppTest:
    at.sidebar.get("file_uploader")[0].upload(name, content, "text/csv")
    return _settled(at.run())


def _settled(at: AppTest, seconds: float = 60) -> AppTest:
    """Rerun (as the browser's polling would) until the import has finished."""
    deadline = time.monotonic() + seconds
    while "import_job" in at.session_state and time.monotonic() < deadline:
        time.sleep(0.2)
        at.run()
    return at


def _imported_table(at: AppTest):
    """The imported events the map element received (an Arrow table), or None."""
    blobs = arrow_blobs(at)
    ref = data(at).get("imported")
    if not ref:
        return None
    key = ref["__streamlit_arrow_ref__"] if isinstance(ref, dict) else ref
    blob = blobs[key]
    return pa.ipc.open_stream(getattr(blob, "data", blob)).read_all()


def _imported_heading(at: AppTest) -> str | None:
    return next((h.value for h in at.subheader if h.value.startswith("Imported events")), None)


def _rows() -> list[dict[str, str]]:
    return [
        acled_row(event_id_cnty="PAK9001"),
        acled_row(event_id_cnty="PAK9002", event_date="17 January 2024", actor1=HOSTILE,
                  location=HOSTILE, notes="<script>alert(2)</script>"),
        acled_row(event_id_cnty="PAK9003", event_date="31 February 2024"),
        acled_row(event_id_cnty="PAK9004", event_date="20 March 2024"),
    ]


def test_upload_shows_summary_skipped_rows_map_and_table():
    at = _upload(_fresh(), "balochistan.csv", to_csv(_rows()))
    assert not at.exception and not at.error
    summary = [shown(w.value) for w in at.sidebar.warning]
    assert summary == ["4 rows read, 3 imported, 1 skipped: 1 impossible date"]
    problems = " ".join(c.value for c in at.sidebar.code)
    assert "row 4: impossible date" in problems and "31 February 2024" in problems
    # Every imported event goes to the browser once; the default window (crisis week) holds two.
    assert _imported_table(at).num_rows == 3
    assert "Imported events in the window (2)" in [h.value for h in at.subheader]
    table = [d.value for d in at.main if type(d).__name__ == "Dataframe"][-1]
    assert sorted(table["id"]) == ["PAK9001", "PAK9002"]
    assert HOSTILE in set(table["actor"])  # the table shows the text as text


def test_imported_events_follow_the_window_and_the_toggle():
    at = _upload(_fresh(), "mine.csv", to_csv(_rows()))
    report(at, "2024-03-01", "2024-03-31")
    assert _imported_heading(at) == "Imported events in the window (1)"
    assert "imported" in data(at)["state"]["layers"]
    at.sidebar.checkbox(key="layer_imported").uncheck().run()
    assert "imported" not in data(at)["state"]["layers"]
    assert _imported_heading(at) is None


def _held(at: AppTest, key: str | None, view: dict | None = None) -> AppTest:
    """What the browser's element says after it took (or lost) the imported table."""
    at.session_state["atlas"] = {"view": view, "held": key}
    return at.run()


def test_the_imported_table_is_sent_once_while_the_browser_holds_it():
    at = _upload(_fresh(), "mine.csv", to_csv(_rows()))
    key = data(at)["state"]["importedKey"]
    assert _imported_table(at).num_rows == 3 and data(at)["held"] is None  # sent until held
    _held(at, key)
    assert data(at)["held"] == key and "imported" not in data(at) and not arrow_blobs(at)
    # A window's release: the table follows it, the imported columns are not sent again.
    _held(at, key, {"start": "2024-03-01", "end": "2024-03-31", "lat": 27.5, "lon": 62.9, "zoom": 7})
    assert _imported_heading(at) == "Imported events in the window (1)"
    assert data(at)["state"]["importedKey"] == key and "imported" not in data(at) and not arrow_blobs(at)
    # The browser lost them (a reloaded frame): they are sent again.
    _held(at, None, {"start": "2024-03-01", "end": "2024-03-31", "lat": 27.5, "lon": 62.9, "zoom": 7})
    assert _imported_table(at).num_rows == 3
    # The layer turned off and on: the element dropped them, and is sent them again.
    _held(at, key)
    at.sidebar.checkbox(key="layer_imported").uncheck().run()
    assert data(at)["state"]["importedKey"] is None and _imported_table(at) is None
    _held(at, None)
    at.sidebar.checkbox(key="layer_imported").check().run()
    assert _imported_table(at).num_rows == 3


def test_a_held_report_that_is_not_a_key_is_ignored():
    at = _upload(_fresh(), "mine.csv", to_csv(_rows()))
    for bad in (["a list"], 7, "x" * 10_000):
        _held(at, bad)
        assert not at.exception and _imported_table(at).num_rows == 3


def test_the_maps_columns_are_made_in_the_import_job_not_in_the_server(monkeypatch):
    import geo.web.explorer

    made: list[str] = []
    monkeypatch.setattr(geo.web.explorer, "imported_columns", lambda *a, **k: made.append("columns"))
    at = _upload(_fresh(), "mine.csv", to_csv(_rows()))  # the job's process has the real ones
    assert made == [] and _imported_table(at).num_rows == 3
    assert _imported_heading(at) == "Imported events in the window (2)"


def test_hostile_text_reaches_the_browser_only_as_data():
    at = _upload(_fresh(), "mine.csv", to_csv(_rows()))
    table = _imported_table(at)
    assert HOSTILE in table.column("actor").to_pylist()  # drawn by the page as text
    sent = data(at)
    for raw in ("<img", "<script>alert", "onerror=alert(1)>"):
        assert raw not in sent["doc"] and raw not in str(sent["config"]) and raw not in str(sent["state"])


def test_an_unreadable_file_gives_one_error_and_the_app_keeps_running():
    at = _upload(_fresh(), "broken.csv", b"\x00\x01\x02 this is not a table")
    errors = [shown(e.value) for e in at.sidebar.error]
    assert len(errors) == 1 and "broken.csv" in errors[0]
    assert not at.exception
    assert _imported_table(at) is None
    crisis_week = len(window(SPECS["events"], *PRESETS["crisis-week"]))
    assert any(h.value.startswith("Events in the window") and h.value.endswith(f"({crisis_week})")
               for h in at.subheader)  # the atlas is unharmed


def test_one_sessions_upload_never_reaches_another_session():
    mine = _upload(_fresh(), "private.csv", to_csv(_rows()))
    assert _imported_table(mine).num_rows == 3
    other = _fresh()  # a second user, same server process (shared caches)
    assert _imported_table(other) is None
    assert "private.csv" not in str(data(other))
    assert "imported" not in other.session_state
    assert _imported_heading(other) is None
    other.button(key="export_draw").click().run()  # the other user's figure has no import in it
    assert not any("private.csv" in shown(c.value) for c in other.caption)
    assert _imported_table(mine.run()).num_rows == 3  # and the first user still has theirs


def test_imported_dates_beyond_the_atlas_widen_the_timeline():
    later = dt.date(ATLAS_END.year + 1, 2, 3)  # after the atlas's end, whatever year the record reaches
    rows = [acled_row(event_id_cnty="PAK9100", event_date=later.strftime("%d %B %Y"))]
    at = _upload(_fresh(), "later.csv", to_csv(rows))
    sent = data(at)
    assert sent["config"]["domain"][1] == later.isoformat()
    everything = next(p for p in sent["config"]["presets"] if p["key"] == "everything")
    assert everything["end"] == later.isoformat() and everything["label"].endswith(f"–{later.year})")


def test_export_draws_the_imported_events():
    at = _upload(_fresh(), "mine.csv", to_csv(_rows()))
    at.button(key="export_draw").click().run()
    assert not at.exception and not at.error
    assert len([e for e in at.main if type(e).__name__ == "Image"]) == 1
    assert any("mine.csv" in shown(c.value) for c in at.caption)


def test_import_errors_and_file_names_are_shown_as_plain_text():
    name = "[click](http://evil.example) $x$.csv"
    at = _upload(_fresh(), name, b"see [a](http://evil.example),$y$,![](http://127.0.0.1:9/x.png)\n1,2,3\n")
    (error,) = [e.value for e in at.sidebar.error]
    assert only_escaped(error), error
    assert shown(error).startswith(f"'{name}': not an ACLED or UCDP GED export")
    at = _upload(_fresh(), name, to_csv(_rows()))
    captions = [c.value for c in at.main.caption if name in shown(c.value)]
    assert captions and all(only_escaped(c) for c in captions)


def test_the_upload_box_has_the_importers_limit():
    from geo.limits import MAX_IMPORT_BYTES, MAX_UPLOAD_MB

    at = _fresh()
    box = at.sidebar.get("file_uploader")[0]
    assert box.proto.max_upload_size_mb == MAX_UPLOAD_MB
    assert MAX_UPLOAD_MB * 1_000_000 == MAX_IMPORT_BYTES
    assert "50 MB (50,000,000 bytes)" in box.proto.help


def test_a_link_never_names_the_sessions_import():
    at = _upload(_fresh(), "mine.csv", to_csv(_rows()))
    state = data(at)["state"]
    assert "imported" in state["layers"]  # drawn on this session's map
    assert "imported" not in state["urlLayers"]  # but not written into the address bar


def _imported_downloads(at: AppTest, served: dict[str, bytes]) -> dict[str, bytes]:
    """The imported events' download buttons (label: the bytes the server holds for them)."""
    found = {}
    for b in at.main:
        if type(b).__name__ == "DownloadButton" and b.proto.id and "imported_" in b.proto.id:
            assert b.proto.url and not b.proto.HasField("deferred_file_id")  # bytes, never deferred
            found[b.label] = served[Path(b.proto.url).stem]
    return found


def _csv_ids(data: bytes) -> list[str]:
    import csv
    import io

    return sorted(r["id"] for r in csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def test_a_small_windows_downloads_come_with_the_page(served):
    at = _upload(_fresh(), "mine.csv", to_csv(_rows()))
    files = _imported_downloads(at, served)
    assert set(files) == {"Download CSV", "Download GeoJSON"}
    assert _csv_ids(files["Download CSV"]) == ["PAK9001", "PAK9002"]
    at.run()  # a rerun keeps the same file (the same bytes, the same id)
    assert _imported_downloads(at, served) == files
    report(at, "2024-03-01", "2024-03-31")  # another window, other bytes
    assert _csv_ids(_imported_downloads(at, served)["Download CSV"]) == ["PAK9004"]


def test_a_large_windows_downloads_are_written_on_request_in_a_job(served, monkeypatch):
    import json

    from geo import limits

    monkeypatch.setattr(limits, "DOWNLOAD_WITH_PAGE_ROWS", 1)
    at = _upload(_fresh(), "mine.csv", to_csv(_rows()))
    assert _imported_downloads(at, served) == {}
    prepare = at.button(key="imported_prepare")
    assert prepare.label == "Prepare downloads (2 events)"
    prepare.click().run()
    files = _imported_downloads(at, served)
    assert _csv_ids(files["Download CSV"]) == ["PAK9001", "PAK9002"]
    features = json.loads(files["Download GeoJSON"])["features"]
    assert sorted(f["properties"]["id"] for f in features) == ["PAK9001", "PAK9002"]
    at.run()  # kept while the window, filters and file stay
    assert _imported_downloads(at, served) == files
    report(at, "2024-01-01", "2024-03-31")  # another window: asked for again
    assert _imported_downloads(at, served) == {} and at.button(key="imported_prepare")


def test_a_queued_import_shows_its_place_in_line_then_its_summary():
    """With every job process busy, an upload waits in line and its page says where; a second
    file in the same session replaces the first's job (one job a session); once the pool is
    free the import runs and its summary shows."""
    from geo.errors import ImportStopped
    from geo.jobs import POOL, Job
    from tests.test_jobs import burn

    blockers = [Job(burn, label=f"busy {i}", orphan_seconds=None) for i in range(POOL.workers)]
    try:
        deadline = time.monotonic() + TIMEOUT
        while POOL.running < POOL.workers and time.monotonic() < deadline:
            time.sleep(0.05)
        at = _fresh()
        at.sidebar.get("file_uploader")[0].upload("first.csv", to_csv(_rows()), "text/csv")
        at.run()
        first = at.session_state["import_job"]
        assert first.position == 1
        at.sidebar.get("file_uploader")[0].upload("mine.csv", to_csv(_rows()[:2]), "text/csv")
        at.run()
        notices = [shown(i.value) for i in at.sidebar.info]
        assert any("mine.csv" in n and "number 1 in line" in n for n in notices), notices
        assert first.wait(10) and isinstance(_error_of(first), ImportStopped)  # replaced, not left
        assert at.session_state["import_job"].position == 1
    finally:
        for job in blockers:
            job.cancel("the test is done")
    at = _settled(at)
    assert [shown(w.value) for w in at.sidebar.success] == ["2 rows read, 2 imported, none skipped"]


def _error_of(job) -> BaseException | None:
    try:
        job.result()
    except BaseException as exc:
        return exc
    return None
