/** Filters: which events a view shows beyond its window; the browser's half of geo/filters.py.
 *
 * The same rule as Python's (tests/cases/filters.json is checked on both sides): kind, actor
 * group, side of the border, the highest figure of people killed at least N, the coarsest
 * time precision kept, and a search whose every word is a substring of the event's place,
 * actor, target and summary, normalised by `normaliseSearch`. Filters are read from and
 * written to URL keys (`FILTER_KEYS`), the same keys as Python's `geo.view.Filters`.
 * Nothing here touches the page: it is pure, and tested under Node (tests/js/).
 * @module
 */

export const FILTER_KEYS = Object.freeze(["kind", "actor", "side", "min_killed", "precision", "search"]);
/** Time precision, finest first: a filter keeps events dated this finely or finer. */
export const PRECISIONS = Object.freeze(["day", "week", "month", "year"]);
export const SEARCH_MAX_CHARS = 200;
export const SEARCH_MAX_WORDS = 12;
export const MAX_KILLED_FILTER = 1000000;
// An import's precision in its source's words -> the filter's class (geo/filters.py's table).
const PRECISION_PREFIXES = [["day", "day"], ["week", "week"], ["mid-week", "week"], ["within 2-6 days", "week"],
  ["month", "month"], ["within 8-30 days", "month"], ["within the year", "year"], ["year", "year"]];
const ASCII = /^[\x00-\x7f]*$/;
const MARKS = /\p{M}/gu;

/**
 * @typedef {object} Filters
 * @property {string[]} kinds  kinds kept (empty: all)
 * @property {string[]} actors actor groups kept (empty: all)
 * @property {string[]} sides  sides of the border kept (empty: all)
 * @property {number} minKilled the highest reported toll is at least this (0: any)
 * @property {string | null} precision the coarsest precision kept (null: any)
 * @property {string} search   the search as typed (white space collapsed)
 */

/**
 * What an event offers the filters: its kind, actor group, side, highest toll, precision
 * class and normalised searched text.
 * @typedef {object} FilterFields
 * @property {string | null | undefined} kind
 * @property {string | null | undefined} group
 * @property {string | null | undefined} side
 * @property {number | null | undefined} killed
 * @property {string | null | undefined} precision
 * @property {string | null | undefined} text
 */

/** @returns {Filters} filters that keep everything */
export function noFilters() {
  return { kinds: [], actors: [], sides: [], minKilled: 0, precision: null, search: "" };
}

/**
 * Text as a search compares it: compatibility forms decomposed, marks (accents) dropped,
 * lower case, runs of white space one space (Python's `normalise_search`).
 * @param {unknown} text
 * @returns {string}
 */
export function normaliseSearch(text) {
  if (text == null) return "";
  let value = String(text);
  if (!ASCII.test(value)) value = value.normalize("NFKD").replace(MARKS, "");
  return value.toLowerCase().split(/\s+/).filter(Boolean).join(" ");
}

/**
 * The filter's class (day, week, month, year) of a precision in any source's words.
 * @param {unknown} value
 * @returns {string}
 */
export function precisionClass(value) {
  const text = value == null ? "" : String(value).trim().toLowerCase();
  for (const [prefix, klass] of PRECISION_PREFIXES) if (text.startsWith(prefix)) return klass;
  return "day";
}

/**
 * @param {unknown} value
 * @param {readonly string[]} allowed
 * @returns {string[] | null} the values in `allowed`'s order, or null if one is not allowed
 */
function choices(value, allowed) {
  const byLower = new Map(allowed.map((a) => [a.toLowerCase(), a]));
  const picked = new Set();
  for (const item of String(value ?? "").split(",")) {
    const key = item.trim().toLowerCase();
    if (!key) continue;
    if (!byLower.has(key)) return null;
    picked.add(byLower.get(key));
  }
  return allowed.filter((a) => picked.has(a));
}

/**
 * Filters from URL keys (a URLSearchParams or a plain object of texts); a bad value is left
 * out (Python names it to the user when the page opens).
 * @param {URLSearchParams | Record<string, unknown>} query
 * @param {{kinds: readonly string[], actors: readonly string[], sides: readonly string[]}} allowed
 * @returns {Filters}
 */
export function filtersFromQuery(query, allowed) {
  /** @param {string} key */
  const get = (key) => (query instanceof URLSearchParams ? query.get(key) : query[key]);
  const out = noFilters();
  const kinds = choices(get("kind"), allowed.kinds);
  const actors = choices(get("actor"), allowed.actors);
  const sides = choices(get("side"), allowed.sides);
  if (kinds) out.kinds = kinds;
  if (actors) out.actors = actors;
  if (sides) out.sides = sides;
  const killed = String(get("min_killed") ?? "").trim();
  if (/^\d+$/.test(killed) && +killed <= MAX_KILLED_FILTER) out.minKilled = +killed;
  const precision = String(get("precision") ?? "").trim().toLowerCase();
  if (PRECISIONS.includes(precision)) out.precision = precision;
  out.search = cleanSearch(get("search"));
  return out;
}

/**
 * A search as typed, made safe: white space collapsed, control characters and anything past
 * the limits (characters, words) refused ("": no search).
 * @param {unknown} value
 * @returns {string}
 */
export function cleanSearch(value) {
  if (typeof value !== "string") return "";
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x08\x0a-\x1f\x7f-\x9f]/.test(value)) return "";
  const text = value.split(/\s+/).filter(Boolean).join(" ");
  if (text.length > SEARCH_MAX_CHARS || text.split(" ").length > SEARCH_MAX_WORDS) return "";
  return text;
}

/**
 * The filters as URL keys: only those that filter (Python's `Filters.to_query`).
 * @param {Filters} f
 * @returns {Record<string, string>}
 */
export function filtersToQuery(f) {
  /** @type {Record<string, string>} */
  const out = {};
  if (f.kinds.length) out.kind = f.kinds.join(",");
  if (f.actors.length) out.actor = f.actors.join(",");
  if (f.sides.length) out.side = f.sides.join(",");
  if (f.minKilled) out.min_killed = String(f.minKilled);
  if (f.precision) out.precision = f.precision;
  if (f.search) out.search = f.search;
  return out;
}

/**
 * @param {Filters} f
 * @returns {boolean} whether the filters leave any event out
 */
export function isActive(f) {
  return Object.keys(filtersToQuery(f)).length > 0;
}

/**
 * A test of one event's fields against the filters (made once per change of filters).
 * @param {Filters} f
 * @returns {(fields: FilterFields) => boolean}
 */
export function matcher(f) {
  if (!isActive(f)) return () => true;
  const kinds = f.kinds.length ? new Set(f.kinds) : null;
  const actors = f.actors.length ? new Set(f.actors) : null;
  const sides = f.sides.length ? new Set(f.sides) : null;
  const rank = f.precision ? PRECISIONS.indexOf(f.precision) : PRECISIONS.length;
  const words = normaliseSearch(f.search).split(" ").filter(Boolean);
  return (e) => {
    if (kinds && !kinds.has(String(e.kind))) return false;
    if (actors && !actors.has(String(e.group))) return false;
    if (sides && !sides.has(String(e.side))) return false;
    if (f.minKilled && !(e.killed != null && e.killed >= f.minKilled)) return false;
    if (rank < PRECISIONS.length && PRECISIONS.indexOf(precisionClass(e.precision)) > rank) return false;
    if (words.length) {
      const text = e.text ?? "";
      for (const w of words) if (!text.includes(w)) return false;
    }
    return true;
  };
}

/**
 * A text column as the engine receives it: each distinct text once, and a code per row
 * (`normal`: the values normalised for a search, made at the first search and kept).
 * @typedef {{values: string[], codes: ArrayLike<number>, normal?: string[]}} TextColumn
 */

/**
 * What the filters read of one of the atlas's events: its `_f` property (built by Python,
 * geo/web/explorer.py `filter_fields`: kind, side, highest toll, precision class, normalised
 * text) and its actor group (`_g`).
 * @param {{_f?: {k?: string | null, s?: string | null, n?: number | null, p?: string | null, x?: string | null}, _g?: string}} p
 * @returns {FilterFields}
 */
export function featureFields(p) {
  const f = p._f || {};
  return {kind: f.k, group: p._g, side: f.s, killed: f.n, precision: f.p, text: f.x};
}

/**
 * Which rows of a column-wise table the filters keep, testing each distinct text once
 * (100,000 imported events, a few dozen kinds and actors). `text` is the searched text, one
 * column or several (place, actor, target, summary): a row matches when every word of the
 * search is in one of them (the same as in their joined text, since a word has no line break).
 * @param {Filters} f
 * @param {{kind?: TextColumn, group?: TextColumn, side?: TextColumn, precision?: TextColumn,
 *          text?: TextColumn | TextColumn[], killed?: ArrayLike<number | null>}} cols
 * @param {number} n rows
 * @returns {Uint8Array} 1 where kept
 */
export function maskColumns(f, cols, n) {
  const keep = new Uint8Array(n).fill(1);
  if (!isActive(f)) return keep;
  const all = { kind: null, group: null, side: null, killed: null, precision: null, text: null };
  const only = noFilters();
  /** @param {Partial<Filters>} part */
  const sub = (part) => matcher({ ...only, ...part });
  const tests = {
    kind: sub({ kinds: f.kinds }), group: sub({ actors: f.actors }), side: sub({ sides: f.sides }),
    precision: sub({ precision: f.precision }), text: sub({ search: f.search }),
  };
  /** @type {[keyof typeof tests, TextColumn | undefined, boolean][]} */
  const steps = [["kind", cols.kind, f.kinds.length > 0], ["group", cols.group, f.actors.length > 0],
    ["side", cols.side, f.sides.length > 0], ["precision", cols.precision, !!f.precision],
    ["text", Array.isArray(cols.text) ? undefined : cols.text, !!f.search && !Array.isArray(cols.text)]];
  for (const [key, col, on] of steps) {
    if (!on) continue;
    const one = tests[key];
    if (!col) { // a field the table lacks is missing in every row (as in Python)
      if (!one({ ...all, [key]: null })) keep.fill(0);
      continue;
    }
    const ok = col.values.map((v) => one({ ...all, [key]: v }));
    for (let i = 0; i < n; i++) {
      const code = col.codes[i];
      if (keep[i] && !(code >= 0 ? ok[code] : one({ ...all, [key]: null }))) keep[i] = 0;
    }
  }
  if (f.search && Array.isArray(cols.text)) searchFields(f.search, cols.text, keep, n);
  if (f.minKilled) {
    const killed = cols.killed;
    for (let i = 0; i < n; i++) {
      const k = killed ? killed[i] : null;
      if (keep[i] && !(k != null && k >= f.minKilled)) keep[i] = 0;
    }
  }
  return keep;
}

/**
 * Keep (in `keep`) only the rows where every word of `search` is in one of the text columns.
 * @param {string} search
 * @param {TextColumn[]} texts
 * @param {Uint8Array} keep
 * @param {number} n
 */
function searchFields(search, texts, keep, n) {
  const words = normaliseSearch(search).split(" ").filter(Boolean);
  const normal = texts.map((col) => col.normal || (col.normal = col.values.map(normaliseSearch)));
  for (const word of words) {
    const has = normal.map((values) => values.map((v) => v.includes(word)));
    for (let i = 0; i < n; i++) {
      if (!keep[i]) continue;
      let found = false;
      for (let c = 0; c < texts.length && !found; c++) {
        const code = texts[c].codes[i];
        found = code >= 0 && has[c][code];
      }
      if (!found) keep[i] = 0;
    }
  }
}

/**
 * A column of any reader as a TextColumn: each distinct text once, a code per row (-1: none).
 * @param {(i: number) => unknown} get
 * @param {number} n
 * @returns {TextColumn}
 */
export function codeColumn(get, n) {
  /** @type {Map<string, number>} */
  const seen = new Map();
  /** @type {string[]} */
  const values = [];
  const codes = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const v = get(i);
    if (v == null || v === "") { codes[i] = -1; continue; }
    const key = String(v);
    let code = seen.get(key);
    if (code === undefined) { code = values.length; values.push(key); seen.set(key, code); }
    codes[i] = code;
  }
  return {values, codes};
}
