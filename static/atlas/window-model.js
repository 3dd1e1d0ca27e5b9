/** The date window: the one place it changes, and the events that tell the rest.
 *
 * A model in the manner of Leaflet.TimeDimension's: it holds the domain (the days the
 * atlas covers) and the window inside it; layers, the timeline and the player listen to it.
 * @module
 */
import {clamp} from "#atlas/days.js";

/** @typedef {{start: number, end: number, source: string}} WindowChange */

/**
 * The window [start, end] made whole days inside the domain, start before end.
 * @param {number} start
 * @param {number} end
 * @param {[number, number]} domain
 * @returns {[number, number]}
 */
export function clampWindow(start, end, domain) {
  start = Math.round(start); end = Math.round(end);
  if (end < start) { const t = start; start = end; end = t; }
  start = clamp(start, domain[0], domain[1]);
  end = clamp(end, start, domain[1]);
  return [start, end];
}

/**
 * The window moved by `days`, its length kept, inside the domain.
 * @param {[number, number]} win
 * @param {number} days
 * @param {[number, number]} domain
 * @returns {[number, number]}
 */
export function shifted(win, days, domain) {
  const span = win[1] - win[0];
  const start = clamp(win[0] + days, domain[0], domain[1] - span);
  return [start, start + span];
}

export class WindowModel {
  /**
   * @param {[number, number]} domain
   * @param {[number, number]} win
   */
  constructor(domain, win) {
    /** @type {[number, number]} */
    this.domain = [domain[0], domain[1]];
    /** @type {[number, number]} */
    this.win = clampWindow(win[0], win[1], this.domain);
    /** @type {Array<(change: WindowChange) => void>} */
    this._listeners = [];
  }

  /** @returns {number} */
  get start() { return this.win[0]; }
  /** @returns {number} */
  get end() { return this.win[1]; }
  /** @returns {number} the window's length in days, less one */
  get span() { return this.win[1] - this.win[0]; }

  /**
   * Hear every change of the window.
   * @param {(change: WindowChange) => void} fn
   */
  onChange(fn) { this._listeners.push(fn); }

  /**
   * Set the window; listeners hear it when it changed (always for "init").
   * @param {number} start
   * @param {number} end
   * @param {string} source  what moved it: "brush", "key", "play", "preset", "init", ...
   * @returns {boolean} whether it changed
   */
  set(start, end, source) {
    const next = clampWindow(start, end, this.domain);
    if (next[0] === this.win[0] && next[1] === this.win[1] && source !== "init") return false;
    this.win = next;
    const change = {start: next[0], end: next[1], source};
    this._listeners.forEach((fn) => fn(change));
    return true;
  }

  /**
   * Move the window by `days`, its length kept.
   * @param {number} days
   * @param {string} source
   */
  shift(days, source) {
    const next = shifted(this.win, days, this.domain);
    return this.set(next[0], next[1], source);
  }
}
