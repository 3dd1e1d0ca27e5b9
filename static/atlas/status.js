/** A crossing's status on a day, from the dated changes Python computed.
 * @module
 */

/** @typedef {[number, string]} StatusChange  the day of a change and the status from then on */

/**
 * The status on `day`: that of the last change on or before it (null before the first).
 * `history` is in order of day.
 * @param {StatusChange[]} history
 * @param {number} day
 * @returns {string | null}
 */
export function statusOn(history, day) {
  let state = null;
  for (let i = 0; i < history.length && history[i][0] <= day; i++) state = history[i][1];
  return state;
}
