/** The filters as compact controls beside the timeline: kind, actor group and side (each a
 * menu of checkboxes), killed at least N, time precision, a search, and a button that clears
 * them. They read and write a `Filters` (filters.js); the engine applies it.
 *
 * Every text a user types stays text: the search is read from its field's value and never
 * written into the page as markup.
 * @module
 */
import {MAX_KILLED_FILTER, SEARCH_MAX_CHARS, cleanSearch, isActive, noFilters} from "#atlas/filters.js";

/** @typedef {import("#atlas/filters.js").Filters} Filters */
/** @typedef {{key: string, label: string}} Choice */
/** @typedef {{kind?: Choice[], actor?: Choice[], side?: Choice[], precision?: Choice[]}} FilterChoices */

/** The menus: the URL key, the Filters field, the menu's name. */
const MENUS = /** @type {const} */ ([["kind", "kinds", "Kind"], ["actor", "actors", "Actor"], ["side", "sides", "Side"]]);

/**
 * A menu's summary: "Kind: all", "Kind: Strike", "Kind: 3 of 10".
 * @param {string} name
 * @param {Choice[]} choices
 * @param {string[]} picked
 */
export function menuText(name, choices, picked) {
  if (!picked.length || picked.length === choices.length) return name + ": all";
  if (picked.length === 1) {
    const one = choices.find((c) => c.key === picked[0]);
    return name + ": " + (one ? one.label : picked[0]);
  }
  return name + ": " + picked.length + " of " + choices.length;
}

/**
 * What the killed field holds: a whole number from 0 (empty: 0), or null when it is not one.
 * @param {string} text
 * @returns {number | null}
 */
export function killedValue(text) {
  const t = String(text).trim();
  if (t === "") return 0;
  if (!/^\d+$/.test(t) || +t > MAX_KILLED_FILTER) return null;
  return +t;
}

export class FilterControls {
  /**
   * @param {HTMLElement} row  where the controls go
   * @param {FilterChoices} choices  each filter's values and their words (from Python)
   * @param {Filters} initial
   * @param {(f: Filters) => void} onChange  hears every change, as it is made
   */
  constructor(row, choices, initial, onChange) {
    this.row = row;
    this.doc = row.ownerDocument;
    this.choices = choices;
    this.onChange = onChange;
    /** @type {Filters} */
    this.value = noFilters();
    /** @type {Record<string, {details: HTMLDetailsElement, summary: HTMLElement, boxes: HTMLInputElement[]}>} */
    this.menus = {};
    const ui = this._build();
    this.killed = ui.killed; this.precision = ui.precision; this.search = ui.search;
    this.clear = ui.clear; this.message = ui.message;
    this.set(initial);
  }

  /** @param {string} tag @param {Record<string, string>} attrs @param {Element} parent @returns {HTMLElement} */
  _el(tag, attrs, parent) {
    const node = this.doc.createElement(tag);
    Object.keys(attrs).forEach((k) => { if (k === "text") node.textContent = attrs[k]; else node.setAttribute(k, attrs[k]); });
    parent.appendChild(node);
    return node;
  }

  _build() {
    const el = this._el.bind(this), row = this.row;
    el("span", {"class": "ba-fl-title", text: "Show:"}, row);
    for (const [key, , name] of MENUS) {
      const list = this.choices[key] || [];
      const details = /** @type {HTMLDetailsElement} */ (el("details", {"class": "ba-fl-menu", "data-filter": key}, row));
      const summary = el("summary", {}, details);
      const pop = el("div", {"class": "ba-fl-pop", role: "group", "aria-label": name + " shown"}, details);
      const boxes = list.map((c) => {
        const label = el("label", {}, pop);
        const box = /** @type {HTMLInputElement} */ (el("input", {type: "checkbox", value: c.key}, label));
        label.appendChild(this.doc.createTextNode(" " + c.label));
        box.addEventListener("change", () => this._changed());
        return box;
      });
      this.menus[key] = {details, summary, boxes};
    }
    // A menu closes when another opens, and on Escape or a click elsewhere.
    row.addEventListener("toggle", (ev) => {
      const opened = /** @type {HTMLDetailsElement} */ (ev.target);
      if (opened.open) Object.values(this.menus).forEach((m) => { if (m.details !== opened) m.details.open = false; });
    }, true);
    this.doc.addEventListener("pointerdown", (ev) => {
      if (!row.contains(/** @type {Node} */ (ev.target))) this.closeMenus();
    });
    row.addEventListener("keydown", (ev) => { if (ev.key === "Escape") this.closeMenus(); });
    const killedLabel = el("label", {"class": "ba-fl-killed"}, row);
    killedLabel.appendChild(this.doc.createTextNode("Killed ≥ "));
    const killed = /** @type {HTMLInputElement} */ (el("input", {type: "number", min: "0", max: String(MAX_KILLED_FILTER),
                                                                 step: "1", inputmode: "numeric"}, killedLabel));
    killed.addEventListener("input", () => this._changed());
    const precision = /** @type {HTMLSelectElement} */ (el("select", {"aria-label": "Time precision"}, row));
    el("option", {value: "", text: "Any precision"}, precision);
    (this.choices.precision || []).forEach((c) => el("option", {value: c.key, text: c.label}, precision));
    precision.addEventListener("change", () => this._changed());
    const search = /** @type {HTMLInputElement} */ (el("input", {type: "search", "class": "ba-fl-search", placeholder: "Search",
                                                                 maxlength: String(SEARCH_MAX_CHARS),
                                                                 "aria-label": "Search place, actor, target and summary"}, row));
    search.addEventListener("input", () => this._changed());
    const clear = /** @type {HTMLButtonElement} */ (el("button", {type: "button", text: "Clear filters"}, row));
    clear.addEventListener("click", () => { this.set(noFilters()); this.onChange(this.value); });
    const message = el("span", {"class": "ba-fl-msg", role: "status"}, row);
    return {killed, precision, search, clear, message};
  }

  closeMenus() { Object.values(this.menus).forEach((m) => { m.details.open = false; }); }

  /** Show `f` in the controls (without telling onChange). @param {Filters} f */
  set(f) {
    for (const [key, field, name] of MENUS) {
      const menu = this.menus[key], picked = f[field];
      menu.boxes.forEach((b) => { b.checked = picked.includes(b.value); });
      menu.summary.textContent = menuText(name, this.choices[key] || [], picked);
    }
    this.killed.value = f.minKilled ? String(f.minKilled) : "";
    this.precision.value = f.precision || "";
    this.search.value = f.search;
    this.message.textContent = "";
    this.value = f;
    this.clear.disabled = !isActive(f);
  }

  /** The controls as Filters; a value that is not one is named and left out. */
  _read() {
    const f = noFilters();
    for (const [key, field] of MENUS) {
      f[field] = this.menus[key].boxes.filter((b) => b.checked).map((b) => b.value);
    }
    const problems = [];
    const killed = this.killed.validity && this.killed.validity.badInput ? null : killedValue(this.killed.value);
    if (killed == null) problems.push("Killed must be a whole number from 0");
    else f.minKilled = killed;
    f.precision = this.precision.value || null;
    const typed = this.search.value, search = cleanSearch(typed);
    if (typed.trim() && !search) problems.push("the search is too long (at most 12 words, 200 characters)");
    f.search = search;
    return {f, problems};
  }

  _changed() {
    const {f, problems} = this._read();
    for (const [key, field, name] of MENUS) this.menus[key].summary.textContent = menuText(name, this.choices[key] || [], f[field]);
    this.message.textContent = problems.length ? problems.join("; ") + ": not applied." : "";
    this.value = f;
    this.clear.disabled = !isActive(f);
    this.onChange(f);
  }
}
