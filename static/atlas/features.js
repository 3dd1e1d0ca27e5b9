/** Spec-styled GeoJSON in Leaflet: each feature carries its drawing in its properties
 * (see CONTRACT.md): `_s` style, `_t` tooltip HTML, `_p` popup HTML, `_r` precision radius
 * (m); a point with `_l` is a permanent label (`_ld` its direction).
 * @module
 */
import {unfocusable} from "#atlas/access.js";
import {esc} from "#atlas/symbols.js";

/** @typedef {import("#atlas/symbols.js").Symbols} Symbols */
/** @typedef {{marker?: string, size?: number, color?: string, fill?: string | null, fill_opacity?: number,
 *   weight?: number, opacity?: number, dash?: string | null, interactive?: boolean}} Style */

/**
 * Drawing of features with Leaflet `L` and a symbol table. With `access`, shapes that are not
 * markers take no focus (access.js; markers are reached through the list of events).
 * @param {any} L  Leaflet
 * @param {Symbols} symbols
 * @param {boolean} [access]
 */
export function createFeatures(L, symbols, access) {
  /**
   * A marker's icon: the table's shape as SVG.
   * @param {Style} st
   */
  function markerIcon(st) {
    const s = st.size || 10;
    const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="' + s + '" height="' + s + '" viewBox="0 0 ' + s + " " + s +
      '" fill="' + esc(st.fill || "#fff") + '" fill-opacity="' + (st.fill_opacity == null ? 1 : st.fill_opacity) +
      '" stroke="' + esc(st.color || "#000") + '" stroke-width="' + (st.weight || 1) + '" aria-hidden="true" focusable="false">' + symbols.shapePath(st.marker, s) + "</svg>";
    // The popup's tip points at the marker's top edge, so an open popup never covers it.
    return L.divIcon({html: svg, className: "ba-marker ba-" + esc(st.marker || "circle"), iconSize: [s, s],
                      iconAnchor: [s / 2, s / 2], popupAnchor: [0, -s / 2]});
  }

  /** @param {Style} st */
  function pathOptions(st) {
    const dashes = symbols.dashArray(st.dash, st.weight);
    return {color: st.color, weight: st.weight, opacity: st.opacity == null ? 1 : st.opacity,
            dashArray: dashes, lineCap: dashes ? "butt" : "round",  // square-cut dashes, as in print
            fill: !!st.fill, fillColor: st.fill || st.color,
            fillOpacity: st.fill ? st.fill_opacity : 0, interactive: st.interactive !== false};
  }

  /**
   * A GeoJSON layer of spec-styled features; `onLayer` hears each feature's Leaflet layer.
   * @param {any} data  a FeatureCollection
   * @param {{pane?: string, onLayer?: (feature: any, layer: any) => void}} [options]
   */
  function geoJson(data, options) {
    const opts = options || {};
    return L.geoJSON(data, {
      pane: opts.pane,
      /** @param {any} f */
      style: (f) => pathOptions(f.properties._s || {}),
      /** @param {any} f */
      filter: (f) => !!f.geometry,
      /** @param {any} f @param {any} latlng */
      pointToLayer(f, latlng) {
        const st = f.properties._s || {};
        if (f.properties._l) {  // a label anchored at a point, away from the data
          return L.tooltip({permanent: true, direction: f.properties._ld || "right", interactive: false,
                            className: "ba-label", offset: [0, 6]}).setLatLng(latlng).setContent(f.properties._l);
        }
        if (f.properties._r) {
          return L.circle(latlng, Object.assign(pathOptions(st), {radius: f.properties._r, interactive: false}));
        }
        return L.marker(latlng, {icon: markerIcon(st), keyboard: false, riseOnHover: true,
                                 title: "", alt: f.properties._id || ""});
      },
      /** @param {any} f @param {any} lyr */
      onEachFeature(f, lyr) {
        const p = f.properties;
        if (opts.onLayer) opts.onLayer(f, lyr);
        if (p._l) return;  // a label is its own layer
        if (p._t) lyr.bindTooltip(p._t, {sticky: true, className: "ba-tooltip"});
        if (p._p) lyr.bindPopup(p._p, {maxWidth: 380, maxHeight: 420, className: "ba-popup-wrap"});
        if (access && (!lyr.getLatLng || lyr.getRadius)) unfocusable(lyr);
      }
    });
  }

  return {markerIcon, pathOptions, geoJson};
}

/** @typedef {ReturnType<typeof createFeatures>} Features */
