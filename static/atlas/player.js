/** Playback: the window moves by so many days a second, sliding (its length kept) or
 * growing (its start kept), once or in a loop.
 *
 * What Play plays follows what the window is (`playPlan`): a preset window (crisis week, say)
 * is stepped through day by day as its animation export does (sliding: a window one second of
 * play long moves across it; growing: from its first day to its last), then shown whole again;
 * any other window plays on to the end of the data.
 * @module
 */
import {fmtDay} from "#atlas/days.js";

/** @typedef {"slide" | "grow"} PlayMode */
/**
 * What one playback does: the window it starts from, the last day its end reaches, the
 * days a loop starts again from, the window shown when it ends (null: where it stopped),
 * and a sentence saying so.
 * @typedef {{from: [number, number], until: number, loopFrom: [number, number],
 *   restore: [number, number] | null, preset: string | null, text: string}} PlayPlan
 */
/** @typedef {{mode: PlayMode, speed: number, loop: boolean, plan?: PlayPlan}} PlayOptions */
/** @typedef {{frames: number, seconds: number}} PlayStats */

export const SPEEDS = Object.freeze([  // days per second of playback
  {days: 1, label: "1 day/s"}, {days: 3, label: "3 days/s"}, {days: 7, label: "1 week/s"},
  {days: 14, label: "2 weeks/s"}, {days: 30, label: "1 month/s"}
]);

/**
 * What Play will play from the window `win`: the preset it is (its key and label), stepped
 * through; or, for any other window, on to the end of the data.
 * @param {[number, number]} win
 * @param {{key: string, label: string, days: [number, number]} | null} preset  the preset the window is, if any
 * @param {[number, number]} domain
 * @param {PlayMode} mode
 * @param {number} speed  days a second
 * @returns {PlayPlan}
 */
export function playPlan(win, preset, domain, mode, speed) {
  if (preset && preset.days[1] > preset.days[0]) {
    const [a, b] = preset.days;
    // sliding: a window as long as one second of play (a day at 1 day/s), never longer than the preset
    const span = mode === "grow" ? 0 : Math.min(b - a, Math.max(1, Math.round(speed)) - 1);
    const first = /** @type {[number, number]} */ ([a, a + span]);
    return {from: first, until: b, loopFrom: first, restore: [a, b], preset: preset.key,
            text: "Play: through " + preset.label.replace(/\s*\(.*\)$/, "") + (mode === "grow" ? ", growing" : ", day by day")};
  }
  const span = win[1] - win[0];
  const atEnd = win[1] >= domain[1];
  const from = /** @type {[number, number]} */ (atEnd ? [domain[0], domain[0] + span] : [win[0], win[1]]);
  const loopFrom = /** @type {[number, number]} */ (mode === "grow" ? from : [domain[0], domain[0] + span]);
  return {from, until: domain[1], loopFrom, restore: null, preset: null,
          text: "Play: " + (atEnd ? "from the start" : "on") + " to the end of the data, " + fmtDay(domain[1])};
}

/**
 * One step of playback: where the window goes after `dt` seconds, and whether play stops.
 * @param {{mode: PlayMode, speed: number, loop: boolean, pos: number, start: number, span: number,
 *   until?: number, loopFrom?: [number, number]}} p
 *   the play's state; `pos` (the window's end, in fractional days) is advanced in place; the
 *   window's end stops at `until` (the domain's last day when not given) and a loop starts
 *   again from `loopFrom` (the domain's first days)
 * @param {number} dt  seconds since the last step (at most a quarter of a second counts; a
 *   negative one, a frame stamped before the last step, counts nothing)
 * @param {[number, number]} domain
 * @returns {{win: [number, number], stop: boolean}}
 */
export function step(p, dt, domain) {
  const until = p.until == null ? domain[1] : p.until;
  p.pos += Math.min(0.25, Math.max(0, dt)) * p.speed;
  let end = Math.floor(p.pos);
  if (end >= until) {
    if (!p.loop) return {win: [p.mode === "grow" ? p.start : until - p.span, until], stop: true};
    const again = p.loopFrom || (p.mode === "grow" ? [p.start, p.start] : [domain[0], domain[0] + p.span]);
    p.pos = p.mode === "grow" ? again[0] : again[1];
    if (p.mode === "grow") p.start = again[0];
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
     *   last: number, frames: number, t0: number, until?: number, loopFrom?: [number, number],
     *   restore: [number, number] | null}} */
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

  /** @param {PlayOptions} opts  with a `plan` (playPlan), what it says; without, on to the end */
  start(opts) {
    const m = this.model, plan = opts.plan;
    if (plan) m.set(plan.from[0], plan.from[1], "play");
    else if (m.end >= m.domain[1]) m.set(m.domain[0], m.domain[0] + m.span, "play");  // from the start again
    const now = this.clock.now();
    this.play = {mode: opts.mode, speed: opts.speed, loop: opts.loop, last: now,
                 pos: m.end, start: m.start, span: m.span, frames: 0, t0: now,
                 until: plan ? plan.until : undefined, loopFrom: plan ? plan.loopFrom : undefined,
                 restore: plan ? plan.restore : null};
    this._listeners.forEach((fn) => fn(true));
    this.clock.frame(this._tick);
  }

  /** Stop playing; `finished` (the play reached its end) shows a preset whole again. @param {boolean} [finished] */
  stop(finished) {
    const p = this.play;
    if (!p) return;
    this.lastPlay = {frames: p.frames, seconds: (this.clock.now() - p.t0) / 1000};
    this.play = null;
    if (finished && p.restore) this.model.set(p.restore[0], p.restore[1], "play");
    this._listeners.forEach((fn) => fn(false));
  }

  /** @param {number} now */
  _tick(now) {
    const p = this.play;
    if (!p) return;
    // a frame's time is when the frame began, which can come before the clock read at start
    const dt = (now - p.last) / 1000;
    p.last = Math.max(p.last, now); p.frames++;
    const next = step(p, dt, this.model.domain);
    this.model.set(next.win[0], next.win[1], "play");
    if (next.stop) { this.stop(true); return; }
    this.clock.frame(this._tick);
  }
}
