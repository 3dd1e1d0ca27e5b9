"""The atlas as a static site: a folder that any web server, static host or CDN can serve.

``build_site(out)`` writes, from the same specs and data as the explorer:

- ``index.html``: the explorer (map, timeline, playback, popups), reading its view from the
  address's fragment (``#window=…&event=…``), since a static host has no server;
- ``embed.html``: the same explorer sized to its frame, for an article's ``<iframe>``;
- ``assets/``: the scripts and styles both share, each written once under a name that holds a
  hash of its content, so that a host may cache them for ever;
- ``event/<id>/``: one page per event (facts, casualties, place and precision, sources with
  their notes, the paper's footnotes) with a map of the event drawn by the print renderer, and
  Open Graph and Twitter card tags, so that a shared link shows that map and the headline;
- ``events/``, ``year/<yyyy>/`` and ``kind/<kind>/``: index pages; ``about/``: how to cite
  the atlas and its licences; ``downloads/``: the record as CSV, GeoJSON and GeoParquet;
- ``sitemap.xml`` and ``robots.txt`` when the site's address (``base_url``) is known.

The same data give the same bytes. Nothing is fetched when the site is built or read (online
tiles only if a reader picks them). The folder is written beside ``out`` and moved into
place when whole; an existing folder is replaced only if an earlier build wrote it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import io
import json
import os
import re
import shutil
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import pandas as pd

import geopandas as gpd

from geo import limits
from geo.citation import PAPER, TITLE, data_date, version, window_citation
from geo.errors import ExportError
from geo.limits import SITE_SIZE_BUDGET_BYTES
from geo.view import View, layer_names
from geo.web.page import LICENCES, Assets, html_page
from layers.events import EVENTS, casualties_text, when_text

SITE_MARKER = ".border-atlas-site"  # written into every site folder: only such a folder is replaced
IMAGE_PX = (1200, 630)  # the size share previews ask for (Open Graph, Twitter large card)
_IMAGE_DPI = 150  # 1200x630 px is 203x107 mm: room for the legend of every layer
_IMAGE_COLOURS = 128
_INLINE_MIN = 2048  # inline scripts and styles at least this long move into assets/
_BLOCK = re.compile(r"<(script|style)((?:\s[^>]*)?)>(.*?)</\1>", re.S | re.I)


@dataclass(frozen=True)
class SiteReport:
    """What a build wrote: where, how many files, how many bytes by part, how long it took."""

    out: Path
    files: int
    total_bytes: int
    parts: Mapping[str, int]
    events: int
    seconds: float
    budget_bytes: int = SITE_SIZE_BUDGET_BYTES
    notes: tuple[str, ...] = field(default=())

    @property
    def over_budget(self) -> bool:
        return self.total_bytes > self.budget_bytes

    def lines(self) -> list[str]:
        """The report as lines of plain text, for the command's stderr."""
        mb = 1_000_000
        rows = [f"wrote {self.files:,} files, {self.total_bytes / mb:.1f} MB, to {self.out} "
                f"({self.events} event pages) in {self.seconds:.1f} s"]
        rows += [f"  {part}: {size / mb:.2f} MB" for part, size in sorted(self.parts.items())]
        verdict = "over" if self.over_budget else "within"
        rows.append(f"  {verdict} the size budget of {self.budget_bytes / mb:.0f} MB")
        rows += [f"  note: {note}" for note in self.notes]
        return rows


# ---- addresses -------------------------------------------------------------------------------
def check_base_url(value: str | None) -> str | None:
    """The site's public address, ending in '/', or ExportError naming the problem."""
    if value is None or value == "":
        return None
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise ExportError(f"base URL {value!r} is not an http(s) address of a folder "
                          "(e.g. https://example.org/atlas/)", field="base_url", value=value)
    if any(ch.isspace() or ch in "<>\"'`" for ch in value):
        raise ExportError(f"base URL {value!r} holds characters an address cannot",
                          field="base_url", value=value)
    return value if value.endswith("/") else value + "/"


def event_path(event_id: str) -> str:
    """The folder of an event's page, relative to the site (ids are the record's slugs)."""
    return f"event/{quote(event_id, safe='')}/"


# ---- the record ------------------------------------------------------------------------------
def _records(events: gpd.GeoDataFrame) -> list[dict[str, Any]]:
    """Events as plain dicts (dates as ISO text), in date then id order."""
    frame = events.sort_values(["date", "id"], kind="stable")
    records = []
    for row in frame.to_dict("records"):
        geom = row.pop("geometry")
        props: dict[str, Any] = {}
        for key, value in row.items():
            if isinstance(value, pd.Timestamp):
                props[key] = value.strftime("%Y-%m-%d")
            elif value is None or value is pd.NaT or (isinstance(value, float) and pd.isna(value)):
                continue
            else:
                props[key] = value
        props["lon"], props["lat"] = float(geom.x), float(geom.y)
        records.append(props)
    return records


# ---- event maps (print renderer) -------------------------------------------------------------
def _event_extent(lon: float, lat: float, radius_m: float | None) -> tuple[float, float, float, float]:
    """A 1200×630 map around an event, wide enough to show its precision circle and a
    stretch of the border for context."""
    half_h = max(0.55, min(3.0, 1.6 * (radius_m or 0) / 111_000))
    half_w = half_h * 1.45
    return (lon - half_w, lat - half_h, lon + half_w, lat + half_h)


def _event_view(p: Mapping[str, Any]) -> View:
    first = dt.date.fromisoformat(p["date"])
    last = dt.date.fromisoformat(p.get("date_last") or p["date"])
    return View(start=first, end=last, layers=layer_names(),
                extent=_event_extent(p["lon"], p["lat"], p.get("precision_m")))


def event_image(p: Mapping[str, Any]) -> bytes:
    """The map of one event as PNG bytes, 1200×630 px: the print figure of its own window."""
    from PIL import Image

    from geo.figure import FigureSpec, figure_spec_bytes

    mm = 25.4 / _IMAGE_DPI
    spec = FigureSpec(preset="double-column", width_mm=IMAGE_PX[0] * mm, height_mm=IMAGE_PX[1] * mm,
                      dpi=_IMAGE_DPI, fmt="png")
    drawn = Image.open(io.BytesIO(figure_spec_bytes(_event_view(p), spec))).convert("RGB")
    # A palette of 128 colours keeps the map's fills and text apart and a third of the bytes
    # (about 75 KB a map instead of 240 KB), so 150 events stay well inside the site's budget.
    small = drawn.quantize(colors=_IMAGE_COLOURS, method=Image.Quantize.MEDIANCUT,
                           dither=Image.Dither.NONE)
    out = io.BytesIO()
    small.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _images(records: Sequence[Mapping[str, Any]], jobs: int,
            progress: Callable[[int, int], None] | None) -> dict[str, bytes]:
    """Every event's map, drawn in ``jobs`` processes (the figures are independent)."""
    out: dict[str, bytes] = {}
    total = len(records)
    if jobs <= 1 or total < 4:
        for i, p in enumerate(records):
            out[p["id"]] = event_image(p)
            if progress:
                progress(i + 1, total)
        return out
    caps = (limits.JOB_MEMORY_MB, limits.SITE_MAP_CPU_SECONDS)
    try:
        with ProcessPoolExecutor(max_workers=jobs, initializer=_limit_worker, initargs=caps) as pool:
            for i, (p, data) in enumerate(zip(records, pool.map(_capped_image, records, chunksize=4),
                                              strict=True)):
                out[p["id"]] = data
                if progress:
                    progress(i + 1, total)
    except MemoryError:
        raise ExportError(f"a process drawing the event maps needed more than its memory limit "
                          f"of {limits.JOB_MEMORY_MB:,} MB (JOB_MEMORY_MB)") from None
    except BrokenProcessPool:
        raise ExportError(f"a process drawing the event maps was stopped at its limits: "
                          f"{limits.SITE_MAP_CPU_SECONDS:g} s of CPU time a map "
                          f"(SITE_MAP_CPU_SECONDS) or {limits.JOB_MEMORY_MB:,} MB of memory "
                          f"(JOB_MEMORY_MB)") from None
    return out


_MAP_CPU_SECONDS = 0.0  # in a worker: each map's CPU time (set by _limit_worker)


def _limit_worker(memory_mb: float, map_cpu_seconds: float) -> None:
    """In each process of the pool, once: its memory cap (RLIMIT_AS, over what it holds)."""
    global _MAP_CPU_SECONDS
    import resource

    from geo.jobs import address_space

    limit = address_space() + int(memory_mb * limits.MB)
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    _MAP_CPU_SECONDS = map_cpu_seconds


def _capped_image(p: Mapping[str, Any]) -> bytes:
    """``event_image`` under a CPU-time cap of its own: the kernel's soft limit is set to the
    CPU this process has used so far plus a map's allowance (past it, SIGXCPU ends the
    process, and the pool reports it broken)."""
    import resource

    used = resource.getrusage(resource.RUSAGE_SELF)
    soft = int(used.ru_utime + used.ru_stime + _MAP_CPU_SECONDS) + 1
    hard = resource.getrlimit(resource.RLIMIT_CPU)[1]
    resource.setrlimit(resource.RLIMIT_CPU, (soft if hard == resource.RLIM_INFINITY else min(soft, hard), hard))
    return event_image(p)


# ---- pages -----------------------------------------------------------------------------------
def _e(value: Any) -> str:
    return html.escape(str(value), quote=True)


class _Pages:
    """Writes the site's files into one folder and counts their bytes by part."""

    def __init__(self, root: Path, base_url: str | None, css_name: str) -> None:
        self.root = root
        self.base_url = base_url
        self.css_name = css_name
        self.sizes: Counter[str] = Counter()
        self.files = 0
        self.urls: list[str] = []

    def write(self, rel: str, data: bytes | str, part: str) -> None:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        payload = data.encode("utf-8") if isinstance(data, str) else data
        path.write_bytes(payload)
        self.sizes[part] += len(payload)
        self.files += 1

    def page(self, rel_dir: str, title: str, body: str, *, description: str, part: str,
             meta: str = "") -> None:
        """An HTML page at ``rel_dir`` (``""`` for the root, else ``a/b/``)."""
        up = "../" * rel_dir.count("/")
        canonical = (f'<link rel="canonical" href="{_e(self.base_url + rel_dir)}">'
                     if self.base_url else "")
        text = f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{_e(title)}</title>
<meta name="description" content="{_e(description)}">
<meta name="generator" content="Border Atlas {_e(version())}">
{canonical}{meta}
<link rel="stylesheet" href="{up}assets/{self.css_name}">
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="site-head"><a href="{up}">Border Atlas</a>
<nav aria-label="Site"><ul><li><a href="{up}events/">All events</a></li><li><a href="{up}about/">About and how to cite</a></li><li><a href="{up}#">Explorer</a></li></ul></nav>
</header>
<main id="main">
{body}
</main>
<footer class="site-foot"><p>Border Atlas {_e(version())}, data as of {_e(data_date())}. <a href="{up}about/">How to cite it and licences</a>.</p></footer>
</body>
</html>
"""
        self.write(rel_dir + "index.html", text, part)
        self.urls.append(rel_dir)


SITE_CSS = """/* Border Atlas static pages: readable text, visible focus, contrast at least 4.5:1. */
body { font: 16px/1.5 system-ui, "DejaVu Sans", sans-serif; color: #1a1a1a; background: #fff;
       margin: 0; }
main, .site-head, .site-foot { max-width: 46em; margin: 0 auto; padding: 0 1em; }
.site-head { display: flex; flex-wrap: wrap; gap: 1em; align-items: baseline; padding-top: .6em;
             border-bottom: 1px solid #ccc; }
.site-head > a { font-weight: bold; color: #1a1a1a; }
.site-head ul { display: flex; gap: 1em; list-style: none; padding: 0; margin: .4em 0; }
a { color: #0b4f8a; }
a:focus-visible, summary:focus-visible { outline: 3px solid #b35900; outline-offset: 2px; }
.skip { position: absolute; left: -999px; }
.skip:focus { left: 1em; top: .5em; background: #fff; padding: .3em; }
.event-map { width: 100%; height: auto; border: 1px solid #ccc; }
.facts th { text-align: left; padding-right: 1em; vertical-align: top; font-weight: 600; }
.ba-lead { font-size: 1.05em; }
.ba-source-note { color: #444; font-size: .92em; }
.ba-popup h4 { display: none; }
.list li { margin: .3em 0; }
.meta { color: #444; }
.site-foot { border-top: 1px solid #ccc; margin-top: 2em; font-size: .9em; color: #444; }
pre { white-space: pre-wrap; background: #f4f4f4; padding: .6em; }
"""


def _event_body(p: Mapping[str, Any], up: str) -> str:
    headline = f"{when_text(p)}: {str(p.get('kind', '')).replace('-', ' ')}, {p.get('place', '')}"
    popup = EVENTS.popup_of(p) if EVENTS.popup_of else ""
    alt = (f"Map of {p.get('place', '')} near the Iran–Pakistan border, with the event's marker "
           f"and its precision circle")
    link = f"{up}#event={quote(p['id'], safe='')}"
    return (f"<article><h1>{_e(headline)}</h1>"
            f'<p><img class="event-map" src="map.png" width="{IMAGE_PX[0]}" height="{IMAGE_PX[1]}" '
            f'alt="{_e(alt)}"></p>'
            f'<p><a href="{_e(link)}">Open this event in the explorer</a> (the map, the timeline '
            f"and what else happened at the time)</p>"
            f'<p class="meta">Point: {p["lat"]:.4f}° N, {p["lon"]:.4f}° E.</p>'
            f"{popup}</article>")


def _event_meta(p: Mapping[str, Any], base_url: str | None, rel_dir: str) -> str:
    title = f"{when_text(p)}: {str(p.get('kind', '')).replace('-', ' ')}, {p.get('place', '')}"
    description = str(p.get("summary") or casualties_text(p))[:300]
    image = (base_url + rel_dir + "map.png") if base_url else "map.png"
    url = (base_url + rel_dir) if base_url else None
    tags = [
        ("property", "og:type", "article"), ("property", "og:site_name", "Border Atlas"),
        ("property", "og:title", title), ("property", "og:description", description),
        ("property", "og:image", image), ("property", "og:image:width", str(IMAGE_PX[0])),
        ("property", "og:image:height", str(IMAGE_PX[1])),
        ("property", "og:image:alt", f"Map of {p.get('place', '')}"),
        ("name", "twitter:card", "summary_large_image"), ("name", "twitter:title", title),
        ("name", "twitter:description", description), ("name", "twitter:image", image),
    ]
    if url:
        tags.append(("property", "og:url", url))
    return "\n".join(f'<meta {kind}="{_e(name)}" content="{_e(value)}">' for kind, name, value in tags)


def _event_list(records: Iterable[Mapping[str, Any]], up: str) -> str:
    items = []
    for p in records:
        what = str(p.get("kind", "")).replace("-", " ")
        items.append(f'<li><a href="{up}{event_path(p["id"])}">{_e(when_text(p))}: {_e(what)}, '
                     f'{_e(p.get("place", ""))}</a> <span class="meta">({_e(casualties_text(p))})</span></li>')
    return '<ul class="list">' + "".join(items) + "</ul>"


def _year_of(p: Mapping[str, Any]) -> str:
    return str(p["date"])[:4]


def _index_pages(pages: _Pages, records: Sequence[Mapping[str, Any]]) -> None:
    years = sorted({_year_of(p) for p in records})
    kinds = sorted({str(p.get("kind")) for p in records})
    year_links = " ".join(f'<a href="../year/{y}/">{y}</a>' for y in years)
    kind_links = " ".join(f'<a href="../kind/{quote(k)}/">{_e(k.replace("-", " "))}</a>' for k in kinds)
    pages.page("events/", "All events — Border Atlas",
               f"<h1>All {len(records)} events</h1><p>By year: {year_links}</p><p>By kind: {kind_links}</p>"
               + _event_list(records, "../"),
               description=f"Every event in the Border Atlas record ({len(records)}), in date order.",
               part="index pages")
    for y in years:
        chosen = [p for p in records if _year_of(p) == y]
        pages.page(f"year/{y}/", f"Events in {y} — Border Atlas",
                   f"<h1>Events in {y} ({len(chosen)})</h1>" + _event_list(chosen, "../../"),
                   description=f"The {len(chosen)} events of {y} in the Border Atlas record.",
                   part="index pages")
    for k in kinds:
        chosen = [p for p in records if str(p.get("kind")) == k]
        label = k.replace("-", " ")
        pages.page(f"kind/{quote(k)}/", f"Events of kind {label} — Border Atlas",
                   f"<h1>Kind: {_e(label)} ({len(chosen)})</h1>" + _event_list(chosen, "../../"),
                   description=f"The {len(chosen)} events of kind {label} in the Border Atlas record.",
                   part="index pages")


def _about_page(pages: _Pages, view: View) -> None:
    body = (
        f"<h1>About the Border Atlas</h1><p>{_e(TITLE)}. An interactive, sourced map of the "
        f"Iran–Pakistan border region. It accompanies {_e(PAPER)}; event pages cite that "
        f"article's footnotes by number.</p>"
        "<h2>How to cite it</h2>"
        f"<p>{_e(window_citation(view.start, view.end))}</p>"
        "<h2>The record</h2><ul>"
        '<li><a href="../downloads/events.csv">events.csv</a> (every field; lists as JSON text)</li>'
        '<li><a href="../downloads/events.geojson">events.geojson</a> (EPSG:4326)</li>'
        '<li><a href="../downloads/events.parquet">events.parquet</a> (GeoParquet)</li></ul>'
        "<h2>Licences</h2>"
        f"<p>{_e(LICENCES)}</p>"
        "<h2>Embed the explorer in an article</h2>"
        f"<pre>{_e(embed_snippet(pages.base_url))}</pre>"
    )
    pages.page("about/", "About and how to cite — Border Atlas", body,
               description="How to cite the Border Atlas, its licences and the record's downloads.",
               part="index pages")


def embed_snippet(base_url: str | None) -> str:
    """The line of HTML that embeds the explorer in an article."""
    src = (base_url or "") + "embed.html"
    return (f'<iframe src="{src}" title="Border Atlas: Iran–Pakistan border map" width="100%" '
            'height="600" style="border:0" loading="lazy"></iframe>')


# ---- the explorer pages ----------------------------------------------------------------------
def _hashed(pages: _Pages, data: bytes, suffix: str) -> str:
    digest = hashlib.sha256(data).hexdigest()[:16]
    name = f"{digest}.{suffix}"
    path = pages.root / "assets" / name
    if not path.exists():
        pages.write(f"assets/{name}", data, "shared assets")
    return name


def _externalise(pages: _Pages, text: str) -> str:
    """Long inline scripts and styles of an explorer page moved to content-named files under
    assets/, so index.html and embed.html share them (the layers' data too: both open on the
    same view, and the address's fragment moves it) and a host can cache them for ever.
    Import maps and JSON data blocks stay inline (browsers read them only there)."""

    def move(match: re.Match[str]) -> str:
        tag, attrs, body = match.group(1).lower(), match.group(2) or "", match.group(3)
        if len(body) < _INLINE_MIN or "src=" in attrs or "importmap" in attrs or "json" in attrs:
            return match.group(0)
        name = _hashed(pages, body.encode("utf-8"), "css" if tag == "style" else "js")
        if tag == "style":
            return f'<link rel="stylesheet" href="assets/{name}">'
        return f"<script{attrs} src=\"assets/{name}\"></script>"

    return _BLOCK.sub(move, text)


EMBED_CSS = """<style>
/* Embedded: the map and its timeline fill the frame; the file's header and foot are left out. */
#ba-file-head, #ba-file-foot { display: none !important; }
html > body .folium-map { height: max(240px, calc(100vh - var(--ba-timeline-h, 175px))) !important; }
</style>"""


def _explorer_pages(pages: _Pages, records: Sequence[Mapping[str, Any]]) -> View:
    view = View()

    def publish(name: str, data: bytes) -> str:  # the modules and layers, once for both pages
        return "./assets/" + _hashed(pages, data, name.rsplit(".", 1)[-1])  # an import map needs ./

    # a popup links to its event's page (each event has one, event/<id>/)
    index = html_page(view, title=TITLE, assets=Assets(publish),
                      event_pages={str(p["id"]): event_path(str(p["id"])) for p in records}
                      ).data.decode("utf-8")
    embed = index.replace("</head>", EMBED_CSS + "\n</head>", 1)
    pages.write("index.html", _externalise(pages, index), "explorer")
    pages.write("embed.html", _externalise(pages, embed), "explorer")
    return view


# ---- downloads, sitemap ----------------------------------------------------------------------
def _downloads(pages: _Pages, events: gpd.GeoDataFrame) -> None:
    from geo.table import events_csv, events_geojson

    ordered = events.sort_values(["date", "id"], kind="stable").reset_index(drop=True)
    pages.write("downloads/events.csv", events_csv(ordered), "downloads")
    pages.write("downloads/events.geojson", events_geojson(ordered, EVENTS.name), "downloads")
    flat = ordered.copy()
    for col in flat.columns:  # lists and mappings as JSON text: GeoParquet columns are flat
        if col != "geometry" and flat[col].map(lambda v: isinstance(v, list | dict)).any():
            flat[col] = flat[col].map(lambda v: json.dumps(v, ensure_ascii=False, sort_keys=True)
                                      if isinstance(v, list | dict) else v)
    path = pages.root / "downloads" / "events.parquet"
    flat.to_parquet(path, index=False, compression="zstd")
    pages.sizes["downloads"] += path.stat().st_size
    pages.files += 1


def _sitemap(pages: _Pages) -> None:
    if not pages.base_url:
        return
    rows = "".join(f"<url><loc>{_e(pages.base_url + rel)}</loc></url>\n" for rel in ["", *pages.urls])
    pages.write("sitemap.xml", '<?xml version="1.0" encoding="UTF-8"?>\n'
                '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n' + rows + "</urlset>\n",
                "index pages")
    pages.write("robots.txt", f"User-agent: *\nAllow: /\nSitemap: {pages.base_url}sitemap.xml\n",
                "index pages")


# ---- the build -------------------------------------------------------------------------------
def _check_out(out: Path) -> Path:
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise ExportError(f"{str(out)!r} exists and is not a folder", field="out", value=out)
    if out.is_dir() and any(out.iterdir()) and not (out / SITE_MARKER).is_file():
        raise ExportError(f"{str(out)!r} is a folder that a site build did not write; "
                          "choose an empty or new folder", field="out", value=out)
    if not out.parent.is_dir():
        raise ExportError(f"the folder {str(out.parent)!r} does not exist", field="out", value=out)
    return out


def build_site(out: str | Path, *, base_url: str | None = None, jobs: int | None = None,
               events: gpd.GeoDataFrame | None = None,
               progress: Callable[[int, int], None] | None = None) -> SiteReport:
    """Write the static site into the folder ``out`` (see the module's docstring).

    Parameters
    ----------
    out
        A new or empty folder, or one an earlier build wrote (it is replaced when the new site
        is whole; anything else is refused).
    base_url
        The address the site will be served from (``https://example.org/atlas/``): share
        previews and ``sitemap.xml`` need absolute addresses. Without it the site works, but
        has no sitemap and its previews use relative image addresses.
    jobs
        Processes drawing the event maps (the machine's cores by default).
    events
        The events to publish (the shipped record by default).
    progress
        Called with (maps drawn, maps in all).
    """
    started = time.perf_counter()
    out = _check_out(Path(out))
    base_url = check_base_url(base_url)
    if events is None:
        from geo import load_layer

        events = load_layer(EVENTS.name)
    records = _records(events)
    jobs = max(1, min(jobs or os.cpu_count() or 1, limits.SITE_WORKERS))
    images = _images(records, jobs, progress)
    work = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        css = SITE_CSS.encode("utf-8")
        pages = _Pages(work, base_url, "")
        pages.css_name = _hashed(pages, css, "css")
        view = _explorer_pages(pages, records)
        for p in records:
            rel = event_path(p["id"])
            pages.write(rel + "map.png", images[p["id"]], "event maps")
            pages.page(rel, f"{when_text(p)}: {p.get('place', '')} — Border Atlas", _event_body(p, "../../"),
                       description=str(p.get("summary") or "")[:300], part="event pages",
                       meta=_event_meta(p, base_url, rel))
        _index_pages(pages, records)
        _about_page(pages, view)
        _downloads(pages, events)
        _sitemap(pages)
        (work / SITE_MARKER).write_text(f"Border Atlas {version()}\n", encoding="utf-8")
        os.chmod(work, 0o755)
        if out.exists():
            old = out.with_name(f".{out.name}.old-{os.getpid()}")
            out.rename(old)
            work.rename(out)
            shutil.rmtree(old, ignore_errors=True)
        else:
            work.rename(out)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    notes = () if base_url else ("no --base-url: no sitemap.xml, and share previews carry relative "
                                 "image addresses that sites showing previews cannot follow",)
    return SiteReport(out=out, files=pages.files + 1, total_bytes=sum(pages.sizes.values()),
                      parts=dict(pages.sizes), events=len(records),
                      seconds=time.perf_counter() - started, notes=notes)
