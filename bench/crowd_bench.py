"""A crowd on one server (issue 20), by hand: `make bench` (or `python bench/crowd_bench.py N`).

N sessions (25 by default) open the app on one local Streamlit server, each in its own
browser context, and each uploads its own 5 MB ACLED export (synthetic, ~27,000 rows) at
once. Measured per session, from the moment its file is given to the page:

- upload -> summary: until the import's summary is on its page, and whether the page showed
  the session's place in line while it waited (the target: every summary within 15 s, or
  a place in line shown);
- window release -> table: every session then moves its window (the engine's public API,
  then a commit, as when the user lets go), all at once; from the commit to the imported
  events' heading showing the new window's count (target: 1 s median).

The release is also timed at the network (Chromium's websocket frame timestamps): from the
page's request to the server's answer carrying the new heading; the rest is the page's own
work, which a crowd of browsers on the same two cores as the server slows down. ``--one``
measures first what one release costs with one session alone: server CPU and the page's
main-thread CPU.

A second session's page meanwhile asks the server's health endpoint every 100 ms; its worst
latency in each case is printed, with the server's CPU seconds (its process and the job
processes under it) and its resident memory. Everything is local (127.0.0.1) and bounded:
each wait has a deadline, and a session that misses it is counted as missing. The machine
may be shared, so the load average is printed too.
"""

from __future__ import annotations

import argparse
import base64
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _timing import ROOT, UPLOAD_INPUT, Prober, chromium, load, rss_mb, tree_at
from playwright.sync_api import sync_playwright

from tests._server import SERVERS, engine_frame, streamlit_server, tree_cpu_seconds
from tests._synthetic import write_export

ROWS_5MB = 27_000  # ~5 MB of the synthetic ACLED export
SUMMARY_DEADLINE = 300.0
RELEASE_DEADLINE = 60.0
SUMMARY_TARGET, RELEASE_TARGET = 15.0, 1.0


def _pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _case(name: str, pid: int, url: str, run) -> tuple[list[float], float, float]:
    """(the case's values, the server's CPU seconds, a second session's worst latency)."""
    cpu, began = tree_cpu_seconds(pid), time.monotonic()
    with Prober(url) as probe:
        values = run()
    used = tree_cpu_seconds(pid) - cpu
    print(f"  {name}: server CPU {used:.1f} s over {time.monotonic() - began:.0f} s, "
          f"RSS {rss_mb(pid):,.0f} MB, second session's worst health latency {probe.worst:.2f} s, "
          f"{load()}")
    return values, used, probe.worst


def uploads(pages: list, files: list[Path]) -> tuple[list[float], int, int, list[float]]:
    """(seconds to each summary, sessions that showed their place in line, sessions missing,
    seconds from each page's request with its file to the server's message with its summary)."""
    heard = [_frames_heard(page, SUMMARY_BYTES) for page in pages]
    given = {}
    for page, path in zip(pages, files, strict=True):
        page.set_input_files(UPLOAD_INPUT, str(path))
        given[id(page)] = time.monotonic()
    done: dict[int, float] = {}
    queued: set[int] = set()
    deadline = time.monotonic() + SUMMARY_DEADLINE
    while len(done) < len(pages) and time.monotonic() < deadline:
        for page in pages:
            if id(page) in done:
                continue
            if page.get_by_text("imported,").count():
                done[id(page)] = time.monotonic() - given[id(page)]
            elif page.get_by_text("in line").count():
                queued.add(id(page))
        time.sleep(0.05)
    return list(done.values()), len(queued), len(pages) - len(done), _answers(heard)


HEADING = '[data-testid="stHeading"]'


def _imported_heading(page) -> str:
    texts = [t for t in page.locator(HEADING).all_inner_texts() if t.startswith("Imported events")]
    return texts[0] if texts else ""


HEADING_BYTES = b"Imported events in the window ("
SUMMARY_BYTES = b" imported\\, "  # the summary as sent: plain Markdown, its commas escaped


def _frames_heard(page, needle: bytes) -> dict[str, list[float]]:
    """When the page's websocket sent each message and received each one carrying ``needle``:
    Chromium's network-service timestamps (CDP), so the server's answer is timed apart from
    the page's own work, which a crowd of pages on the server's two cores slows down."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable", {"maxTotalBufferSize": 0, "maxResourceBufferSize": 0})
    heard: dict[str, list[float]] = {"sent": [], "hit": []}

    def received(event: dict) -> None:
        response = event["response"]
        data = response["payloadData"]
        raw = base64.b64decode(data) if response.get("opcode") == 2 else data.encode()
        if needle in raw:
            heard["hit"].append(event["timestamp"])

    cdp.on("Network.webSocketFrameSent", lambda event: heard["sent"].append(event["timestamp"]))
    cdp.on("Network.webSocketFrameReceived", received)
    return heard


def _answers(heard: list[dict[str, list[float]]]) -> list[float]:
    """Per page: from its first message sent to the first one received with the needle."""
    return [h["hit"][0] - h["sent"][0] for h in heard
            if h["sent"] and h["hit"] and h["hit"][0] >= h["sent"][0]]


def releases(pages: list) -> tuple[list[float], int, list[float]]:
    """(seconds from each commit to its table's new heading, sessions missing, seconds from
    each page's request to the server's answer with the new heading)."""
    frames = [engine_frame(page, timeout=120) for page in pages]
    heard = [_frames_heard(page, HEADING_BYTES) for page in pages]
    before = [_imported_heading(page) for page in pages]
    for frame in frames:
        frame.evaluate("""() => { const e = window.BorderAtlasEngine;
            e.on("commit", () => { window.__baCommitAt = Date.now(); });
            const s = e.dayOf('2024-01-01'); e.setWindow(s, s + 90, 'bench'); }""")
    time.sleep(1.0)
    for h in heard:
        h["sent"].clear()
        h["hit"].clear()
    # Then each lets go as a reader does with a button: "Window forward one day" (a commit at once).
    for frame in frames:
        frame.click('button[aria-label="Window forward one day"]', no_wait_after=True)
    seen: dict[int, float] = {}
    deadline = time.monotonic() + RELEASE_DEADLINE
    while len(seen) < len(pages) and time.monotonic() < deadline:
        for i, page in enumerate(pages):
            if i not in seen and _imported_heading(page) not in ("", before[i]):
                committed = frames[i].evaluate("() => window.__baCommitAt || null")
                if committed:
                    seen[i] = max(0.0, time.time() - committed / 1000)
        time.sleep(0.02)
    return list(seen.values()), len(pages) - len(seen), _answers(heard)


ONE_RELEASES = 8


def one_session(root: Path, file: Path, row: dict) -> None:
    """What one window release costs with nobody else on the server: its server CPU (the
    server and its jobs) and its page's main-thread CPU (Chromium's ``ThreadTime``: the
    Streamlit page and the map's frame), each a median over ``ONE_RELEASES`` releases, from
    the commit until the imported events' heading shows the new window and the page is
    idle again."""
    with streamlit_server(timeout=180, app=root / "app.py", root=root) as url, sync_playwright() as p:
        pid = SERVERS[url].pid
        browser = chromium(p)
        page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
        page.goto(url + "?layers=border", timeout=180_000)
        page.wait_for_selector(UPLOAD_INPUT, state="attached", timeout=180_000)
        page.set_input_files(UPLOAD_INPUT, str(file))
        page.get_by_text("imported,").wait_for(timeout=SUMMARY_DEADLINE * 1000)
        frame = engine_frame(page, "e.imported()", timeout=120)
        cdp = page.context.new_cdp_session(page)
        cdp.send("Performance.enable")

        def thread_s() -> float:
            return next(m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]
                        if m["name"] == "ThreadTime")

        frame.evaluate("() => { const e = window.BorderAtlasEngine; "
                       "const s = e.dayOf('2024-01-01'); e.setWindow(s, s + 90, 'bench'); }")
        time.sleep(3.0)
        server, browser_cpu, waits = [], [], []
        for _ in range(ONE_RELEASES):
            before = _imported_heading(page)
            cpu, thread, began = tree_cpu_seconds(pid), thread_s(), time.monotonic()
            frame.click('button[aria-label="Window forward one day"]', no_wait_after=True)
            deadline = time.monotonic() + RELEASE_DEADLINE
            while _imported_heading(page) in ("", before) and time.monotonic() < deadline:
                time.sleep(0.01)
            waits.append(time.monotonic() - began)
            time.sleep(1.5)  # the rest of the run, and the page's work after it
            server.append(tree_cpu_seconds(pid) - cpu)
            browser_cpu.append(thread_s() - thread)
        row.update(one_server=statistics.median(server), one_browser=statistics.median(browser_cpu),
                   one_wait=statistics.median(waits))
        print(f"  one session, {ONE_RELEASES} releases: server CPU {1000 * row['one_server']:.0f} ms, "
              f"page main-thread CPU {1000 * row['one_browser']:.0f} ms, release -> table "
              f"{row['one_wait']:.2f} s (medians); {load()}")
        browser.close()


def crowd(root: Path, files: list[Path], row: dict) -> None:
    """Serve ``root``'s app, and run the crowd's two cases against it; figures into ``row``."""
    sessions = len(files)
    with streamlit_server(timeout=180, app=root / "app.py", root=root) as url, sync_playwright() as p:
        pid = SERVERS[url].pid
        browser = chromium(p)
        pages = []
        for _ in range(sessions):
            page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
            page.goto(url + "?layers=border", timeout=180_000, wait_until="commit")  # a busy machine
            pages.append(page)
        for page in pages:
            page.wait_for_selector(UPLOAD_INPUT, state="attached", timeout=180_000)
        print(f"  server RSS with {sessions} sessions open: {rss_mb(pid):,.0f} MB; {load()}")
        outcome: dict = {}

        def run_uploads():
            values, outcome["queued"], outcome["missing"], outcome["served"] = uploads(pages, files)
            return values

        times, row["upload_cpu"], row["upload_worst"] = _case("upload -> summary", pid, url, run_uploads)
        late = sum(t > SUMMARY_TARGET for t in times)
        served = outcome["served"]
        row.update(served_median=_pct(served, 0.5), served_worst=max(served, default=float("nan")))
        row.update(summary_p50=_pct(times, 0.5), summary_worst=max(times, default=float("nan")),
                   late=late, queued=outcome["queued"], missing=outcome["missing"])
        print(f"upload -> summary: p50 {_pct(times, 0.5):.1f} s, p95 {_pct(times, 0.95):.1f} s, "
              f"worst {row['summary_worst']:.1f} s; {late} over {SUMMARY_TARGET:g} s, "
              f"{outcome['queued']} showed their place in line, {outcome['missing']} missing; the "
              f"server's answer (request with the file -> summary received): median "
              f"{row['served_median']:.1f} s, worst {row['served_worst']:.1f} s over {len(served)} sessions")

        def run_releases():
            values, outcome["lost"], outcome["answers"] = releases(pages)
            return values

        waits, row["release_cpu"], row["release_worst_probe"] = _case(
            "window release -> table", pid, url, run_releases)
        answers = outcome["answers"]
        row.update(release_median=statistics.median(waits) if waits else float("nan"),
                   release_worst=max(waits, default=float("nan")), lost=outcome["lost"],
                   answer_median=statistics.median(answers) if answers else float("nan"),
                   answer_worst=max(answers, default=float("nan")))
        print(f"window release -> table: median {row['release_median']:.2f} s "
              f"(target {RELEASE_TARGET:g} s), p95 {_pct(waits, 0.95):.2f} s, worst "
              f"{row['release_worst']:.2f} s, {outcome['lost']} missing; the server's answer (request "
              f"sent -> heading received, network timestamps): median {row['answer_median']:.2f} s, "
              f"worst {row['answer_worst']:.2f} s over {len(answers)} sessions")
        browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("sessions", nargs="?", type=int, default=25)
    parser.add_argument("--before", metavar="REV", help="also run the crowd against the app as "
                        "committed at REV (git archive), first, in the same run")
    parser.add_argument("--one", action="store_true", help="only what one release costs in "
                        "one session (no crowd)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        files = []
        for i in range(args.sessions):
            path = Path(tmp) / f"acled-{i:02d}.csv"
            write_export(path, n=ROWS_5MB, seed=100 + i)
            files.append(path)
        size = files[0].stat().st_size / 1e6
        print(f"{args.sessions} sessions, each uploading its own {size:.1f} MB ACLED export "
              f"({ROWS_5MB:,} rows); {load()} at the start")
        trees = [("this tree", ROOT)]
        if args.before:
            trees.insert(0, (args.before, tree_at(args.before, Path(tmp) / "before")))
        rows = {}
        for name, root in trees:
            print(f"{name}:")
            rows[name] = {}
            one_session(root, files[0], rows[name])
            if not args.one:
                crowd(root, files, rows[name])
        print(f"| measure | {' | '.join(rows)} |\n|---|{'---|' * len(rows)}")
        for label, key, scale, unit in [
                ("one session: server CPU per release", "one_server", 1000, "ms"),
                ("one session: page main-thread CPU per release", "one_browser", 1000, "ms"),
                ("one session: release -> table", "one_wait", 1, "s")]:
            print(f"| {label} | {' | '.join(f'{r[key] * scale:.2f} {unit}' for r in rows.values())} |")
        if args.one:
            print(f"{load()} at the end")
            return
        for label, key, unit in [
                ("upload -> summary, median", "summary_p50", "s"),
                ("upload -> summary, worst", "summary_worst", "s"),
                ("summaries over 15 s / showed their place in line / missing", None, ""),
                ("upload: the server's answer (request -> summary received), median", "served_median", "s"),
                ("upload: the server's answer, worst", "served_worst", "s"),
                ("server CPU, uploads", "upload_cpu", "s"),
                ("second session's worst latency, uploads", "upload_worst", "s"),
                ("window release -> table, median", "release_median", "s"),
                ("window release -> table, worst", "release_worst", "s"),
                ("release: the server's answer (request -> heading received), median", "answer_median", "s"),
                ("release: the server's answer, worst", "answer_worst", "s"),
                ("server CPU, releases", "release_cpu", "s"),
                ("second session's worst latency, releases", "release_worst_probe", "s")]:
            if key is None:
                cells = [f"{r['late']} / {r['queued']} / {r['missing']}" for r in rows.values()]
            else:
                cells = [f"{r[key]:.2f} {unit}" for r in rows.values()]
            print(f"| {label} | {' | '.join(cells)} |")
        print(f"{load()} at the end")


if __name__ == "__main__":
    main()
