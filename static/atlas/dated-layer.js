/** A dated layer: features shown while their span meets the window, crossings drawn by their
 * status on the window's last day. It follows a WindowModel (see engine.js).
 * @module
 */
import {inWindow, span} from "#atlas/days.js";
import {statusOn} from "#atlas/status.js";

/** @typedef {import("#atlas/features.js").Features} Features */
/** @typedef {{layer: any, d0: number, d1: number, id: string | undefined, feature: any, on: boolean,
 *   circle: boolean, closed?: boolean, popupNode?: HTMLElement, kept?: boolean}} DatedItem */

export class DatedLayer {
  /**
   * @param {any} L  Leaflet
   * @param {Features} features
   * @param {string} name
   * @param {any} collection  a FeatureCollection whose features carry `_d0`/`_d1`
   * @param {{onMarker?: (item: DatedItem) => void}} [hooks]  hears each clickable marker
   */
  constructor(L, features, name, collection, hooks) {
    this.name = name;
    this.features = features;
    this.group = L.layerGroup();
    /** @type {DatedItem[]} */
    this.items = [];
    /** Features in the window (precision circles not counted). */
    this.count = 0;
    features.geoJson(collection, {
      /** @param {any} feature @param {any} layer */
      onLayer: (feature, layer) => {
        const p = feature.properties, days = span(p._d0, p._d1);
        /** @type {DatedItem} */
        const item = {layer, d0: days[0], d1: days[1], id: p._id, feature, on: false, circle: !!(p._r || p._a)};
        this.items.push(item);
        if (p._id && !p._r && !p._a && !p._l && hooks && hooks.onMarker) hooks.onMarker(item);
      }
    });
  }

  /**
   * Show exactly the features that meet [start, end] and the filters keep (`kept`, set by the
   * engine; none when the layer is hidden); a
   * crossing takes its look on `end`. Returns whether any feature came or went.
   * @param {number} start
   * @param {number} end
   * @param {boolean} shown
   * @returns {boolean}
   */
  apply(start, end, shown) {
    let n = 0, toggled = false;
    for (const it of this.items) {
      this._styleByStatus(it, end);
      const on = shown && it.kept !== false && inWindow(it.d0, it.d1, start, end);
      if (on && !it.circle) n++;
      if (on !== it.on) {
        it.on = on;
        toggled = true;
        if (on) this.group.addLayer(it.layer); else this.group.removeLayer(it.layer);
      }
    }
    this.count = n;
    return toggled;
  }

  /** A crossing closed on `day` is drawn hollow (`_sc`), open ones as usual (`_s`).
   * @param {DatedItem} it
   * @param {number} day */
  _styleByStatus(it, day) {
    const p = it.feature.properties;
    if (!p._h || !p._sc || !it.layer.setIcon) return;
    const closed = statusOn(p._h, day) === "closed";
    if (it.closed === undefined || closed !== it.closed) {
      it.closed = closed;
      it.layer.setIcon(this.features.markerIcon(closed ? p._sc : p._s));
    }
  }

  /** The status a crossing is drawn with now ("open", "closed"), null for other features.
   * @param {DatedItem} it
   * @returns {string | null} */
  static statusOf(it) {
    return it.closed == null ? null : it.closed ? "closed" : "open";
  }
}
