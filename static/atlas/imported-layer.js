/** Imported events: a canvas layer of up to 100,000 points, filtered by day in one pass per
 * frame. Zoomed out they are drawn as density (events per screen cell); zoomed in as the
 * atlas's shapes, clickable for a popup written as text (it came from a user's file).
 * @module
 */
import {fmtDay} from "#atlas/days.js";

/** @typedef {import("#atlas/symbols.js").Symbols} Symbols */
/** @typedef {{key: string, label: string}} PopupField */
/** @typedef {{styles?: any[], fields?: PopupField[], title?: string, source?: string, ramp?: string[]}} ImportedMeta */
/** @typedef {{n: number, lon: ArrayLike<number>, lat: ArrayLike<number>, mx: Float64Array, my: Float64Array,
 *   d0: ArrayLike<number>, d1: ArrayLike<number>, style: ArrayLike<number>, styles: any[], fields: PopupField[],
 *   text: Record<string, (i: number) => any>, title?: string, source?: string, ramp: string[],
 *   groupOf: ((i: number) => any) | null}} ImportedData */
/** @typedef {{mode: "none" | "markers" | "density", count: number, onScreen?: number}} Drawn */

/** Imported events are clickable shapes from this zoom on. */
export const IMPORTED_MARKER_ZOOM = 9;

/**
 * A reader of named columns: an Arrow table (from Streamlit) or plain arrays (in an exported
 * file), where a text column may be {values: [...], codes: [...]} (each distinct text once).
 * @param {any} table
 * @returns {(name: string) => ({all: () => any, get: (i: number) => any} | null)}
 */
export function columnReader(table) {
  if (table.getChild) {
    return (name) => {
      const c = table.getChild(name);
      return c ? {all: () => c.toArray(), get: (/** @type {number} */ i) => c.get(i)} : null;
    };
  }
  return (name) => {
    let c = table[name];
    if (c && c.codes) {  // a text column as {values, codes}: each text once, -1 for none
      const values = c.values;
      c = c.codes.map((/** @type {number} */ k) => k < 0 ? null : values[k]);
    }
    return c ? {all: () => c, get: (/** @type {number} */ i) => c[i]} : null;
  };
}

/**
 * The imported events ready to draw: Web Mercator coordinates in units of the world's width
 * computed once, text columns as readers. Null when there are none.
 * @param {any} table
 * @param {ImportedMeta | null | undefined} meta
 * @returns {ImportedData | null}
 */
export function readImported(table, meta) {
  if (!table || !meta) return null;
  const reader = columnReader(table);
  const col = (/** @type {string} */ name) => { const c = reader(name); return c ? c.all() : null; };
  const lon = col("lon");
  if (!lon) return null;
  const lat = col("lat"), n = lon.length, mx = new Float64Array(n), my = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const s = Math.sin(lat[i] * Math.PI / 180);
    mx[i] = (lon[i] + 180) / 360;
    my[i] = 0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI);
  }
  /** @type {Record<string, (i: number) => any>} */
  const text = {};
  (meta.fields || []).forEach((f) => {
    const c = reader(f.key);
    if (c) text[f.key] = (i) => { const v = c.get(i); return v == null ? null : v; };
  });
  const group = reader("group");
  return {n, lon, lat, mx, my, d0: col("d0"), d1: col("d1"), style: col("style"),
          styles: meta.styles || [], fields: meta.fields || [], text, title: meta.title,
          source: meta.source, ramp: meta.ramp || [], groupOf: group ? (i) => group.get(i) : null};
}

/**
 * Density: events per 6 px cell, coloured few to many by the ramp Python sends (the legend
 * draws the same ramp); one path per colour, so a frame makes a few fills, not one per cell.
 * @param {CanvasRenderingContext2D} ctx
 * @param {Float32Array} xs
 * @param {Float32Array} ys
 * @param {number} m
 * @param {{x: number, y: number}} size
 * @param {string[]} ramp
 */
function drawDensity(ctx, xs, ys, m, size, ramp) {
  const cell = 6, cols = Math.ceil(size.x / cell) + 1, rows = Math.ceil(size.y / cell) + 1;
  const grid = new Uint32Array(cols * rows);
  let max = 0;
  for (let k = 0; k < m; k++) {
    const c = Math.floor(xs[k] / cell), r = Math.floor(ys[k] / cell);
    if (c < 0 || r < 0 || c >= cols || r >= rows) continue;
    const v = ++grid[r * cols + c];
    if (v > max) max = v;
  }
  const top = Math.log(max + 1), paths = ramp.map(() => new Path2D());
  if (!max) return 0;
  for (let j = 0; j < grid.length; j++) {
    if (!grid[j]) continue;
    const level = Math.min(ramp.length - 1, Math.floor(Math.log(grid[j] + 1) / top * ramp.length));
    paths[level].rect((j % cols) * cell, Math.floor(j / cols) * cell, cell, cell);
  }
  ctx.globalAlpha = 0.75;
  paths.forEach((path, level) => { ctx.fillStyle = ramp[level]; ctx.fill(path); });
  ctx.globalAlpha = 1;
  return max;
}

/**
 * The counts each colour of the density ramp stands for (events per cell), as drawDensity
 * picks them: level k holds counts c with floor(log(c + 1) / log(max + 1) * n) = k.
 * @param {number} max  the most events in one cell
 * @param {number} n  the ramp's colours
 * @returns {[number, number][]}  [first, last] count of each level (empty levels left out)
 */
export function densityLevels(max, n) {
  /** @type {[number, number][]} */
  const out = [];
  const top = Math.log(max + 1);
  for (let c = 1, level = -1; c <= max; c++) {
    const k = Math.min(n - 1, Math.floor(Math.log(c + 1) / top * n));
    if (k !== level) { out.push([c, c]); level = k; } else out[out.length - 1][1] = c;
  }
  return out;
}

/**
 * The events on screen as the atlas's shapes.
 * @param {CanvasRenderingContext2D} ctx
 * @param {Symbols} symbols
 * @param {Float32Array} xs
 * @param {Float32Array} ys
 * @param {Int32Array} visible
 * @param {number} m
 * @param {ImportedData} d
 */
export function drawShapes(ctx, symbols, xs, ys, visible, m, d) {
  for (let k = 0; k < m; k++) {
    const st = d.styles[d.style[visible[k]]] || {};
    const s = Math.max(6, (st.size || 9) - 1);
    ctx.fillStyle = st.fill || "#fff";
    ctx.strokeStyle = st.color || "#000";
    ctx.lineWidth = 1;
    symbols.shapeOnCanvas(ctx, st.marker, xs[k], ys[k], s);
    ctx.fill(); ctx.stroke();
  }
  // A white dot at each centre: imported shapes never pass for the atlas's own (the legend's
  // swatches carry it too, geo/web/explorer.py IMPORTED_DOT).
  ctx.fillStyle = "#fff";
  ctx.strokeStyle = "#000";  // as the legend's swatch (IMPORTED_DOT), not the last shape's colour
  ctx.lineWidth = 0.6;
  ctx.beginPath();
  for (let k = 0; k < m; k++) { ctx.moveTo(xs[k] + 1.8, ys[k]); ctx.arc(xs[k], ys[k], 1.8, 0, 2 * Math.PI); }
  ctx.fill(); ctx.stroke();
}

/**
 * The rows of an imported event's popup: [label, text], "When" first, empty fields left out.
 * @param {ImportedData} d
 * @param {number} i
 * @returns {[string, string][]}
 */
export function popupRows(d, i) {
  /** @type {[string, string][]} */
  const rows = [["When", d.d0[i] === d.d1[i] ? fmtDay(d.d0[i]) : fmtDay(d.d0[i]) + " – " + fmtDay(d.d1[i])]];
  d.fields.forEach((f) => {
    const v = d.text[f.key] ? d.text[f.key](i) : null;
    if (v != null && v !== "") rows.push([f.label, String(v)]);
  });
  return rows;
}

const URL_RE = /https?:\/\/[^\s<>"'`]+/g;
const URL_TRAILING = /[.,;:!?)\]}]+$/;

/**
 * Text with its http(s) addresses as links, into `parent`: every piece is a text node or a
 * link whose address and text are set as text (never markup); nothing else is linked.
 * @param {Document} doc
 * @param {HTMLElement} parent
 * @param {string} text
 */
export function appendLinkedText(doc, parent, text) {
  let last = 0;
  for (const match of text.matchAll(URL_RE)) {
    const url = match[0].replace(URL_TRAILING, ""), at = /** @type {number} */ (match.index);
    parent.appendChild(doc.createTextNode(text.slice(last, at)));
    const a = doc.createElement("a");
    a.href = url; a.textContent = url; a.target = "_blank"; a.rel = "noopener noreferrer nofollow";
    parent.appendChild(a);
    last = at + url.length;
  }
  parent.appendChild(doc.createTextNode(text.slice(last)));
}

/** The fields whose text may hold addresses, drawn with links. */
const LINKED_FIELDS = new Set(["source", "notes"]);

/**
 * An imported event's one-line tooltip: when, what and where, as text.
 * @param {ImportedData} d
 * @param {number} i
 */
export function tooltipText(d, i) {
  const what = d.text.what ? d.text.what(i) : null, place = d.text.place ? d.text.place(i) : null;
  return fmtDay(d.d0[i]) + ": " + (what || "event") + (place ? ", " + place : "") + " (imported)";
}

/**
 * An imported event's popup, every text written as text, never markup.
 * @param {Document} doc
 * @param {ImportedData} d
 * @param {number} i
 * @returns {HTMLElement}
 */
export function importedPopup(doc, d, i) {
  /** @param {string} tag @param {string | null} cls @param {HTMLElement} parent @param {string} [text] */
  const el = (tag, cls, parent, text) => {
    const node = doc.createElement(tag);
    if (cls) node.className = cls;
    if (text != null) node.textContent = text;
    parent.appendChild(node);
    return node;
  };
  const box = doc.createElement("div");
  box.className = "ba-popup";
  el("h4", null, box, d.title || "Imported event");
  const table = el("table", "ba-table", box);
  const linked = new Set(d.fields.filter((f) => LINKED_FIELDS.has(f.key)).map((f) => f.label));
  popupRows(d, i).forEach((r) => {
    const tr = el("tr", null, table);
    el("th", null, tr, r[0]);
    const td = el("td", null, tr);
    if (linked.has(r[0])) appendLinkedText(doc, td, r[1]);
    else td.textContent = r[1];
  });
  el("p", "ba-note", box, "From " + (d.source || "your file") + ", as imported: not checked by the atlas.");
  return box;
}

/**
 * The Leaflet layer class of imported events, drawn for the window `model` holds.
 * @param {any} L  Leaflet
 * @param {Symbols} symbols
 * @param {{win: [number, number]}} model
 */
export function importedLayerClass(L, symbols, model) {
  return L.Layer.extend({
    /** @param {ImportedData} data */
    initialize(data) {
      this.data = data;
      /** @type {Drawn} */
      this.lastDrawn = {mode: "none", count: 0};
    },
    /** @param {any} map */
    onAdd(map) {
      this._map = map;
      this._canvas = L.DomUtil.create("canvas", "ba-imported-canvas leaflet-zoom-hide");
      map.getPanes().overlayPane.appendChild(this._canvas);
      map.on("moveend zoomend resize", this.redraw, this);
      // Imported events lie above the province fills and the undated layers: a click or a
      // hover on one is theirs before Leaflet hands it to a polygon under it (capture phase).
      this._onClick = (/** @type {MouseEvent} */ ev) => this._capture(ev, true);
      this._onMove = (/** @type {MouseEvent} */ ev) => this._capture(ev, false);
      const box = map.getContainer();
      box.addEventListener("click", this._onClick, true);
      box.addEventListener("mousemove", this._onMove, true);
      this.redraw();
    },
    /** @param {any} map */
    onRemove(map) {
      L.DomUtil.remove(this._canvas);
      map.off("moveend zoomend resize", this.redraw, this);
      const box = map.getContainer();
      box.removeEventListener("click", this._onClick, true);
      box.removeEventListener("mousemove", this._onMove, true);
      this._hover(-1);
      if (this._scaleBox) { L.DomUtil.remove(this._scaleBox); this._scaleBox = null; }
      this.lastDrawn = {mode: "none", count: 0};
    },
    redraw() {
      if (!this._map) return;
      const map = this._map, size = map.getSize(), canvas = this._canvas;
      const topLeft = map.containerPointToLayerPoint([0, 0]);
      L.DomUtil.setPosition(canvas, topLeft);
      const ratio = canvas.ownerDocument.defaultView.devicePixelRatio || 1;
      if (canvas.width !== size.x * ratio || canvas.height !== size.y * ratio) {
        canvas.width = size.x * ratio; canvas.height = size.y * ratio;
        canvas.style.width = size.x + "px"; canvas.style.height = size.y + "px";
      }
      const ctx = canvas.getContext("2d");
      ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
      ctx.clearRect(0, 0, size.x, size.y);
      /** @type {ImportedData} */
      const d = this.data;
      const a = model.win[0], b = model.win[1];
      // The points' unit coordinates are computed once (readImported), so a frame only scales
      // and shifts them; one pass counts the window and keeps what is on screen.
      const zoom = map.getZoom(), scale = 256 * Math.pow(2, zoom);
      const offset = map.containerPointToLayerPoint([0, 0]).add(map.getPixelOrigin());
      const ox = offset.x, oy = offset.y;
      const xs = this._xs || (this._xs = new Float32Array(d.n));
      const ys = this._ys || (this._ys = new Float32Array(d.n));
      const visible = this._visible || (this._visible = new Int32Array(d.n));
      const d0 = d.d0, d1 = d.d1, mx = d.mx, my = d.my, xMax = size.x + 10, yMax = size.y + 10;
      /** @type {Uint8Array | null} the events the filters keep (the engine sets it; null: all) */
      const keep = this.keep || null;
      let m = 0, inWin = 0;
      for (let i = 0; i < d.n; i++) {
        if (d0[i] > b || d1[i] < a || (keep && !keep[i])) continue;
        inWin++;
        const x = mx[i] * scale - ox, y = my[i] * scale - oy;
        if (x < -10 || y < -10 || x > xMax || y > yMax) continue;
        xs[m] = x; ys[m] = y; visible[m] = i; m++;
      }
      this._m = m;
      const mode = zoom >= IMPORTED_MARKER_ZOOM || m <= 500 ? "markers" : "density";
      const max = mode === "density" ? drawDensity(ctx, xs, ys, m, size, d.ramp) : 0;
      if (mode !== "density") drawShapes(ctx, symbols, xs, ys, visible, m, d);
      this._scale(mode === "density" ? max : 0);
      this.lastDrawn = {mode, count: inWin, onScreen: m};
    },
    /** The density's scale on the map (counts per cell for each colour), shown while the
     * events are drawn as density. @param {number} max  the most in a cell (0: hide) */
    _scale(max) {
      const map = this._map, d = this.data;
      if (!max) { if (this._scaleBox) this._scaleBox.hidden = true; return; }
      if (!this._scaleBox) {
        const box = this._scaleBox = L.DomUtil.create("div", "ba-density-scale", map.getContainer());
        L.DomEvent.disableClickPropagation(box);
      }
      const box = this._scaleBox;
      box.hidden = false;
      if (box.dataset.max === String(max)) return;
      box.dataset.max = String(max);
      box.textContent = "";
      const doc = box.ownerDocument;
      box.appendChild(doc.createElement("b")).textContent = "Your imported events per 6 px cell";
      const row = box.appendChild(doc.createElement("div"));
      row.className = "ba-density-row";
      densityLevels(max, d.ramp.length).forEach((range) => {
        const level = Math.min(d.ramp.length - 1, Math.floor(Math.log(range[0] + 1) / Math.log(max + 1) * d.ramp.length));
        const cell = row.appendChild(doc.createElement("span"));
        const sw = cell.appendChild(doc.createElement("i"));
        sw.style.background = d.ramp[level];
        cell.appendChild(doc.createTextNode(range[0] === range[1] ? String(range[0]) : range[0] + "–" + range[1]));
      });
    },
    /** The imported event drawn nearest a point of the map (within 8 px), or -1.
     * @param {{x: number, y: number}} p */
    nearest(p) {
      if (!this._m || this.lastDrawn.mode !== "markers") return -1;
      let best = -1, bestD = 64;  // within 8 px
      for (let k = 0; k < this._m; k++) {
        const dx = this._xs[k] - p.x, dy = this._ys[k] - p.y, dd = dx * dx + dy * dy;
        if (dd < bestD) { bestD = dd; best = this._visible[k]; }
      }
      return best;
    },
    /** A click or a move over the map: an imported event under it takes it, unless the
     * pointer is on the atlas's own markers, a popup, a tooltip or a control (above them).
     * @param {MouseEvent} ev @param {boolean} click */
    _capture(ev, click) {
      const target = /** @type {Element} */ (ev.target);
      const above = target && target.closest &&
        target.closest(".leaflet-marker-pane, .leaflet-popup-pane, .leaflet-tooltip-pane, .leaflet-control-container");
      const best = above ? -1 : this.nearest(this._map.mouseEventToContainerPoint(ev));
      if (!click) { this._hover(best); if (best >= 0) ev.stopPropagation(); return; }
      if (best < 0) return;
      ev.stopPropagation();
      this._hover(-1);
      this.openPopup(best);
    },
    /** Show the tooltip of an imported event (-1: none), closing any other layer's.
     * @param {number} i */
    _hover(i) {
      const map = this._map;
      if (!map) return;
      map.getContainer().classList.toggle("ba-imported-hot", i >= 0);
      if (i < 0) { if (this._tip) map.closeTooltip(this._tip); this._hot = -1; return; }
      if (this._hot === i) return;
      this._hot = i;
      map.eachLayer((/** @type {any} */ layer) => {  // a province's sticky tooltip, say
        if (layer.getTooltip && layer.getTooltip() && layer.isTooltipOpen()) layer.closeTooltip();
      });
      const doc = this._canvas.ownerDocument, node = doc.createElement("span");
      node.textContent = tooltipText(this.data, i);
      this._tip = this._tip || L.tooltip({direction: "top", offset: [0, -6], className: "ba-tooltip"});
      this._tip.setLatLng([this.data.lat[i], this.data.lon[i]]).setContent(node);
      map.openTooltip(this._tip);
    },
    /** Open the popup of imported event `i`. @param {number} i */
    openPopup(i) {
      const d = this.data;
      L.popup({maxWidth: 340, maxHeight: 360, className: "ba-popup-wrap"})
        .setLatLng([d.lat[i], d.lon[i]])
        .setContent(importedPopup(this._canvas.ownerDocument, d, i)).openOn(this._map);
    }
  });
}
