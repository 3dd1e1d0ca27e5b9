/** The view in an address: read from the query string and the fragment (a static copy has
 * no server, so `#window=crisis-week&event=...` works as well as `?start=...`), and written
 * back into the query string. The keys come from Python (the configuration's `urlKeys`,
 * geo/web/contract.py URL_KEYS); this module names only the event and the named window.
 * @module
 */

import {FILTER_KEYS} from "#atlas/filters.js";

export const EVENT_KEY = "event";
export const WINDOW_KEY = "window";
/** The named window's old key, still read. */
export const OLD_WINDOW_KEY = "preset";

/** @typedef {{values: Record<string, string>, window: string | null, event: string | null}} AddressView */

/**
 * The view an address names: the fragment's keys over the query string's.
 * @param {string} search  the query string ("?a=1&b=2", or "")
 * @param {string} hash  the fragment ("#a=1", or "")
 * @param {readonly string[]} keys  the view's keys (urlKeys)
 * @returns {AddressView}
 */
export function readAddress(search, hash, keys) {
  const query = new URLSearchParams(search);
  const fragment = new URLSearchParams(hash.replace(/^#/, ""));
  /** @param {string} key @returns {string | null} */
  const get = (key) => fragment.has(key) ? fragment.get(key) : query.get(key);
  /** @type {Record<string, string>} */
  const values = {};
  for (const key of keys) {
    const v = get(key);
    if (v != null && v !== "") values[key] = v;
  }
  return {values, window: get(WINDOW_KEY) || get(OLD_WINDOW_KEY) || null, event: get(EVENT_KEY) || null};
}

/**
 * The query string with the view's `values` written in (keys not given keep their value);
 * the named window goes (the start and end say it), and the event with `dropEvent`.
 * @param {string} search
 * @param {Record<string, unknown>} values
 * @param {readonly string[]} keys
 * @param {boolean} dropEvent
 * @param {Record<string, string>} [filters]  the filters as URL keys: written, and the others removed
 * @returns {string}  "?..." (or "" for none)
 */
export function writeAddress(search, values, keys, dropEvent, filters) {
  const params = new URLSearchParams(search);
  params.delete(OLD_WINDOW_KEY);
  params.delete(WINDOW_KEY);
  if (dropEvent) params.delete(EVENT_KEY);
  for (const key of keys) if (values[key] != null) params.set(key, String(values[key]));
  if (filters) writeFilters(params, filters);
  const text = params.toString();
  return text ? "?" + text : "";
}

/**
 * The filters' keys in `params`: those given set, the others removed (a filter cleared).
 * @param {URLSearchParams} params
 * @param {Record<string, string>} filters  the filters as URL keys (filters.js filtersToQuery)
 */
function writeFilters(params, filters) {
  for (const key of FILTER_KEYS) {
    if (filters[key]) params.set(key, filters[key]); else params.delete(key);
  }
}

/**
 * The fragment (a file's or a static copy's address, which has no server) with the window and
 * the filters written in; other keys (an event, layers) keep their value, a named window goes.
 * @param {string} hash  "#a=1" or ""
 * @param {{start: string, end: string}} win
 * @param {Record<string, string>} filters
 * @returns {string}  "#..." (or "" for none)
 */
export function writeFragment(hash, win, filters) {
  const params = new URLSearchParams(hash.replace(/^#/, ""));
  params.delete(OLD_WINDOW_KEY);
  params.delete(WINDOW_KEY);
  params.set("start", win.start);
  params.set("end", win.end);
  writeFilters(params, filters);
  const text = params.toString();
  return text ? "#" + text : "";
}

/**
 * The filters an address names (query string and fragment), as URL keys; null when it names
 * none (the engine then keeps those Python sent).
 * @param {string} search
 * @param {string} hash
 * @returns {Record<string, string> | null}
 */
export function addressFilters(search, hash) {
  const found = readAddress(search, hash, FILTER_KEYS).values;
  return Object.keys(found).length ? found : null;
}

/** @typedef {{key: string, start: string, end: string}} NamedWindow */
/** @typedef {{window?: [string, string], view?: {lat: number, lon: number, zoom: number}, event?: string}} OpenWith */

const ISO = /^\d{4}-\d{2}-\d{2}$/;

/**
 * What an address asks the engine to open with: a window (a named one, then start and end
 * over it), a map view (all three of lat, lon, zoom, in range), an event. Anything malformed
 * is left out; the engine keeps what Python sent.
 * @param {AddressView} address
 * @param {readonly NamedWindow[]} windows  the named windows (the configuration's presets)
 * @param {[string, string]} current  the window Python sent
 * @returns {OpenWith}
 */
export function openWith(address, windows, current) {
  /** @type {OpenWith} */
  const out = {};
  const named = address.window ? windows.find((w) => w.key === address.window) : undefined;
  let start = named ? named.start : current[0], end = named ? named.end : current[1];
  const v = address.values;
  if (v.start && ISO.test(v.start)) start = v.start;
  if (v.end && ISO.test(v.end)) end = v.end;
  if (named || start !== current[0] || end !== current[1]) out.window = [start, end];
  const lat = Number(v.lat), lon = Number(v.lon), zoom = Number(v.zoom);
  if (v.lat && v.lon && v.zoom && Math.abs(lat) <= 90 && Math.abs(lon) <= 180 && Number.isInteger(zoom) && zoom >= 0 && zoom <= 20) {
    out.view = {lat, lon, zoom};
  }
  if (address.event) out.event = address.event;
  return out;
}
