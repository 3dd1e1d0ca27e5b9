"""What the engine's split costs, in CPU rather than wall time, the two trees taken in turn.

`engine_split_bench.py` times each tree's whole app once, one after the other; on a shared
machine its frame rates and first-visit seconds move with the load more than with the code.
This bench measures what the code spends, alternating the trees round by round (before,
after, before, after, ...), and reports medians:

- **first visit**: CPU seconds the server process used from its start until the first
  visitor's map is drawn (Python's start, imports, the layers prepared, the first run);
- **window steps**: the page's main-thread CPU milliseconds (Chromium's
  `Performance.getMetrics` `ThreadTime`) per step of the same scripted motion in both trees,
  a frame drawn after each step: a year-long window moved 3 days at a time, 100 steps, and a
  one-day window moved a day at a time through 60 days, with 100,000 imported ACLED events;
- **playback**: the same CPU per played frame, and the frame rate, while a year-long window
  plays at a month a second and a week (14-21 January 2024) at a day a second (these move
  with the machine's load: the frames a second decide how far each frame moves). The week is
  not the crisis-week preset: since the split, Play on a preset plays the preset's own days
  (player.js playPlan), the tree before slid the week on through the year, so a preset would
  not be the same motion in both trees.

The tree at BEFORE (the last one-closure engine) is unpacked with `git archive`; each round
runs in a child process with that tree first on `sys.path`, so each tree serves its own app.
The first visit is given twice: the server process alone (what the engine's Python side
costs), and with its children (the job pool, a separate process started with the first page).

With `--same-record`, the tree before is given this tree's record (`data/*.geojson`, its browser
copies rebuilt by that tree's own code), so both draw the same events, crossings and places:
the record has since grown kinds and statuses the older validator does not know, each given
the nearest one it does (`KINDS_BEFORE`, `STATUSES_BEFORE`; the places' type is dropped).
Without it each tree draws its own record (100 events then, more now).

    .venv/bin/python bench/seam_cost_bench.py [ROUNDS] [BEFORE] [--same-record]
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BEFORE = "b105a31"  # the one-closure engine (engine.js, 922 lines), before the split

# Run inside each tree (argv: tree, export, flavour); prints its figures as JSON last.
_MEASURE = r"""
import json, os, sys, time
from pathlib import Path
root = Path(sys.argv[1]); sys.path.insert(0, str(root))
from playwright.sync_api import sync_playwright
from tests import _server as srv

OLD = sys.argv[3] == "before"
UPLOAD = '[data-testid="stFileUploaderDropzoneInput"]'


def tree_cpu(pid):
    seconds, todo = 0.0, [pid]
    while todo:
        cur = todo.pop()
        try:
            fields = Path(f"/proc/{cur}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        seconds += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        for task in Path(f"/proc/{cur}/task").glob("*/children"):
            todo += [int(k) for k in task.read_text().split()]
    return seconds


def own_cpu(pid):
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def server_pid():
    for task in Path(f"/proc/{os.getpid()}/task").glob("*/children"):
        for kid in task.read_text().split():
            if b"streamlit" in Path(f"/proc/{kid}/cmdline").read_bytes():
                return int(kid)
    raise SystemExit("no streamlit server found")


def ready(page, until=None):
    if OLD:
        return srv.map_frame(page, "[data-ba-imported]" if until else "html[data-ba-ready]", timeout=600)
    return srv.engine_frame(page, "e.imported()" if until else "true", timeout=600)


def thread_ms(cdp):
    return 1000 * next(m["value"] for m in cdp.send("Performance.getMetrics")["metrics"] if m["name"] == "ThreadTime")


STEPS = '''async ([start, end, by, n]) => {
  const e = window.BorderAtlasEngine, a = e.dayOf(start), b = e.dayOf(end);
  const frame = () => new Promise((done) => requestAnimationFrame(() => done()));
  for (let i = 0; i < n; i++) { e.setWindow(a + i * by, b + i * by, "bench"); await frame(); }
  await frame();
}'''


def stepped(frame, cdp, start, end, by, n):
    before = thread_ms(cdp)
    frame.evaluate(STEPS, [start, end, by, n])
    return (thread_ms(cdp) - before) / n


def played(frame, cdp, start, end, speed, pid, seconds=3.0):
    e = "BorderAtlasEngine"
    frame.evaluate(f"{e}.setWindow({e}.dayOf('{start}'), {e}.dayOf('{end}'), 'bench')")
    frame.select_option('select[aria-label="Playback speed"]', str(speed))
    before = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
    server = tree_cpu(pid)
    frame.click(".ba-tl-playbtn")
    time.sleep(seconds)
    if frame.get_attribute(".ba-tl-playbtn", "aria-pressed") == "true":
        frame.click(".ba-tl-playbtn")
    after = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
    server = tree_cpu(pid) - server
    stats = frame.evaluate(f"{e}.state.stats.lastPlay" if OLD else f"{e}.lastPlay()")
    return {"frames": stats["frames"], "seconds": stats["seconds"],
            "cpu_ms": 1000 * (after["ThreadTime"] - before["ThreadTime"]),
            "task_ms": 1000 * (after["TaskDuration"] - before["TaskDuration"]), "server_s": server}


with sync_playwright() as p:
    browser = p.chromium.launch(executable_path=srv.CHROMIUM, args=srv.CHROMIUM_ARGS)
    with srv.streamlit_server(timeout=180) as url:
        pid = server_pid()
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(url)
        ready(page)
        first = tree_cpu(pid)
        first_server = own_cpu(pid)
        page.set_input_files(UPLOAD, sys.argv[2])
        frame = ready(page, True)
        cdp = page.context.new_cdp_session(page)
        cdp.send("Performance.enable", {"timeDomain": "threadTicks"})
        time.sleep(3)  # what the import set going (the app's rerun, the first draw) settles
        steps_year = stepped(frame, cdp, "2023-01-01", "2023-12-31", 3, 100)
        steps_day = stepped(frame, cdp, "2023-11-01", "2023-11-01", 1, 60)
        year = played(frame, cdp, "2023-01-01", "2023-12-31", 30, pid)
        week = played(frame, cdp, "2024-01-14", "2024-01-21", 1, pid)
    browser.close()
print(json.dumps({"first_cpu": first, "first_server_cpu": first_server, "year": year, "week": week, "steps_year": steps_year,
                  "steps_day": steps_day}))
"""


# The record's kinds and crossing statuses added since BEFORE, as the nearest that tree knows.
KINDS_BEFORE = {"crackdown": "attack", "release": "abduction", "closure": "border",
                "reopening": "border", "shelling": "border"}
STATUSES_BEFORE = {"halted": "closed"}
# Run inside the tree before: its browser copies of the layers, from its own code.
_WEB_COPIES = r"""
from geo.assemble import shipped_layer
from geo.web import layers as web
from geo.web.explorer import DATED_FILE, DATED_LAYERS, dated_json
web.write_static_layers({n: web.prepare_layer(n, shipped_layer(n)) for n in web.STATIC_LAYERS})
dated = {n: web.prepare_layer(n, shipped_layer(n)) for n in DATED_LAYERS}
(web.WEB_DIR / f"{DATED_FILE}.json").write_text(dated_json(dated), encoding="utf-8")
"""


def same_record(old: Path) -> None:
    """Give the tree ``old`` this tree's record, in the words its validator knows."""
    for src in sorted((ROOT / "data").glob("*.geojson")):
        collection = json.loads(src.read_text(encoding="utf-8"))
        for feature in collection["features"]:
            props = feature["properties"]
            if src.stem == "places":
                props.pop("kind", None)
            elif props.get("kind") in KINDS_BEFORE:
                props["kind"] = KINDS_BEFORE[props["kind"]]
            for change in props.get("status_history") or []:
                change["status"] = STATUSES_BEFORE.get(change["status"], change["status"])
        (old / "data" / src.name).write_text(json.dumps(collection), encoding="utf-8")
    subprocess.run([sys.executable, "-c", _WEB_COPIES], cwd=old, check=True, timeout=600)


def measure(tree: Path, export: Path, flavour: str) -> dict:
    done = subprocess.run([sys.executable, "-c", _MEASURE, str(tree), str(export), flavour], cwd=tree,
                          capture_output=True, text=True, timeout=1800)
    if done.returncode:
        raise SystemExit(f"measuring {tree} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def per_frame(play: dict) -> float:
    return play["cpu_ms"] / max(1, play["frames"])


def main(rounds: int = 3, before: str = BEFORE, record: bool = False) -> None:
    from engine_split_bench import tree_and_export

    runs: dict[str, list[dict]] = {"before": [], "after": []}
    loads = [os.getloadavg()[0]]
    with tree_and_export(before) as (old, export):
        if record:
            same_record(old)
        for _ in range(rounds):
            runs["before"].append(measure(old, export, "before"))
            runs["after"].append(measure(ROOT, export, "after"))
            loads.append(os.getloadavg()[0])

    def med(side: str, fn) -> float:
        return statistics.median(fn(r) for r in runs[side])

    rows = [
        ("first visit: server process CPU to map drawn (s)", lambda r: r.get("first_server_cpu", r["first_cpu"])),
        ("first visit: server and its children (job pool) (s)", lambda r: r["first_cpu"]),
        ("a year-long window, 100 steps of 3 days: CPU per step (ms)", lambda r: r["steps_year"]),
        ("a one-day window, 60 steps of a day: CPU per step (ms)", lambda r: r["steps_day"]),
        ("a year at 1 month/s, 100k imported: CPU per frame (ms)", lambda r: per_frame(r["year"])),
        ("a year at 1 month/s: frames per second", lambda r: r["year"]["frames"] / r["year"]["seconds"]),
        ("a year at 1 month/s: the server's CPU meanwhile (s)", lambda r: r["year"].get("server_s", float("nan"))),
        ("a week at 1 day/s, 100k imported: CPU per frame (ms)", lambda r: per_frame(r["week"])),
        ("a week at 1 day/s: frames per second", lambda r: r["week"]["frames"] / r["week"]["seconds"]),
    ]
    print(f"{rounds} rounds, trees alternating; load average {min(loads):.1f}-{max(loads):.1f}; "
          + ("the same record in both trees" if record else "each tree with its own record"))
    print(f"{'median':60s} {'before ' + before:>14s} {'after':>10s} {'after/before':>13s}")
    for name, fn in rows:
        a, b = med("before", fn), med("after", fn)
        print(f"{name:60s} {a:14.2f} {b:10.2f} {b / a if a else float('nan'):13.2f}")


if __name__ == "__main__":
    flags = [a for a in sys.argv[1:] if a.startswith("--")]
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    if set(flags) - {"--same-record"}:
        raise SystemExit(f"unknown option: {' '.join(sorted(set(flags) - {'--same-record'}))}")
    main(int(args[0]) if args else 3, *(args[1:2]), record="--same-record" in flags)
