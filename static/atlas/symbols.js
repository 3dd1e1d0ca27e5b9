/** The symbol table (layers/symbols.py, written as symbols.json): marker shapes in a unit box
 * and dash patterns in line widths, drawn as SVG (markers) and on a canvas (imported events).
 * @module
 */

/** @typedef {{circle?: number | null, points?: [number, number][]}} Shape */
/** @typedef {{shapes: Record<string, Shape>, dashes: Record<string, number[] | null>, dashMinUnitPx: number}} SymbolTable */

/**
 * Text made safe inside HTML markup or an attribute.
 * @param {unknown} text
 * @returns {string}
 */
export function esc(text) {
  /** @type {Record<string, string>} */
  const map = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"};
  return String(text).replace(/[&<>"']/g, (c) => map[c]);
}

/**
 * The drawing rules of one symbol table.
 * @param {SymbolTable} table
 */
export function createSymbols(table) {
  /** @param {string | undefined} name @returns {Shape} */
  function shapeOf(name) {
    return (name && table.shapes[name]) || table.shapes.circle;
  }

  /**
   * A dash pattern in pixels for a line of this weight (null for a solid line).
   * @param {string | undefined | null} dash
   * @param {number | undefined | null} weight
   * @returns {string | null}
   */
  function dashArray(dash, weight) {
    const pattern = table.dashes[dash || "solid"];
    if (!pattern) return null;
    const unit = Math.max(weight == null ? 1 : weight, table.dashMinUnitPx);
    return pattern.map((v) => +(v * unit).toFixed(3)).join(" ");
  }

  /**
   * SVG outline of a marker shape in a size x size box.
   * @param {string | undefined} name
   * @param {number} s
   * @returns {string}
   */
  function shapePath(name, s) {
    const h = s / 2, sym = shapeOf(name);
    if (sym.circle != null) return '<circle cx="' + h + '" cy="' + h + '" r="' + (h * sym.circle).toFixed(2) + '"/>';
    return '<polygon points="' + (sym.points || []).map((p) =>
      (h + h * p[0]).toFixed(2) + "," + (h + h * p[1]).toFixed(2)).join(" ") + '"/>';
  }

  /**
   * The same shape as a path on a canvas, centred on (x, y) in an s x s box.
   * @param {CanvasRenderingContext2D} ctx
   * @param {string | undefined} name
   * @param {number} x
   * @param {number} y
   * @param {number} s
   */
  function shapeOnCanvas(ctx, name, x, y, s) {
    const h = s / 2, sym = shapeOf(name);
    ctx.beginPath();
    if (sym.circle != null) { ctx.arc(x, y, h * sym.circle, 0, 2 * Math.PI); return; }
    (sym.points || []).forEach((p, i) => {
      if (i === 0) ctx.moveTo(x + h * p[0], y + h * p[1]); else ctx.lineTo(x + h * p[0], y + h * p[1]);
    });
    ctx.closePath();
  }

  return {dashArray, shapePath, shapeOnCanvas};
}

/** @typedef {ReturnType<typeof createSymbols>} Symbols */
