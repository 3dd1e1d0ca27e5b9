// The timeline's axis labels (static/atlas/ticks.js).
import assert from "node:assert/strict";
import {test} from "node:test";
import {dayOf, isoOf, weekday} from "#atlas/days.js";
import {ticks} from "#atlas/ticks.js";

const d = (/** @type {string} */ iso) => /** @type {number} */ (dayOf(iso));

test("zoomed in: a label every day, with its year", () => {
  const t = ticks(d("2024-01-15"), d("2024-01-22"), 800);
  assert.equal(t.length, 8);
  assert.deepEqual(t[0], [d("2024-01-15"), "15 Jan 2024"]);
  assert.deepEqual(t[7], [d("2024-01-22"), "22 Jan 2024"]);
  const turn = ticks(d("2023-12-28"), d("2024-01-03"), 800).map((x) => x[1]);
  assert.deepEqual([turn[0], turn[6]], ["28 Dec 2023", "3 Jan 2024"]);
});

test("a few weeks: a label every Monday", () => {
  const t = ticks(d("2024-01-01"), d("2024-02-29"), 900);
  assert.equal(t.length, 9);
  for (const [day] of t) assert.equal(weekday(day), 1, isoOf(day));
  assert.deepEqual(t[0], [d("2024-01-01"), "1 Jan 2024"]);
});

test("months, each with its year", () => {
  const t = ticks(d("2023-11-10"), d("2024-03-10"), 1200);
  assert.deepEqual(t.map((x) => x[1]), ["Dec 2023", "Jan 2024", "Feb 2024", "Mar 2024"]);
  for (const [day] of t) assert.equal(isoOf(day).slice(8), "01");
});

test("years apart: quarters, halves, then years", () => {
  const years = ticks(d("2012-01-01"), d("2025-12-31"), 600);
  assert.deepEqual(years.map((x) => x[1]).slice(0, 3), ["2012", "2013", "2014"]);
  const halves = ticks(d("2020-01-01"), d("2024-12-31"), 1200);
  assert.ok(halves.every((x) => /^(Jan|Jul) \d{4}$/.test(x[1])), JSON.stringify(halves));
});

test("no tick outside the span", () => {
  for (const [from, to, w] of [[d("2024-01-03"), d("2024-01-09"), 300], [d("2019-05-05"), d("2021-02-02"), 700]]) {
    for (const [day] of ticks(from, to, w)) assert.ok(day >= from && day <= to);
  }
});
