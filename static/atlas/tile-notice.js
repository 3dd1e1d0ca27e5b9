/** A notice when an online basemap's tiles do not load (no network, a blocked server): the map
 * says so, politely, instead of leaving a grey background without a word.
 * @module
 */

/** The notice's words. */
export const TILE_NOTICE = "The online basemap could not be loaded (no network?). " +
  "The atlas's own layers still work; the offline basemap needs no network.";

/**
 * Whether the notice shows: some tiles failed and none of the current basemap's loaded.
 * @param {{errors: number, loads: number}} counts
 */
export function tilesFailed(counts) {
  return counts.errors > 0 && counts.loads === 0;
}

/**
 * A polite notice on the map (a status message, text only), shown and hidden by its owner.
 * @param {any} L  Leaflet
 * @param {any} map
 * @param {string} position  a Leaflet control position ("bottomleft"...)
 */
export function createNotice(L, map, position) {
  /** @type {any} */
  let control = null;
  const Notice = L.Control.extend({
    onAdd() {
      const box = L.DomUtil.create("div", "ba-notice");
      box.setAttribute("role", "status");
      L.DomEvent.disableClickPropagation(box);
      return box;
    }
  });
  return {
    /** Show `text` (as text), or hide the notice (null). @param {string | null} text */
    set(text) {
      if (text == null) { if (control) { control.remove(); control = null; } return; }
      if (!control) control = new Notice({position}).addTo(map);
      control.getContainer().textContent = text;
    },
    /** The text shown, null when hidden. @returns {string | null} */
    text() { return control ? control.getContainer().textContent : null; }
  };
}

/**
 * The notice of one map; `watch(layer)` follows the tile layer shown (null: the offline
 * basemap, nothing to watch).
 * @param {any} L  Leaflet
 * @param {any} map
 */
export function createTileNotice(L, map) {
  /** @type {any} */
  let watched = null;
  const notice = createNotice(L, map, "bottomleft");
  const counts = {errors: 0, loads: 0};
  const update = () => { notice.set(watched && tilesFailed(counts) ? TILE_NOTICE : null); };
  const onError = () => { counts.errors++; update(); };
  const onLoad = () => { counts.loads++; update(); };
  return {
    /** @param {any} layer */
    watch(layer) {
      if (layer === watched) return;
      if (watched) watched.off("tileerror", onError).off("tileload", onLoad);
      watched = layer;
      counts.errors = 0; counts.loads = 0;
      if (watched) watched.on("tileerror", onError).on("tileload", onLoad);
      update();
    },
    /** Whether the notice is shown. */
    shown() { return notice.text() != null; }
  };
}
