/** Town labels: as many as fit, most important first, none overlapping another label, a
 * marker shown or the map's edge. Each goes right of its point, or left, or not at all.
 * @module
 */

export const LABEL_H = 14;
export const LABEL_PAD = 3;
export const CHAR_W = 6.3;
/** Half the side of the square a marker keeps free of labels (px). */
export const MARKER_HALF = 7;

/** @typedef {[number, number, number, number]} Box  x0, y0, x1, y1 in px */
/** @typedef {{id: string, name: string, x: number, y: number}} TownAt  a town at a screen point */
/** @typedef {{id: string, name: string, box: Box, side: "right" | "left", width: number}} Placed */

/**
 * The box a marker at (x, y) keeps free.
 * @param {number} x
 * @param {number} y
 * @returns {Box}
 */
export function markerBox(x, y) {
  return [x - MARKER_HALF, y - MARKER_HALF, x + MARKER_HALF, y + MARKER_HALF];
}

/**
 * Place the towns (most important first) on a map of `size` px, around the boxes `taken`.
 * @param {TownAt[]} towns
 * @param {Box[]} taken  boxes already covered (markers); not changed
 * @param {{x: number, y: number}} size
 * @returns {Placed[]}
 */
export function placeLabels(towns, taken, size) {
  const boxes = taken.slice();
  /** @param {Box} box */
  function free(box) {
    if (box[0] < 0 || box[1] < 0 || box[2] > size.x || box[3] > size.y) return false;
    for (let k = 0; k < boxes.length; k++) {
      const t = boxes[k];
      if (box[0] < t[2] && box[2] > t[0] && box[1] < t[3] && box[3] > t[1]) return false;
    }
    return true;
  }
  /** @type {Placed[]} */
  const out = [];
  for (const town of towns) {
    const w = town.name.length * CHAR_W + 2 * LABEL_PAD, y0 = town.y - LABEL_H / 2;
    /** @type {Box} */
    const right = [town.x + 5, y0, town.x + 5 + w, y0 + LABEL_H];
    /** @type {Box} */
    const left = [town.x - 5 - w, y0, town.x - 5, y0 + LABEL_H];
    const side = free(right) ? "right" : free(left) ? "left" : null;
    if (!side) continue;
    const box = side === "right" ? right : left;
    boxes.push(box);
    out.push({id: town.id, name: town.name, box, side, width: w});
  }
  return out;
}

/**
 * What a placement draws, as one string: two placements with the same key put the same
 * labels, of the same widths, on the same sides of their towns (where each town is on the
 * screen is the map's business, not the label's).
 * @param {Placed[]} placed
 * @returns {string}
 */
export function placementKey(placed) {
  return placed.map((p) => p.id + "\u0000" + p.side + "\u0000" + p.width).join("\n");
}
