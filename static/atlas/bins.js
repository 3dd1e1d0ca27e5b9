/** The timeline's bars: events counted per day and actor group, then summed into bins.
 * @module
 */
import {clamp} from "#atlas/days.js";

/** @typedef {[number, number[]]} Bin  its first day and its count per group */

/**
 * Days per bar for a span of days drawn `width` px wide: a day, a week, a month or a quarter.
 * @param {number} span
 * @param {number} width
 * @returns {number}
 */
export function binDays(span, width) {
  const perPx = span / width;
  if (perPx <= 0.25) return 1;
  if (perPx <= 1.5) return 7;
  if (perPx <= 6) return 30;
  return 91;
}

/**
 * Empty per-day counts: one array per group over the domain's days.
 * @param {[number, number]} domain
 * @param {number} groups
 * @returns {Uint32Array[]}
 */
export function emptyCounts(domain, groups) {
  const n = domain[1] - domain[0] + 1;
  return Array.from({length: groups}, () => new Uint32Array(n));
}

/**
 * Count one event of group `group` (undefined: not counted). An event spanning several days
 * (a month, say) counts on its first day only, or the domain's first day when it began before.
 * @param {Uint32Array[]} counts
 * @param {[number, number]} domain
 * @param {number} first
 * @param {number} last
 * @param {number | undefined} group
 */
export function countEvent(counts, domain, first, last, group) {
  if (group == null || last < domain[0] || first > domain[1]) return;
  counts[group][clamp(first, domain[0], domain[1]) - domain[0]]++;
}

/**
 * The bins from day `from` to day `to`, `step` days each, aligned on the domain's first day,
 * and the largest bin's total.
 * @param {Uint32Array[]} counts
 * @param {[number, number]} domain
 * @param {number} from
 * @param {number} to
 * @param {number} step
 * @returns {{bins: Bin[], max: number}}
 */
export function bins(counts, domain, from, to, step) {
  let max = 1;
  /** @type {Bin[]} */
  const out = [];
  const start = from - ((from - domain[0]) % step + step) % step;
  for (let d = start; d <= to; d += step) {
    const lo = Math.max(d, domain[0]), hi = Math.min(d + step, domain[1] + 1);
    const stack = counts.map((arr) => {
      let total = 0;
      for (let k = lo; k < hi; k++) total += arr[k - domain[0]];
      return total;
    });
    const sum = stack.reduce((x, y) => x + y, 0);
    if (sum > max) max = sum;
    out.push([d, stack]);
  }
  return {bins: out, max};
}
