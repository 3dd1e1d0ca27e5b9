// The timeline's bars (static/atlas/bins.js).
import assert from "node:assert/strict";
import {test} from "node:test";
import {binDays, bins, countEvent, emptyCounts} from "#atlas/bins.js";

test("a bar is a day, a week, a month or a quarter, by days per pixel", () => {
  assert.equal(binDays(100, 800), 1);
  assert.equal(binDays(800, 800), 7);
  assert.equal(binDays(3000, 800), 30);
  assert.equal(binDays(6000, 800), 91);
});

test("an event counts once, on its first day (or the domain's first day)", () => {
  const domain = /** @type {[number, number]} */ ([100, 199]);
  const counts = emptyCounts(domain, 2);
  countEvent(counts, domain, 110, 110, 0);
  countEvent(counts, domain, 110, 140, 1);   // a month-long event: its first day only
  countEvent(counts, domain, 50, 120, 0);    // began before the domain: its first day
  countEvent(counts, domain, 50, 60, 0);     // outside: not counted
  countEvent(counts, domain, 300, 310, 0);
  countEvent(counts, domain, 120, 120, undefined);  // no group: not counted
  assert.equal(counts[0][10], 1);
  assert.equal(counts[1][10], 1);
  assert.equal(counts[0][0], 1);
  assert.equal(counts[0].reduce((a, b) => a + b, 0) + counts[1].reduce((a, b) => a + b, 0), 3);
});

test("bins sum the days per group, aligned on the domain's first day", () => {
  const domain = /** @type {[number, number]} */ ([0, 29]);
  const counts = emptyCounts(domain, 2);
  for (const day of [0, 1, 6, 7, 8, 29]) countEvent(counts, domain, day, day, 0);
  countEvent(counts, domain, 7, 7, 1);
  const result = bins(counts, domain, 3, 29, 7);
  assert.deepEqual(result.bins.map((b) => b[0]), [0, 7, 14, 21, 28]);
  assert.deepEqual(result.bins.map((b) => b[1]), [[3, 0], [2, 1], [0, 0], [0, 0], [1, 0]]);
  assert.equal(result.max, 3);
});

test("an empty span still has a scale of one", () => {
  const domain = /** @type {[number, number]} */ ([0, 9]);
  assert.equal(bins(emptyCounts(domain, 1), domain, 0, 9, 1).max, 1);
});
