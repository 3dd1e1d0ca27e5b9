/** The mouse wheel scrolls the page, as on any page, until the reader asks for zoom: over the
 * map or the timeline the wheel zooms them only with Ctrl (⌘ on a Mac; a touchpad's pinch
 * comes as Ctrl+wheel) or after a click on them (until the pointer leaves), as embedded maps
 * do. A plain wheel shows a short hint saying so.
 *
 * The gate is a capture-phase listener on the element that holds the zooming one: a wheel it
 * does not let through stops there, so the zoom's own listener (Leaflet's on the map's
 * container, the timeline's on its track) never hears it, and the browser scrolls the page.
 * @module
 */

/** How long the hint stays (ms). */
export const HINT_MS = 1600;

/**
 * Whether a wheel zooms: with Ctrl or ⌘ held, or once the element is active (clicked).
 * @param {{ctrlKey: boolean, metaKey: boolean}} ev
 * @param {boolean} active
 */
export function wheelZooms(ev, active) {
  return !!(ev.ctrlKey || ev.metaKey || active);
}

/**
 * The hint's text for a platform ("MacIntel", "Win32", "Linux x86_64"...).
 * @param {string} platform
 * @param {string} what  "the map", "the timeline"
 */
export function hintText(platform, what) {
  const key = /mac|iphone|ipad/i.test(platform || "") ? "⌘" : "Ctrl";
  return "To zoom " + what + ", hold " + key + " while scrolling, or click " + what + " first";
}

/**
 * Gate the wheel over `box`: it zooms (reaches the listeners inside or on `box`) only with
 * Ctrl/⌘ or after a click on `box`; else the page scrolls and a hint shows in `hintParent`.
 * Wheels over a part that scrolls by itself (`scrolls`, a selector: a popup, the legend) are
 * let be, without a hint.
 * @param {HTMLElement} box
 * @param {{what: string, hintParent: HTMLElement, scrolls?: string}} opts
 * @returns {{active: () => boolean}}
 */
export function gateWheel(box, opts) {
  const doc = /** @type {Document} */ (box.ownerDocument), win = /** @type {Window} */ (doc.defaultView);
  let active = false;
  /** @type {HTMLElement | null} */
  let hint = null;
  /** @type {ReturnType<typeof setTimeout> | null} */
  let timer = null;
  box.addEventListener("pointerdown", () => { active = true; hide(); });
  box.addEventListener("pointerleave", () => { active = false; });
  function hide() {
    if (hint) hint.classList.remove("ba-wheel-hint-on");
  }
  function show() {
    if (!hint) {
      hint = doc.createElement("div");
      hint.className = "ba-wheel-hint";
      hint.setAttribute("role", "status");
      opts.hintParent.appendChild(hint);
    }
    const text = hintText(win.navigator.platform, opts.what);
    if (hint.textContent !== text) hint.textContent = text;
    hint.classList.add("ba-wheel-hint-on");
    if (timer) clearTimeout(timer);
    timer = setTimeout(hide, HINT_MS);
  }
  box.addEventListener("wheel", (ev) => {
    if (wheelZooms(ev, active)) { hide(); return; }
    ev.stopPropagation();  // the zoom's listeners never hear it; the default (scrolling) goes on
    const target = /** @type {Element | null} */ (ev.target);
    if (opts.scrolls && target && target.closest && target.closest(opts.scrolls)) return;
    show();
  }, {capture: true, passive: true});
  return {active: () => active};
}

/**
 * The map's and the timeline's wheels gated (the timeline's hint shows over the map, where
 * the eye is; `timeline` may be null).
 * @param {any} map
 * @param {HTMLElement | null} timeline
 */
export function gateWheels(map, timeline) {
  const box = map.getContainer();
  const scrolls = ".leaflet-popup, .leaflet-control-container";
  const gates = {map: gateWheel(box, {what: "the map", hintParent: box, scrolls}), timeline: /** @type {null | {active: () => boolean}} */ (null)};
  if (timeline) gates.timeline = gateWheel(timeline, {what: "the timeline", hintParent: timeline});
  return gates;
}
