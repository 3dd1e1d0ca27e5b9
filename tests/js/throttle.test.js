// The throttle the date fields follow a moving window with (static/atlas/throttle.js).
import assert from "node:assert/strict";
import {test} from "node:test";
import {Throttle} from "#atlas/throttle.js";

/** A clock whose time the test moves, running due timers as it passes them. */
function testClock() {
  /** @type {Map<number, {at: number, fn: () => void}>} */
  const timers = new Map();
  let now = 0, next = 1;
  return {
    now: () => now,
    setTimeout: (/** @type {() => void} */ fn, /** @type {number} */ ms) => { timers.set(next, {at: now + ms, fn}); return next++; },
    clearTimeout: (/** @type {number} */ id) => { timers.delete(id); },
    /** @param {number} ms */
    advance(ms) {
      const end = now + ms;
      for (;;) {
        const due = [...timers.entries()].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
        if (!due) break;
        timers.delete(due[0]);
        now = due[1].at;
        due[1].fn();
      }
      now = end;
    },
    pending: () => timers.size,
  };
}

test("a single change runs at once", () => {
  const clock = testClock(), seen = [];
  let value = 1;
  const t = new Throttle(() => seen.push(value), 250, clock);
  t.request();
  assert.deepEqual(seen, [1]);
  clock.advance(1000);
  value = 2; t.request();
  assert.deepEqual(seen, [1, 2]);
  assert.equal(clock.pending(), 0);
});

test("a value moving every frame is followed every 250 ms and settles on its last value", () => {
  const clock = testClock(), seen = [];
  let value = 0;
  const t = new Throttle(() => seen.push([clock.now(), value]), 250, clock);
  for (let frame = 0; frame < 60; frame++) {  // a second at 60 frames a second
    value = frame; t.request(); clock.advance(1000 / 60);
  }
  clock.advance(1000);
  const times = seen.map((s) => s[0]);
  assert.ok(seen.length >= 4 && seen.length <= 6, `ran ${seen.length} times`);
  for (let i = 1; i < times.length; i++) assert.ok(times[i] - times[i - 1] >= 250 - 1e-9, `runs ${times[i - 1]} and ${times[i]} too close`);
  assert.equal(seen[seen.length - 1][1], 59, "the last run shows the last value");
});
