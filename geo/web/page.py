"""One self-contained HTML file of a view: the explorer's map and time engine, offline.

``html_page(view)`` builds the explorer's folium map (``geo.web.explorer.build_map``), puts
every script, style, image and layer inside the page, hands the engine its data in
a JSON block ``#ba-config`` (read by the engine's ``attach``), and says what the file is: the
atlas's title, the data's version and date, how to cite it, the licences. Opened from disk
with no network the file works fully and makes no request. The same inputs give the same
bytes: folium's random element names are renamed in order of first appearance, and the
data's date is the newest date in the data, not the day of the export.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import json
import re
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from geo._paths import asset
from geo.citation import TITLE, data_date, version, window_citation
from geo.filters import apply_filters, layer_mask
from geo.limits import IMPORTED_LIMIT
from geo.view import ATLAS_END, ATLAS_START, MapView, View
from geo.web.contract import EngineView
from geo.web.explorer import (
    ENGINE_CSS,
    ENGINE_MODULES,
    VENDOR_CSS,
    VENDOR_JS,
    build_map,
    config_json,
    dated_json,
    engine_config,
    imported_columns,
    imported_legend_html,
    json_block,
    module_source,
)
from geo.web.layers import (
    WEB_DIR,
    PreparedLayer,
    RawText,
    legend_html,
    map_figure,
    script_safe,
    static_layer_json,
    static_layer_names,
    subset_layer,
    with_lang,
)
from geo.web.layers import (
    shipped_prepared as layers_prepared,
)
from layers import SPECS
from layers.imported import IMPORTED
from layers.symbols import symbols_json

LICENCES = (
    "Code: MIT. Data: the border and the provinces' border edges derive from OpenStreetMap, "
    "© OpenStreetMap contributors, ODbL 1.0; Natural Earth is public domain; GeoNames is "
    "CC BY 4.0; event, crossing and route descriptions are the atlas's own words, citing their "
    "sources. Leaflet (BSD-2-Clause) is included with its licence text "
    "below. Boundaries shown are approximate and imply no position on any claim."
)
# The curated atlas in one file stays under this (tests/test_html_export.py checks it).
SIZE_LIMIT = 3 * 1024 * 1024
VENDOR_LICENCES = (("Leaflet", "vendor/leaflet/LICENSE"),)
_ASSET_BASE = "ba-asset:"  # placeholder asset base: no file ever refers to it



@dataclass(frozen=True)
class HtmlPage:
    """An exported page: its bytes and what it says about imported events left out."""

    data: bytes
    imported_total: int = 0
    imported_included: int = 0

    @property
    def note(self) -> str | None:
        """One line about imported events left out, or None when all are in."""
        if self.imported_total <= self.imported_included:
            return None
        return (f"{self.imported_included:,} of {self.imported_total:,} imported events are in the file "
                f"(the limit is {IMPORTED_LIMIT:,}; those in the window come first)")


# ---- what the file says it is: title, version, data date and citation, one rule (geo.citation)
def citation(view: View) -> str:
    """How to cite the file: atlas, version, data date and the window shown."""
    return window_citation(view.start, view.end)


# ---- inlined assets ------------------------------------------------------------------------
def _script_text(text: str) -> str:
    """JavaScript made safe inside <script>: nothing in it can close the element."""
    text = re.sub(r"</(script)", r"<\\/\1", text, flags=re.IGNORECASE)
    return text.replace("<!--", "<\\!--")


def _data_uri(path: Path) -> str:
    return "data:image/png;base64," + base64.b64encode(path.read_bytes()).decode("ascii")


def _css_text(path: str) -> str:
    """A stylesheet with its images written inside it (Leaflet's control and marker images)."""
    text = asset(path).read_text(encoding="utf-8")
    folder = asset(path).parent

    def inline(match: re.Match[str]) -> str:
        ref = match.group(1).strip("'\"")
        image = folder / ref
        if ref.startswith(("data:", "#")) or not image.is_file():
            return match.group(0)
        return f"url({_data_uri(image)})"

    text = re.sub(r"url\(([^)]*)\)", inline, text)
    return text.replace("</", "<\\/")


def _assets_html() -> str:
    """Every stylesheet and classic script of the explorer's map page, inline, in the same
    order (the engine's modules are in the page's import map, see ``build_map``)."""
    parts = [f"<style>/* {p} */\n{_css_text(p)}</style>" for p in (*VENDOR_CSS, *ENGINE_CSS)]
    # The symbol table (static/atlas/symbols.json), as the app's page carries it.
    parts.append(json_block("ba-symbols", script_safe(symbols_json().strip())))
    parts += [f"<script>/* {p} */\n{_script_text(asset(p).read_text(encoding='utf-8'))}</script>"
              for p in VENDOR_JS]
    return "\n".join(parts)


PAGE_CSS = """<style>
/* The file: a header above the map, the timeline under it, what the file is at the foot. */
html > body { height: auto; min-height: 100vh; }
html > body .folium-map { height: max(360px, calc(100vh - var(--ba-timeline-h, 175px) - 4.2em)) !important; }
.ba-file-head { order: 0; flex: none; padding: 0.35em 10px; border-bottom: 1px solid #ccc; background: #fff; }
.ba-file-head h1 { font-size: 16px; margin: 0; }
.ba-file-head p { margin: 0.15em 0 0; font-size: 12px; color: #444; }
.ba-file-foot { order: 3; flex: none; padding: 8px 10px 16px; font-size: 12px; color: #333;
                border-top: 1px solid #ccc; max-width: 70em; }
.ba-file-foot h2 { font-size: 13px; margin: 0.8em 0 0.2em; }
.ba-file-foot p { margin: 0.2em 0; }
.ba-file-foot pre { white-space: pre-wrap; font-size: 11px; }
</style>"""


def _filters_text(view: View) -> str:
    """', events shown: kind strike; ...' (escaped), or '' for a view with no filters."""
    return f", events shown: {html.escape(view.filters.describe())}" if view.filters.active else ""


def _head_html(view: View, title: str | None, *, one_file: bool = True) -> str:
    heading = html.escape(title or TITLE)
    sub = f"{html.escape(TITLE)}. " if title else ""
    return (f'<header class="ba-file-head" id="ba-file-head"><h1>{heading}</h1>'
            f"<p>{sub}Opens on {view.start:%d %b %Y} – {view.end:%d %b %Y}{_filters_text(view)}; drag the window or press "
            f"Play. Click a marker for what happened and its sources. Border Atlas {html.escape(version())}, "
            f"data as of {html.escape(data_date())}. "
            + ("Works offline: everything is in this file." if one_file else "Nothing is fetched from elsewhere.")
            + "</p></header>")


def _foot_html(view: View, page_note: str | None, imported_label: str | None, imported_count: int, *,
               one_file: bool = True) -> str:
    lines = [
        '<footer class="ba-file-foot" id="ba-file-foot">',
        "<h2>What this file is</h2>",
        f"<p>An interactive map from the Border Atlas ({html.escape(TITLE)}), version "
        f"{html.escape(version())}, data as of {html.escape(data_date())}: the layers "
        f"{html.escape(', '.join(view.layers))}, opening on the window {view.start.isoformat()} to "
        f"{view.end.isoformat()}{_filters_text(view)}. "
        + ("Every script, style and layer is inside this one file; it makes no request to the network."
           if one_file else "Every script, style and layer comes from this site; nothing is fetched from elsewhere.")
        + " Online basemaps are left out.</p>",
    ]
    if imported_label is not None:
        lines.append(f'<p class="ba-file-imported">Imported events from {html.escape(imported_label)}: '
                     f"{imported_count:,} in this file, as imported, not checked by the atlas. "
                     f"At most {IMPORTED_LIMIT:,} imported events are written into a file."
                     + (f" {html.escape(page_note)}." if page_note else "") + "</p>")
    lines += [
        "<h2>How to cite it</h2>",
        f'<p class="ba-file-cite">{html.escape(citation(view))}</p>',
        "<h2>Licences</h2>",
        f'<p class="ba-file-licences">{html.escape(LICENCES)}</p>',
    ]
    for name, path in VENDOR_LICENCES:
        text = asset(path).read_text(encoding="utf-8").strip()
        lines.append(f"<details><summary>{html.escape(name)} licence</summary>"
                     f"<pre>{html.escape(text)}</pre></details>")
    lines.append("</footer>")
    return "\n".join(lines)


# ---- data ----------------------------------------------------------------------------------
def shipped_prepared() -> dict[str, PreparedLayer]:
    """Every shipped layer ready for the browser (``geo.web.layers.shipped_prepared``, the
    one cache); a layer that failed to load raises its error."""
    prepared, errors = layers_prepared()
    for error in errors.values():
        raise error
    return prepared


def _static_data(prepared: Mapping[str, PreparedLayer], names: tuple[str, ...]) -> dict[str, Any]:
    """The undated layers' browser files (static/web/<layer>.json), parsed, for the file."""
    out = {}
    for name in names:
        if name not in static_layer_names() or name not in prepared:
            continue
        path = WEB_DIR / f"{name}.json"
        text = path.read_text(encoding="utf-8") if path.exists() else static_layer_json(prepared[name])
        out[name] = json.loads(text)
    return out


def _column(values: pd.Series) -> list[Any] | dict[str, list[Any]]:
    """A column for the engine: numbers as a list; texts as {values, codes}, each distinct
    text once in order of first appearance (-1: none)."""
    if values.dtype.kind == "f":
        return [None if np.isnan(v) else round(float(v), 5) for v in values.to_numpy(dtype="float64")]
    if values.dtype.kind in "iu":
        return values.astype("int64").tolist()
    codes, uniques = pd.factorize(values.astype(object), sort=False, use_na_sentinel=True)
    return {"values": [str(v) for v in uniques], "codes": codes.tolist()}


def _imported_config(events: Any, label: str, view: View) -> tuple[dict[str, Any], int, int,
                                                                   tuple[dt.date, dt.date] | None]:
    """(config entries for imported events, total, included, their date span)."""
    from geo.web.imported import prepare_imported

    layer = prepare_imported(events)
    total = len(layer)
    columns, meta = imported_columns(layer, label)
    rows = np.arange(total)
    if total > IMPORTED_LIMIT:  # those in the window first, then the rest, each in file order
        in_window = layer.mask(view.start, view.end)
        rows = np.sort(np.concatenate([rows[in_window], rows[~in_window]])[:IMPORTED_LIMIT])
    kept = columns.iloc[rows]
    span = None
    if len(rows):
        first = dt.date(1970, 1, 1) + dt.timedelta(days=int(layer.first_day[rows].min()))
        last = dt.date(1970, 1, 1) + dt.timedelta(days=int(layer.last_day[rows].max()))
        span = (first, last)
    data = {name: _column(kept[name]) for name in kept.columns}
    return (dict(imported=data, imported_meta=meta, imported_key="file"), total, len(rows), span)


# ---- the page ------------------------------------------------------------------------------
def _stable_names(text: str, ids: set[str]) -> str:
    """folium's random element names (name_<32 hex>) renamed name_1, name_2, ... in order of
    first appearance; only ids of the map's own elements are touched, never data."""
    order: dict[str, str] = {}

    def rename(match: re.Match[str]) -> str:
        hex_id = match.group(1)
        if hex_id not in ids:
            return match.group(0)
        return "_" + order.setdefault(hex_id, str(len(order) + 1))

    return re.sub(r"_([0-9a-f]{32})(?![0-9a-zA-Z])", rename, text)


def _element_ids(root: Any) -> set[str]:
    ids, stack = set(), [root]
    while stack:
        element = stack.pop()
        ids.add(element._id)
        stack.extend(element._children.values())
    return ids


@dataclass(frozen=True)
class Assets:
    """Where a page's engine modules and layers' data go: inside the page (the default: one
    file that opened from disk makes no request), or, given ``publish`` (a static site's
    writer: given a file's name and bytes, it stores them and returns the page's address for
    them), files of their own that the pages of a site share."""

    publish: Callable[[str, bytes], str] | None = None

    @property
    def one_file(self) -> bool:
        return self.publish is None

    def module_urls(self) -> dict[str, str] | None:
        """Each engine module's address, or None when the page inlines them."""
        if self.publish is None:
            return None
        return {name: self.publish(name, module_source(name).encode("utf-8")) for name in ENGINE_MODULES}

    def layer_sources(self, static: Mapping[str, Any], dated: Callable[[], str]
                      ) -> tuple[Mapping[str, Any], str | None]:
        """The undated layers (their data, or their files' addresses) and the dated layers'
        file address (None: the engine's configuration carries them)."""
        if self.publish is None:
            return static, None
        publish = self.publish
        return ({name: publish(f"{name}.json", json.dumps(data, ensure_ascii=False, separators=(",", ":"))
                               .encode("utf-8")) for name, data in static.items()},
                publish("dated.json", dated().encode("utf-8")))


ONE_FILE = Assets()


def html_page(view: View, *, imported: Any = None, imported_label: str | None = None,
              map_view: MapView | None = None, title: str | None = None,
              prepared: Mapping[str, PreparedLayer] | None = None,
              assets: Assets = ONE_FILE,
              event_pages: Mapping[str, str] | None = None) -> HtmlPage:
    """One self-contained HTML file of ``view``, with what it left out: the explorer's map,
    the view's layers, its window, the timeline and its play control, popups with their
    sources.

    Every script, style and layer is inside the file; opened from disk it makes no request.
    ``imported`` (a GeoDataFrame from ``geo.imports``) adds a user's events, at most
    ``IMPORTED_LIMIT`` of them (those in the window first); the file says how many it holds.
    The same inputs give the same bytes. ``event_pages`` (a static site): each event's own
    page, by id, relative to the file; its popup links there.

    ``assets`` says where the engine's modules and the layers' data go (``Assets``): inside
    the file, or files of their own that a site's pages share.
    """
    prepared = shipped_prepared() if prepared is None else prepared
    if view.filters.active:  # the file holds the events the view's filters keep
        prepared = {name: subset_layer(p, layer_mask(p.frame, view.filters, SPECS[name]))
                    for name, p in prepared.items()}
        if imported is not None:
            imported = apply_filters(imported, view.filters, IMPORTED)
    m, _ = build_map(_ASSET_BASE, online_basemaps=False, inline_modules=True, module_urls=assets.module_urls())
    m.default_js, m.default_css = [], []  # written inside the page instead
    domain = (ATLAS_START, ATLAS_END)
    layers = [name for name in view.layers if name in prepared]
    extra: dict[str, Any] = {}
    total = included = 0
    legend = legend_html(view.layers)
    label = imported_label or "your file"
    if imported is not None:
        extra, total, included, span = _imported_config(imported, label, view)
        if span is not None:
            domain = (min(domain[0], span[0]), max(domain[1], span[1]))
        layers.append(IMPORTED.name)
        legend += imported_legend_html()
    static_sources, dated_source = assets.layer_sources(
        _static_data(prepared, view.layers),
        lambda: dated_json({n: p for n, p in prepared.items() if n in view.layers}))
    config = engine_config(prepared, domain=domain, static_sources=static_sources, basemaps={},
                           dated_source=dated_source)
    config.update(EngineView(
        window=[view.start.isoformat(), view.end.isoformat()],
        view=None if map_view is None else {"lat": map_view.lat, "lon": map_view.lon, "zoom": map_view.zoom},
        # no link base: a file has no address to link an event to, so popups carry no link box
        layers=layers, basemap="offline", legend=legend, link_base=None,
        filters=view.filters.to_query(),  # URL keys: what the file was filtered by
        event_pages=dict(event_pages) if event_pages else None,
        **extra,
    ).to_json())
    page = HtmlPage(b"", total, included)
    figure = map_figure(m)
    header = figure.header
    header.add_child(RawText(f"<title>{html.escape(title or TITLE)}</title>"), name="ba_title")
    header.add_child(RawText(f'<meta name="generator" content="Border Atlas {html.escape(version())}">'),
                     name="ba_generator")
    header.add_child(RawText(_assets_html()), name="ba_assets")
    header.add_child(RawText(PAGE_CSS), name="ba_page_css")
    header.add_child(RawText(json_block("ba-config", config_json(config))), name="ba_config")
    body = figure.html
    body.add_child(RawText(_head_html(view, title, one_file=assets.one_file)), name="ba_head")
    body.add_child(RawText(_foot_html(view, page.note, imported_label if imported is not None else None,
                                    included, one_file=assets.one_file)), name="ba_foot")
    text = with_lang(figure.render())
    text = _stable_names(text, _element_ids(figure))
    return HtmlPage(text.encode("utf-8"), total, included)


def write_html(view: View, out: str | Path, *, imported: Any = None, imported_label: str | None = None,
               title: str | None = None) -> tuple[Path, HtmlPage]:
    """Write the file to ``out`` whole (or not at all); a note on stderr when events were left out."""
    from geo.figure.output import check_writable, write_atomic

    check_writable(out)
    page = html_page(view, imported=imported, imported_label=imported_label, title=title)
    if page.note:
        print(f"border-atlas: {page.note}", file=sys.stderr)
    return write_atomic(page.data, out), page
