"""How long an import may run, and how to stop one: a budget checked between steps.

Every ``import_events`` call runs under a ``Budget``: a deadline (``IMPORT_SECONDS`` by
default) and, optionally, a question asked at each check ("should this stop, and why?").
The importer calls ``checkpoint()`` between its steps and between chunks of rows, each of
which is bounded by the limits in ``geo.limits``, so an import stops within a fraction of a
second of its budget running out or of being told to stop. A stop raises
``ImportStopped``, an ``EventImportError`` whose message names the file and the reason.

``ImportJob`` runs one import in a worker thread for a server: the session that started it
``touch()``-es it while it is alive (the browser asks for news every
``IMPORT_POLL_SECONDS``), and a job untouched for ``IMPORT_ORPHAN_SECONDS`` stops itself,
so a closed tab leaves no import running.
"""

from __future__ import annotations

import contextlib
import contextvars
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

from geo.errors import ImportStopped as ImportStopped  # its home is geo.errors
from geo.imports.problems import quote
from geo.limits import IMPORT_ORPHAN_SECONDS, IMPORT_SECONDS


class Budget:
    """The limits of one running import: a deadline and an optional reason to stop."""

    def __init__(self, label: str, seconds: float | None = IMPORT_SECONDS,
                 stop: Callable[[], str | None] | None = None) -> None:
        self.label = label
        self.seconds = seconds
        self.deadline = None if seconds is None else time.monotonic() + seconds
        self.stop = stop

    def check(self) -> None:
        """Raise ``ImportStopped`` if the time is up or ``stop`` gives a reason."""
        if self.stop is not None and (reason := self.stop()):
            raise ImportStopped(f"{quote(self.label)}: the import was stopped: {reason}")
        if self.deadline is not None and time.monotonic() > self.deadline:
            raise ImportStopped(f"{quote(self.label)}: the import took longer than its time limit "
                                f"of {self.seconds:g} s and was stopped; import a smaller file")


_CURRENT: contextvars.ContextVar[Budget | None] = contextvars.ContextVar("import_budget", default=None)


@contextlib.contextmanager
def running_under(budget: Budget) -> Iterator[Budget]:
    """Within the block, ``checkpoint()`` checks ``budget`` (in this thread only)."""
    token = _CURRENT.set(budget)
    try:
        yield budget
    finally:
        _CURRENT.reset(token)


def checkpoint() -> None:
    """Stop the running import here if its budget says so (a no-op outside an import)."""
    budget = _CURRENT.get()
    if budget is not None:
        budget.check()


class ImportJob:
    """One import running in a daemon thread, stopped when its owner stops asking for it.

    ``run(stop=...)`` is called in the thread with a ``stop`` callable to pass on to
    ``import_events``; ``touch()`` is the owner's sign of life; ``cancel()`` stops it now.
    """

    def __init__(self, run: Callable[..., Any], *, orphan_seconds: float = IMPORT_ORPHAN_SECONDS,
                 key: object = None) -> None:
        self.key = key
        self._run = run
        self._orphan_seconds = orphan_seconds
        self._touched = time.monotonic()
        self._cancelled: str | None = None
        self._done = threading.Event()
        self._result: Any = None
        self._error: BaseException | None = None
        self.started = time.monotonic()
        self._thread = threading.Thread(target=self._work, name="border-atlas-import", daemon=True)
        self._thread.start()

    def touch(self) -> None:
        """The owner is still there: keep going."""
        self._touched = time.monotonic()

    def cancel(self, reason: str = "cancelled") -> None:
        """Stop at the next checkpoint."""
        self._cancelled = reason

    def stop_reason(self) -> str | None:
        """Why the import should stop now (cancelled, or its owner silent too long), or None."""
        if self._cancelled:
            return self._cancelled
        silent = time.monotonic() - self._touched
        if silent > self._orphan_seconds:
            return f"the session that started it has gone ({silent:.0f} s without a sign of life)"
        return None

    @property
    def done(self) -> bool:
        return self._done.is_set()

    @property
    def orphaned(self) -> bool:
        """True if the job stopped because its owner fell silent (not a real failure)."""
        return isinstance(self._error, ImportStopped) and "session that started it" in str(self._error)

    def wait(self, seconds: float) -> bool:
        """Wait up to ``seconds`` for the end; True if it has ended."""
        return self._done.wait(seconds)

    def result(self) -> Any:
        """The import's result, or its error raised (only once ``done``)."""
        if not self.done:
            raise RuntimeError("the import has not finished")
        if self._error is not None:
            raise self._error
        return self._result

    def _work(self) -> None:
        try:
            self._result = self._run(stop=self.stop_reason)
        except BaseException as exc:  # kept for the owner, who raises it in its own thread
            self._error = exc
        finally:
            self._done.set()
