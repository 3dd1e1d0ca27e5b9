// A crossing's status on a day (static/atlas/status.js).
import assert from "node:assert/strict";
import {test} from "node:test";
import {statusOn} from "#atlas/status.js";

/** @type {[number, string][]} */
const history = [[100, "open"], [200, "closed"], [250, "open"]];

test("the last change on or before the day holds", () => {
  assert.equal(statusOn(history, 99), null);
  assert.equal(statusOn(history, 100), "open");
  assert.equal(statusOn(history, 199), "open");
  assert.equal(statusOn(history, 200), "closed");
  assert.equal(statusOn(history, 249), "closed");
  assert.equal(statusOn(history, 250), "open");
  assert.equal(statusOn(history, 1e6), "open");
  assert.equal(statusOn([], 5), null);
});
