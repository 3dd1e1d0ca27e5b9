/** The legend: a control on the map, folded away on small screens. Its HTML is built by
 * Python from the layer specs.
 * @module
 */

/**
 * @param {any} L  Leaflet
 * @param {any} map
 */
export function createLegend(L, map) {
  /** @type {any} */
  let control = null;
  /** @type {string | null} */
  let current = null;
  const Legend = L.Control.extend({
    onAdd() {
      const box = L.DomUtil.create("details", "ba-legend-control");
      box.open = (map.getSize().x > 1000);
      const summary = L.DomUtil.create("summary", "", box);
      summary.textContent = "Legend";
      this.body = L.DomUtil.create("div", "ba-legend-body", box);
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      return box;
    }
  });
  return {
    /** @param {string} html  markup built and escaped by Python */
    set(html) {
      if (!control) control = new Legend({position: "topright"}).addTo(map);
      if (current !== html) { current = html; control.body.innerHTML = html; }
    }
  };
}
