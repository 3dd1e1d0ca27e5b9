/** Playback: the window moves by so many days a second, sliding (its length kept) or
 * growing (its start kept), once or in a loop.
 * @module
 */

/** @typedef {"slide" | "grow"} PlayMode */
/** @typedef {{mode: PlayMode, speed: number, loop: boolean}} PlayOptions */
/** @typedef {{frames: number, seconds: number}} PlayStats */

export const SPEEDS = Object.freeze([  // days per second of playback
  {days: 1, label: "1 day/s"}, {days: 3, label: "3 days/s"}, {days: 7, label: "1 week/s"},
  {days: 14, label: "2 weeks/s"}, {days: 30, label: "1 month/s"}
]);

/**
 * One step of playback: where the window goes after `dt` seconds, and whether play stops.
 * @param {{mode: PlayMode, speed: number, loop: boolean, pos: number, start: number, span: number}} p
 *   the play's state; `pos` (the window's end, in fractional days) is advanced in place
 * @param {number} dt  seconds since the last step (at most a quarter of a second counts)
 * @param {[number, number]} domain
 * @returns {{win: [number, number], stop: boolean}}
 */
export function step(p, dt, domain) {
  p.pos += Math.min(0.25, dt) * p.speed;
  let end = Math.floor(p.pos);
  if (end >= domain[1]) {
    if (!p.loop) return {win: [p.mode === "grow" ? p.start : domain[1] - p.span, domain[1]], stop: true};
    p.pos = p.mode === "grow" ? p.start : domain[0] + p.span;
    end = Math.floor(p.pos);
  }
  return {win: p.mode === "grow" ? [p.start, Math.max(p.start, end)] : [end - p.span, end], stop: false};
}

export class Player {
  /**
   * @param {import("#atlas/window-model.js").WindowModel} model
   * @param {{frame: (fn: (now: number) => void) => unknown, now: () => number}} clock
   *   the browser's requestAnimationFrame and performance.now
   */
  constructor(model, clock) {
    this.model = model;
    this.clock = clock;
    /** @type {null | {mode: PlayMode, speed: number, loop: boolean, pos: number, start: number, span: number,
     *   last: number, frames: number, t0: number}} */
    this.play = null;
    /** @type {PlayStats | null} */
    this.lastPlay = null;
    /** @type {Array<(playing: boolean) => void>} */
    this._listeners = [];
    this._tick = this._tick.bind(this);
  }

  /** @returns {boolean} */
  get playing() { return this.play != null; }

  /** Hear play start (true) and stop (false). @param {(playing: boolean) => void} fn */
  onPlaying(fn) { this._listeners.push(fn); }

  /** @param {PlayOptions} opts */
  start(opts) {
    const m = this.model, span = m.span;
    if (m.end >= m.domain[1]) m.set(m.domain[0], m.domain[0] + span, "play");  // from the start again
    const now = this.clock.now();
    this.play = {mode: opts.mode, speed: opts.speed, loop: opts.loop, last: now,
                 pos: m.end, start: m.start, span, frames: 0, t0: now};
    this._listeners.forEach((fn) => fn(true));
    this.clock.frame(this._tick);
  }

  stop() {
    const p = this.play;
    if (!p) return;
    this.lastPlay = {frames: p.frames, seconds: (this.clock.now() - p.t0) / 1000};
    this.play = null;
    this._listeners.forEach((fn) => fn(false));
  }

  /** @param {number} now */
  _tick(now) {
    const p = this.play;
    if (!p) return;
    const dt = (now - p.last) / 1000;
    p.last = now; p.frames++;
    const next = step(p, dt, this.model.domain);
    this.model.set(next.win[0], next.win[1], "play");
    if (next.stop) { this.stop(); return; }
    this.clock.frame(this._tick);
  }
}
