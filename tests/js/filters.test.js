// The browser's filters against the cases Python's are checked with (tests/cases/filters.json).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";

import {
  FILTER_KEYS, cleanSearch, codeColumn, featureFields, filtersFromQuery, filtersToQuery, isActive, maskColumns, matcher,
  noFilters, normaliseSearch, precisionClass,
} from "../../static/atlas/filters.js";

const CASES = JSON.parse(readFileSync(new URL("../cases/filters.json", import.meta.url), "utf-8"));
const ALLOWED = {
  kinds: ["strike", "attack", "clash", "shoot-down", "bombing", "abduction", "diplomatic", "border", "protest", "other"],
  actors: ["IRN", "PAK", "militant", "joint", "other"],
  sides: ["IRN", "PAK"],
};

/** @param {any} f */
const fields = (f) => ({
  kind: f.kind, group: f.group, side: f.border_side,
  killed: f.killed_high ?? f.killed_low, precision: f.time_precision,
  text: ["place", "actor", "target", "summary"].map((k) => normaliseSearch(f[k])).join("\n"),
});

/** The features as the engine receives an import: a column per field, texts coded. */
function columns(features) {
  /** @param {(f: any) => any} get */
  const coded = (get) => {
    const values = [];
    const codes = features.map((f) => {
      const v = get(f);
      if (v == null) return -1;
      if (!values.includes(v)) values.push(v);
      return values.indexOf(v);
    });
    return { values, codes };
  };
  const all = features.map(fields);
  return {
    kind: coded((f) => f.kind), group: coded((f) => f.group), side: coded((f) => f.border_side),
    precision: coded((f) => f.time_precision), text: coded((f) => fields(f).text),
    killed: all.map((f) => f.killed ?? null),
  };
}

for (const c of CASES.cases) {
  test(`case ${JSON.stringify(c.filters)}`, () => {
    const f = filtersFromQuery(c.filters, ALLOWED);
    const keep = matcher(f);
    assert.deepEqual(CASES.features.filter((e) => keep(fields(e))).map((e) => e.id), c.keep);
    const mask = maskColumns(f, columns(CASES.features), CASES.features.length);
    assert.deepEqual(CASES.features.filter((_, i) => mask[i]).map((e) => e.id), c.keep);
    assert.deepEqual(filtersToQuery(filtersFromQuery(filtersToQuery(f), ALLOWED)), filtersToQuery(f));
  });
}

test("search normalisation is Python's", () => {
  for (const [text, out] of CASES.normalise) assert.equal(normaliseSearch(text), out);
});

test("precision classes of every source's words", () => {
  assert.equal(precisionClass("week (coded as mid-week)"), "week");
  assert.equal(precisionClass("within 2-6 days"), "week");
  assert.equal(precisionClass("within 8-30 days or the month"), "month");
  assert.equal(precisionClass("within the year"), "year");
  assert.equal(precisionClass(null), "day");
  assert.equal(precisionClass(""), "day");
});

test("bad URL values are left out, not guessed", () => {
  const f = filtersFromQuery({ kind: "strike,meteor", actor: "irn", side: "AFG", min_killed: "-2",
    precision: "decade", search: "a\u0000b" }, ALLOWED);
  assert.deepEqual(f, { ...noFilters(), actors: ["IRN"] });
  assert.equal(isActive(noFilters()), false);
  assert.equal(cleanSearch("x".repeat(201)), "");
  assert.equal(cleanSearch(" w ".repeat(13)), "");
  assert.equal(cleanSearch("  Jaish \t al-Adl "), "Jaish al-Adl");
  assert.deepEqual([...FILTER_KEYS].sort(), Object.keys(CASES.cases.reduce((a, c) => ({ ...a, ...c.filters }), {})).sort());
});

test("a column-wise mask over 100,000 rows tests each distinct text once", () => {
  const n = 100000;
  const cols = {
    kind: { values: ["strike", "protest"], codes: Int8Array.from({ length: n }, (_, i) => i % 2) },
    text: { values: ["panjgur", "quetta"], codes: Int8Array.from({ length: n }, (_, i) => (i % 3 ? 0 : 1)) },
    killed: Array.from({ length: n }, (_, i) => i % 5),
  };
  const f = { ...noFilters(), kinds: ["strike"], search: "Quetta", minKilled: 3 };
  const mask = maskColumns(f, cols, n);
  let kept = 0;
  for (let i = 0; i < n; i++) {
    const expect = i % 2 === 0 && i % 3 === 0 && i % 5 >= 3;
    assert.equal(mask[i] === 1, expect);
    kept += mask[i];
  }
  assert.ok(kept > 0);
});

test("the searched text in several columns: every word in one of them, as in their joined text", () => {
  const f = filtersFromQuery({ search: "jaish panjgur" }, ALLOWED);
  const cols = columnsFromFeatures(CASES.features);
  const mask = maskColumns(f, { text: cols }, CASES.features.length);
  const joined = maskColumns(f, columns(CASES.features), CASES.features.length);
  assert.deepEqual([...mask], [...joined]);
  for (const c of CASES.cases) {
    const g = filtersFromQuery(c.filters, ALLOWED);
    const split = { ...columns(CASES.features), text: columnsFromFeatures(CASES.features) };
    const m = maskColumns(g, split, CASES.features.length);
    assert.deepEqual(CASES.features.filter((_, i) => m[i]).map((e) => e.id), c.keep, JSON.stringify(c.filters));
  }
});

test("an atlas event's _f (built by Python) reads as the filters' fields", () => {
  for (const c of CASES.cases) {
    const keep = matcher(filtersFromQuery(c.filters, ALLOWED));
    const kept = CASES.features.filter((e) => keep(featureFields({
      _g: e.group,
      _f: { k: e.kind, s: e.border_side, n: e.killed_high ?? e.killed_low, p: precisionClass(e.time_precision),
            x: ["place", "actor", "target", "summary"].map((k) => normaliseSearch(e[k])).join("\n") },
    }))).map((e) => e.id);
    assert.deepEqual(kept, c.keep, JSON.stringify(c.filters));
  }
});

test("codeColumn: each distinct text once, -1 for none", () => {
  const col = codeColumn((i) => ["a", null, "b", "a", ""][i], 5);
  assert.deepEqual(col.values, ["a", "b"]);
  assert.deepEqual([...col.codes], [0, -1, 1, 0, -1]);
});

/** Place, actor, target and summary as four coded columns (the imported events' columns). */
function columnsFromFeatures(features) {
  return ["place", "actor", "target", "summary"].map((k) => codeColumn((i) => features[i][k], features.length));
}
