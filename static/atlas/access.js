/** Keyboard and screen-reader access to the map's events: each marker with a popup is a
 * named button in the Tab order, in time order (the timeline's events first, then the other
 * dated layers'); Enter or Space opens its popup and moves focus into it; Escape closes it and
 * gives focus back to the marker. Shapes that are not markers (provinces, routes, circles)
 * are never a Tab stop: Chromium makes an SVG path focusable once Leaflet listens for its
 * focus (to show its tooltip), and focusing one draws its bounding box.
 * @module
 */

import {controlsRoom} from "#atlas/fit.js";

/** Room a focused marker keeps from the map's edges (px): its tooltip shows beside it. */
export const REVEAL = 48;

/** @typedef {{layer: any, d0: number, id: string | undefined, feature: any, on: boolean, circle: boolean}} Orderable */

/**
 * A marker's accessible name, as plain text: the timeline's line for it (`_tl`), else its
 * tooltip's text, else its id.
 * @param {Record<string, any>} props  the feature's properties
 * @param {(html: string) => string} textOf  the text of a piece of markup
 * @returns {string}
 */
export function markerName(props, textOf) {
  if (props._tl) return String(props._tl);
  const tip = props._t ? textOf(String(props._t)).replace(/\s+/g, " ").trim() : "";
  return tip || String(props._id || "");
}

/**
 * The order markers are tabbed through: the layers in `rank` order (a layer not in it last),
 * each by first day, then by id. Returns a new array.
 * @template {{d0: number, id?: string | undefined, rank: number}} T
 * @param {T[]} items
 * @returns {T[]}
 */
export function tabOrder(items) {
  return items.slice().sort((a, b) => a.rank - b.rank || a.d0 - b.d0 ||
    (a.id || "").localeCompare(b.id || ""));
}

/**
 * Put the shown markers' elements in tab order, one after another in their pane, moving only
 * those out of place (a marker shown anew is appended at the end by Leaflet). Leaflet stacks
 * markers by their own z-index, so the drawing is unchanged.
 * @param {{d0: number, id?: string | undefined, rank: number, el: Element}[]} shown
 * @returns {number} how many elements moved
 */
export function orderElements(shown) {
  const order = tabOrder(shown);
  let moved = 0;
  for (let i = 1; i < order.length; i++) {
    const prev = order[i - 1].el, el = order[i].el;
    if (el.previousElementSibling !== prev && prev.parentNode === el.parentNode) { prev.after(el); moved++; }
  }
  return moved;
}

/**
 * The text of the atlas's own markup (built and escaped by Python): parsed in a document that
 * runs nothing, only its text read.
 * @param {Document} doc
 * @returns {(html: string) => string}
 */
export function markupText(doc) {
  const Parser = /** @type {any} */ (doc.defaultView).DOMParser;
  const parser = new Parser();
  return (html) => parser.parseFromString(html, "text/html").body.textContent || "";
}

/**
 * Focus follows the popups of one map: a popup opened from the keyboard takes focus (a named
 * dialog); Escape closes the open popup; when it closes, focus goes back to the marker that
 * opened it if focus was in the popup or on the marker.
 * @param {any} map
 * @param {Document} doc
 */
export function popupFocus(map, doc) {
  /** @type {{open: any, opener: HTMLElement | null}} */
  const state = {open: null, opener: null};
  map.on("popupopen", (/** @type {any} */ e) => {  // the map hears it before the popup's layer
    state.open = e.popup;
    state.opener = null;
    const box = e.popup.getElement();
    if (box) { box.setAttribute("role", "dialog"); box.setAttribute("aria-label", "Details"); }
  });
  map.on("popupclose", (/** @type {any} */ e) => {
    if (e.popup !== state.open) return;
    state.open = null;
    const box = e.popup.getElement(), active = doc.activeElement, back = state.opener;
    state.opener = null;
    const inside = !active || active === doc.body || !!(box && box.contains(active)) || active === back;
    if (back && inside && back.isConnected) back.focus({preventScroll: true});
  });
  map.getContainer().addEventListener("keydown", (/** @type {KeyboardEvent} */ ev) => {
    if (ev.key !== "Escape" || !state.open) return;
    ev.preventDefault();
    ev.stopPropagation();
    map.closePopup();
  });
  return {
    /**
     * Pan the map so a focused marker, and the tooltip it shows, are clear of the edges and
     * the legend (fit.js).
     * @param {any} latlng
     */
    reveal(latlng) {
      const room = controlsRoom(map).right;
      map.panInside(latlng, {paddingTopLeft: [REVEAL, REVEAL], paddingBottomRight: [REVEAL + room, REVEAL]});
    },
    /**
     * A marker's popup opened: it is named after the marker; opened from the keyboard, it
     * takes focus, which comes back to the marker when it closes.
     * @param {any} popup
     * @param {HTMLElement} marker
     * @param {string} name
     * @param {boolean} byKey
     */
    opened(popup, marker, name, byKey) {
      const box = popup.getElement();
      if (!box) return;
      box.setAttribute("aria-label", name);
      if (!byKey && doc.activeElement !== marker) return;
      state.opener = marker;
      if (!byKey) return;
      const content = box.querySelector(".leaflet-popup-content");
      if (content) { content.setAttribute("tabindex", "-1"); content.focus({preventScroll: true}); }
    }
  };
}

/** @typedef {ReturnType<typeof popupFocus>} PopupFocus */

/**
 * Make a Leaflet marker a named button: Enter or Space opens its popup (as a click does, at
 * the marker), and the popup takes focus. Called for each marker with a popup.
 * @param {any} layer  a Leaflet marker
 * @param {string} name
 * @param {PopupFocus | null} focus
 */
export function wireMarker(layer, name, focus) {
  let byKey = false;
  layer.on("add", () => {
    const el = layer.getElement();
    if (!el) return;
    el.setAttribute("role", "button");
    el.setAttribute("aria-label", name);
    if (el.dataset.baKeys) return;
    el.dataset.baKeys = "1";
    el.addEventListener("focus", () => { if (focus) focus.reveal(layer.getLatLng()); });
    el.addEventListener("keydown", (/** @type {KeyboardEvent} */ ev) => {
      if (ev.key !== "Enter" && ev.key !== " ") return;
      ev.preventDefault();  // no page scroll on Space; no keypress, so Leaflet's Enter is not heard twice
      byKey = true;
      layer.fire("click", {originalEvent: ev, latlng: layer.getLatLng()});
      byKey = false;
    });
  });
  layer.on("popupopen", (/** @type {any} */ e) => {
    const el = layer.getElement();
    if (focus && el) focus.opened(e.popup, el, name, byKey);
  });
}

/**
 * Shapes that are not markers take no focus (no Tab stop, no box drawn around them).
 * @param {any} layer  a Leaflet vector layer
 */
export function unfocusable(layer) {
  layer.on("add", () => {
    const el = layer.getElement && layer.getElement();
    if (el) el.setAttribute("tabindex", "-1");
  });
}
