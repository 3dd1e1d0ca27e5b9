/** A throttle: work that follows a moving value (the date fields following the window)
 * runs at once when it has not run for a while, and otherwise once more when the interval
 * has passed, on the value of that moment: never more often than every `ms`, never left
 * behind on a stale value.
 * @module
 */

/**
 * The clock a throttle reads and sets its timer with (a window, or a test's clock).
 * @typedef {{
 *   now: () => number,
 *   setTimeout: (fn: () => void, ms: number) => number,
 *   clearTimeout: (id: number) => void,
 * }} Clock
 */

export class Throttle {
  /**
   * @param {() => void} fn  the work; it reads the value it follows when it runs
   * @param {number} ms  the shortest time between two runs
   * @param {Clock} clock
   */
  constructor(fn, ms, clock) {
    this.fn = fn;
    this.ms = ms;
    this.clock = clock;
    /** When the work last ran (-Infinity: never). */
    this.last = -Infinity;
    /** @type {number | null} the timer of the run that is due */
    this.timer = null;
  }

  /** The value changed: run now, or once when the interval has passed. */
  request() {
    if (this.timer != null) return;  // a run is due, and it will read the newest value
    const wait = this.last + this.ms - this.clock.now();
    if (wait <= 0) { this._run(); return; }
    this.timer = this.clock.setTimeout(() => { this.timer = null; this._run(); }, wait);
  }

  _run() {
    this.last = this.clock.now();
    this.fn();
  }
}

/**
 * A document's window as a throttle's clock.
 * @param {Window} view
 * @returns {Clock}
 */
export function windowClock(view) {
  return {now: () => view.performance.now(), setTimeout: (fn, ms) => view.setTimeout(fn, ms),
          clearTimeout: (id) => view.clearTimeout(id)};
}
