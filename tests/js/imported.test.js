// Imported events read from their columns, and their popup's rows (static/atlas/imported-layer.js).
import assert from "node:assert/strict";
import {test} from "node:test";
import {dayOf} from "#atlas/days.js";
import {readFileSync} from "node:fs";
import {columnReader, drawShapes, popupRows, readImported} from "#atlas/imported-layer.js";
import {createSymbols, esc} from "#atlas/symbols.js";

const meta = {styles: [{marker: "circle"}], title: "Imported events", source: "acled.csv", ramp: ["#fff", "#000"],
              fields: [{key: "what", label: "What"}, {key: "actor", label: "Actor"}, {key: "id", label: "Id"}]};
const day = /** @type {number} */ (dayOf("2024-01-15"));
const columns = {
  lon: [63, 0], lat: [27, 0], d0: [day, day], d1: [day, day + 6], style: [0, 0], group: {values: ["armed"], codes: [0, -1]},
  what: {values: ["armed clash"], codes: [0, 0]}, actor: {values: ["<b>BLA</b>"], codes: [0, -1]}, id: ["A1", "A2"]
};

test("a text column written once per distinct text reads back in full; -1 is none", () => {
  const read = columnReader(columns);
  assert.deepEqual(read("actor")?.all(), ["<b>BLA</b>", null]);
  assert.equal(read("what")?.get(1), "armed clash");
  assert.equal(read("nothing"), null);
});

test("an Arrow-like table is read through getChild", () => {
  const table = {getChild: (/** @type {string} */ name) => name === "x" ? {toArray: () => [1, 2], get: (/** @type {number} */ i) => [1, 2][i]} : null};
  const read = columnReader(table);
  assert.deepEqual(read("x")?.all(), [1, 2]);
  assert.equal(read("x")?.get(1), 2);
  assert.equal(read("y"), null);
});

test("points get their Web Mercator place once: the equator and the meridian are the middle", () => {
  const d = readImported(columns, meta);
  assert.ok(d);
  assert.equal(d.n, 2);
  assert.equal(d.mx[1], 0.5);
  assert.equal(d.my[1], 0.5);
  assert.ok(d.mx[0] > 0.5 && d.my[0] < 0.5);  // east and north
  assert.equal(d.groupOf && d.groupOf(0), "armed");
  assert.equal(readImported(null, meta), null);
  assert.equal(readImported({lat: [1]}, meta), null);
});

test("the popup's rows: when, then the fields that have a value, as given (written as text)", () => {
  const d = /** @type {import("#atlas/imported-layer.js").ImportedData} */ (readImported(columns, meta));
  assert.deepEqual(popupRows(d, 0), [["When", "15 Jan 2024"], ["What", "armed clash"], ["Actor", "<b>BLA</b>"], ["Id", "A1"]]);
  assert.deepEqual(popupRows(d, 1), [["When", "15 Jan 2024 – 21 Jan 2024"], ["What", "armed clash"], ["Id", "A2"]]);
});

test("esc makes any text safe in markup and attributes", () => {
  assert.equal(esc(`<img src=x onerror="a('b')">&`), "&lt;img src=x onerror=&quot;a(&#39;b&#39;)&quot;&gt;&amp;");
  assert.equal(esc(5), "5");
});

test("each shape is filled and outlined in its style; the white centre dots are outlined in black, as the legend's", () => {
  const symbols = createSymbols(JSON.parse(readFileSync(new URL("../../static/atlas/symbols.json", import.meta.url), "utf8")));
  const d = /** @type {import("#atlas/imported-layer.js").ImportedData} */ (readImported(
    {...columns, style: [0, 1]}, {...meta, styles: [{marker: "circle", fill: "#f00", color: "#0000ff"}, {marker: "square", fill: "#0f0", color: "#00ff00"}]}));
  /** @type {string[]} */
  const painted = [];
  const ctx = /** @type {any} */ ({
    fillStyle: "", strokeStyle: "", lineWidth: 1,
    beginPath() {}, moveTo() {}, lineTo() {}, closePath() {}, arc() {},
    fill() { painted.push("fill " + this.fillStyle); },
    stroke() { painted.push("stroke " + this.strokeStyle + " " + this.lineWidth); },
  });
  drawShapes(ctx, symbols, new Float32Array([10, 20]), new Float32Array([10, 20]), new Int32Array([0, 1]), 2, d);
  assert.deepEqual(painted, ["fill #f00", "stroke #0000ff 1", "fill #0f0", "stroke #00ff00 1", "fill #fff", "stroke #000 0.6"]);
});
