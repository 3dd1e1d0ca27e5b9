"""Work that cannot stall others: each import or export in its own process, capped by the OS.

A server (the app) never parses a user's bytes itself: ``Job`` hands them to a child process,
which sets its own CPU-time and memory limits (``resource.setrlimit``, from ``geo.limits``)
before it runs a function of this module's kind (``import_upload``), and sends back the
result, or the error it raised, through a pipe. Jobs share a small pool (``JOB_WORKERS``
processes at once); the rest wait in line, first come first served, and each knows its
place (``position``). A job whose owner stops asking for it (``touch``) for
``IMPORT_ORPHAN_SECONDS`` (``IMPORT_QUEUED_ORPHAN_SECONDS`` while it waits in line, which
costs nothing: a crowd's pages poll late), or that is cancelled, is killed at once; one that passes its CPU
time is killed by the kernel, one that passes its memory gets ``MemoryError``; each ends in a
``BorderAtlasError`` whose message names the limit. Killed or finished, the child's memory
goes back to the system with it: the server keeps only the result.

Children are forked from a fork server (started once, with the importer already loaded),
never from the server itself, whose threads make a plain ``fork`` unsafe.
"""

from __future__ import annotations

import contextlib
import ctypes
import itertools
import logging
import multiprocessing as mp
import os
import resource
import signal
import threading
import time
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

from geo import limits
from geo.errors import BorderAtlasError, EventImportError, ImportOutOfMemory, ImportStopped
from geo.imports.problems import quote
from geo.limits import IMPORT_ORPHAN_SECONDS, IMPORT_QUEUED_ORPHAN_SECONDS, JOB_WORKERS, MB

log = logging.getLogger(__name__)

PRELOAD = ["geo.imports", "geo.figure", "geo.figure.animate", "geo.table", "geo.web.page",
           "geo.web.explorer", "geo.web.imported"]
_CONTEXT: Any = None
_CONTEXT_LOCK = threading.Lock()


def _context() -> Any:
    """The fork server's context, started on first use with the atlas's modules loaded."""
    global _CONTEXT
    with _CONTEXT_LOCK:
        if _CONTEXT is None:
            context = mp.get_context("forkserver")
            context.set_forkserver_preload(PRELOAD)
            _CONTEXT = context
        return _CONTEXT


def _nothing() -> None:
    """A job process's smallest work (to start the fork server)."""


_STARTED = threading.Event()


def start_pool() -> None:
    """Start the fork server now, in the background, so that a server's first job does not
    wait for it: it loads the importer and the figure code once (``PRELOAD``), which takes a
    few seconds of one core, and tens of seconds on a busy machine. Idempotent."""
    with _CONTEXT_LOCK:
        if _STARTED.is_set():
            return
        _STARTED.set()

    def run() -> None:
        with contextlib.suppress(Exception):  # a job started later says what went wrong
            process = _context().Process(target=_nothing, name="border-atlas-job-start", daemon=True)
            process.start()
            process.join()

    threading.Thread(target=run, name="border-atlas-job-start", daemon=True).start()


# -- in the child ---------------------------------------------------------------------------


class _ToParent(logging.Handler):
    """Sends each log record of a job's work, formatted, to the process that runs the job."""

    def __init__(self, conn: Connection) -> None:
        super().__init__()
        self.conn = conn

    def emit(self, record: logging.LogRecord) -> None:
        with contextlib.suppress(Exception):
            self.conn.send(("log", record.name, record.levelno, self.format(record)))


class _Unwound(BaseException):
    """A signal that ends a job's work, raised where the work is so that it unwinds."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _unwind(signum: int, frame: Any) -> None:
    signal.signal(signum, signal.SIG_DFL)  # a second one ends the process at once
    raise _Unwound(signum)


def _limit_self(cpu_seconds: float, memory_mb: float) -> None:
    """Set this process's CPU time and address space limits (over what it holds now)."""
    cpu = max(1, int(cpu_seconds))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 2))  # SIGXCPU, then SIGKILL
    held = address_space()
    limit = held + int(memory_mb * MB)
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def address_space() -> int:
    """This process's virtual memory in bytes (what ``RLIMIT_AS`` counts)."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")


def _child(conn: Connection, target: Callable[..., Any], args: tuple, cpu: float,
           memory_mb: float) -> None:
    """Run ``target(*args, progress=...)`` under the limits; send ("done", result) or
    ("error", exception), and ("progress", done, total) and ("log", ...) on the way."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the server's Ctrl-C is the server's
    # Stopped (SIGTERM) or at its CPU cap (SIGXCPU; the kernel's SIGKILL follows 2 s later),
    # the work unwinds: temporary files and an encoder's process go with it.
    signal.signal(signal.SIGTERM, _unwind)
    signal.signal(signal.SIGXCPU, _unwind)
    try:
        _limit_self(cpu, memory_mb)
        # What the work logs goes to the caller's log, as the caller has set it up (a
        # server's log; nothing on a command's terminal).
        geo_log = logging.getLogger("geo")
        geo_log.addHandler(_ToParent(conn))
        geo_log.propagate = False
        _send(conn, _outcome(conn, target, args))
    except _Unwound:
        pass  # stopped by its owner, who has what it needs
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)  # done: a late stop needs no unwinding
        conn.close()


def _outcome(conn: Connection, target: Callable[..., Any], args: tuple) -> tuple:
    """What a job's work came to: ("done", result), ("error", exception) or ("cpu", None)."""

    def progress(done: int, total: int) -> None:
        conn.send(("progress", done, total))

    try:
        return ("done", target(*args, progress=progress))
    except _Unwound as exc:
        if exc.signum == signal.SIGXCPU:
            return ("cpu", None)
        raise
    except MemoryError:
        return ("error", MemoryError())
    except BaseException as exc:
        return ("error", exc)


def _send(conn: Connection, outcome: tuple) -> None:
    try:
        conn.send(outcome)
    except MemoryError:
        conn.send(("error", MemoryError()))
    except Exception:  # a result or an exception that cannot be pickled: say what it was
        kind = type(outcome[1]).__name__
        conn.send(("error", RuntimeError(f"{kind} (not transferable)")))


def import_upload(data: bytes, filename: str, *, progress: Callable[[int, int], None]) -> Any:
    """An import of an upload's bytes (``geo.imports.import_events``), in a child."""
    from geo.imports import import_events

    try:
        return import_events(data, filename=filename)
    except ImportOutOfMemory:
        raise MemoryError from None  # the job's message names its cap


def import_for_page(target: Callable[..., Any], data: bytes, filename: str, *,
                    progress: Callable[[int, int], None]) -> tuple[Any, Any]:
    """An upload imported by ``target`` (``import_upload``'s kind), and the map's columns of it
    (``geo.web.explorer.imported_columns``) made in the same child: (the import's result,
    (columns, their description)). Made here, their cost (~0.1 s for 27,000 rows) is not the
    server's, where a crowd's imports would take it in turn. (The prepared layer itself holds
    its spec's functions, which do not travel between processes; the page makes it again,
    ~0.01 s.)"""
    from geo.web.explorer import imported_columns
    from geo.web.imported import prepare_imported

    result = target(data, filename, progress=progress)
    return result, imported_columns(prepare_imported(result.events), filename)


def import_file(path: str, *, progress: Callable[[int, int], None]) -> Any:
    """An import of a file on disk (``geo.imports.import_events``; the command's ``--events``);
    ``path`` is absolute, since a job's process does not share its caller's folder."""
    from pathlib import Path

    from geo.imports import import_events

    try:
        return import_events(Path(path))
    except ImportOutOfMemory:
        raise MemoryError from None  # the job's message names its cap


def draw_html(view: Any, events: Any, label: str | None, map_view: Any, title: str | None, *,
              progress: Callable[[int, int], None]) -> Any:
    """The interactive HTML file of a view (``geo.web.page.html_page``: its bytes and note)."""
    from geo.web.page import html_page

    return html_page(view, imported=events, imported_label=label, map_view=map_view, title=title)


def draw_figure(view: Any, spec: Any, events: Any, label: str | None, *,
                progress: Callable[[int, int], None]) -> tuple[bytes, tuple[str, ...]]:
    """A figure's bytes and the town labels left out (``geo.figure.figure_spec_bytes``)."""
    from geo.figure import figure_spec_bytes

    dropped: list[str] = []
    data = figure_spec_bytes(view, spec, imported=events, imported_label=label, dropped=dropped)
    return data, tuple(dropped)


def draw_animation(view: Any, spec: Any, anim: Any, events: Any, label: str | None, *,
                   progress: Callable[[int, int], None]) -> bytes:
    """An animation's bytes (``geo.figure.animate.render_animation``), frame by frame reported."""
    from geo.figure.animate import render_animation

    return render_animation(view, spec, anim, imported=events, imported_label=label,
                            progress=progress)


def imported_downloads(events: Any, name: str, *,
                       progress: Callable[[int, int], None]) -> tuple[bytes, bytes]:
    """Imported events as CSV and as GeoJSON (``geo.table``), as the downloads offer them."""
    from geo.table import events_csv, events_geojson

    return events_csv(events), events_geojson(events, name)


def run_job(target: Callable[..., Any], args: tuple, *, label: str,
            on_progress: Callable[[int, int], None] | None = None,
            between: Callable[[], None] | None = None, cpu_seconds: float | None = None,
            memory_mb: float | None = None) -> Any:
    """Run ``target`` in a job and wait for it: its result, or its error raised here.

    ``on_progress`` hears each new (done, total) the child reports; ``between`` is called
    every tenth of a second while waiting (a page's call there raises when its session
    stops, and the job is then killed). Either way the child ends before this returns.
    ``cpu_seconds`` and ``memory_mb`` are ``Job``'s (``geo.limits``'s by default).
    """
    job = Job(target, args, label=label, orphan_seconds=None, cpu_seconds=cpu_seconds,
              memory_mb=memory_mb)
    seen = None
    try:
        while not job.wait(0.1):
            if on_progress is not None and job.progress not in (None, seen):
                seen = job.progress
                on_progress(*seen)
            if between is not None:
                between()
        return job.result()
    finally:
        job.cancel("the page that asked for it stopped")
        job.wait(STOP_SECONDS + 5)  # the child is gone (and its temporary files) on return


# -- in the server --------------------------------------------------------------------------


def give_back_memory() -> None:
    """Return the server's freed memory to the system (glibc's ``malloc_trim``).

    An upload's bytes, and their copies on the way to a job, are freed when the job ends or
    its session goes, but glibc keeps freed heap pages in the process (its mmap threshold
    grows after a large free, so the next uploads land in the heap), and Python has no call
    to give them back; without this the server's memory grew by an upload's size per closed
    tab and stayed there. Elsewhere than glibc this does nothing.
    """
    global _TRIM
    if _TRIM is None:
        try:
            _TRIM = ctypes.CDLL("libc.so.6").malloc_trim
        except (OSError, AttributeError):
            _TRIM = False
    if _TRIM:
        _TRIM(0)


_TRIM: Any = None
STOP_SECONDS = 2.0  # a stopped job's time to unwind (SIGTERM) before SIGKILL


def _stop(process: Any) -> None:
    """End a job's process: SIGTERM, so that it unwinds and removes its temporary files, then
    SIGKILL if it has not ended within ``STOP_SECONDS``."""
    process.terminate()
    process.join(STOP_SECONDS)
    if process.is_alive():
        process.kill()


class _Pool:
    """At most ``workers`` jobs run at once; the others wait in line in order of arrival."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self._lock = threading.Condition()
        self._running: set[int] = set()
        self._waiting: list[int] = []
        self._numbers = itertools.count()

    def enter(self) -> int:
        with self._lock:
            number = next(self._numbers)
            self._waiting.append(number)
            return number

    def position(self, number: int) -> int:
        """0 when running (or done), else the place in line (1 is next)."""
        with self._lock:
            return self._waiting.index(number) + 1 if number in self._waiting else 0

    def wait_turn(self, number: int, give_up: Callable[[], bool]) -> bool:
        """Block until ``number`` may run (True), or until ``give_up()`` (False, out of line)."""
        with self._lock:
            while not (self._waiting and self._waiting[0] == number
                       and len(self._running) < self.workers):
                if give_up():
                    self._waiting.remove(number)
                    self._lock.notify_all()
                    return False
                self._lock.wait(0.1)
            self._waiting.pop(0)
            self._running.add(number)
            return True

    def leave(self, number: int) -> None:
        with self._lock:
            self._running.discard(number)
            self._lock.notify_all()

    @property
    def running(self) -> int:
        with self._lock:
            return len(self._running)


POOL = _Pool(JOB_WORKERS)


class Job:
    """One function run in a child process of the pool, stopped when its owner goes.

    Its owner keeps it alive (``touch``) or stops it (``cancel``), and reads ``done``,
    ``wait``, ``result`` (its value, or its error raised), ``orphaned``, ``started``, ``key``,
    ``position`` (its place in line, 0 once running) and ``progress`` (the last (done,
    total) the child reported). ``label`` names the work in messages (the file's name).
    ``run_job`` is the one loop that waits for a job, for a page and for the command line.
    """

    def __init__(self, target: Callable[..., Any], args: tuple = (), *, label: str, key: object = None,
                 cpu_seconds: float | None = None, memory_mb: float | None = None,
                 orphan_seconds: float | None = IMPORT_ORPHAN_SECONDS,
                 queued_orphan_seconds: float = IMPORT_QUEUED_ORPHAN_SECONDS, pool: _Pool = POOL) -> None:
        self.key, self.label = key, label
        self.progress: tuple[int, int] | None = None
        self.started = time.monotonic()
        self._target: Callable[..., Any] | None = target
        self._args: tuple = args
        # The caps are read when the job is made (geo.limits: JOB_CPU_SECONDS, JOB_MEMORY_MB).
        self._cpu = limits.JOB_CPU_SECONDS if cpu_seconds is None else cpu_seconds
        self._memory = limits.JOB_MEMORY_MB if memory_mb is None else memory_mb
        self._orphan_seconds = orphan_seconds
        self._queued_orphan_seconds = queued_orphan_seconds
        self._touched = time.monotonic()
        self._cancelled: str | None = None
        self._pool = pool
        self._number = pool.enter()
        give_back_memory()  # what closed sessions freed since the last job
        self._done = threading.Event()
        self._result: Any = None
        self._error: BaseException | None = None
        self.pid: int | None = None
        self._answered = False
        threading.Thread(target=self._watch, name="border-atlas-job", daemon=True).start()

    # -- the owner's side --
    def touch(self) -> None:
        self._touched = time.monotonic()

    def cancel(self, reason: str = "cancelled") -> None:
        self._cancelled = reason

    def stop_reason(self, *, waiting: bool = False) -> str | None:
        """Why the job must stop now (cancelled, or its owner silent too long), or None."""
        if self._cancelled:
            return self._cancelled
        silent = time.monotonic() - self._touched
        if self._orphan_seconds is None:
            return None
        allowed = max(self._orphan_seconds, self._queued_orphan_seconds) if waiting else self._orphan_seconds
        if silent > allowed:
            return f"the session that started it has gone ({silent:.0f} s without a sign of life)"
        return None

    @property
    def position(self) -> int:
        return self._pool.position(self._number)

    @property
    def done(self) -> bool:
        return self._done.is_set()

    @property
    def orphaned(self) -> bool:
        return isinstance(self._error, ImportStopped) and "session that started it" in str(self._error)

    def wait(self, seconds: float) -> bool:
        return self._done.wait(seconds)

    def result(self) -> Any:
        if not self.done:
            raise RuntimeError("the job has not finished")
        if self._error is not None:
            raise self._error
        return self._result

    # -- the watcher thread: waits, it never computes --
    def _watch(self) -> None:
        try:
            if self._pool.wait_turn(self._number, lambda: self.stop_reason(waiting=True) is not None):
                try:
                    self._result = self._run()
                finally:
                    self._pool.leave(self._number)
            else:
                raise self._stopped(self.stop_reason() or "cancelled")
        except BaseException as exc:
            self._error = exc
        finally:
            self._target, self._args = None, ()  # the upload's bytes go with the job's end
            self._done.set()
            give_back_memory()

    def _run(self) -> Any:
        if (reason := self.stop_reason()) is not None:  # its owner went while it waited
            raise self._stopped(reason)
        context = _context()
        ours, theirs = context.Pipe(duplex=False)
        process = context.Process(target=_child, name="border-atlas-job", daemon=True,
                                  args=(theirs, self._target, self._args, self._cpu, self._memory))
        process.start()
        theirs.close()
        self.pid = process.pid
        try:
            return self._follow(process, ours)
        finally:
            if self._answered:
                process.join(STOP_SECONDS)
            if process.is_alive():
                _stop(process)
            process.join(5)
            ours.close()
            with contextlib.suppress(ValueError):
                process.close()

    def _follow(self, process: Any, conn: Connection) -> Any:
        while True:
            reason = self.stop_reason()
            if reason is not None:
                _stop(process)
                raise self._stopped(reason)
            if conn.poll(0.1):
                try:
                    message = conn.recv()
                except (EOFError, OSError):
                    process.join(5)
                    raise self._died(process.exitcode) from None
                if message[0] == "progress":
                    self.progress = (message[1], message[2])
                    continue
                if message[0] == "log":
                    logging.getLogger(message[1]).log(message[2], "%s", message[3])
                    continue
                self._answered = True  # the child ends by itself now
                if message[0] == "done":
                    return message[1]
                if message[0] == "cpu":
                    raise self._died(-signal.SIGXCPU)
                raise self._failed(message[1])
            if not process.is_alive() and not conn.poll(0):
                raise self._died(process.exitcode)

    def _stopped(self, reason: str) -> ImportStopped:
        return ImportStopped(f"{quote(self.label)}: the work was stopped: {reason}")

    def _failed(self, error: BaseException) -> BaseException:
        if isinstance(error, BorderAtlasError):
            return error
        if isinstance(error, MemoryError):
            return self._over_memory()
        log.error("a job on %r failed: %s: %s", self.label, type(error).__name__, error)
        return EventImportError(f"{quote(self.label)}: could not be processed (internal error: "
                                f"{type(error).__name__}); please report it with the file")

    def _over_memory(self) -> EventImportError:
        return EventImportError(f"{quote(self.label)}: needed more than the memory limit of "
                                f"{self._memory:,.0f} MB for one job (JOB_MEMORY_MB) and was stopped")

    def _died(self, exitcode: int | None) -> EventImportError:
        if exitcode in (-signal.SIGXCPU, -signal.SIGKILL):
            return EventImportError(f"{quote(self.label)}: used more than the CPU-time limit of "
                                    f"{self._cpu:g} s for one job (JOB_CPU_SECONDS) and was stopped")
        if exitcode in (-signal.SIGSEGV, -signal.SIGABRT, -signal.SIGBUS):
            return self._over_memory()  # allocations refused deep in a library end so
        return EventImportError(f"{quote(self.label)}: the work ended without a result (exit "
                                f"status {exitcode}); please report it with the file")
