"""Imports in the explorer (AppTest): upload, summary, map, table, export, and sessions kept apart."""

from __future__ import annotations

import json
import time
from pathlib import Path

from streamlit.testing.v1 import AppTest

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


def _map_script(at: AppTest) -> str:
    maps = [e for e in at.main if getattr(e, "type", None) == "component_instance"]
    assert len(maps) == 1, "one map component"
    return json.loads(maps[0].proto.json_args)["feature_group"] or ""


def _imported_points(at: AppTest) -> list[list]:
    """The imported markers the map will draw (empty when none are sent)."""
    script = _map_script(at)
    marker = "BorderAtlas.imported("
    if marker not in script:
        return []
    start = script.index(marker) + len(marker)
    data, _ = json.JSONDecoder().raw_decode(script[start:])
    return data.get("points", [])


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
    # The default window (crisis week) holds two of the three imported events.
    assert len(_imported_points(at)) == 2
    assert "Imported events in the window (2)" in [h.value for h in at.subheader]
    table = [d.value for d in at.main if type(d).__name__ == "Dataframe"][-1]
    assert sorted(table["id"]) == ["PAK9001", "PAK9002"]
    assert HOSTILE in set(table["actor"])  # the table shows the text as text


def test_imported_events_follow_the_window_and_the_toggle():
    at = _upload(_fresh(), "mine.csv", to_csv(_rows()))
    at.slider(key="window").set_value((at.session_state.window[0].replace(month=3, day=1),
                                       at.session_state.window[0].replace(month=3, day=31))).run()
    assert len(_imported_points(at)) == 1
    at.sidebar.checkbox(key="layer_imported").uncheck().run()
    assert _imported_points(at) == []
    assert not any("Imported events" in h.value for h in at.subheader)


def test_hostile_text_reaches_the_map_only_escaped():
    at = _upload(_fresh(), "mine.csv", to_csv(_rows()))
    script = _map_script(at)
    assert "BorderAtlas.imported(" in script
    for raw in ("<img", "<script>alert", "onerror=alert(1)>"):
        assert raw not in script


def test_an_unreadable_file_gives_one_error_and_the_app_keeps_running():
    at = _upload(_fresh(), "broken.csv", b"\x00\x01\x02 this is not a table")
    errors = [shown(e.value) for e in at.sidebar.error]
    assert len(errors) == 1 and "broken.csv" in errors[0]
    assert not at.exception
    assert _imported_points(at) == []
    assert "Events in the window (10)" in [h.value for h in at.subheader]  # the atlas is unharmed


def test_one_sessions_upload_never_reaches_another_session():
    mine = _upload(_fresh(), "private.csv", to_csv(_rows()))
    assert len(_imported_points(mine)) == 2
    other = _fresh()  # a second user, same server process (shared caches)
    assert _imported_points(other) == []
    assert "private.csv" not in _map_script(other)
    assert "imported" not in other.session_state
    assert not any("Imported" in h.value for h in other.subheader)
    other.button(key="export_draw").click().run()  # the other user's figure has no import in it
    assert not any("private.csv" in shown(c.value) for c in other.caption)
    assert len(_imported_points(mine.run())) == 2  # and the first user still has theirs


def test_imported_dates_beyond_the_atlas_widen_the_slider():
    rows = [acled_row(event_id_cnty="PAK9100", event_date="03 February 2025")]
    at = _upload(_fresh(), "later.csv", to_csv(rows))
    at.button(key="preset_everything").click().run()  # everything: now up to the last imported day
    start, end = at.session_state.window
    assert end.isoformat() == "2025-02-03"
    assert len(_imported_points(at)) == 1


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
