// The pure parts of the controls beside the timeline: typed dates (timeline.js), the filter
// menus' words and the killed field (filter-controls.js), the filters in an address (url-state.js).
import assert from "node:assert/strict";
import {test} from "node:test";
import {dayOf} from "#atlas/days.js";
import {killedValue, menuText} from "#atlas/filter-controls.js";
import {typedDay, typedWindow} from "#atlas/timeline.js";
import {addressFilters, writeAddress, writeFragment} from "#atlas/url-state.js";

const d = (/** @type {string} */ iso) => /** @type {number} */ (dayOf(iso));
/** @type {[number, number]} */
const domain = [d("2012-01-01"), d("2026-12-31")];

test("two typed dates make the window; a bad one is named and makes none", () => {
  assert.deepEqual(typedWindow("2024-01-15", "2024-01-22", domain), {win: [d("2024-01-15"), d("2024-01-22")]});
  assert.deepEqual(typedWindow("2024-01-15", "2024-01-15", domain), {win: [d("2024-01-15"), d("2024-01-15")]});
  assert.deepEqual(typedWindow("", "2024-01-22", domain), {error: "From is not a whole date"});
  assert.deepEqual(typedWindow("2024-01-15", "2024-02-30", domain), {error: "To is not a date on the calendar"});
  assert.match(/** @type {any} */ (typedWindow("1999-01-01", "2024-01-22", domain)).error, /^From is outside 1 Jan 2012 – 31 Dec 2026$/);
  assert.deepEqual(typedWindow("2024-01-22", "2024-01-15", domain), {error: "To is before From"});
  assert.deepEqual(typedDay("24-1-5", domain), {error: "is not a whole date"});
});

test("a filter menu says what it keeps", () => {
  const kinds = [{key: "strike", label: "Strike"}, {key: "attack", label: "Attack"}, {key: "clash", label: "Clash"}];
  assert.equal(menuText("Kind", kinds, []), "Kind: all");
  assert.equal(menuText("Kind", kinds, ["attack"]), "Kind: Attack");
  assert.equal(menuText("Kind", kinds, ["strike", "clash"]), "Kind: 2 of 3");
  assert.equal(menuText("Kind", kinds, ["strike", "attack", "clash"]), "Kind: all");
});

test("the killed field takes a whole number from 0 (empty: any)", () => {
  assert.equal(killedValue(""), 0);
  assert.equal(killedValue(" 5 "), 5);
  assert.equal(killedValue("-1"), null);
  assert.equal(killedValue("2.5"), null);
  assert.equal(killedValue("1e3"), null);
  assert.equal(killedValue("1000001"), null);
});

test("filters in an address: written, cleared, read from the query or the fragment", () => {
  const keys = ["start", "end"];
  assert.equal(writeAddress("?start=2024-01-01&kind=attack&search=x", {start: "2024-01-02"}, keys, false, {kind: "strike"}),
               "?start=2024-01-02&kind=strike");
  assert.equal(writeAddress("?kind=attack", {}, keys, false), "?kind=attack", "no filters given: kept as they are");
  assert.equal(writeFragment("#window=crisis-week&event=x", {start: "2024-01-15", end: "2024-01-22"}, {side: "PAK"}),
               "#event=x&start=2024-01-15&end=2024-01-22&side=PAK");
  assert.deepEqual(addressFilters("?kind=strike", "#kind=attack&min_killed=3"), {kind: "attack", min_killed: "3"});
  assert.equal(addressFilters("?start=2024-01-01", ""), null);
});
