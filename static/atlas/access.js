/** Keyboard and screen-reader access to the map's events: a list of the markers shown (the
 * timeline's events first, in time order, then the other dated layers'), a control on the map
 * ("Events on the map"), whose buttons open the same popup as a click on the marker, and move
 * focus into it; Escape closes a popup and gives focus back to the button that opened it.
 * Markers stay mouse targets only: too small and too close together to be keyboard targets of
 * their own (WCAG 2.5.8), they are reached through the list. Shapes that are not markers
 * (provinces, routes, circles) are never a Tab stop: Chromium makes an SVG path focusable once
 * Leaflet listens for its focus (to show its tooltip), and focusing one draws its bounding box.
 * @module
 */

import {controlsRoom} from "#atlas/fit.js";

/** Room an event opened from the list keeps from the map's edges (px). */
export const REVEAL = 48;

/** @typedef {{layer: any, d0: number, id?: string | undefined, rank: number, feature: any}} Listed  a marker shown */

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
 * Shapes that are not markers take no focus (no Tab stop, no box drawn around them).
 * @param {any} layer  a Leaflet vector layer
 */
export function unfocusable(layer) {
  layer.on("add", () => {
    const el = layer.getElement && layer.getElement();
    if (el) el.setAttribute("tabindex", "-1");
  });
}

/**
 * The list of the map's events (a control on the map) and the focus of the popups it opens.
 * `set(shown)` says which markers are shown; the list is rebuilt when they change (its
 * buttons only while it is open).
 * @param {any} L  Leaflet
 * @param {any} map
 * @param {Document} doc
 */
export function createEventList(L, map, doc) {
  const textOf = markupText(doc);
  /** @type {Listed[]} */
  let shown = [];
  let key = "", built = "";
  /** @type {{open: any, opener: HTMLElement | null, pending: HTMLElement | null}} */
  const focus = {open: null, opener: null, pending: null};
  const Control = L.Control.extend({
    onAdd() {
      const box = L.DomUtil.create("details", "ba-events-control");
      this.summary = L.DomUtil.create("summary", "", box);
      this.list = L.DomUtil.create("ol", "ba-events-list", box);
      this.list.setAttribute("aria-label", "Events on the map, oldest first");
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      box.addEventListener("toggle", () => fill());
      return box;
    }
  });
  const control = new Control({position: "topleft"}).addTo(map);
  const box = control.getContainer();
  /** @param {Listed} it */
  const nameOf = (it) => {
    const f = /** @type {any} */ (it.feature);
    return f.baName || (f.baName = markerName(f.properties, textOf));
  };
  function fill() {
    control.summary.textContent = "Events on the map (" + shown.length + ")";
    if (!box.open || built === key) return;
    built = key;
    control.list.textContent = "";
    for (const it of shown) {
      const button = control.list.appendChild(doc.createElement("li")).appendChild(doc.createElement("button"));
      button.type = "button";
      button.textContent = nameOf(it);  // text from the atlas's data, as text
      button.addEventListener("click", () => open(it, button));
    }
  }
  /** Open a listed event's popup (as a click on its marker), focus going into it.
   * @param {Listed} it @param {HTMLElement} button */
  function open(it, button) {
    const ll = it.layer.getLatLng(), room = controlsRoom(map);
    map.panInside(ll, {paddingTopLeft: [REVEAL + room.left, REVEAL], paddingBottomRight: [REVEAL + room.right, REVEAL],
                       animate: false});
    focus.pending = button;
    it.layer.fire("click", {latlng: ll});
    focus.pending = null;
  }
  map.on("popupopen", (/** @type {any} */ e) => {
    focus.open = e.popup;
    focus.opener = focus.pending;
    const el = e.popup.getElement();
    if (!el) return;
    el.setAttribute("role", "dialog");
    el.setAttribute("aria-label", focus.opener ? focus.opener.textContent || "Details" : "Details");
    const content = el.querySelector(".leaflet-popup-content");
    if (focus.opener && content) { content.setAttribute("tabindex", "-1"); content.focus({preventScroll: true}); }
  });
  map.on("popupclose", (/** @type {any} */ e) => {
    if (e.popup !== focus.open) return;
    focus.open = null;
    const el = e.popup.getElement(), active = doc.activeElement, back = focus.opener;
    focus.opener = null;
    const inside = !active || active === doc.body || !!(el && el.contains(active));
    if (back && inside && back.isConnected) back.focus({preventScroll: true});
  });
  map.getContainer().addEventListener("keydown", (/** @type {KeyboardEvent} */ ev) => {
    if (ev.key !== "Escape" || !focus.open) return;
    ev.preventDefault();
    ev.stopPropagation();
    map.closePopup();
  });
  return {
    /** The markers shown now (any order). @param {Listed[]} items */
    set(items) {
      const next = tabOrder(items), k = next.map((it) => it.id).join("\n");
      if (k === key) return;
      shown = next; key = k;
      fill();
    },
    /** The list's container (the control). */
    element() { return box; }
  };
}
