// The view in an address (static/atlas/url-state.js).
import assert from "node:assert/strict";
import {test} from "node:test";
import {readAddress, writeAddress} from "#atlas/url-state.js";

const KEYS = ["start", "end", "layers", "basemap", "lat", "lon", "zoom"];

test("the view is read from the query string", () => {
  const v = readAddress("?start=2024-01-15&end=2024-01-22&zoom=8&other=1", "", KEYS);
  assert.deepEqual(v, {values: {start: "2024-01-15", end: "2024-01-22", zoom: "8"}, window: null, event: null});
});

test("and from the fragment, which wins", () => {
  const v = readAddress("?start=2024-01-01&zoom=5", "#window=crisis-week&event=e-1&zoom=9&lat=27.1", KEYS);
  assert.deepEqual(v, {values: {start: "2024-01-01", zoom: "9", lat: "27.1"}, window: "crisis-week", event: "e-1"});
});

test("old links name the window preset=", () => {
  assert.equal(readAddress("?preset=crisis-week", "", KEYS).window, "crisis-week");
  assert.equal(readAddress("?preset=old", "#window=new", KEYS).window, "new");
  assert.equal(readAddress("", "", KEYS).window, null);
});

test("writing keeps other keys, drops the named window, and the event when asked", () => {
  const search = "?preset=crisis-week&window=x&event=e-1&keep=1&start=2000-01-01";
  assert.equal(writeAddress(search, {start: "2024-01-15", end: "2024-01-22", zoom: 8, lat: null}, KEYS, true),
               "?keep=1&start=2024-01-15&end=2024-01-22&zoom=8");
  assert.equal(writeAddress("?event=e-1", {layers: "border,events"}, KEYS, false), "?event=e-1&layers=border%2Cevents");
  assert.equal(writeAddress("?window=w", {}, KEYS, false), "");
});

test("a written address reads back as the same view", () => {
  const values = {start: "2024-01-16", end: "2024-01-18", layers: "border,events", basemap: "osm", lat: "27.5", lon: "62.9", zoom: "7"};
  assert.deepEqual(readAddress(writeAddress("", values, KEYS, false), "", KEYS).values, values);
});

test("only the contract's keys are taken", () => {
  assert.deepEqual(readAddress("?start=a&evil=<b>", "#onload=x", ["start"]).values, {start: "a"});
});

test("an address opens a named window, start and end over it, a view, an event", async () => {
  const {openWith} = await import("#atlas/url-state.js");
  const windows = [{key: "crisis-week", start: "2024-01-15", end: "2024-01-22"}];
  /** @type {[string, string]} */
  const current = ["2024-01-15", "2024-01-22"];
  const read = (/** @type {string} */ s, /** @type {string} */ h) => openWith(readAddress(s, h, KEYS), windows, current);
  assert.deepEqual(read("", ""), {});
  assert.deepEqual(read("?preset=crisis-week", ""), {window: ["2024-01-15", "2024-01-22"]});
  assert.deepEqual(read("", "#window=crisis-week&end=2024-01-30"), {window: ["2024-01-15", "2024-01-30"]});
  assert.deepEqual(read("", "#start=2023-05-01&end=2023-06-01&lat=27&lon=63&zoom=8&event=e-1"),
                   {window: ["2023-05-01", "2023-06-01"], view: {lat: 27, lon: 63, zoom: 8}, event: "e-1"});
  assert.deepEqual(read("", "#start=yesterday&lat=95&lon=63&zoom=8&window=nope"), {});
  assert.deepEqual(read("", "#lat=27&lon=63"), {}, "a view needs all three");
});
