/** Tooltips and popups that fit the map: a tooltip near an edge is shifted inside it (its date
 * stays readable), and a popup pans the map so that it and its marker are clear of the edges
 * and of the legend.
 * @module
 */

/** Room kept between the map's edges and a tooltip or popup (px). */
export const EDGE = 8;
/** Room under a popup's tip for the marker it points at (px): the largest marker and a margin. */
export const MARKER_ROOM = 24;

/**
 * The shift [dx, dy] that brings a box inside the bounds, `margin` px from their edges (a box
 * larger than the bounds keeps its top or left edge inside).
 * @param {{left: number, top: number, right: number, bottom: number}} box
 * @param {{left: number, top: number, right: number, bottom: number}} bounds
 * @param {number} margin
 * @returns {[number, number]}
 */
export function shiftInside(box, bounds, margin) {
  /** @param {number} lo @param {number} hi @param {number} min @param {number} max */
  const axis = (lo, hi, min, max) => {
    if (hi > max - margin) { const d = max - margin - hi; return lo + d < min + margin ? min + margin - lo : d; }
    return lo < min + margin ? min + margin - lo : 0;
  };
  return [axis(box.left, box.right, bounds.left, bounds.right), axis(box.top, box.bottom, bounds.top, bounds.bottom)];
}

/**
 * The room (px) the map's controls take from its left and right edges: a control column (the
 * legend, the list of events) when it is open and takes much of the height, else none.
 * @param {any} map
 * @returns {{left: number, right: number}}
 */
export function controlsRoom(map) {
  const size = map.getSize(), box = map.getContainer();
  /** @param {string} selector */
  const room = (selector) => {
    const column = box.querySelector(selector);
    if (!column) return 0;
    const rect = column.getBoundingClientRect();
    return rect.height > size.y / 3 && rect.width < size.x / 2 ? Math.ceil(rect.width) : 0;
  };
  return {left: room(".leaflet-top.leaflet-left"), right: room(".leaflet-top.leaflet-right")};
}

/**
 * The padding a popup's autopan keeps: clear of the edges and the legend, with room for its
 * marker under its tip.
 * @param {any} map
 * @returns {{topLeft: [number, number], bottomRight: [number, number]}}
 */
export function popupPadding(map) {
  const room = controlsRoom(map);
  return {topLeft: [EDGE + 4 + room.left, EDGE + 4], bottomRight: [EDGE + 4 + room.right, EDGE + 4 + MARKER_ROOM]};
}

/**
 * Keep every hover tooltip of the map (not the permanent labels) inside it: after Leaflet
 * places one (opened, or moved with the pointer), it is shifted with the CSS `translate`
 * property, which adds to the position Leaflet writes in `transform`.
 * @param {any} map
 */
export function keepTooltipsInside(map) {
  const container = map.getContainer();
  const fit = () => {
    const pane = map.getPane("tooltipPane");
    if (!pane) return;
    const bounds = container.getBoundingClientRect();
    pane.querySelectorAll(".ba-tooltip").forEach((/** @type {HTMLElement} */ tip) => {
      tip.style.translate = "";
      const [dx, dy] = shiftInside(tip.getBoundingClientRect(), bounds, EDGE);
      if (dx || dy) tip.style.translate = dx + "px " + dy + "px";
    });
  };
  map.on("tooltipopen zoomend moveend", fit);
  container.addEventListener("mousemove", fit);  // after Leaflet's own (added first) moved a sticky tooltip
}
