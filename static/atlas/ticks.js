/** The timeline's axis labels: a label about every 90 px, in days, weeks, months or years,
 * each carrying its year (a zoomed-in axis is read without the overview above it).
 * @module
 */
import {MONTHS, MS_DAY, dateParts, weekday} from "#atlas/days.js";

/** @typedef {[number, string]} Tick  a day and its label */

/**
 * The ticks of an axis from `from` to `to` (days) drawn `width` px wide.
 * @param {number} from
 * @param {number} to
 * @param {number} width
 * @returns {Tick[]}
 */
export function ticks(from, to, width) {
  const span = to - from;
  /** @type {Tick[]} */
  const out = [];
  const unit = span / (width / 90);  // about a label every 90 px
  if (unit <= 1.2) {
    for (let d = from; d <= to; d++) { const p = dateParts(d); out.push([d, p[2] + " " + MONTHS[p[1]] + " " + p[0]]); }
  } else if (unit <= 8) {
    for (let w = from; w <= to; w++) {
      if (weekday(w) === 1) { const p = dateParts(w); out.push([w, p[2] + " " + MONTHS[p[1]] + " " + p[0]]); }
    }
  } else {
    const every = unit <= 40 ? 1 : unit <= 100 ? 3 : unit <= 200 ? 6 : 12;
    const s = dateParts(from);
    let y = s[0], mo = s[1];
    for (;;) {
      const day = Math.round(Date.UTC(y, mo, 1) / MS_DAY);
      if (day > to) break;
      if (day >= from && mo % every === 0) {
        out.push([day, every >= 12 ? String(y) : MONTHS[mo] + " " + y]);
      }
      mo++;
      if (mo > 11) { mo = 0; y++; }
    }
  }
  return out;
}
