"""The static site (``geo.web.site``, ``border-atlas site``): its files, its tags, its bytes, and
the site served by a stock static server (Python's http.server) to Chromium, offline."""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
import socket
import subprocess
import sys
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest
from PIL import Image

import geopandas as gpd

from geo.cli import main
from geo.errors import ExportError
from geo.web.site import (
    IMAGE_PX,
    SITE_MARKER,
    build_site,
    check_base_url,
    embed_snippet,
    event_path,
)
from tests._server import free_port, wait_for

STRIKES = ("2024-01-16-iran-strike-panjgur", "2024-01-18-pakistan-strike-saravan")
ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
# The engine's public API (static/atlas/engine.js), as tests/test_html_export.py reads it.
ENGINE = "BorderAtlasEngine"
STARTED = f"!!window.{ENGINE} && {ENGINE}.started()"
WINDOW = f"{ENGINE}.window().join('/')"


@pytest.fixture(scope="module")
def sample(layers):
    """A dozen events around the crisis, the two strikes among them, and one with hostile text."""
    events = layers["events"]
    picked = events[(events["date"] >= "2024-01-10") & (events["date"] <= "2024-01-25")].head(10)
    assert set(STRIKES) <= set(picked["id"]) or set(STRIKES) & set(events["id"]) == set(STRIKES)
    hostile = events[events["id"] == STRIKES[0]].copy()
    hostile["id"] = "2024-01-16-hostile-text"
    hostile["summary"] = '<script>window.hacked=1</script><img src=x onerror="window.hacked=2">'
    hostile["place"] = '"><b>Sabz</b>'
    return pd.concat([picked, events[events["id"].isin(STRIKES)], hostile]).drop_duplicates("id")


@pytest.fixture(scope="module")
def port():
    return free_port()


@pytest.fixture(scope="module")
def site(tmp_path_factory, sample, port):
    out = tmp_path_factory.mktemp("site") / "public"
    report = build_site(out, base_url=f"http://127.0.0.1:{port}/", events=sample, jobs=2)
    return out, report


class _Tags(HTMLParser):
    """Meta tags, links, images and scripts of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.meta: dict[str, str] = {}
        self.hrefs: list[str] = []
        self.srcs: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "meta" and ("property" in a or "name" in a):
            self.meta[a.get("property") or a.get("name")] = a.get("content", "")
        if tag in ("a", "link") and "href" in a:
            self.hrefs.append(a["href"])
        if tag in ("img", "script", "iframe") and "src" in a:
            self.srcs.append(a["src"])

    def handle_data(self, data):
        self.text.append(data)


def _tags(path: Path) -> _Tags:
    parser = _Tags()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def test_site_has_every_part(site, sample):
    out, report = site
    for rel in ("index.html", "embed.html", "about/index.html", "events/index.html", "year/2024/index.html",
                "kind/strike/index.html", "sitemap.xml", "robots.txt", SITE_MARKER):
        assert (out / rel).is_file(), rel
    for event_id in sample["id"]:
        assert (out / event_path(event_id) / "index.html").is_file()
        assert (out / event_path(event_id) / "map.png").is_file()
    assert report.events == len(sample)
    assert report.total_bytes == sum(p.stat().st_size for p in out.rglob("*") if p.is_file()
                                     and p.name != SITE_MARKER)
    assert not report.over_budget
    assert any("event maps" in line for line in report.lines())


def test_downloads_hold_the_record(site, sample):
    out, _ = site
    csv = pd.read_csv(out / "downloads" / "events.csv")
    assert sorted(csv["id"]) == sorted(sample["id"])
    geojson = gpd.read_file(out / "downloads" / "events.geojson")
    assert sorted(geojson["id"]) == sorted(sample["id"])
    parquet = gpd.read_parquet(out / "downloads" / "events.parquet")
    assert sorted(parquet["id"]) == sorted(sample["id"])
    assert parquet.crs.to_epsg() == 4326
    strike = parquet.set_index("id").loc[STRIKES[0]]
    original = sample.set_index("id").loc[STRIKES[0]]
    assert strike.geometry.equals_exact(original.geometry, 1e-9)


def test_event_page_tags_image_and_links(site, sample, port):
    out, _ = site
    base = f"http://127.0.0.1:{port}/"
    for row in sample.to_dict("records"):
        rel = event_path(row["id"])
        tags = _tags(out / rel / "index.html")
        assert tags.meta["og:image"] == base + rel + "map.png"
        assert tags.meta["twitter:image"] == tags.meta["og:image"]
        assert tags.meta["twitter:card"] == "summary_large_image"
        assert tags.meta["og:url"] == base + rel
        assert row["place"] in tags.meta["og:title"]
        assert (tags.meta["og:image:width"], tags.meta["og:image:height"]) == tuple(map(str, IMAGE_PX))
        with Image.open(out / rel / "map.png") as image:
            assert image.size == IMAGE_PX
        assert "map.png" in tags.srcs
        # every source is linked, and the explorer opens at the event
        for source in row["sources"]:
            assert source["url"] in tags.hrefs, source["url"]
        assert f"../../#event={row['id']}" in tags.hrefs


def test_user_text_is_text(site):
    out, _ = site
    page = (out / event_path("2024-01-16-hostile-text") / "index.html").read_text(encoding="utf-8")
    assert "<script>window.hacked" not in page and "<img src=x" not in page
    assert "&lt;script&gt;window.hacked=1&lt;/script&gt;" in page
    assert "<b>Sabz</b>" not in page


def test_sitemap_lists_every_page(site, sample, port):
    out, _ = site
    root = ET.parse(out / "sitemap.xml").getroot()
    locs = {el.text for el in root.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")}
    base = f"http://127.0.0.1:{port}/"
    assert base in locs and base + "about/" in locs and base + "year/2024/" in locs
    assert {base + event_path(i) for i in sample["id"]} <= locs
    for loc in locs:
        rel = loc.removeprefix(base)
        assert (out / rel / "index.html").is_file() or (out / rel).is_file(), loc


def test_assets_are_named_by_content_and_shared(site):
    out, _ = site
    assets = sorted((out / "assets").iterdir())
    assert assets
    for path in assets:
        assert path.stem == hashlib.sha256(path.read_bytes()).hexdigest()[:16], path.name
    index, embed = _tags(out / "index.html"), _tags(out / "embed.html")
    shared = [s for s in index.srcs if s.startswith("assets/")]
    assert shared and shared == [s for s in embed.srcs if s.startswith("assets/")]
    # nothing in the explorer's pages is fetched from anywhere but the site itself
    for src in index.srcs + embed.srcs:
        assert not src.startswith(("http:", "https:", "//")), src
    # the engine's modules and the layers are shared files too, not written into each page
    for name in ("index.html", "embed.html"):
        text = (out / name).read_text(encoding="utf-8")
        assert "data:text/javascript" not in text, name
        assert len(text.encode("utf-8")) < 64_000, (name, len(text))
        imports = json.loads(re.search(r'<script type="importmap">(.*?)</script>', text, re.S).group(1))["imports"]
        assert imports and all(url.startswith("./assets/") and (out / url).is_file() for url in imports.values())
        config = json.loads(re.search(r'<script type="application/json" id="ba-config">(.*?)</script>',
                                      text, re.S).group(1))
        assert config["dated"].startswith("./assets/") and (out / config["dated"]).is_file()
        assert config["static"] and all((out / url).is_file() for _, url in config["static"])


def test_same_inputs_same_bytes(site, sample, port, tmp_path):
    out, _ = site
    again = tmp_path / "again"
    build_site(again, base_url=f"http://127.0.0.1:{port}/", events=sample, jobs=1)

    def digest(root: Path) -> dict[str, str]:
        return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
                for p in sorted(root.rglob("*")) if p.is_file()}

    assert digest(again) == digest(out)


def test_a_rebuild_replaces_only_a_site(sample, tmp_path):
    small = sample.head(2)
    out = tmp_path / "public"
    build_site(out, events=small, jobs=1)
    (out / "stale.txt").write_text("left from an older build")
    build_site(out, events=small, jobs=1)
    assert not (out / "stale.txt").exists() and (out / "index.html").is_file()
    # a folder that holds something else is never emptied
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "thesis.tex").write_text("precious")
    with pytest.raises(ExportError, match="did not write"):
        build_site(mine, events=small, jobs=1)
    assert (mine / "thesis.tex").read_text() == "precious"
    a_file = tmp_path / "a-file"
    a_file.write_text("x")
    with pytest.raises(ExportError, match="not a folder"):
        build_site(a_file, events=small, jobs=1)
    # no sitemap without the site's address, and the report says why
    report = build_site(tmp_path / "nobase", events=small, jobs=1)
    assert not (tmp_path / "nobase" / "sitemap.xml").exists()
    assert any("base-url" in note for note in report.notes)


@pytest.mark.parametrize("value", ["ftp://example.org/", "example.org/atlas", "https://x.org/?a=1",
                                   "https://x.org/#f", 'https://x.org/"><script>', "javascript:alert(1)"])
def test_bad_base_urls_are_refused(value):
    with pytest.raises(ExportError) as info:
        check_base_url(value)
    assert info.value.field == "base_url"


def test_embed_snippet_is_one_iframe():
    snippet = embed_snippet("https://example.org/atlas/")
    assert snippet.startswith('<iframe src="https://example.org/atlas/embed.html"') and 'title="' in snippet


def test_command_names_a_bad_option(tmp_path, capsys):
    assert main(["site", "--out", str(tmp_path / "x"), "--base-url", "ftp://nope/"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("border-atlas: error: --base-url:") and len(err.splitlines()) == 1
    recipe = tmp_path / "site.toml"
    recipe.write_text('out = "public"\ncolour = "red"\n')
    assert main(["site", str(recipe)]) == 2
    assert "unknown key 'colour'" in capsys.readouterr().err
    recipe.write_text('out = "../elsewhere"\n')
    assert main(["site", str(recipe)]) == 2
    assert "outside the recipe's folder" in capsys.readouterr().err
    assert main(["site"]) == 2
    assert "--out" in capsys.readouterr().err


# ---- served by a stock static server, read in Chromium -----------------------------------------
@contextlib.contextmanager
def _static_server(root: Path, port: int):
    proc = subprocess.Popen([sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1",
                             "--directory", str(root)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(lambda: _answers(port), what="the static server")
        yield f"http://127.0.0.1:{port}/"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def _answers(port: int) -> bool:
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
        return True
    return False


@pytest.fixture(scope="module")
def served(site, port):
    out, _ = site
    with _static_server(out, port) as url:
        yield url


@pytest.fixture
def page(browser, port):
    """A page that may reach only this machine; what it asked for and any errors."""
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    page = context.new_page()
    requests, blocked, errors = [], [], []

    def route(r):
        url = r.request.url
        if url.startswith(("http://127.0.0.1:", "data:", "blob:", "about:")):
            requests.append(url)
            r.continue_()
        else:
            blocked.append(url)
            r.abort()

    page.route("**/*", route)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    yield page, requests, blocked, errors
    context.close()


def _axe(page) -> list[dict]:
    axe = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"
    if not axe.is_file():
        pytest.skip("axe-core not installed (npm ci)")
    page.add_script_tag(content=axe.read_text(encoding="utf-8"))
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [v for v in result["violations"] if v["impact"] in ("serious", "critical")]


@pytest.mark.browser
def test_explorer_draws_and_plays_from_the_static_host(served, page):
    page, requests, blocked, errors = page
    page.goto(served)
    ids = wait_for(lambda: page.evaluate(f"{STARTED} && {ENGINE}.shown()"), what="event markers")
    assert STRIKES[0] in ids
    before = page.evaluate(WINDOW)
    page.click(".ba-tl-playbtn")
    wait_for(lambda: page.evaluate(WINDOW) != before, what="play")
    page.click(".ba-tl-playbtn")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "site-index.png"))
    assert blocked == [], blocked
    assert errors == [], errors
    assert any("/assets/" in r for r in requests)
    violations = _axe(page)
    assert violations == [], [(v["id"], [n["target"] for n in v["nodes"]]) for v in violations]


@pytest.mark.browser
def test_the_static_explorer_filters_and_its_address_keeps_them(served, page):
    """The filter controls work on a static host: the map follows a search, the address's
    fragment carries it (a static host has no server), and that address reopens it."""
    page, requests, blocked, errors = page
    page.goto(served)
    wait_for(lambda: page.evaluate(f"{STARTED} && {ENGINE}.shown().length >= 2"), what="both strikes")
    assert set(STRIKES) <= set(page.evaluate(f"{ENGINE}.shown()"))
    page.fill('input[aria-label="Search place, actor, target and summary"]', "Saravan")
    wait_for(lambda: STRIKES[0] not in page.evaluate(f"{ENGINE}.shown()"), what="the search to filter")
    assert STRIKES[1] in page.evaluate(f"{ENGINE}.shown()")
    fragment = wait_for(lambda: (lambda h: h if "search=Saravan" in h else None)(page.evaluate("location.hash")),
                        what="the search in the address")
    page.goto("about:blank")
    page.goto(served + fragment)
    wait_for(lambda: page.evaluate(f"{STARTED} && {ENGINE}.shown().length > 0"), what="markers")
    assert STRIKES[1] in page.evaluate(f"{ENGINE}.shown()")
    assert STRIKES[0] not in page.evaluate(f"{ENGINE}.shown()")
    assert page.input_value('input[aria-label="Search place, actor, target and summary"]') == "Saravan"
    assert blocked == [] and errors == [], (blocked, errors)


@pytest.mark.browser
def test_an_address_fragment_opens_its_event(served, page):
    page, requests, blocked, errors = page
    page.goto(served + f"#event={STRIKES[1]}")
    popup = page.wait_for_selector(".leaflet-popup-content", timeout=60_000).inner_text()
    assert "Saravan" in popup, popup
    assert page.evaluate(WINDOW) <= "2024-01-18" <= page.evaluate(f"{ENGINE}.window()[1]")
    assert blocked == [] and errors == [], (blocked, errors)


@pytest.mark.browser
def test_event_page_in_the_browser(served, page):
    page, requests, blocked, errors = page
    page.goto(served + event_path(STRIKES[0]))
    width = wait_for(lambda: page.evaluate("document.querySelector('img.event-map').naturalWidth"),
                     what="the event's map")
    assert width == IMAGE_PX[0]
    assert "Panjgur" in page.inner_text("main") or "Sabz" in page.inner_text("main")
    page.screenshot(path=str(ARTIFACTS / "site-event.png"), full_page=True)
    assert blocked == [] and errors == [], (blocked, errors)
    violations = _axe(page)
    assert violations == [], [v["id"] for v in violations]
    page.click("text=Open this event in the explorer")
    page.wait_for_url("**/#event=*")


@pytest.mark.browser
def test_embed_works_in_a_frame_of_another_host(served, page, tmp_path):
    page, requests, blocked, errors = page
    article = tmp_path / "article"
    article.mkdir()
    (article / "index.html").write_text(
        "<!DOCTYPE html><html lang='en'><head><title>An article</title></head><body><h1>An article</h1>"
        + embed_snippet(served).replace('loading="lazy"', "") + "</body></html>", encoding="utf-8")
    with _static_server(article, free_port()) as other:
        page.goto(other)
        frame = wait_for(lambda: next((f for f in page.frames if f.url.startswith(served)), None),
                         what="the embedded frame")
        ids = wait_for(lambda: frame.evaluate(f"{STARTED} && {ENGINE}.shown()"), what="markers in the frame")
        assert STRIKES[0] in ids
        assert frame.evaluate("getComputedStyle(document.getElementById('ba-file-head')).display") == "none"
        page.screenshot(path=str(ARTIFACTS / "site-embed.png"))
        violations = _axe(frame)
        assert violations == [], [(v["id"], [n["target"] for n in v["nodes"]]) for v in violations]
    assert blocked == [] and errors == [], (blocked, errors)


def test_site_report_counts_pages(site, sample):
    _, report = site
    assert report.parts["event pages"] > 0 and report.parts["event maps"] > 0
    text = "\n".join(report.lines())
    assert f"({len(sample)} event pages)" in text and "within the size budget" in text


def test_every_event_of_the_record_gets_its_map(layers):
    """The card of each shipped event draws (a window's legend must fit the 1200x630 card)."""
    from concurrent.futures import ProcessPoolExecutor

    from geo.web.site import _records, event_image

    records = _records(layers["events"])
    with ProcessPoolExecutor(max_workers=2) as pool:
        sizes = list(pool.map(len, pool.map(event_image, records, chunksize=8)))
    assert len(sizes) == len(records) and min(sizes) > 10_000


def _spin(p) -> bytes:
    """A map that never finishes (its process's CPU cap must end it)."""
    while True:
        pass


def _hoard(p) -> bytes:
    """A map that takes memory for ever (its process's memory cap must end it)."""
    kept = []
    while True:
        kept.append(bytearray(50_000_000))


@pytest.mark.parametrize(("draw", "named"), [(_spin, "SITE_MAP_CPU_SECONDS"), (_hoard, "needed more than its memory limit of 300 MB")])
def test_the_map_drawing_processes_are_capped(sample, tmp_path, monkeypatch, draw, named):
    """Each process of the site's pool is capped like the app's jobs (geo.limits): a map over
    its CPU time, or a process over its memory, ends the build with the limit named."""
    import geo.web.site as site

    monkeypatch.setattr(site, "event_image", draw)  # the pool's processes are forked from here
    monkeypatch.setattr(site.limits, "SITE_MAP_CPU_SECONDS", 1)
    monkeypatch.setattr(site.limits, "JOB_MEMORY_MB", 300)
    with pytest.raises(ExportError, match=named):
        build_site(tmp_path / "capped", events=sample.head(6), jobs=2)
    assert not (tmp_path / "capped").exists()
