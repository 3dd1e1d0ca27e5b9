// What Play plays (static/atlas/player.js playPlan): a preset stepped through, as the GIF
// export steps it; any other window on to the end of the data.
import assert from "node:assert/strict";
import {test} from "node:test";
import {Player, playPlan, step} from "#atlas/player.js";
import {WindowModel} from "#atlas/window-model.js";

/** @type {[number, number]} */
const domain = [0, 100];
const week = {key: "crisis-week", label: "Crisis week", days: /** @type {[number, number]} */ ([40, 47])};

/**
 * Run a player to its end, a frame every `ms`; the windows it showed.
 * @param {WindowModel} m
 * @param {import("#atlas/player.js").PlayOptions} opts
 * @param {number} ms
 */
function run(m, opts, ms) {
  /** @type {((now: number) => void)[]} */
  const frames = [];
  let now = 0;
  const player = new Player(m, {frame: (fn) => frames.push(fn), now: () => now});
  /** @type {[number, number][]} */
  const seen = [];
  m.onChange((c) => seen.push([c.start, c.end]));
  player.start(opts);
  let guard = 0;
  while (frames.length && guard++ < 10000) { now += ms; /** @type {(now: number) => void} */ (frames.shift())(now); }
  return {seen, player};
}

test("a preset, sliding at a day a second: one day at a time through its days, then whole again", () => {
  const plan = playPlan([40, 47], week, domain, "slide", 1);
  assert.deepEqual(plan.from, [40, 40]);
  assert.equal(plan.until, 47);
  assert.deepEqual(plan.restore, [40, 47]);
  assert.equal(plan.text, "Play: through Crisis week, day by day");
  const m = new WindowModel(domain, [40, 47]);
  const {seen, player} = run(m, {mode: "slide", speed: 1, loop: false, plan}, 250);
  const days = [...new Set(seen.slice(0, -1).map((w) => w.join("-")))];
  assert.deepEqual(days, ["40-40", "41-41", "42-42", "43-43", "44-44", "45-45", "46-46", "47-47"]);
  assert.ok(seen.every((w) => w[0] >= 40 && w[1] <= 47), "never beyond the preset: " + JSON.stringify(seen));
  assert.deepEqual(m.win, [40, 47], "the preset is shown whole when play ends");
  assert.ok(!player.playing);
});

test("a preset at a week a second slides a week-long window; growing grows from its first day", () => {
  assert.deepEqual(playPlan([40, 47], week, domain, "slide", 7).from, [40, 46]);
  const grow = playPlan([40, 47], week, domain, "grow", 1);
  assert.deepEqual(grow.from, [40, 40]);
  const m = new WindowModel(domain, [40, 47]);
  const {seen} = run(m, {mode: "grow", speed: 1, loop: false, plan: grow}, 250);
  assert.ok(seen.every((w) => w[0] === 40 && w[1] <= 47), JSON.stringify(seen));
  assert.ok(seen.some((w) => w[1] === 44));
});

test("a preset in a loop starts again at its first day, never running on past it", () => {
  const plan = playPlan([40, 47], week, domain, "slide", 1);
  const p = {mode: /** @type {const} */ ("slide"), speed: 1, loop: true, pos: 46.9, start: 46, span: 0,
             until: plan.until, loopFrom: plan.loopFrom};
  assert.deepEqual(step(p, 0.2, domain), {win: [40, 40], stop: false});
});

test("a brushed window plays on to the end of the data, and says so", () => {
  const plan = playPlan([10, 20], null, domain, "slide", 1);
  assert.deepEqual(plan.from, [10, 20]);
  assert.equal(plan.until, 100);
  assert.equal(plan.restore, null);
  assert.match(plan.text, /to the end of the data/);
  const m = new WindowModel(domain, [80, 90]);
  run(m, {mode: "slide", speed: 30, loop: false, plan: playPlan([80, 90], null, domain, "slide", 30)}, 100);
  assert.deepEqual(m.win, [90, 100]);
  const atEnd = playPlan([90, 100], null, domain, "slide", 1);
  assert.deepEqual(atEnd.from, [0, 10], "from the end it starts again at the beginning");
  assert.match(atEnd.text, /from the start to the end of the data/);
});

test("a first frame stamped before play began never steps back a day", () => {
  // requestAnimationFrame hands each frame the time the frame began, which can be a few
  // milliseconds before the performance.now() read when Play was pressed
  const plan = playPlan([40, 47], week, domain, "slide", 1);
  const m = new WindowModel(domain, [40, 47]);
  /** @type {((now: number) => void)[]} */
  const frames = [];
  const player = new Player(m, {frame: (fn) => frames.push(fn), now: () => 1000});
  /** @type {[number, number][]} */
  const seen = [];
  m.onChange((c) => seen.push([c.start, c.end]));
  player.start({mode: "slide", speed: 1, loop: false, plan});
  /** @type {(now: number) => void} */ (frames.shift())(992);
  assert.ok(seen.every((w) => w[0] >= 40), "a day before the preset: " + JSON.stringify(seen));
  const p = {mode: /** @type {const} */ ("slide"), speed: 7, loop: false, pos: 40, start: 40, span: 0};
  assert.deepEqual(step(p, -0.05, domain).win, [40, 40], "time running backwards does not move the window");
});
