"""Jobs in child processes (issue 20): capped by the kernel, killed when their owner goes, queued
when the pool is busy, and their memory back when they end."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from geo.errors import EventImportError, ImportStopped
from geo.jobs import Job, _Pool, import_upload
from tests.test_import import acled_row, to_csv

WAIT = 120  # seconds: a shared, busy machine


def burn(*, progress) -> None:
    """Spin for ever (a child's CPU cap must end it)."""
    while True:
        pass


def burn_reporting(pid_file: str, *, progress) -> None:
    """Write its process id, say it has started, then spin for ever."""
    Path(pid_file).write_text(str(os.getpid()))
    progress(1, 1)
    while True:
        pass


def hoard(*, progress) -> None:
    """Take memory for ever (a child's memory cap must end it)."""
    kept = []
    while True:
        kept.append(bytearray(50_000_000))


def count_to(n: int, *, progress) -> int:
    for i in range(n):
        progress(i + 1, n)
    return n


def _error(job: Job) -> BaseException:
    assert job.wait(WAIT), "the job did not end"
    with pytest.raises(Exception) as err:
        job.result()
    return err.value


def test_an_import_runs_in_a_child_and_its_result_comes_back():
    job = Job(import_upload, (to_csv([acled_row()]), "one.csv"), label="one.csv", orphan_seconds=None)
    assert job.wait(WAIT)
    result = job.result()
    assert result.summary() == "1 rows read, 1 imported, none skipped"
    assert job.pid is not None and job.pid != os.getpid()


def test_an_import_error_comes_back_as_the_importers_own():
    job = Job(import_upload, (b"", "empty.csv"), label="empty.csv", orphan_seconds=None)
    error = _error(job)
    assert isinstance(error, EventImportError) and "the file is empty (0 bytes)" in str(error)


def test_the_cpu_cap_is_the_kernels_and_named():
    job = Job(burn, label="spin.csv", cpu_seconds=1, orphan_seconds=None)
    error = _error(job)
    assert str(error) == ("'spin.csv': used more than the CPU-time limit of 1 s for one job "
                          "(JOB_CPU_SECONDS) and was stopped")


def test_the_memory_cap_is_the_kernels_and_named():
    job = Job(hoard, label="big.csv", memory_mb=300, orphan_seconds=None)
    error = _error(job)
    assert str(error) == ("'big.csv': needed more than the memory limit of 300 MB for one job "
                          "(JOB_MEMORY_MB) and was stopped")


def test_a_job_whose_owner_goes_quiet_is_killed():
    job = Job(burn, label="left.csv", orphan_seconds=1.0)
    deadline = time.monotonic() + WAIT
    while job.pid is None and time.monotonic() < deadline:
        time.sleep(0.05)
    pid = job.pid
    error = _error(job)
    assert isinstance(error, ImportStopped) and job.orphaned
    assert "the session that started it has gone" in str(error)
    status = Path(f"/proc/{pid}/status")
    assert not status.exists() or "zombie" in status.read_text().lower()  # gone, or only reaping


def test_jobs_wait_in_line_and_know_their_place():
    pool = _Pool(1)
    first = Job(burn, label="first", pool=pool, orphan_seconds=None)
    second = Job(count_to, (3,), label="second", pool=pool, orphan_seconds=None)
    third = Job(count_to, (3,), label="third", pool=pool, orphan_seconds=None)
    deadline = time.monotonic() + WAIT
    while first.position and time.monotonic() < deadline:
        time.sleep(0.05)
    assert (first.position, second.position, third.position) == (0, 1, 2)
    third.cancel("the file was removed")
    assert isinstance(_error(third), ImportStopped)
    assert second.position == 1 and not second.done
    first.cancel("enough")
    assert second.wait(WAIT) and second.result() == 3
    assert second.progress == (3, 3)


def test_an_upload_for_the_page_comes_back_with_its_layer_and_map_columns():
    from geo.imports import import_events
    from geo.jobs import import_for_page
    from geo.web.explorer import imported_columns
    from geo.web.imported import prepare_imported

    data = to_csv([acled_row(event_id_cnty=f"PAK{i}") for i in range(5)])
    job = Job(import_for_page, (import_upload, data, "five.csv"), label="five.csv", orphan_seconds=None)
    assert job.wait(WAIT)
    result, (frame, meta) = job.result()
    here = imported_columns(prepare_imported(import_events(data, filename="five.csv").events), "five.csv")
    assert len(result.events) == 5 and len(frame) == 5
    assert frame.equals(here[0]) and meta == here[1]


def test_a_job_in_line_keeps_its_place_through_a_late_poll_but_not_once_its_owner_is_gone():
    pool = _Pool(1)
    first = Job(burn, label="first", pool=pool, orphan_seconds=None)
    # Owners that poll late (a crowd): silent longer than a running job may be, still in line.
    late = Job(count_to, (3,), label="late", pool=pool, orphan_seconds=1.0, queued_orphan_seconds=30)
    gone = Job(count_to, (3,), label="gone", pool=pool, orphan_seconds=1.0, queued_orphan_seconds=30)
    time.sleep(2.5)
    assert (late.position, gone.position) == (1, 2) and not late.done and not gone.done
    late.touch()
    first.cancel("enough")
    while not late.wait(0.05):  # its owner is back, polling: it runs
        late.touch()
    assert late.result() == 3
    error = _error(gone)  # its owner never came back: stopped when its turn came, not run
    assert isinstance(error, ImportStopped) and gone.orphaned and gone.pid is None
    quiet = Job(count_to, (3,), label="quiet", pool=_Pool(0), orphan_seconds=0.1, queued_orphan_seconds=0.5)
    assert isinstance(_error(quiet), ImportStopped) and quiet.orphaned  # and not for ever


def _rss_mb() -> float:
    with open("/proc/self/status") as f:
        line = next(x for x in f if x.startswith("VmRSS:"))
    return int(line.split()[1]) / 1024


def test_killed_imports_give_their_memory_back():
    """Ten uploads killed half-way leave the owner's memory where it was (within 50 MB)."""
    data = to_csv([acled_row(event_id_cnty=f"PAK{i}") for i in range(20_000)])
    warm = Job(import_upload, (data, "warm.csv"), label="warm.csv", orphan_seconds=None)
    warm.wait(WAIT)
    del warm
    before = _rss_mb()
    for i in range(10):
        job = Job(import_upload, (data, f"k{i}.csv"), label=f"k{i}.csv", orphan_seconds=None)
        time.sleep(0.3)
        job.cancel("the tab was closed")
        assert job.wait(WAIT)
    assert _rss_mb() - before < 50


def test_a_figure_is_drawn_in_a_child_and_its_bytes_come_back():
    from geo.figure import FigureSpec
    from geo.jobs import draw_figure, run_job
    from geo.view import View

    spec = FigureSpec(preset="single-column", fmt="png", dpi=72)
    data, dropped = run_job(draw_figure, (View(layers=("border",)), spec, None, None), label="fig")
    assert data.startswith(b"\x89PNG") and isinstance(dropped, tuple)


def test_a_page_that_stops_while_waiting_kills_its_job(tmp_path):
    from geo.jobs import run_job

    class Stopped(Exception):
        pass

    running = []

    def between():
        if running:
            raise Stopped  # as Streamlit's StopException from a page's call

    with pytest.raises(Stopped):
        run_job(burn_reporting, (str(tmp_path / "pid"),), label="spin", between=between,
                on_progress=lambda done, total: running.append(done))
    assert running
    status = Path(f"/proc/{(tmp_path / 'pid').read_text()}/status")
    deadline = time.monotonic() + 10
    while status.exists() and "zombie" not in status.read_text().lower() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not status.exists() or "zombie" in status.read_text().lower(), "the job's child still runs"


def main_module_ran(*, progress) -> bool:
    """Whether the page's main script was run in this job's process before its work."""
    import sys

    return "streamlit" in sys.modules


def test_a_job_does_not_run_the_page_first(monkeypatch):
    """Streamlit runs app.py as a ``__main__`` module with its file; a job's process imports
    that file first, as ``__mp_main__``: behind app.py's guard, it runs nothing."""
    import sys
    import types

    page = types.ModuleType("__main__")  # as Streamlit sets it for a session's run
    page.__file__ = str(Path(__file__).resolve().parent.parent / "app.py")
    monkeypatch.setitem(sys.modules, "__main__", page)
    job = Job(main_module_ran, label="the page", orphan_seconds=None)
    assert job.wait(WAIT)
    assert job.result() is False


def test_the_server_skips_streamlits_collection_after_every_run():
    """Each script run (and each import's poll) ended in a full collection of the server's
    heap; with a crowd importing, that kept both cores busy (bench/crowd_bench.py)."""
    import tomllib

    config = tomllib.loads((Path(__file__).resolve().parent.parent / ".streamlit" / "config.toml").read_text())
    assert config["runner"]["postScriptGC"] is False
