/** Undated layers: loaded once (fetched from the app, or carried by an exported file), then
 * the same Leaflet layer is reused. Each has its own pane, stacked in drawing order below
 * the overlay pane (z 400) where the dated layers and precision circles are drawn.
 * @module
 */

/** @typedef {import("#atlas/features.js").Features} Features */
/** @typedef {[string, string | object]} StaticSource  a layer's name and its URL or data */

export class StaticLayers {
  /**
   * @param {any} L  Leaflet
   * @param {any} map
   * @param {Features} features
   * @param {(url: string) => Promise<any>} load  reads a layer's browser file
   * @param {string | null} backgroundLayer  the layer whose fill gives way to online tiles
   */
  constructor(L, map, features, load, backgroundLayer) {
    this.L = L;
    this.map = map;
    this.features = features;
    this.load = load;
    this.background = backgroundLayer;
    /** @type {Record<string, {url: string | object, group: any, layer?: any}>} */
    this.cache = {};
    /** @type {any[]} */
    this.shownGroups = [];
    this.key = "";
    this.fill = true;
  }

  /** @param {string} name @param {number} position @returns {string} */
  _pane(name, position) {
    const pane = "baStatic_" + name;
    if (!this.map.getPane(pane)) this.map.createPane(pane);
    this.map.getPane(pane).style.zIndex = String(300 + position);
    return pane;
  }

  /** @param {string} name @param {string | object} url @param {string} pane */
  _group(name, url, pane) {
    let entry = this.cache[name];
    if (!entry || entry.url !== url) {
      const group = this.L.layerGroup();
      const made = {url, group, layer: undefined};
      entry = this.cache[name] = made;
      const data = typeof url !== "string" ? Promise.resolve(url) : this.load(url);
      data.then((collection) => {
        made.layer = this.features.geoJson(collection, {pane}).addTo(group);
        if (name === this.background) this.setFill(this.fill);
      }).catch((err) => { console.error(String(err)); });
    }
    return entry.group;
  }

  /**
   * Show exactly these undated layers (bottom to top); drawn once and left alone.
   * @param {StaticSource[]} layers
   */
  show(layers) {
    const key = JSON.stringify(layers);
    if (this.key === key) return;
    this.key = key;
    this.shownGroups.forEach((g) => this.map.removeLayer(g));
    this.shownGroups = layers.map((item, i) => this._group(item[0], item[1], this._pane(item[0], i)).addTo(this.map));
  }

  /**
   * Over online tiles the background layer keeps its outlines and drops its opaque fill, so
   * the tiles show through; the offline basemap keeps the fill.
   * @param {boolean} full
   */
  setFill(full) {
    this.fill = full;
    const entry = this.background ? this.cache[this.background] : null;
    if (!entry || !entry.layer) return;
    entry.layer.eachLayer((/** @type {any} */ lyr) => {
      const st = lyr.feature && lyr.feature.properties._s;
      if (st && lyr.setStyle) lyr.setStyle({fillOpacity: full && st.fill ? st.fill_opacity : 0});
    });
  }
}
