// The timeline's words and keys: plural counts, and the steps of a slider's keys.
import { test } from "node:test";
import assert from "node:assert/strict";

import { PAGE_DAYS, keyStep, plural, setChanged } from "#atlas/timeline.js";

test("one event, two events", () => {
  assert.equal(plural(1, "event"), "1 event");
  assert.equal(plural(0, "event"), "0 events");
  assert.equal(plural(2, "day"), "2 days");
  assert.equal(plural(1234, "event"), "1,234 events");
});

test("slider keys: arrows, Shift, Page Up/Down, Home/End", () => {
  assert.equal(keyStep("ArrowRight", false), 1);
  assert.equal(keyStep("ArrowLeft", true), -7);
  assert.equal(keyStep("ArrowUp", false), 1);
  assert.equal(keyStep("PageUp", false), PAGE_DAYS);
  assert.equal(keyStep("PageDown", true), -PAGE_DAYS);
  assert.equal(keyStep("Home", false), -Infinity);
  assert.equal(keyStep("End", false), Infinity);
  assert.equal(keyStep("a", false), null);
});

test("a popup is never taller than its map allows", async () => {
  const { POPUP_MARGIN, popupMaxHeight } = await import("#atlas/engine.js");
  assert.equal(popupMaxHeight(307, 420), 307 - POPUP_MARGIN);
  assert.equal(popupMaxHeight(900, 420), 420);
  assert.equal(popupMaxHeight(120, 420), 100);
  assert.equal(popupMaxHeight(500, 0), 500 - POPUP_MARGIN);
});

test("the brush writes an attribute only when its value changes", () => {
  /** @type {[string, string][]} */
  const calls = [];
  const node = /** @type {Element} */ (/** @type {unknown} */ ({setAttribute: (/** @type {string} */ k, /** @type {string} */ v) => calls.push([k, v])}));
  const written = new WeakMap();
  setChanged(written, node, {x: "1.0", width: 5, "aria-valuenow": 19000});
  assert.deepEqual(calls, [["x", "1.0"], ["width", "5"], ["aria-valuenow", "19000"]]);
  calls.length = 0;
  setChanged(written, node, {x: "1.0", width: 5, "aria-valuenow": 19001});
  assert.deepEqual(calls, [["aria-valuenow", "19001"]]);
  calls.length = 0;
  setChanged(written, node, {x: "1.0", width: "5"});  // a number and its text are one value
  assert.deepEqual(calls, []);
});
