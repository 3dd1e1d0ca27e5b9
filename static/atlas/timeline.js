/** The timeline: a control under the map with preset windows, playback controls, bars of
 * events per day, the curated events as marks, and a brush that is the window. It follows
 * the WindowModel and moves it; it never draws the map.
 * @module
 */
import {binDays, bins, countEvent, emptyCounts} from "#atlas/bins.js";
import {clamp, dayOf, fmtDay, isoOf} from "#atlas/days.js";
import {SPEEDS, playPlan} from "#atlas/player.js";
import {Throttle, windowClock} from "#atlas/throttle.js";
import {ticks} from "#atlas/ticks.js";

/** @typedef {import("#atlas/window-model.js").WindowModel} WindowModel */
/** @typedef {import("#atlas/player.js").Player} Player */
/** @typedef {import("#atlas/dated-layer.js").DatedItem} DatedItem */
/** @typedef {import("#atlas/imported-layer.js").ImportedData} ImportedData */
/** @typedef {{key: string, label: string, start: string, end: string}} Preset */
/** @typedef {{key: string, label: string, color: string}} Group */
/**
 * What the timeline asks of the engine.
 * @typedef {{
 *   items: () => DatedItem[],
 *   imported: () => ImportedData | null,
 *   counts: () => {events: number | null, imported: number | null},
 *   focusEvent: (id: string) => void,
 *   commit: (delay?: number) => void,
 *   kept?: (item: DatedItem) => boolean,
 *   importedKeep?: () => Uint8Array | null,
 *   filtered?: () => boolean,
 * }} TimelineHost
 */

export const MIN_AXIS_DAYS = 14;  // the timeline's closest zoom
export const PAGE_DAYS = 30;  // PageUp/PageDown on a slider move it this many days

/**
 * "1 event", "2 events", "1,234 events".
 * @param {number} n
 * @param {string} noun
 */
export function plural(n, noun) {
  return n.toLocaleString("en") + " " + noun + (n === 1 ? "" : "s");
}

/**
 * The days a slider key moves the window (or one end): arrows a day (Shift: a week),
 * PageUp/PageDown a month's worth, Home/End to the domain's first or last day (Infinity:
 * as far as it goes); null for any other key.
 * @param {string} key
 * @param {boolean} shift
 * @returns {number | null}
 */
export function keyStep(key, shift) {
  const step = shift ? 7 : 1;
  switch (key) {
    case "ArrowLeft": case "ArrowDown": return -step;
    case "ArrowRight": case "ArrowUp": return step;
    case "PageDown": return -PAGE_DAYS;
    case "PageUp": return PAGE_DAYS;
    case "Home": return -Infinity;
    case "End": return Infinity;
    default: return null;
  }
}
const TRACK_H = 64, OV_H = 22;
export const MIN_OVERVIEW_MARK_PX = 8;  // the overview's mark of the window is never narrower
/** The date fields follow a moving window (Play, a drag) at most this often: writing a date
 * input rebuilds its fields, about 0.3 ms of style and layout each time, which played a day a
 * frame cost more than the rest of the timeline's move. A single change shows at once. */
export const DATE_FIELDS_MS = 250;

/**
 * A typed date as a day inside the domain, or why it is not one.
 * @param {string} text  an input's value (YYYY-MM-DD; "" when the browser holds no whole date)
 * @param {[number, number]} domain
 * @returns {{day: number} | {error: string}}
 */
export function typedDay(text, domain) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(String(text || "").trim());
  if (!m) return {error: "is not a whole date"};
  const day = /** @type {number} */ (dayOf(text));
  if (isoOf(day) !== m[0]) return {error: "is not a date on the calendar"};
  if (day < domain[0] || day > domain[1]) return {error: "is outside " + fmtDay(domain[0]) + " – " + fmtDay(domain[1])};
  return {day};
}

/**
 * The window two typed dates make, or what is wrong with them (named, for the message).
 * @param {string} from
 * @param {string} to
 * @param {[number, number]} domain
 * @returns {{win: [number, number]} | {error: string}}
 */
export function typedWindow(from, to, domain) {
  const a = typedDay(from, domain), b = typedDay(to, domain);
  if ("error" in a) return {error: "From " + a.error};
  if ("error" in b) return {error: "To " + b.error};
  if (b.day < a.day) return {error: "To is before From"};
  return {win: [a.day, b.day]};
}
const SVG_NS = "http://www.w3.org/2000/svg";

/**
 * Set the attributes of `node` whose values differ from what was last written to it here.
 * @param {WeakMap<Element, Record<string, string>>} written  what was written, per node
 * @param {Element} node
 * @param {Record<string, string | number>} attrs
 */
export function setChanged(written, node, attrs) {
  let had = written.get(node);
  if (!had) written.set(node, had = {});
  for (const k of Object.keys(attrs)) {
    const v = String(attrs[k]);
    if (had[k] !== v) { node.setAttribute(k, v); had[k] = v; }
  }
}

export class Timeline {
  /**
   * @param {HTMLElement} root  the timeline's container (emptied)
   * @param {WindowModel} model
   * @param {Player} player
   * @param {{presets: Preset[], groups: Group[]}} cfg
   * @param {TimelineHost} host
   */
  constructor(root, model, player, cfg, host) {
    this.root = root;
    this.doc = root.ownerDocument;
    this.model = model;
    this.player = player;
    this.host = host;
    this.groups = cfg.groups || [];
    this.presets = cfg.presets || [];
    /** @type {[number, number]} days the main track shows (zoomed) */
    this.axis = [model.domain[0], model.domain[1]];
    /** @type {Uint32Array[]} */
    this.perDay = [];
    /** @type {{perDay: Uint32Array[], width: number, from: number, to: number} | null} what the overview shows now */
    this._overviewDrawn = null;
    /** @type {Record<string, SVGElement>} */
    this.markById = {};
    this.trackW = 600;
    this.overviewW = 600;
    /** Whether imported events are counted in the bars (a toggle beside the dates). */
    this.importedInBars = true;
    /** Whether a date field is being typed into (it does not follow the window meanwhile). */
    this._typing = false;
    /** @type {{data: ImportedData, groups: Int8Array} | null} */
    this._groupsOf = null;
    /** @type {WeakMap<Element, Record<string, string>>} the attributes drawBrush last wrote */
    this._written = new WeakMap();
    /** @type {Map<Preset, [number, number]>} */
    this._presetDayCache = new Map();
    /** @type {[number, number] | null} the window drawBrush last showed */
    this._brushWin = null;
    const ui = this._build();
    this.playBtn = ui.playBtn; this.speed = ui.speed; this.mode = ui.mode; this.loop = ui.loop; this.label = ui.label;
    this.playNote = ui.playNote; this.from = ui.from; this.to = ui.to; this.dateMsg = ui.dateMsg;
    this.filterRow = ui.filterRow; this.importedBox = ui.importedBox;
    this.overview = ui.overview; this.track = ui.track; this.bars = ui.bars; this.marks = ui.marks; this.axisG = ui.axisG;
    this.brush = ui.brush; this.h0 = ui.h0; this.h1 = ui.h1;
    this.ovBars = ui.ovBars; this.ovWin = ui.ovWin; this.ovAxis = ui.ovAxis; this.ovTicks = ui.ovTicks;
    this._dates = new Throttle(() => this._syncDates(), DATE_FIELDS_MS,
                               windowClock(/** @type {Window} */ (this.doc.defaultView)));
    this.countDays();
    this._wirePointer();
    this._wireKeys();
    this.measureWidths();
    const view = this.doc.defaultView;
    if (view) view.addEventListener("resize", () => { this.measureWidths(); this.draw(); });
    model.onChange(() => { if (!this._followWindow()) this.drawBrush(); });
    player.onPlaying((playing) => {
      this.playBtn.textContent = playing ? "❚❚ Pause" : "▶ Play";
      this.playBtn.setAttribute("aria-pressed", playing ? "true" : "false");
      if (!playing) this._sayPlan();
    });
    const span = model.span;
    this.setAxis(model.start - Math.max(7, span), model.end + Math.max(7, span));
  }

  /** @param {string} tag @param {Record<string, string>} attrs @param {Element} [parent] @returns {HTMLElement} */
  _el(tag, attrs, parent) {
    const node = this.doc.createElement(tag);
    Object.keys(attrs).forEach((k) => { if (k === "text") node.textContent = attrs[k]; else node.setAttribute(k, attrs[k]); });
    if (parent) parent.appendChild(node);
    return node;
  }

  /** @param {string} tag @param {Record<string, string | number>} attrs @param {Element} [parent] @returns {SVGElement} */
  _svg(tag, attrs, parent) {
    const node = /** @type {SVGElement} */ (this.doc.createElementNS(SVG_NS, tag));
    Object.keys(attrs).forEach((k) => node.setAttribute(k, String(attrs[k])));
    if (parent) parent.appendChild(node);
    return node;
  }

  /** The control's nodes, its buttons wired. */
  _build() {
    const root = this.root, el = this._el.bind(this), svg = this._svg.bind(this);
    root.innerHTML = "";
    const bar = el("div", {"class": "ba-tl-controls"}, root);
    const presets = el("div", {"class": "ba-tl-presets", role: "group", "aria-label": "Preset windows"}, bar);
    this.presets.forEach((p) => {
      const b = el("button", {type: "button", "data-preset": p.key, text: p.label}, presets);
      b.addEventListener("click", () => {
        this.player.stop();
        const lo = /** @type {number} */ (dayOf(p.start)), hi = /** @type {number} */ (dayOf(p.end));
        const pad = Math.max(7, Math.round((hi - lo) * 0.6));
        this.setAxis(lo - pad, hi + pad);
        this.model.set(lo, hi, "preset");
        this.host.commit(0);
      });
    });
    const playBox = el("div", {"class": "ba-tl-play", role: "group", "aria-label": "Playback"}, bar);
    const back = el("button", {type: "button", "aria-label": "Window back one day", text: "◀"}, playBox);
    const playBtn = el("button", {type: "button", "class": "ba-tl-playbtn", "aria-pressed": "false", text: "▶ Play"}, playBox);
    const fwd = el("button", {type: "button", "aria-label": "Window forward one day", text: "▶"}, playBox);
    const speed = /** @type {HTMLSelectElement} */ (el("select", {"aria-label": "Playback speed"}, playBox));
    SPEEDS.forEach((sp, i) => {
      const o = /** @type {HTMLOptionElement} */ (el("option", {value: String(sp.days), text: sp.label}, speed));
      if (i === 0) o.selected = true;
    });
    const mode = /** @type {HTMLSelectElement} */ (el("select", {"aria-label": "Playback mode"}, playBox));
    el("option", {value: "slide", text: "Sliding"}, mode);
    el("option", {value: "grow", text: "Growing"}, mode);
    const loopLabel = el("label", {"class": "ba-tl-loop"}, playBox);
    const loop = /** @type {HTMLInputElement} */ (el("input", {type: "checkbox"}, loopLabel));
    loopLabel.appendChild(this.doc.createTextNode(" Loop"));
    const row2 = el("div", {"class": "ba-tl-controls ba-tl-row2"}, root);
    const dates = el("div", {"class": "ba-tl-dates", role: "group", "aria-label": "Window dates"}, row2);
    const dm = this.model.domain;
    /** @param {string} text */
    const dateInput = (text) => {
      const lab = el("label", {}, dates);
      lab.appendChild(this.doc.createTextNode(text + " "));
      return /** @type {HTMLInputElement} */ (el("input", {type: "date", min: isoOf(dm[0]), max: isoOf(dm[1]),
                                                           "aria-describedby": "ba-tl-datemsg"}, lab));
    };
    const from = dateInput("From"), to = dateInput("To");
    const dateMsg = el("span", {"class": "ba-tl-datemsg", id: "ba-tl-datemsg", role: "status"}, dates);
    const playNote = el("span", {"class": "ba-tl-playnote", "aria-live": "polite"}, row2);
    const importedLabel = el("label", {"class": "ba-tl-imported", hidden: ""}, row2);
    const importedBox = /** @type {HTMLInputElement} */ (el("input", {type: "checkbox"}, importedLabel));
    importedBox.checked = true;
    importedLabel.appendChild(this.doc.createTextNode(" Imported events in the bars"));
    importedBox.addEventListener("change", () => { this.importedInBars = importedBox.checked; this.countDays(); this.draw(); });
    const label = el("div", {"class": "ba-tl-label", "aria-live": "polite"}, row2);
    const filterRow = el("div", {"class": "ba-tl-controls ba-tl-filters", role: "group", "aria-label": "Filters"}, root);
    for (const input of [from, to]) {
      input.addEventListener("input", () => { this._typing = true; });
      input.addEventListener("blur", () => { this._typing = false; });
      input.addEventListener("change", () => this._typedDates());
      input.addEventListener("keydown", (ev) => { if (ev.key === "Enter") this._typedDates(); });
    }
    back.addEventListener("click", () => { this.player.stop(); this.model.shift(-1, "button"); this.host.commit(0); });
    fwd.addEventListener("click", () => { this.player.stop(); this.model.shift(1, "button"); this.host.commit(0); });
    playBtn.addEventListener("click", () => {
      if (this.player.playing) { this.player.stop(); return; }
      const plan = this._plan();
      this.player.start({mode: plan.mode, speed: +speed.value, loop: loop.checked, plan: plan.plan});
      playNote.textContent = plan.plan.text;
    });
    for (const control of [speed, mode]) control.addEventListener("change", () => this._sayPlan());

    const overview = svg("svg", {"class": "ba-tl-overview", role: "img", "aria-label": "Overview of all years; drag to choose the part shown below"}, root);
    const track = svg("svg", {"class": "ba-tl-track"}, root);
    const bars = svg("g", {"class": "ba-tl-bars"}, track);
    const marks = svg("g", {"class": "ba-tl-marks"}, track);
    const axisG = svg("g", {"class": "ba-tl-axis"}, track);
    const brush = svg("rect", {"class": "ba-tl-brush", tabindex: "0", role: "slider",
                              "aria-label": "Date window: arrows move it a day, Shift+arrows a week, Page Up/Down a month, Home/End to the first or last day"}, track);
    const h0 = svg("rect", {"class": "ba-tl-handle", tabindex: "0", role: "slider", "aria-label": "Window start"}, track);
    const h1 = svg("rect", {"class": "ba-tl-handle", tabindex: "0", role: "slider", "aria-label": "Window end"}, track);
    const ovBars = svg("g", {}, overview);
    const ovWin = svg("rect", {"class": "ba-tl-ovwin"}, overview);
    const ovAxis = svg("rect", {"class": "ba-tl-ovaxis"}, overview);
    const ovTicks = svg("g", {"class": "ba-tl-axis"}, overview);
    return {playBtn, speed, mode, loop, label, overview, track, bars, marks, axisG, brush, h0, h1,
            ovBars, ovWin, ovAxis, ovTicks, playNote, from, to, dateMsg, filterRow, importedBox};
  }

  /** The preset the window is exactly, if any. */
  _presetNow() {
    const win = this.model.win;
    const p = this.presets.find((x) => this._presetDays(x)[0] === win[0] && this._presetDays(x)[1] === win[1]);
    return p ? {key: p.key, label: p.label, days: /** @type {[number, number]} */ ([win[0], win[1]])} : null;
  }

  /** A preset's first and last day (read once). @param {Preset} p @returns {[number, number]} */
  _presetDays(p) {
    let days = this._presetDayCache.get(p);
    if (!days) {
      days = [/** @type {number} */ (dayOf(p.start)), /** @type {number} */ (dayOf(p.end))];
      this._presetDayCache.set(p, days);
    }
    return days;
  }

  /** What Play would play now (player.js playPlan). */
  _plan() {
    const mode = /** @type {import("#atlas/player.js").PlayMode} */ (this.mode.value === "grow" ? "grow" : "slide");
    return {mode, plan: playPlan(this.model.win, this._presetNow(), this.model.domain, mode, +this.speed.value)};
  }

  /** The short text beside Play saying what it will play. */
  _sayPlan() {
    if (this.player.playing) return;
    const text = this._plan().plan.text;
    if (this.playNote.textContent !== text) this.playNote.textContent = text;
  }

  /** The typed dates: the window moves to them, or a message says what is wrong (the window stays). */
  _typedDates() {
    this._typing = false;
    const found = typedWindow(this.from.value, this.to.value, this.model.domain);
    if ("error" in found) {
      this.dateMsg.textContent = found.error + "; the window is unchanged.";
      this.root.classList.add("ba-tl-bad-dates");
      return;
    }
    this.dateMsg.textContent = "";
    this.root.classList.remove("ba-tl-bad-dates");
    this.player.stop();
    this.model.set(found.win[0], found.win[1], "dates");
    this.host.commit(0);
  }

  /** The date fields follow the window (not the one being typed into; a field already right
   * is not written). */
  _syncDates() {
    const win = this.model.win, typing = this._typing ? this.doc.activeElement : null;
    /** @param {HTMLInputElement} field @param {string} value */
    const show = (field, value) => { if (typing !== field && field.value !== value) field.value = value; };
    show(this.from, isoOf(win[0]));
    show(this.to, isoOf(win[1]));
  }

  /** The window moved: the date fields follow (throttled), and a message about typed dates
   * goes, unless a date is being typed. A redraw that leaves the window where it was (a
   * rerun, a filter) touches neither, so typed dates and their message stay. */
  _windowMoved() {
    const win = this.model.win, last = this._brushWin;
    if (last && last[0] === win[0] && last[1] === win[1]) return;
    this._brushWin = [win[0], win[1]];
    if (!this._typing && this.dateMsg.textContent) {
      this.dateMsg.textContent = "";
      this.root.classList.remove("ba-tl-bad-dates");
    }
    this._dates.request();
  }

  /** Whether the timeline shows this event (the filters keep it). @param {DatedItem} it */
  _kept(it) { return !this.host.kept || this.host.kept(it); }

  /** Per-day counts by actor group: the timeline layer's events and the imported ones (those
   * the filters keep; the imported only while the toggle counts them). */
  countDays() {
    const domain = this.model.domain;
    this.perDay = emptyCounts(domain, this.groups.length);
    /** @type {Record<string, number>} */
    const gIndex = {};
    this.groups.forEach((g, i) => { gIndex[g.key] = i; });
    this.host.items().forEach((it) => {
      if (!it.circle && !it.feature.properties._l && this._kept(it)) {
        countEvent(this.perDay, domain, it.d0, it.d1, gIndex[it.feature.properties._g]);
      }
    });
    const d = this.host.imported();
    this.importedBox.parentElement && this.importedBox.parentElement.toggleAttribute("hidden", !d);
    if (!d || !this.importedInBars) return;
    const keep = this.host.importedKeep ? this.host.importedKeep() : null;
    const groups = this._importedGroups(d, gIndex);
    for (let i = 0; i < d.n; i++) {
      if ((!keep || keep[i]) && groups[i] >= 0) countEvent(this.perDay, domain, d.d0[i], d.d1[i], groups[i]);
    }
  }

  /** Each imported event's stack (-1: none), read once per import: counting again (a change of
   * filters) then reads typed arrays only.
   * @param {ImportedData} d @param {Record<string, number>} gIndex @returns {Int8Array} */
  _importedGroups(d, gIndex) {
    if (this._groupsOf && this._groupsOf.data === d) return this._groupsOf.groups;
    const groups = new Int8Array(d.n);
    for (let i = 0; i < d.n; i++) {
      const g = gIndex[d.groupOf ? d.groupOf(i) : "other"];
      groups[i] = g == null ? -1 : g;
    }
    this._groupsOf = {data: d, groups};
    return groups;
  }

  /** Widths are measured once per resize, never per frame: reading layout after the brush's
   * attributes changed would make the browser lay the page out again on every move. */
  measureWidths() {
    this.trackW = Math.max(200, this.track.getBoundingClientRect().width || 600);
    this.overviewW = this.overview.getBoundingClientRect().width || 600;
  }

  /** Where a day is on the track (px from its left). @param {number} day */
  xOf(day) { return (day - this.axis[0]) / (this.axis[1] - this.axis[0] + 1) * this.trackW; }
  /** @param {number} x */
  dayAt(x) { return this.axis[0] + x / this.trackW * (this.axis[1] - this.axis[0] + 1); }
  /** @param {number} day */
  ovX(day) { const dm = this.model.domain; return (day - dm[0]) / (dm[1] - dm[0] + 1) * this.overviewW; }
  /** @param {number} x */
  ovDay(x) { const dm = this.model.domain; return dm[0] + x / this.overviewW * (dm[1] - dm[0] + 1); }

  /**
   * @param {SVGElement} g
   * @param {number} from
   * @param {number} to
   * @param {number} width
   * @param {number} height
   * @param {(day: number) => number} xFn
   */
  _drawBars(g, from, to, width, height, xFn) {
    while (g.firstChild) g.removeChild(g.firstChild);
    const step = binDays(to - from + 1, width);
    const result = bins(this.perDay, this.model.domain, from, to, step);
    const scale = (height - 2) / Math.sqrt(result.max);  // square root: one event stays visible beside hundreds
    result.bins.forEach((bin) => {
      const x0 = xFn(bin[0]), w = Math.max(1, xFn(bin[0] + step) - x0 - (step > 1 ? 0.5 : 0.3));
      const total = bin[1].reduce((x, y) => x + y, 0);
      if (!total) return;
      const h = Math.sqrt(total) * scale;
      let y = height;
      bin[1].forEach((count, gi) => {
        if (!count) return;
        const part = h * count / total;
        y -= part;
        this._svg("rect", {x: x0.toFixed(1), y: y.toFixed(1), width: w.toFixed(1), height: part.toFixed(1),
                           fill: this.groups[gi].color}, g);
      });
    });
  }

  /** @param {SVGElement} g @param {number} from @param {number} to @param {number} width
   * @param {number} height @param {(day: number) => number} xFn */
  _drawAxis(g, from, to, width, height, xFn) {
    while (g.firstChild) g.removeChild(g.firstChild);
    ticks(from, to, width).forEach((t) => {
      const x = xFn(t[0]);
      this._svg("line", {x1: x, x2: x, y1: height - 4, y2: height}, g);
      this._svg("text", {x: x + 2, y: height + 11}, g).textContent = t[1];
    });
  }

  draw() {
    const dm = this.model.domain, xOf = this.xOf.bind(this), ovX = this.ovX.bind(this);
    this._drawBars(this.bars, this.axis[0], this.axis[1], this.trackW, TRACK_H, xOf);
    this._drawAxis(this.axisG, this.axis[0], this.axis[1], this.trackW, TRACK_H, xOf);
    // the overview shows the whole domain: drawn again only when its counts or width changed
    // (countDays makes new counts), not at every move of the window or the axis
    const ov = this._overviewDrawn;
    if (!ov || ov.perDay !== this.perDay || ov.width !== this.overviewW || ov.from !== dm[0] || ov.to !== dm[1]) {
      this._drawBars(this.ovBars, dm[0], dm[1], this.overviewW, OV_H, ovX);
      this._drawAxis(this.ovTicks, dm[0], dm[1], this.overviewW, OV_H, ovX);
      this._overviewDrawn = {perDay: this.perDay, width: this.overviewW, from: dm[0], to: dm[1]};
    }
    this._drawMarks();
    this.drawBrush();
  }

  /** Curated events as marks on the track: click one to fly to it; a hovered marker lights its mark. */
  _drawMarks() {
    while (this.marks.firstChild) this.marks.removeChild(this.marks.firstChild);
    this.markById = {};
    const items = this.host.items().filter((it) =>
      !it.circle && !it.feature.properties._l && it.d0 >= this.axis[0] && it.d0 <= this.axis[1] && this._kept(it));
    // Events of one day side by side, centred on their day, so each can be clicked.
    /** @type {Record<number, number>} */
    const perDay = {};
    /** @type {Record<number, number>} */
    const seen = {};
    items.forEach((it) => { perDay[it.d0] = (perDay[it.d0] || 0) + 1; });
    items.forEach((it) => {
      const k = seen[it.d0] = (seen[it.d0] || 0) + 1;
      const x = this.xOf(it.d0 + 0.5) + (k - 1 - (perDay[it.d0] - 1) / 2) * 9, p = it.feature.properties;
      const mark = this._svg("circle", {cx: x.toFixed(1), cy: TRACK_H + 20, r: 4, "class": "ba-tl-mark",
                                        fill: (p._s && p._s.fill) || "#555"}, this.marks);
      this._svg("title", {}, mark).textContent = p._tl || p._id;
      mark.addEventListener("click", (ev) => { ev.stopPropagation(); this.host.focusEvent(p._id); });
      this.markById[p._id] = mark;
    });
  }

  /** @param {string} id @param {boolean} on */
  highlight(id, on) {
    const mark = this.markById[id];
    if (mark) mark.classList.toggle("ba-tl-mark-hot", on);
  }

  drawBrush() {
    const win = this.model.win, dm = this.model.domain, w = this.trackW;
    const x0 = this.xOf(win[0]), x1 = this.xOf(win[1] + 1);
    const vx0 = clamp(x0, -4, w + 4), vx1 = clamp(x1, -4, w + 4);
    // Only what changed is written: an attribute set to the value it has still costs the
    // browser a style check, and a step moves few of them.
    const set = (/** @type {Element} */ node, /** @type {Record<string, string | number>} */ attrs) =>
      setChanged(this._written, node, attrs);
    set(this.brush, {x: vx0.toFixed(1), width: Math.max(2, vx1 - vx0).toFixed(1), y: 0, height: TRACK_H});
    /** @type {[SVGElement, number, number][]} */
    const handles = [[this.h0, vx0, win[0]], [this.h1, vx1, win[1]]];
    // A slider's values are numbers (days since 1970-01-01); its text says the date.
    handles.forEach((h) => set(h[0], {x: (h[1] - 5).toFixed(1), y: 8, width: 10, height: TRACK_H - 16,
                                      "aria-valuemin": dm[0], "aria-valuemax": dm[1],
                                      "aria-valuenow": h[2], "aria-valuetext": fmtDay(h[2])}));
    set(this.brush, {"aria-valuemin": dm[0], "aria-valuemax": dm[1], "aria-valuenow": win[0],
                     "aria-valuetext": fmtDay(win[0]) + " to " + fmtDay(win[1])});
    // The window's mark on the overview: at least MIN_OVERVIEW_MARK_PX wide, centred on it.
    const ox0 = this.ovX(win[0]), ow = this.ovX(win[1] + 1) - ox0, wide = Math.max(MIN_OVERVIEW_MARK_PX, ow);
    set(this.ovWin, {x: (ox0 - (wide - ow) / 2).toFixed(1), width: wide.toFixed(1), y: -2, height: OV_H + 4});
    set(this.ovAxis, {x: this.ovX(this.axis[0]).toFixed(1),
                      width: Math.max(3, this.ovX(this.axis[1] + 1) - this.ovX(this.axis[0])).toFixed(1), y: 0, height: OV_H});
    const days = win[1] - win[0] + 1, counts = this.host.counts();
    const filtered = this.host.filtered && this.host.filtered() ? " (filtered)" : "";
    // the dates are in the fields beside it; the label says how long and how many
    const label = plural(days, "day") +
      (counts.events != null ? " · " + plural(counts.events, "event") + filtered : "") +
      (counts.imported != null ? " · " + counts.imported.toLocaleString("en") + " imported" + filtered : "");
    if (this.label.textContent !== label) this.label.textContent = label;
    this._windowMoved();
    this._sayPlan();
  }

  /** Show the days [lo, hi] on the track (at least MIN_AXIS_DAYS, inside the domain).
   * @param {number} lo @param {number} hi */
  setAxis(lo, hi) {
    const dm = this.model.domain, span = Math.max(MIN_AXIS_DAYS, hi - lo);
    lo = Math.round(lo); hi = lo + span;
    if (lo < dm[0]) { lo = dm[0]; hi = lo + span; }
    if (hi > dm[1]) { hi = dm[1]; lo = Math.max(dm[0], hi - span); }
    this.axis = [lo, hi];
    this.draw();
  }

  /** Keep the window inside the axis shown: when play or a key moves it out, the axis follows. */
  _followWindow() {
    const win = this.model.win, span = this.axis[1] - this.axis[0];
    if (win[1] - win[0] > span) { this.setAxis(win[0] - 3, win[1] + 3); return true; }
    if (win[1] > this.axis[1]) { this.setAxis(win[1] - span + Math.round(span * 0.1), win[1] + Math.round(span * 0.1)); return true; }
    if (win[0] < this.axis[0]) { this.setAxis(win[0] - Math.round(span * 0.1), win[0] - Math.round(span * 0.1) + span); return true; }
    return false;
  }

  // ---- pointer: brush, pan, resize, overview, wheel ---------------------------------------
  _wirePointer() {
    const model = this.model, track = this.track, overview = this.overview;
    /** @type {null | {mode: string, anchor: number, x: number, win: number[], left: number}} */
    let drag = null;
    const localX = (/** @type {MouseEvent} */ ev, /** @type {Element} */ node) => ev.clientX - node.getBoundingClientRect().left;
    track.addEventListener("pointerdown", (ev) => {
      if (ev.button !== 0 || /** @type {Element} */ (ev.target).classList.contains("ba-tl-mark")) return;
      this.player.stop();
      const left = track.getBoundingClientRect().left;  // once per drag, not per move
      const x = ev.clientX - left, day = Math.floor(this.dayAt(x));
      const x0 = this.xOf(model.start), x1 = this.xOf(model.end + 1);
      const mode = Math.abs(x - x0) <= 7 ? "start" : Math.abs(x - x1) <= 7 ? "end" : (x > x0 && x < x1) ? "pan" : "new";
      drag = {mode, anchor: day, x, win: model.win.slice(), left};
      if (mode === "new") model.set(day, day, "brush");
      track.setPointerCapture(ev.pointerId);
      ev.preventDefault();
    });
    track.addEventListener("pointermove", (ev) => {
      if (!drag) {
        const hx = localX(ev, track), a = this.xOf(model.start), b = this.xOf(model.end + 1);
        track.style.cursor = Math.abs(hx - a) <= 7 || Math.abs(hx - b) <= 7 ? "ew-resize" : (hx > a && hx < b ? "grab" : "crosshair");
        return;
      }
      const x = ev.clientX - drag.left, day = Math.floor(this.dayAt(x));
      const delta = Math.round((x - drag.x) / this.trackW * (this.axis[1] - this.axis[0] + 1));
      if (drag.mode === "new") model.set(Math.min(drag.anchor, day), Math.max(drag.anchor, day), "brush");
      else if (drag.mode === "start") model.set(Math.min(day, drag.win[1]), drag.win[1], "brush");
      else if (drag.mode === "end") model.set(drag.win[0], Math.max(day, drag.win[0]), "brush");
      else {
        const span = drag.win[1] - drag.win[0];
        const s = clamp(drag.win[0] + delta, model.domain[0], model.domain[1] - span);
        model.set(s, s + span, "brush");
      }
    });
    const release = () => { if (drag) { drag = null; this.host.commit(); } };
    track.addEventListener("pointerup", release);
    track.addEventListener("pointercancel", release);
    track.addEventListener("wheel", (ev) => {
      ev.preventDefault();
      const day = this.dayAt(localX(ev, track)), factor = ev.deltaY > 0 ? 1.25 : 0.8;
      this.setAxis(day - (day - this.axis[0]) * factor, day + (this.axis[1] - day) * factor);
    }, {passive: false});
    /** @type {null | {x: number, axis: number[]}} */
    let ovDrag = null;
    overview.addEventListener("pointerdown", (ev) => {
      if (ev.button !== 0) return;
      const x = localX(ev, overview), day = this.ovDay(x), span = this.axis[1] - this.axis[0];
      ovDrag = {x, axis: this.axis.slice()};
      if (day < this.axis[0] || day > this.axis[1]) { this.setAxis(day - span / 2, day + span / 2); ovDrag.axis = this.axis.slice(); }
      overview.setPointerCapture(ev.pointerId);
      ev.preventDefault();
    });
    overview.addEventListener("pointermove", (ev) => {
      if (!ovDrag) return;
      const delta = this.ovDay(localX(ev, overview)) - this.ovDay(ovDrag.x);
      this.setAxis(ovDrag.axis[0] + delta, ovDrag.axis[1] + delta);
    });
    overview.addEventListener("pointerup", () => { ovDrag = null; });
  }

  // ---- keyboard: arrows move the window (or one end) a day, Shift+arrows a week ------------
  _wireKeys() {
    const model = this.model;
    /** @param {"window" | "start" | "end"} which */
    const onKey = (which) => (/** @type {KeyboardEvent} */ ev) => {
      const found = keyStep(ev.key, ev.shiftKey);
      if (found == null) return;
      ev.preventDefault();
      this.player.stop();
      const dm = model.domain;
      // Home/End: to the domain's edge (the window keeps its length)
      const step = Number.isFinite(found) ? found : found < 0 ? dm[0] - model.start : dm[1] - model.end;
      if (which === "start") model.set(clamp(model.start + step, dm[0], model.end), model.end, "key");
      else if (which === "end") model.set(model.start, clamp(model.end + step, model.start, dm[1]), "key");
      else model.shift(step, "key");
      this.host.commit();
    };
    this.brush.addEventListener("keydown", /** @type {EventListener} */ (onKey("window")));
    this.h0.addEventListener("keydown", /** @type {EventListener} */ (onKey("start")));
    this.h1.addEventListener("keydown", /** @type {EventListener} */ (onKey("end")));
  }
}
