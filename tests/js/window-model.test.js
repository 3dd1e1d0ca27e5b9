// The window model and playback (static/atlas/window-model.js, player.js).
import assert from "node:assert/strict";
import {test} from "node:test";
import {Player, step} from "#atlas/player.js";
import {WindowModel, clampWindow, shifted} from "#atlas/window-model.js";

/** @type {[number, number]} */
const domain = [0, 100];

test("a window is whole days inside the domain, start before end", () => {
  assert.deepEqual(clampWindow(10.4, 20.6, domain), [10, 21]);
  assert.deepEqual(clampWindow(20, 10, domain), [10, 20]);
  assert.deepEqual(clampWindow(-5, 200, domain), [0, 100]);
  assert.deepEqual(clampWindow(150, 160, domain), [100, 100]);
});

test("a shift keeps the window's length and stays inside", () => {
  assert.deepEqual(shifted([10, 17], 5, domain), [15, 22]);
  assert.deepEqual(shifted([90, 97], 10, domain), [93, 100]);
  assert.deepEqual(shifted([2, 9], -10, domain), [0, 7]);
});

test("listeners hear a change, once, and not a non-change (but always init)", () => {
  const m = new WindowModel(domain, [10, 20]);
  /** @type {any[]} */
  const heard = [];
  m.onChange((c) => heard.push(c));
  assert.equal(m.set(10, 20, "key"), false);
  assert.equal(m.set(11, 21, "key"), true);
  m.set(11, 21, "init");
  m.shift(-1, "button");
  assert.deepEqual(heard, [{start: 11, end: 21, source: "key"}, {start: 11, end: 21, source: "init"},
                           {start: 10, end: 20, source: "button"}]);
});

test("sliding play keeps the length; at the end it stops there, or loops to the start", () => {
  const p = {mode: /** @type {const} */ ("slide"), speed: 10, loop: false, pos: 20, start: 10, span: 10};
  assert.deepEqual(step(p, 0.1, domain), {win: [11, 21], stop: false});
  assert.deepEqual(step(p, 5, domain), {win: [13, 23], stop: false}, "a long pause counts a quarter second");
  p.pos = 99.5;
  assert.deepEqual(step(p, 0.1, domain), {win: [90, 100], stop: true});
  const q = {...p, loop: true, pos: 99.5};
  assert.deepEqual(step(q, 0.1, domain), {win: [0, 10], stop: false});
});

test("growing play keeps the start", () => {
  const p = {mode: /** @type {const} */ ("grow"), speed: 10, loop: true, pos: 20, start: 10, span: 10};
  assert.deepEqual(step(p, 0.2, domain), {win: [10, 22], stop: false});
  p.pos = 99.9;
  assert.deepEqual(step(p, 0.1, domain), {win: [10, 10], stop: false});
});

test("the player moves the model frame by frame and says when it stops", () => {
  const m = new WindowModel(domain, [80, 90]);
  /** @type {((now: number) => void)[]} */
  const frames = [];
  let now = 0;
  const player = new Player(m, {frame: (fn) => frames.push(fn), now: () => now});
  /** @type {boolean[]} */
  const heard = [];
  player.onPlaying((on) => heard.push(on));
  player.start({mode: "slide", speed: 30, loop: false});
  assert.ok(player.playing);
  while (frames.length) { now += 100; /** @type {(now: number) => void} */ (frames.shift())(now); }
  assert.deepEqual(m.win, [90, 100]);
  assert.ok(!player.playing);
  assert.deepEqual(heard, [true, false]);
  assert.equal(player.lastPlay && player.lastPlay.frames, 4);
});
