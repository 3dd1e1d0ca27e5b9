// Town label placement (static/atlas/labels.js).
import assert from "node:assert/strict";
import {test} from "node:test";
import {CHAR_W, LABEL_H, LABEL_PAD, markerBox, placeLabels, placementKey} from "#atlas/labels.js";

const size = {x: 400, y: 300};
/** @param {number[]} a @param {number[]} b */
const overlap = (a, b) => a[0] < b[2] && a[2] > b[0] && a[1] < b[3] && a[3] > b[1];

test("a label goes right of its town, its width by its name", () => {
  const [placed] = placeLabels([{id: "a", name: "Panjgur", x: 100, y: 100}], [], size);
  assert.equal(placed.side, "right");
  assert.equal(placed.width, 7 * CHAR_W + 2 * LABEL_PAD);
  assert.deepEqual(placed.box, [105, 100 - LABEL_H / 2, 105 + placed.width, 100 + LABEL_H / 2]);
});

test("left when the right is taken or off the map, none when both are", () => {
  const towns = [{id: "a", name: "Turbat", x: 100, y: 100}, {id: "b", name: "Gwadar", x: 120, y: 100},
                 {id: "c", name: "Mand", x: 395, y: 200}, {id: "d", name: "Jiwani", x: 2, y: 5}];
  const placed = placeLabels(towns, [], size);
  assert.deepEqual(placed.map((p) => [p.id, p.side]), [["a", "right"], ["c", "left"]]);
  for (let i = 0; i < placed.length; i++) for (let j = i + 1; j < placed.length; j++) assert.ok(!overlap(placed[i].box, placed[j].box));
});

test("most important first: a later town gives way", () => {
  const big = {id: "big", name: "Zahedan", x: 200, y: 150}, small = {id: "small", name: "Mirjaveh", x: 250, y: 150};
  assert.deepEqual(placeLabels([big, small], [], size).map((p) => [p.id, p.side]), [["big", "right"]]);
  assert.deepEqual(placeLabels([small, big], [], size).map((p) => [p.id, p.side]), [["small", "right"], ["big", "left"]]);
});

test("a label never covers a marker shown", () => {
  const taken = [markerBox(130, 100)];
  const placed = placeLabels([{id: "a", name: "Saravan", x: 100, y: 100}], taken, size);
  assert.equal(placed[0].side, "left");
  assert.ok(!overlap(placed[0].box, taken[0]));
  assert.equal(taken.length, 1, "the caller's boxes are not changed");
});

test("a placement's key changes when a label comes, goes or changes side, not when its town moves", () => {
  const towns = [{id: "a", name: "Turbat", x: 100, y: 100}, {id: "b", name: "Gwadar", x: 200, y: 200}];
  const key = placementKey(placeLabels(towns, [], size));
  const moved = towns.map((t) => ({...t, x: t.x + 30, y: t.y - 10}));
  assert.equal(placementKey(placeLabels(moved, [], size)), key);
  // a marker on a's right: a's label goes left
  const taken = [markerBox(110, 100)];
  assert.notEqual(placementKey(placeLabels(towns, taken, size)), key);
  assert.notEqual(placementKey(placeLabels(towns.slice(0, 1), [], size)), key);
  assert.equal(placementKey([]), "");
});
