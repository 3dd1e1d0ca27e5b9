// Days: the engine's one unit of time (static/atlas/days.js).
import assert from "node:assert/strict";
import {test} from "node:test";
import {NEVER_AFTER, NEVER_BEFORE, clamp, dateParts, dayOf, fmtDay, inWindow, isoOf, span, weekday} from "#atlas/days.js";

test("a day is days since 1970-01-01, both ways", () => {
  assert.equal(dayOf("1970-01-01"), 0);
  assert.equal(dayOf("1970-01-02"), 1);
  assert.equal(dayOf("1969-12-31"), -1);
  assert.equal(dayOf("2024-01-16"), 19738);
  for (const iso of ["2024-02-29", "2000-01-01", "1999-12-31", "2025-06-20", "1960-03-01"]) assert.equal(isoOf(dayOf(iso)), iso);
});

test("a missing month or day is the first; nothing is null", () => {
  assert.equal(dayOf("2024"), dayOf("2024-01-01"));
  assert.equal(dayOf("2024-03"), dayOf("2024-03-01"));
  assert.equal(dayOf(""), null);
  assert.equal(dayOf(null), null);
  assert.equal(dayOf(undefined), null);
});

test("dates as people read them", () => {
  assert.equal(fmtDay(dayOf("2024-01-16")), "16 Jan 2024");
  assert.deepEqual(dateParts(dayOf("2024-12-31")), [2024, 11, 31]);
  assert.equal(weekday(dayOf("2024-01-15")), 1);  // a Monday
});

test("a span meets a window when they share a day, ends included", () => {
  const [a, b] = [10, 20];
  assert.ok(inWindow(20, 25, a, b));
  assert.ok(inWindow(5, 10, a, b));
  assert.ok(inWindow(12, 12, a, b));
  assert.ok(inWindow(0, 30, a, b));
  assert.ok(!inWindow(21, 25, a, b));
  assert.ok(!inWindow(5, 9, a, b));
});

test("no first day is always, no last day is open-ended", () => {
  assert.deepEqual(span(null, null), [NEVER_BEFORE, NEVER_AFTER]);
  assert.deepEqual(span(3, undefined), [3, NEVER_AFTER]);
  assert.ok(inWindow(...span(null, 5), 0, 1));
  assert.ok(inWindow(...span(5, null), 1000, 2000));
  assert.ok(!inWindow(...span(5, null), 0, 4));
  assert.equal(clamp(5, 0, 3), 3);
  assert.equal(clamp(-1, 0, 3), 0);
});
