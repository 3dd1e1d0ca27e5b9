// The imported events' one popup and tooltip: every text from the file written as text, only
// http(s) addresses made links, empty fields left out, "Killed" as the whole number given.
import { test } from "node:test";
import assert from "node:assert/strict";

import { appendLinkedText, importedPopup, popupRows, tooltipText } from "#atlas/imported-layer.js";

/** A document just big enough for the popup: elements, text nodes, attributes. */
function fakeDocument() {
  class Node {
    constructor(tag) { this.tag = tag; this.children = []; this.attrs = {}; this._text = ""; this.className = ""; }
    appendChild(c) { this.children.push(c); return c; }
    set textContent(t) { this.children = []; this._text = String(t); }
    get textContent() { return this._text + this.children.map((c) => c.textContent).join(""); }
    set href(v) { this.attrs.href = v; }
    get href() { return this.attrs.href; }
  }
  class Text { constructor(t) { this.tag = "#text"; this.textContent = t; } }
  return { createElement: (tag) => new Node(tag), createTextNode: (t) => new Text(t) };
}

/** Every element of a tree, depth first. */
function* walk(node) {
  yield node;
  for (const c of node.children || []) yield* walk(c);
}

const XSS = "<img src=x onerror=alert(1)>";
const data = {
  n: 1, d0: [19738], d1: [19738], fields: [
    { key: "what", label: "What" }, { key: "actor", label: "Actor" }, { key: "killed", label: "Killed" },
    { key: "notes", label: "Notes" }, { key: "when_precision", label: "Date precision" },
    { key: "border", label: "Distance to border" }, { key: "source", label: "Source" }, { key: "id", label: "Id" }],
  text: {
    what: () => "strike", actor: () => XSS, killed: () => "5", notes: () => "See https://example.org/a?b=1&c=2. " + XSS,
    when_precision: () => "week (coded as mid-week)", border: () => null,
    source: () => 'Dawn javascript:alert(1) http://x.test/"onmouseover="alert(1) ftp://a.b', id: () => "PAK1",
  },
  title: "Imported events", source: "acled.csv",
};

test("rows: every field the source gives, none empty", () => {
  const rows = popupRows(data, 0);
  assert.deepEqual(rows.map((r) => r[0]), ["When", "What", "Actor", "Killed", "Notes", "Date precision", "Source", "Id"]);
  assert.equal(rows.find((r) => r[0] === "Killed")[1], "5");
});

test("the popup is text: only http(s) addresses are links", () => {
  const box = importedPopup(fakeDocument(), data, 0);
  const nodes = [...walk(box)];
  assert.ok(nodes.every((n) => n.tag === "#text" || ["div", "h4", "table", "tr", "th", "td", "a", "p"].includes(n.tag)));
  const links = nodes.filter((n) => n.tag === "a").map((n) => n.href);
  assert.deepEqual(links, ["https://example.org/a?b=1&c=2", "http://x.test/"]);
  assert.ok(box.textContent.includes(XSS));  // shown as typed, in a text node
  assert.ok(nodes.filter((n) => n.tag === "a").every((a) => a.attrs.href.startsWith("http")));
});

test("linked text keeps what surrounds an address", () => {
  const doc = fakeDocument(), p = doc.createElement("p");
  appendLinkedText(doc, p, "(see https://dawn.com/x).");
  assert.equal(p.textContent, "(see https://dawn.com/x).");
  assert.deepEqual(p.children.map((c) => c.tag), ["#text", "a", "#text"]);
});

test("tooltip: when, what, where", () => {
  const d = { ...data, text: { ...data.text, place: () => "Panjgur" } };
  assert.equal(tooltipText(d, 0), "16 Jan 2024: strike, Panjgur (imported)");
});
