/** Days: the engine's one unit of time.
 *
 * A day is an integer: days since 1970-01-01 (UTC). A window is [start, end], both included.
 * A feature's span is [first, last] (null first: always; null last: open-ended); Python
 * computes the spans, the engine only compares day numbers.
 * @module
 */

export const MS_DAY = 86400000;
export const MONTHS = Object.freeze(["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]);
/** The day numbers that stand for "always" and "open-ended" when a span has no first or last day. */
export const NEVER_BEFORE = -1e9;
export const NEVER_AFTER = 1e9;

/**
 * The day of an ISO date (YYYY-MM-DD; a missing month or day is the first), null for none.
 * @param {string | null | undefined} iso
 * @returns {number | null}
 */
export function dayOf(iso) {
  if (iso == null || iso === "") return null;
  const p = String(iso).split("-");
  return Math.round(Date.UTC(+p[0], (+p[1] || 1) - 1, +p[2] || 1) / MS_DAY);
}

/**
 * The ISO date (YYYY-MM-DD) of a day.
 * @param {number} day
 * @returns {string}
 */
export function isoOf(day) {
  return new Date(day * MS_DAY).toISOString().slice(0, 10);
}

/**
 * [year, month (0-11), day of month] of a day.
 * @param {number} day
 * @returns {[number, number, number]}
 */
export function dateParts(day) {
  const d = new Date(day * MS_DAY);
  return [d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()];
}

/**
 * The day of the week (0 Sunday ... 6 Saturday).
 * @param {number} day
 * @returns {number}
 */
export function weekday(day) {
  return new Date(day * MS_DAY).getUTCDay();
}

/**
 * A day as people read it: "17 Jan 2024".
 * @param {number} day
 * @returns {string}
 */
export function fmtDay(day) {
  const p = dateParts(day);
  return p[2] + " " + MONTHS[p[1]] + " " + p[0];
}

/**
 * @param {number} x
 * @param {number} lo
 * @param {number} hi
 * @returns {number}
 */
export function clamp(x, lo, hi) {
  return Math.max(lo, Math.min(hi, x));
}

/**
 * A span as two day numbers: null first is "always", null last is "open-ended".
 * @param {number | null | undefined} first
 * @param {number | null | undefined} last
 * @returns {[number, number]}
 */
export function span(first, last) {
  return [first == null ? NEVER_BEFORE : first, last == null ? NEVER_AFTER : last];
}

/**
 * Whether a span [first, last] meets the window [start, end] (all days included).
 * @param {number} first
 * @param {number} last
 * @param {number} start
 * @param {number} end
 * @returns {boolean}
 */
export function inWindow(first, last, start, end) {
  return first <= end && last >= start;
}
