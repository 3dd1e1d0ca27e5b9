// The pure parts of keyboard access, fitting, the wheel's gate, the tiles' notice and the
// imported density's scale.
import {test} from "node:test";
import assert from "node:assert/strict";
import {markerName, tabOrder} from "#atlas/access.js";
import {shiftInside} from "#atlas/fit.js";
import {densityLevels} from "#atlas/imported-layer.js";
import {tilesFailed} from "#atlas/tile-notice.js";
import {hintText, wheelZooms} from "#atlas/wheel.js";

test("a marker is named by its timeline line, else its tooltip's text, else its id", () => {
  const strip = (/** @type {string} */ html) => html.replace(/<[^>]*>/g, "");
  assert.equal(markerName({_tl: "2024-01-16: strike, Panjgur", _t: "<b>x</b>", _id: "a"}, strip), "2024-01-16: strike, Panjgur");
  assert.equal(markerName({_t: "<b>Taftan</b>\n  crossing", _id: "t"}, strip), "Taftan crossing");
  assert.equal(markerName({_id: "only-id"}, strip), "only-id");
});

test("tab order: the timeline's layer first, each by first day then id", () => {
  const items = [{d0: 5, id: "b", rank: 0}, {d0: -1e9, id: "crossing", rank: 1}, {d0: 5, id: "a", rank: 0},
                 {d0: 2, id: "z", rank: 0}];
  assert.deepEqual(tabOrder(items).map((i) => i.id), ["z", "a", "b", "crossing"]);
  assert.equal(items[0].id, "b");  // a new array; the input is left as it was
});

test("a box is shifted inside its bounds, a margin from the edges", () => {
  const map = {left: 0, top: 0, right: 800, bottom: 500};
  assert.deepEqual(shiftInside({left: 100, top: 100, right: 200, bottom: 130}, map, 8), [0, 0]);
  assert.deepEqual(shiftInside({left: 100, top: -20, right: 200, bottom: 10}, map, 8), [0, 28]);
  assert.deepEqual(shiftInside({left: 750, top: 480, right: 850, bottom: 510}, map, 8), [-58, -18]);
  assert.deepEqual(shiftInside({left: -30, top: 100, right: 70, bottom: 130}, map, 8), [38, 0]);
  // wider than the map: its left edge stays inside
  assert.deepEqual(shiftInside({left: -100, top: 0, right: 900, bottom: 20}, map, 8), [108, 8]);
});

test("the wheel zooms only with Ctrl or ⌘, or once clicked; the hint names the key", () => {
  assert.equal(wheelZooms({ctrlKey: false, metaKey: false}, false), false);
  assert.equal(wheelZooms({ctrlKey: true, metaKey: false}, false), true);
  assert.equal(wheelZooms({ctrlKey: false, metaKey: true}, false), true);
  assert.equal(wheelZooms({ctrlKey: false, metaKey: false}, true), true);
  assert.match(hintText("MacIntel", "the map"), /hold ⌘/);
  assert.match(hintText("Linux x86_64", "the timeline"), /^To zoom the timeline, hold Ctrl/);
});

test("the tiles' notice shows when tiles failed and none loaded", () => {
  assert.equal(tilesFailed({errors: 0, loads: 0}), false);
  assert.equal(tilesFailed({errors: 3, loads: 0}), true);
  assert.equal(tilesFailed({errors: 3, loads: 1}), false);
});

test("the density's scale: each colour's counts, from 1 to the most in a cell, no gaps", () => {
  for (const [max, n] of [[1, 5], [2, 5], [17, 5], [1000, 5], [3, 2]]) {
    const levels = densityLevels(max, n);
    assert.equal(levels[0][0], 1);
    assert.equal(levels[levels.length - 1][1], max);
    assert.ok(levels.length <= n);
    for (let k = 1; k < levels.length; k++) assert.equal(levels[k][0], levels[k - 1][1] + 1);
  }
  assert.deepEqual(densityLevels(17, 4), [[1, 1], [2, 3], [4, 7], [8, 17]]);
});
