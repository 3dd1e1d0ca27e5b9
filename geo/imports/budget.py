"""How long an import may run, and how to stop one: a budget checked between steps.

Every ``import_events`` call runs under a ``Budget``: a deadline (``IMPORT_SECONDS`` by
default) and, optionally, a question asked at each check ("should this stop, and why?").
The importer calls ``checkpoint()`` between its steps and between chunks of rows, each of
which is bounded by the limits in ``geo.limits``, so an import stops within a fraction of a
second of its budget running out or of being told to stop. A stop raises
``ImportStopped``, an ``EventImportError`` whose message names the file and the reason.

A server runs an import (or any costly work) as a job, ``geo.jobs.Job``: in a child process
under the kernel's CPU and memory caps, killed when its session falls silent; the budget
here is what the importer checks inside that child.
"""

from __future__ import annotations

import contextlib
import contextvars
import time
from collections.abc import Callable, Iterator

from geo.errors import ImportStopped as ImportStopped  # its home is geo.errors
from geo.imports.problems import quote
from geo.limits import IMPORT_SECONDS


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
