"""An import stops when its time is up or when asked (issue 12), at a checkpoint between
bounded steps. (A job whose session has gone is killed whole: tests/test_jobs.py.)"""

from __future__ import annotations

import time

import pytest

import geo.imports
from geo.imports import import_events
from geo.imports.budget import ImportStopped, checkpoint
from geo.limits import IMPORT_ORPHAN_SECONDS, IMPORT_POLL_SECONDS, IMPORT_SECONDS
from tests.test_import import acled_row, to_csv


def _busy(seconds: float) -> None:
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        pass


@pytest.fixture
def slow_step(monkeypatch):
    """One step of every import burns 30 s of CPU in 20 ms slices, checking its budget between."""
    real = geo.imports._border_measures

    def slow(*args, **kwargs):
        for _ in range(1500):
            checkpoint()
            _busy(0.02)
        return real(*args, **kwargs)

    monkeypatch.setattr(geo.imports, "_border_measures", slow)


def test_the_limits_leave_a_closed_tab_seconds_not_minutes():
    assert IMPORT_POLL_SECONDS * 2 < IMPORT_ORPHAN_SECONDS <= 3
    assert 10 <= IMPORT_SECONDS <= 300


def test_an_import_past_its_time_budget_stops_naming_the_limit(slow_step):
    began = time.monotonic()
    with pytest.raises(ImportStopped, match=r"'acled\.csv': the import took longer than its time "
                                            r"limit of 0\.5 s and was stopped"):
        import_events(to_csv([acled_row()]), filename="acled.csv", time_budget=0.5)
    assert time.monotonic() - began < 2


def test_an_import_is_stopped_when_asked(slow_step):
    asked = time.monotonic() + 0.3
    with pytest.raises(ImportStopped, match="the import was stopped: the tab was closed"):
        import_events(to_csv([acled_row()]), filename="acled.csv",
                      stop=lambda: "the tab was closed" if time.monotonic() > asked else None)
    assert time.monotonic() - asked < 1
