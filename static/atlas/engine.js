/** Border Atlas time engine: the wiring of the date window, the timeline, playback and the
 * dated layers, and the engine's one public API.
 *
 * Runs inside the map document that folium builds (the explorer hosts that document in a
 * frame; an exported HTML file is that document). Python sends the data once; every move of
 * the window after that is handled here, in the same animation frame, and Python hears the
 * window only when the user lets go (`engine.onCommit`).
 *
 * The page starts it with one module script after folium's map script (geo/web/explorer.py):
 *
 *     import {attach} from "#atlas/engine.js";
 *     window.BorderAtlasEngine = attach(L, map_1, document);
 *
 * `#atlas/` is resolved by the page's import map (to the app's static files, or to the
 * modules written inside an exported file) and, in Node, by package.json's "imports".
 * The symbol table is read from `<script type="application/json" id="ba-symbols">`; an
 * exported file carries its configuration in `id="ba-config"`, the app sends it with
 * `engine.configure(config)`. The configuration and the features' properties are described
 * in static/atlas/CONTRACT.md.
 *
 * The engine object (`Engine` below) is the only way in, for the host page and for tests:
 * nothing of the engine is read from the DOM.
 * @module
 */
import {createEventList} from "#atlas/access.js";
import {dayOf, isoOf} from "#atlas/days.js";
import {EDGE, MARKER_ROOM, keepTooltipsInside, popupPadding} from "#atlas/fit.js";
import {createNotice, createTileNotice} from "#atlas/tile-notice.js";
import {gateWheels} from "#atlas/wheel.js";
import {DatedLayer} from "#atlas/dated-layer.js";
import {createFeatures} from "#atlas/features.js";
import {FilterControls} from "#atlas/filter-controls.js";
import {codeColumn, featureFields, filtersFromQuery, filtersToQuery, isActive, maskColumns, matcher, noFilters,
  normaliseSearch} from "#atlas/filters.js";
import {columnReader, importedLayerClass, readImported} from "#atlas/imported-layer.js";
import {LabelLayer} from "#atlas/label-layer.js";
import {createLegend} from "#atlas/legend.js";
import {Player} from "#atlas/player.js";
import {StaticLayers} from "#atlas/static-layers.js";
import {createSymbols} from "#atlas/symbols.js";
import {Timeline} from "#atlas/timeline.js";
import {addressFilters, openWith, readAddress, writeAddress, writeFragment} from "#atlas/url-state.js";
import {WindowModel} from "#atlas/window-model.js";

/** @typedef {import("#atlas/dated-layer.js").DatedItem} DatedItem */
/** @typedef {import("#atlas/imported-layer.js").ImportedData} ImportedData */
/** @typedef {import("#atlas/imported-layer.js").Drawn} Drawn */
/** @typedef {{start: string, end: string, lat: number, lon: number, zoom: number, bounds: [number, number, number, number], filters: Record<string, string>}} ViewState */
/**
 * The engine's configuration: EngineData and EngineView of geo/web/contract.py, keys in
 * camelCase (a test checks this list against the Python contract; CONTRACT.md says what
 * each is).
 * @typedef {{
 *   dated: any,
 *   static: [string, any][],
 *   domain: [string, string],
 *   presets: import("#atlas/timeline.js").Preset[],
 *   groups: import("#atlas/timeline.js").Group[],
 *   basemaps: Record<string, string>,
 *   labels: import("#atlas/label-layer.js").Town[],
 *   bounds: number[][],
 *   timelineLayer: string | null,
 *   labelLayer: string | null,
 *   backgroundLayer: string | null,
 *   importedLayer: string,
 *   urlKeys: string[],
 *   filterChoices: import("#atlas/filter-controls.js").FilterChoices,
 *   window: [string, string],
 *   layers: string[],
 *   basemap: string,
 *   legend: string,
 *   view?: {lat: number, lon: number, zoom: number} | null,
 *   event?: string | null,
 *   linkBase?: string | null,
 *   focus?: {id: string, nonce: number} | null,
 *   importedKey?: string | null,
 *   imported?: any,
 *   importedMeta?: import("#atlas/imported-layer.js").ImportedMeta | null,
 *   urlLayers?: string[] | null,
 *   filters?: Record<string, string> | null,
 *   eventPages?: Record<string, string> | null,
 * }} Config
 */

export const COMMIT_DELAY_MS = 350;  // Python hears the window this long after the last input
const LABEL_DELAY_MS = 400;          // during playback, labels are placed at most this often
const TIMINGS_KEPT = 2000;

/**
 * Read a JSON data block of the page (a <script type="application/json">), null if absent.
 * @param {Document} doc
 * @param {string} id
 * @returns {any}
 */
export function readJson(doc, id) {
  const node = doc.getElementById(id);
  return node && node.textContent ? JSON.parse(node.textContent) : null;
}

/** Space a popup keeps clear of the map's height (px): its padding and tip (about 48), the
 * autopan's margins, and its marker under the tip (fit.js). */
export const POPUP_MARGIN = 48 + 2 * (EDGE + 4) + MARKER_ROOM;

/**
 * The tallest a popup may be on a map `height` px tall: it scrolls inside beyond this, so its
 * sources and links stay reachable on a small screen. `wanted` is the popup's own limit.
 * @param {number} height
 * @param {number} wanted
 */
export function popupMaxHeight(height, wanted) {
  return Math.max(100, Math.min(wanted || Infinity, height - POPUP_MARGIN));
}

/**
 * Fit an open popup to its map: at most the map's height (scrolling inside), panned so the
 * marker it points at stays in view.
 * @param {any} map
 * @param {any} popup
 */
function fitPopup(map, popup) {
  const wanted = popup.options._baWanted || popup.options.maxHeight || 0;
  popup.options._baWanted = wanted;
  const max = popupMaxHeight(map.getSize().y, wanted);
  const pad = popupPadding(map);
  if (popup.options.maxHeight !== max || String(popup.options.autoPanPaddingBottomRight) !== String(pad.bottomRight)) {
    popup.options.maxHeight = max;
    popup.options.autoPanPaddingTopLeft = pad.topLeft;
    popup.options.autoPanPaddingBottomRight = pad.bottomRight;
    popup.update();
  }
}

/**
 * The engine of one map. `L` is Leaflet (the page's vendored copy), `map` folium's map.
 * An exported file's configuration (`#ba-config`) is applied at once.
 * @param {any} L
 * @param {any} map
 * @param {Document} doc
 * @returns {Engine}
 */
export function attach(L, map, doc) {
  const engine = new Engine(L, map, doc, readJson(doc, "ba-symbols"));
  const config = readJson(doc, "ba-config");
  if (config) engine.configure(config);
  return engine;
}

export class Engine {
  /**
   * @param {any} L
   * @param {any} map
   * @param {Document} doc
   * @param {import("#atlas/symbols.js").SymbolTable} symbolTable
   */
  constructor(L, map, doc, symbolTable) {
    if (!symbolTable) throw new Error("Border Atlas: the page has no symbol table (#ba-symbols)");
    this.L = L;
    /** The Leaflet map. */
    this.map = map;
    this.doc = doc;
    this.win = /** @type {Window} */ (doc.defaultView);
    this.symbols = createSymbols(symbolTable);
    this.features = createFeatures(L, this.symbols, true);
    /** @type {Config | null} */
    this.cfg = null;
    /** @type {WindowModel | null} */
    this.model = null;
    /** @type {Player | null} */
    this.player = null;
    /** @type {Timeline | null} */
    this.timeline = null;
    /** @type {Record<string, DatedLayer>} */
    this.dated = {};
    /** @type {Record<string, DatedItem>} event id -> its marker */
    this.byId = {};
    /** @type {Record<string, boolean>} */
    this.layersShown = {};
    /** @type {ImportedData | null} */
    this.importedData = null;
    /** @type {any} */
    this.importedLayer = null;
    /** @type {unknown} */
    this.importedKey = undefined;
    /** @type {unknown} */
    this.focusNonce = undefined;
    /** @type {string | null} */
    this.basemapKey = null;
    /** @type {((view: ViewState) => void) | null} Python's ear: hears the view when the user lets go */
    this.onCommit = null;
    /** @type {number[]} input -> drawn timings (ms), read by the bench */
    this._timings = [];
    /** @type {ReturnType<typeof setTimeout> | null} */
    this._commitTimer = null;
    /** @type {ReturnType<typeof setTimeout> | null} */
    this._labelTimer = null;
    /** @type {null | {latest: Config | null}} */
    this._loading = null;
    /** @type {Record<string, Array<(detail: any) => void>>} */
    this._listeners = {};
    /** The filters in force (filters.js). */
    this.filterState = noFilters();
    /** @type {FilterControls | null} */
    this.filterControls = null;
    /** @type {Uint8Array | null} which imported events the filters keep (null: all) */
    this._importedKeep = null;
    /** @type {any} the imported events' columns the filters read, made once per import */
    this._importedCols = null;
    /** @type {any} the imported events' table as received */
    this._importedTable = null;
    /** @type {number[]} filter change -> drawn timings (ms), read by the bench */
    this._filterTimings = [];
    this.statics = new StaticLayers(L, map, this.features, (url) => this._fetchJson(url), null);
    this.legend = createLegend(L, map);
    this.tileNotice = createTileNotice(L, map);
    /** The events shown, as a list of buttons on the map (keyboard and screen readers). */
    this.eventList = createEventList(L, map, doc);
    /** A note on how a linked event was opened (a widened window, a layer turned on). */
    this.linkNotice = createNotice(L, map, "bottomleft");
    /** @type {LabelLayer | null} */
    this.labelLayer = null;
    /** @type {any} the Leaflet class of the imported layer, made once */
    this._ImportedLayer = null;
    this._started = false;
  }

  // ---- the public API ---------------------------------------------------------------------
  /** Whether the engine takes a configuration (always, once attached). @returns {boolean} */
  ready() { return true; }

  /** Whether the engine has started (its data arrived and the timeline is drawn). @returns {boolean} */
  started() { return this._started; }

  /**
   * Hear the engine: "start" (once started), "window" ({start, end, source} days, on every
   * change), "filters" (the filters as URL keys, on every change), "commit" (the view, when
   * the user lets go).
   * @param {"start" | "window" | "filters" | "commit"} type
   * @param {(detail: any) => void} fn
   */
  on(type, fn) { (this._listeners[type] = this._listeners[type] || []).push(fn); }

  /** @param {string} type @param {any} detail */
  _fire(type, detail) { (this._listeners[type] || []).forEach((fn) => fn(detail)); }

  /** The window as ISO dates [start, end]. @returns {[string, string]} */
  window() { const m = this._model(); return [isoOf(m.start), isoOf(m.end)]; }

  /** The days the timeline covers, as ISO dates. @returns {[string, string]} */
  domain() { const m = this._model(); return [isoOf(m.domain[0]), isoOf(m.domain[1])]; }

  /**
   * Set the window to the days [start, end] (clamped to the domain).
   * @param {number} start
   * @param {number} end
   * @param {string} [source]
   */
  setWindow(start, end, source) { this._model().set(start, end, source || "api"); }

  /** @param {string | null | undefined} iso */
  dayOf(iso) { return dayOf(iso); }
  /** @param {number} day */
  isoOf(day) { return isoOf(day); }

  /** Where a day is on the timeline's track (px from its left). @param {number} day */
  dayX(day) { return this.timeline ? this.timeline.xOf(day) : NaN; }

  /** Ids of the dated features on the map now. @returns {string[]} */
  shown() {
    const out = [];
    for (const name of Object.keys(this.dated)) {
      for (const it of this.dated[name].items) if (it.on && it.id && !it.circle) out.push(it.id);
    }
    return out;
  }

  /** The map marker of an event or crossing (null when not on the map). @param {string} id */
  marker(id) {
    const it = this.byId[id];
    return it && it.on && it.layer.getElement ? it.layer.getElement() || null : null;
  }

  /** The timeline's mark of an event (null when not on the track). @param {string} id */
  mark(id) { return this.timeline ? this.timeline.markById[id] || null : null; }

  /** A crossing's status as drawn now ("open", "closed"), null for other features. @param {string} id */
  status(id) { const it = this.byId[id]; return it ? DatedLayer.statusOf(it) : null; }

  /** Town labels shown now (ids). @returns {string[]} */
  labels() { return this.labelLayer ? this.labelLayer.shown.slice() : []; }

  /** The basemap shown. @returns {string | null} */
  basemap() { return this.basemapKey; }

  /**
   * The imported events as drawn now: how (markers or density), how many in the window and
   * on screen, how many in all; null when none are shown.
   * @returns {(Drawn & {total: number}) | null}
   */
  imported() {
    if (!this.importedLayer || !this.importedData) return null;
    return Object.assign({total: this.importedData.n}, this.importedLayer.lastDrawn);
  }

  /** Where the imported event with this id is ([lat, lon]; null if none). @param {string} id */
  importedAt(id) {
    const d = this.importedData, text = d && d.text.id;
    if (!d || !text) return null;
    for (let i = 0; i < d.n; i++) if (text(i) === id) return [d.lat[i], d.lon[i]];
    return null;
  }

  /** Input -> drawn timings of the window (ms), newest last; `clear` empties them.
   * @param {boolean} [clear] @returns {number[]} */
  timings(clear) { const out = this._timings.slice(); if (clear) this._timings.length = 0; return out; }

  /** The filters in force, as URL keys (only those that filter). @returns {Record<string, string>} */
  filters() { return filtersToQuery(this.filterState); }

  /**
   * Set the filters from URL keys (a bad value is left out); the controls, map, timeline and
   * count follow, and Python hears them as the user would make them.
   * @param {Record<string, string>} query
   */
  setFilters(query) {
    const f = filtersFromQuery(query, this._allowedFilters());
    if (this.filterControls) this.filterControls.set(f);
    this._applyFilters(f, true);
  }

  /** Filter change -> drawn timings (ms), newest last; `clear` empties them.
   * @param {boolean} [clear] @returns {number[]} */
  filterTimings(clear) { const out = this._filterTimings.slice(); if (clear) this._filterTimings.length = 0; return out; }

  /** Frames and seconds of the last playback (null before one ended). */
  lastPlay() { return this.player ? this.player.lastPlay : null; }

  /**
   * The host page's query string with the view written in (url-state.js, with the keys
   * Python sent): the page that owns the address bar writes what this returns.
   * @param {string} search
   * @param {Record<string, unknown>} values
   * @param {boolean} dropEvent
   * @returns {string}
   */
  address(search, values, dropEvent) {
    const filters = /** @type {Record<string, string> | undefined} */ (values.filters);
    return writeAddress(search, values, this.cfg ? this.cfg.urlKeys || [] : [], dropEvent, filters);
  }

  /**
   * Hand the engine its data (the first call starts it) or what changed since: layers,
   * basemap, legend, imported events, an event to open. The dated layers come inline, as a
   * promise of them, or as the URL of their browser file (fetched once; calls that arrive
   * meanwhile are kept, and the last one is applied when the engine has started).
   * @param {Config} cfg
   */
  configure(cfg) {
    if (this.model) { this.update(cfg); return; }
    if (this._loading) { this._loading.latest = cfg; return; }
    const pending = cfg.dated && typeof cfg.dated.then === "function" ? cfg.dated : null;  // fetched by the host
    if (typeof cfg.dated !== "string" && !pending) { this._start(cfg); return; }
    const loading = this._loading = {latest: /** @type {Config | null} */ (null)};
    (pending || this._fetchJson(cfg.dated)).then((/** @type {any} */ dated) => {
      this._loading = null;
      this._start(Object.assign({}, cfg, {dated}));
      if (loading.latest) this.update(loading.latest);
    }).catch((/** @type {unknown} */ err) => { this._loading = null; console.error(String(err)); });
  }

  /**
   * Open an event: fly to it, open its popup; with `window`, move the window to it when it
   * is outside.
   * @param {string} id
   * @param {{window?: boolean, zoom?: number, animate?: boolean}} [opts]
   * @returns {boolean} whether the event is known
   */
  focusEvent(id, opts) {
    const item = this.byId[id], model = this.model;
    if (!item || !model) return false;
    const o = opts || {};
    if (o.window && (item.d0 > model.end || item.d1 < model.start)) {
      const span = model.span;
      const start = Math.max(model.domain[0], Math.min(item.d0 - Math.floor(span / 2), model.domain[1] - span));
      model.set(start, start + span, "focus");
    }
    const ll = item.layer.getLatLng(), map = this.map;
    const zoom = Math.max(map.getZoom(), o.zoom || 8);
    const open = () => { if (item.on) item.layer.openPopup(); };
    if (o.animate === false) { map.setView(ll, zoom, {animate: false}); open(); }
    else { map.flyTo(ll, zoom, {duration: 0.6}); map.once("moveend", open); }
    return true;
  }

  // ---- inside -----------------------------------------------------------------------------
  /** The configuration the engine started with. @returns {Config} */
  _cfg() {
    if (!this.cfg) throw new Error("Border Atlas: the engine has not started");
    return this.cfg;
  }

  /** @returns {WindowModel} */
  _model() {
    if (!this.model) throw new Error("Border Atlas: the engine has not started");
    return this.model;
  }

  /** @param {string} url */
  _fetchJson(url) {
    return this.win.fetch(url).then((r) => {
      if (!r.ok) throw new Error("Border Atlas: " + url + " answered " + r.status);
      return r.json();
    });
  }

  /** @param {Config} given */
  _start(given) {
    const map = this.map, L = this.L;
    // The page's own address may name a view (an exported file opened from a link); the app's
    // frame has none (Python read the app's address).
    const location = this.win.location;
    const address = readAddress(location.search, location.hash, given.urlKeys || []);
    /** @type {Config} */
    const cfg = Object.assign({}, given, openWith(address, given.presets || [], given.window));
    this.cfg = cfg;
    this.statics.background = cfg.backgroundLayer || null;
    const domain = /** @type {[number, number]} */ ([dayOf(cfg.domain[0]), dayOf(cfg.domain[1])]);
    const model = new WindowModel(domain, [/** @type {number} */ (dayOf(cfg.window[0])), /** @type {number} */ (dayOf(cfg.window[1]))]);
    Object.keys(cfg.dated || {}).forEach((name) => {
      const layer = new DatedLayer(L, this.features, name, cfg.dated[name], {onMarker: (item) => this._wireMarker(item)});
      this.dated[name] = layer;
      layer.group.addTo(map);
    });
    this.labelLayer = new LabelLayer(L, map, cfg.labels || []);
    map.on("zoomend moveend resize", () => this._placeLabels());
    map.on("popupopen", (/** @type {any} */ e) => fitPopup(map, e.popup));
    keepTooltipsInside(map);
    this.player = new Player(model, {frame: (fn) => this.win.requestAnimationFrame(fn), now: () => this.win.performance.now()});
    // Listeners run in this order: the clock, the layers, the timeline (added by Timeline), the rest.
    /** @type {number} */
    let t0 = 0;
    model.onChange(() => { t0 = this.win.performance.now(); });
    model.onChange((change) => this._applyWindow(change.start, change.end));
    this.model = model;
    this._openLinked(cfg);
    this._update(cfg);
    const root = /** @type {HTMLElement} */ (this.doc.getElementById("ba-timeline"));
    this.timeline = new Timeline(root, model, this.player, {presets: cfg.presets || [], groups: cfg.groups || []}, {
      items: () => this._timelineItems(),
      imported: () => this.importedData,
      counts: () => ({events: this._timelineLayer() ? /** @type {DatedLayer} */ (this._timelineLayer()).count : null,
                      imported: this.importedData && this.importedLayer ? this.importedLayer.lastDrawn.count : null}),
      focusEvent: (id) => { this.focusEvent(id, {window: true}); },
      commit: (delay) => this._scheduleCommit(delay),
      kept: (it) => it.kept !== false,
      importedKeep: () => this._importedKeep,
      filtered: () => isActive(this.filterState),
    });
    this._startFilters(cfg);
    gateWheels(map, root);
    model.onChange((change) => {
      this._timings.push(this.win.performance.now() - t0);
      if (this._timings.length > TIMINGS_KEPT) this._timings.shift();
      this._fire("window", change);
    });
    this.player.onPlaying((playing) => { if (!playing) { this._placeLabels(); this._scheduleCommit(0); } });
    model.set(model.start, model.end, "init");
    if (cfg.view) map.setView([cfg.view.lat, cfg.view.lon], cfg.view.zoom, {animate: false});
    else if (cfg.bounds) map.fitBounds(cfg.bounds, {animate: false});
    map.on("moveend", () => this._scheduleCommit());
    if (cfg.event) this.focusEvent(cfg.event, {animate: false, zoom: 8, window: true});
    if (cfg.focus) this.focusNonce = cfg.focus.nonce;
    this._started = true;
    this._fire("start", null);
  }

  /** The timeline's layer (its spec's `timeline_group`): its events are the bars and the marks. */
  _timelineLayer() {
    const name = this.cfg && this.cfg.timelineLayer;
    return name && this.dated[name] ? this.dated[name] : null;
  }

  /** @returns {DatedItem[]} */
  _timelineItems() { const layer = this._timelineLayer(); return layer ? layer.items : []; }

  /** Whether the layer with this role (a name from the configuration) is shown. @param {string | null | undefined} name */
  _isShown(name) { return !!name && !!this.layersShown[name]; }

  /** @param {DatedItem} item */
  _wireMarker(item) {
    const id = /** @type {string} */ (item.id);
    this.byId[id] = item;
    item.layer.on("popupopen", () => this._decoratePopup(item));
    item.layer.on("mouseover", () => { if (this.timeline) this.timeline.highlight(id, true); });
    item.layer.on("mouseout", () => { if (this.timeline) this.timeline.highlight(id, false); });
  }

  /** @param {number} start @param {number} end */
  _applyWindow(start, end) {
    let toggled = false;
    for (const name of Object.keys(this.dated)) {
      if (this.dated[name].apply(start, end, !!this.layersShown[name])) toggled = true;
    }
    if (this.importedLayer) this.importedLayer.redraw();
    if (toggled) { this._placeLabelsSoon(); this._listEvents(); }
  }

  /** The markers shown, listed for the keyboard: the timeline's layer first (access.js). */
  _listEvents() {
    const names = Object.keys(this.dated), first = this.cfg && this.cfg.timelineLayer;
    const shown = [];
    for (const name of names) {
      const rank = name === first ? -1 : names.indexOf(name);
      for (const it of this.dated[name].items) {
        if (it.on && !it.circle && it.id && it.feature.properties._p) shown.push({layer: it.layer, d0: it.d0, id: it.id, rank, feature: it.feature});
      }
    }
    this.eventList.set(shown);
  }

  _placeLabelsSoon() {
    if (!this.player || !this.player.playing) { this._placeLabels(); return; }
    if (this._labelTimer) return;
    this._labelTimer = setTimeout(() => { this._labelTimer = null; this._placeLabels(); }, LABEL_DELAY_MS);
  }

  /** Town labels where they fit; the dated markers shown keep their place. */
  _placeLabels() {
    if (!this.labelLayer) return;
    const points = [], shown = this._isShown(this.cfg && this.cfg.labelLayer);
    if (shown) {
      for (const name of Object.keys(this.dated)) {
        for (const it of this.dated[name].items) if (it.on && !it.circle && it.layer.getLatLng) points.push(it.layer.getLatLng());
      }
    }
    this.labelLayer.place(shown, points);
  }

  /** A link to one event as it is seen: the host page's address with the window, the layers
   * (those a link names: never a session's import) and `event=`. @param {string} id */
  _eventLink(id) {
    const cfg = /** @type {Config} */ (this.cfg), base = cfg.linkBase || "", m = this._model();
    const layers = (cfg.urlLayers || cfg.layers || []).filter((n) => n !== cfg.importedLayer);
    const q = writeAddress("", {start: isoOf(m.start), end: isoOf(m.end), layers: layers.join(",")},
                           cfg.urlKeys || [], true);
    return base + (base.indexOf("?") >= 0 ? "&" + q.slice(1) : q) + "&event=" + encodeURIComponent(id);
  }

  /**
   * A linked event opens even when the link's window or layers do not hold it (the data or
   * the link changed): the window widens to its dates, its layer turns on, and a notice says
   * so. Before the layers are drawn. @param {Config} cfg
   */
  _openLinked(cfg) {
    const id = cfg.event, model = this._model();
    if (!id) return;
    const name = Object.keys(this.dated).find((n) => this.dated[n].items.some((it) => it.id === id));
    const item = name ? this.byId[id] : null;
    if (!name || !item) { this.linkNotice.set("The linked event is not in this atlas."); return; }
    const said = [];
    if ((cfg.layers || []).indexOf(name) < 0) {
      cfg.layers = (cfg.layers || []).concat([name]);
      said.push("its layer (" + name + ") was turned on");
    }
    if (item.d0 > model.end || item.d1 < model.start) {
      const start = Math.max(model.domain[0], Math.min(model.start, item.d0));
      const end = Math.min(model.domain[1], Math.max(model.end, item.d1));
      model.set(start, end, "link");
      said.push("the window was widened to " + isoOf(start) + " – " + isoOf(end));
    }
    if (said.length) this.linkNotice.set("To show the linked event, " + said.join(" and ") + ".");
  }

  /** The popup's content becomes a node once: the spec's HTML (built and escaped by Python)
   * and, under it, the event's own link with a copy button. @param {DatedItem} item */
  _decoratePopup(item) {
    const popup = item.layer.getPopup(), doc = this.doc;
    if (!popup || item.popupNode) return;
    const node = doc.createElement("div");
    node.innerHTML = item.feature.properties._p;  // markup built and escaped by Python from the atlas's data
    item.popupNode = node;
    const pages = /** @type {Config} */ (this.cfg).eventPages, page = pages && item.id ? pages[item.id] : null;
    if (page && Object.prototype.hasOwnProperty.call(pages, /** @type {string} */ (item.id))) {  // a static site
      const p = node.appendChild(doc.createElement("p")), a = p.appendChild(doc.createElement("a"));
      p.className = "ba-page-link";
      a.href = page;  // a relative address Python made from the event's id (geo/web/site.py)
      a.textContent = "This event's page (facts, sources, a map to share)";
    }
    if (/** @type {Config} */ (this.cfg).linkBase == null) { popup.setContent(node); return; }  // a file: no address
    const box = doc.createElement("div");
    box.className = "ba-link";
    node.appendChild(box);
    const button = doc.createElement("button");
    button.type = "button";
    button.textContent = "Copy link to this event";
    box.appendChild(button);
    const field = doc.createElement("input");
    field.type = "text";
    field.readOnly = true;
    field.setAttribute("aria-label", "Link to this event");
    field.value = this._eventLink(/** @type {string} */ (item.id));
    box.appendChild(field);
    button.addEventListener("click", () => {
      field.select();
      const done = () => { button.textContent = "Link copied"; };
      const clip = this.win.navigator.clipboard;
      if (clip && clip.writeText) clip.writeText(field.value).then(done, () => { doc.execCommand("copy"); done(); });
      else { doc.execCommand("copy"); done(); }
    });
    popup.setContent(node);
  }

  /** The view Python hears. @returns {ViewState} */
  _viewState() {
    const c = this.map.getCenter(), m = this._model();
    return {start: isoOf(m.start), end: isoOf(m.end), lat: +c.lat.toFixed(4), lon: +c.lng.toFixed(4), zoom: this.map.getZoom(),
            bounds: this.bounds(), filters: filtersToQuery(this.filterState)};
  }

  /**
   * The map's extent on screen, [west, south, east, north] in degrees (4 decimals), within
   * the world (longitudes -180..180, latitudes to Web Mercator's ±85.0511).
   * @returns {[number, number, number, number]}
   */
  bounds() {
    const b = this.map.getBounds(), r = (/** @type {number} */ v) => +v.toFixed(4);
    const lat = (/** @type {number} */ v) => Math.max(-85.0511, Math.min(85.0511, v));
    return [r(Math.max(-180, b.getWest())), r(lat(b.getSouth())), r(Math.min(180, b.getEast())), r(lat(b.getNorth()))];
  }

  /** Python hears the view when the user lets go. @param {number} [delay] */
  _scheduleCommit(delay) {
    if (this._commitTimer) clearTimeout(this._commitTimer);
    this._commitTimer = setTimeout(() => {
      this._commitTimer = null;
      if (this.player && this.player.playing) return;
      const view = this._viewState();
      if (/** @type {Config} */ (this.cfg).linkBase == null) this._writeFragment(view);
      if (this.onCommit) this.onCommit(view);
      this._fire("commit", view);
    }, delay == null ? COMMIT_DELAY_MS : delay);
  }

  /** Basemaps: tiles in, the background's fill out, the view kept. @param {string} key */
  _setBasemap(key) {
    const tiles = /** @type {Config} */ (this.cfg).basemaps || {}, map = this.map;
    /** @type {any} */
    let shown = null;
    Object.keys(tiles).forEach((k) => {
      const layer = /** @type {any} */ (this.win)[tiles[k]];  // folium's tile layer, by its JavaScript name
      if (!layer) return;
      if (k === key) shown = layer;
      if (k === key && !map.hasLayer(layer)) layer.addTo(map);
      if (k !== key && map.hasLayer(layer)) map.removeLayer(layer);
    });
    this.basemapKey = key;
    this.statics.setFill(key === "offline");
    this.tileNotice.watch(key === "offline" ? null : shown);  // tiles that fail say so
  }

  /** What may change between Python reruns without rebuilding anything. @param {Config} cfg */
  update(cfg) {
    this._update(cfg);
    const tl = this.timeline;
    if (tl) tl.drawBrush();
    // An event to open (from a row of the table): once per request.
    if (cfg.focus && cfg.focus.nonce !== this.focusNonce && tl) {
      this.focusNonce = cfg.focus.nonce;
      this.focusEvent(cfg.focus.id, {window: true});
    }
  }

  /** @param {Config} cfg */
  _update(cfg) {
    const map = this.map, shown = this.layersShown = /** @type {Record<string, boolean>} */ ({});
    (cfg.layers || []).forEach((/** @type {string} */ n) => { shown[n] = true; });
    if (cfg.static) this.statics.show(cfg.static.filter((/** @type {[string, any]} */ s) => shown[s[0]]));
    if (cfg.basemap) this._setBasemap(cfg.basemap);
    if (cfg.legend) this.legend.set(cfg.legend);
    this._placeLabels();
    if (cfg.imported !== undefined && cfg.importedKey !== this.importedKey) {
      this.importedKey = cfg.importedKey;
      const d = readImported(cfg.imported, cfg.importedMeta);
      this._importedTable = cfg.imported;
      if (this.importedLayer) { map.removeLayer(this.importedLayer); this.importedLayer = null; }
      this.importedData = d;
      this._refilterImported();
      // the columns the filters read, made while the page is idle, not on the first change of filters
      if (d) setTimeout(() => { if (this.importedData === d) this._prepareImportedFilters(); }, 0);
      if (d && this._isShown(this._cfg().importedLayer)) this.importedLayer = this._importedLayer(d);
      if (this.timeline) { this.timeline.countDays(); this.timeline.draw(); }
    }
    const importedShown = this._isShown(this._cfg().importedLayer);
    if (this.importedLayer && !importedShown) { map.removeLayer(this.importedLayer); this.importedLayer = null; }
    if (this.importedData && !this.importedLayer && importedShown) this.importedLayer = this._importedLayer(this.importedData);
    const model = this._model();
    this._applyWindow(model.start, model.end);
  }

  /** @param {ImportedData} d */
  _importedLayer(d) {
    if (!this._ImportedLayer) this._ImportedLayer = importedLayerClass(this.L, this.symbols, this._model());
    const layer = new this._ImportedLayer(d);
    layer.keep = this._importedKeep;
    return layer.addTo(this.map);
  }

  // ---- filters: the controls, and what they keep ------------------------------------------
  /** The values each filter takes (from Python's `filterChoices`). */
  _allowedFilters() {
    const choices = (this.cfg && this.cfg.filterChoices) || {};
    const keys = (/** @type {{key: string}[] | undefined} */ list) => (list || []).map((c) => c.key);
    return {kinds: keys(choices.kind), actors: keys(choices.actor), sides: keys(choices.side)};
  }

  /** The filters to open with: the page's own address (a file, a static copy), else Python's;
   * the controls beside the timeline. @param {Config} cfg */
  _startFilters(cfg) {
    const location = this.win.location;
    const query = addressFilters(location.search, location.hash) || cfg.filters || {};
    const f = filtersFromQuery(query, this._allowedFilters());
    if (this.timeline && cfg.filterChoices) {
      this.filterControls = new FilterControls(this.timeline.filterRow, cfg.filterChoices, f,
                                               (next) => this._applyFilters(next, true));
    }
    this._applyFilters(f, false);
  }

  /** The imported events' columns as the filters read them (each distinct text once). */
  _importedFilterColumns() {
    const d = this.importedData, table = this._importedTable;
    if (!d || !table) return null;
    if (this._importedCols && this._importedCols.data === d) return this._importedCols;
    const reader = columnReader(table), n = d.n;
    const text = (/** @type {string} */ name) => {
      const c = reader(name);
      if (!c) return undefined;
      const all = c.all();  // one pass over the column (an Arrow table decodes it at once)
      return codeColumn((i) => all[i], n);
    };
    const dead = reader("dead");
    this._importedCols = {
      data: d, kind: text("kind"), group: text("group"), side: text("side"), precision: text("when_precision"),
      // the searched text: place, actor, target and the summary (as sent: its first 600 characters)
      text: ["place", "actor", "target", "notes"].map(text).filter(Boolean),
      killed: dead ? dead.all() : null,
    };
    return this._importedCols;
  }

  /** The imported columns the filters read, and their texts as a search compares them, made
   * once (while the page is idle after an import), so a change of filters only compares. */
  _prepareImportedFilters() {
    const cols = this._importedFilterColumns();
    if (cols) for (const col of cols.text) if (!col.normal) col.normal = col.values.map(normaliseSearch);
  }

  /** Which imported events the filters keep (null: all). */
  _refilterImported() {
    const d = this.importedData;
    const cols = d && isActive(this.filterState) ? this._importedFilterColumns() : null;
    this._importedKeep = d && cols ? maskColumns(this.filterState, cols, d.n) : null;
    if (this.importedLayer) this.importedLayer.keep = this._importedKeep;
  }

  /**
   * Apply filters: the timeline layer's events (and their precision circles) and the imported
   * ones the filters leave out go from the map, the bars, the marks and the count, in this call.
   * @param {import("#atlas/filters.js").Filters} f
   * @param {boolean} byUser  a user's change: Python hears it when they let go
   */
  _applyFilters(f, byUser) {
    const t0 = this.win.performance.now();
    this.filterState = f;
    const keep = matcher(f), layer = this._timelineLayer();
    if (layer) {
      /** @type {Record<string, boolean>} */
      const byId = {};
      for (const it of layer.items) {
        if (it.circle) continue;
        it.kept = keep(featureFields(it.feature.properties));
        if (it.id) byId[it.id] = it.kept;
      }
      for (const it of layer.items) if (it.circle && it.id) it.kept = byId[it.id.split("#")[0]] !== false;
    }
    this._refilterImported();
    const model = this._model();
    this._applyWindow(model.start, model.end);
    if (this.timeline) { this.timeline.countDays(); this.timeline.draw(); }
    this._filterTimings.push(this.win.performance.now() - t0);
    if (this._filterTimings.length > TIMINGS_KEPT) this._filterTimings.shift();
    this._fire("filters", filtersToQuery(f));
    if (byUser) this._scheduleCommit();
  }

  /** A file or a static copy has no host page: the engine keeps its own address's fragment
   * (window and filters) so a copied link reopens them. @param {ViewState} view */
  _writeFragment(view) {
    const loc = this.win.location, next = writeFragment(loc.hash, view, view.filters);
    if (next !== loc.hash) this.win.history.replaceState(this.win.history.state, "", next || loc.pathname + loc.search);
  }
}
