/** Town labels on the map, placed by labels.js around the markers shown.
 * @module
 */
import {LABEL_H, markerBox, placeLabels, placementKey} from "#atlas/labels.js";

/** @typedef {{id: string, name: string, lat: number, lon: number, rank?: number}} Town */

export class LabelLayer {
  /**
   * @param {any} L  Leaflet
   * @param {any} map
   * @param {Town[]} towns  most important first
   */
  constructor(L, map, towns) {
    this.L = L;
    this.map = map;
    this.towns = towns;
    map.createPane("baLabels").style.zIndex = 450;  // over the shapes, under markers and popups
    map.getPane("baLabels").style.pointerEvents = "none";
    this.group = L.layerGroup().addTo(map);
    /** @type {string[]} ids of the towns labelled now */
    this.shown = [];
    /** What the labels on the map are (placementKey); "" for none. */
    this.key = "";
  }

  /**
   * Label as many towns as fit around the markers at `points` (lat/lngs); none when hidden.
   * @param {boolean} visible
   * @param {any[]} points  Leaflet LatLngs of the markers shown
   */
  place(visible, points) {
    if (!visible) { this._clear(); return; }
    const map = this.map, L = this.L;
    const taken = points.map((ll) => { const p = map.latLngToContainerPoint(ll); return markerBox(p.x, p.y); });
    const towns = this.towns.map((t) => {
      const pt = map.latLngToContainerPoint([t.lat, t.lon]);
      return {id: t.id, name: t.name, x: pt.x, y: pt.y, lat: t.lat, lon: t.lon};
    });
    const byId = new Map(towns.map((t) => [t.id, t]));
    const placement = placeLabels(towns, taken, map.getSize()), key = placementKey(placement);
    // the same labels on the same sides: the markers there stay (Leaflet keeps them on their
    // towns), so a window's step that frees or takes no label's place touches no element
    if (key === this.key) return;
    this._clear();
    this.key = key;
    for (const placed of placement) {
      const town = /** @type {{lat: number, lon: number}} */ (byId.get(placed.id));
      const anchor = placed.side === "right" ? [-5, LABEL_H / 2] : [placed.width + 5, LABEL_H / 2];
      L.marker([town.lat, town.lon], {
        interactive: false, keyboard: false, pane: "baLabels",
        icon: L.divIcon({className: "ba-town-label", html: "", iconSize: [placed.width, LABEL_H], iconAnchor: anchor})
      }).addTo(this.group).getElement().textContent = placed.name;  // a name from the atlas's data, as text
      this.shown.push(placed.id);
    }
  }

  _clear() {
    this.group.clearLayers();
    this.shown = [];
    this.key = "";
  }
}
