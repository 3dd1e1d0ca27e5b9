/* Border Atlas: draw spec-styled GeoJSON in Leaflet. Served by the app; no network. */
(function () {
  "use strict";
  // The symbol table (layers/symbols.py): marker shapes in a unit box, dashes in line widths.
  // An exported file carries it (window.BA_SYMBOLS); the app serves it beside this script.
  var SYMBOLS = window.BA_SYMBOLS || null;
  var SCRIPT_URL = document.currentScript && document.currentScript.src;
  var symbolsReady = SYMBOLS ? Promise.resolve(SYMBOLS) :
    fetch(new URL("symbols.json", SCRIPT_URL || window.location.href).href).then(function (r) {
      if (!r.ok) throw new Error("Border Atlas: symbols.json answered " + r.status);
      return r.json();
    }).then(function (table) { SYMBOLS = table; return table; });
  symbolsReady.catch(function (err) { console.error(String(err)); });

  function shapeOf(name) {
    var shapes = SYMBOLS.shapes;
    return shapes[name] || shapes.circle;
  }

  // A dash pattern in pixels for a line of this weight ("" for a solid line).
  function dashArray(dash, weight) {
    var pattern = SYMBOLS.dashes[dash || "solid"];
    if (!pattern) return null;
    var unit = Math.max(weight == null ? 1 : weight, SYMBOLS.dashMinUnitPx);
    return pattern.map(function (v) { return +(v * unit).toFixed(3); }).join(" ");
  }

  function esc(text) {
    return String(text).replace(/[&<>"']/g, function (c) {
      return {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c];
    });
  }

  // SVG outline of a marker shape in a size x size box.
  function shapePath(name, s) {
    var h = s / 2, sym = shapeOf(name);
    if (sym.circle != null) return '<circle cx="' + h + '" cy="' + h + '" r="' + (h * sym.circle).toFixed(2) + '"/>';
    return '<polygon points="' + sym.points.map(function (p) {
      return (h + h * p[0]).toFixed(2) + "," + (h + h * p[1]).toFixed(2);
    }).join(" ") + '"/>';
  }

  // The same shape on a canvas, centred on (x, y) in an s x s box.
  function shapeOnCanvas(ctx, name, x, y, s) {
    var h = s / 2, sym = shapeOf(name);
    ctx.beginPath();
    if (sym.circle != null) { ctx.arc(x, y, h * sym.circle, 0, 2 * Math.PI); return; }
    sym.points.forEach(function (p, i) {
      if (i === 0) ctx.moveTo(x + h * p[0], y + h * p[1]); else ctx.lineTo(x + h * p[0], y + h * p[1]);
    });
    ctx.closePath();
  }

  function markerIcon(st, id) {
    var s = st.size || 10;
    var svg = '<svg xmlns="http://www.w3.org/2000/svg" width="' + s + '" height="' + s + '" viewBox="0 0 ' + s + ' ' + s +
      '" fill="' + esc(st.fill || "#fff") + '" fill-opacity="' + (st.fill_opacity == null ? 1 : st.fill_opacity) +
      '" stroke="' + esc(st.color || "#000") + '" stroke-width="' + (st.weight || 1) + '">' + shapePath(st.marker, s) + "</svg>";
    return L.divIcon({html: svg, className: "ba-marker ba-" + esc(st.marker || "circle"), iconSize: [s, s],
                      iconAnchor: [s / 2, s / 2]});
  }

  function pathOptions(st) {
    var dashes = dashArray(st.dash, st.weight);
    return {color: st.color, weight: st.weight, opacity: st.opacity == null ? 1 : st.opacity,
            dashArray: dashes, lineCap: dashes ? "butt" : "round",  // square-cut dashes, as in print
            fill: !!st.fill, fillColor: st.fill || st.color,
            fillOpacity: st.fill ? st.fill_opacity : 0, interactive: st.interactive !== false};
  }

  // A GeoJSON layer whose features carry their drawing in properties:
  // _s style, _t tooltip HTML, _p popup HTML, _r precision radius (m), _a an event's area
  // outline (a polygon drawn like a precision circle); a point with _l is a permanent label
  // (_ld: its direction).
  function layer(data, options) {
    options = options || {};
    return L.geoJSON(data, {
      pane: options.pane,
      style: function (f) { return pathOptions(f.properties._s || {}); },
      filter: function (f) { return !!f.geometry; },
      pointToLayer: function (f, latlng) {
        var st = f.properties._s || {};
        if (f.properties._l) {  // a label anchored at a point, away from the data
          return L.tooltip({permanent: true, direction: f.properties._ld || "right", interactive: false,
                            className: "ba-label", offset: [0, 6]}).setLatLng(latlng).setContent(f.properties._l);
        }
        if (f.properties._r) {
          return L.circle(latlng, L.extend(pathOptions(st), {radius: f.properties._r, interactive: false}));
        }
        return L.marker(latlng, {icon: markerIcon(st), keyboard: false, riseOnHover: true,
                                 title: "", alt: f.properties._id || ""});
      },
      onEachFeature: function (f, lyr) {
        var p = f.properties;
        if (options.onLayer) options.onLayer(f, lyr);
        if (p._l) return;  // a label is its own layer
        if (p._t) lyr.bindTooltip(p._t, {sticky: true, className: "ba-tooltip"});
        if (p._p) lyr.bindPopup(p._p, {maxWidth: 380, maxHeight: 420, className: "ba-popup-wrap"});
        if (lyr.getElement && p._id) {
          lyr.on("add", function () { var el = lyr.getElement(); if (el) el.setAttribute("data-id", p._id); });
        }
      }
    });
  }

  // Undated layers: fetched once from the app, then the same Leaflet layer is reused. Fetches
  // finish in any order, so each layer has its own pane, stacked in drawing order and all
  // below the overlay pane (z 400) where the dated layers and precision circles are drawn.
  var cache = {};
  function paneFor(map, name, position) {
    var pane = "baStatic_" + name;
    if (!map.getPane(pane)) map.createPane(pane);
    map.getPane(pane).style.zIndex = 300 + position;
    return pane;
  }

  function cached(name, url, pane) {
    var entry = cache[name];
    if (!entry || entry.url !== url) {
      var group = L.layerGroup();
      entry = cache[name] = {url: url, group: group};
      // A URL is fetched from the app; an exported file carries the data itself.
      var load = typeof url !== "string" ? Promise.resolve(url) : fetch(url).then(function (r) {
        if (!r.ok) throw new Error("Border Atlas: " + url + " answered " + r.status);
        return r.json();
      });
      Promise.all([load, symbolsReady]).then(function (done) {
        var data = done[0];
        entry.layer = layer(data, {pane: pane}).addTo(group);
        if (name === "context") setContextFill(null, contextFill);
      })
        .catch(function (err) { console.error(String(err)); });
    }
    return entry.group;
  }

  // Show exactly these undated layers (bottom to top) on the map itself, outside the feature
  // groups that are swapped on every window change: they are drawn once and left alone.
  var shown = [];
  function showStatic(map, layers) {
    var key = JSON.stringify(layers);
    if (map.__baStaticKey === key) return;
    map.__baStaticKey = key;
    shown.forEach(function (g) { map.removeLayer(g); });
    shown = layers.map(function (item, i) {
      return cached(item[0], item[1], paneFor(map, item[0], i)).addTo(map);
    });
  }

  // Over online tiles the context layer keeps its outlines and drops its opaque fill, so
  // the tiles show through; the offline basemap keeps the fill.
  var contextFill = true;
  function setContextFill(map, full) {
    contextFill = full;
    var entry = cache.context;
    if (!entry || !entry.layer) return;
    entry.layer.eachLayer(function (lyr) {
      var st = lyr.feature && lyr.feature.properties._s;
      if (st && lyr.setStyle) lyr.setStyle({fillOpacity: full && st.fill ? st.fill_opacity : 0});
    });
  }

  window.BorderAtlas = {layer: layer, cached: cached, showStatic: showStatic, markerIcon: markerIcon, esc: esc,
                        setContextFill: setContextFill, shapePath: shapePath, shapeOnCanvas: shapeOnCanvas, dashArray: dashArray,
                        symbolsReady: symbolsReady, symbols: function () { return SYMBOLS; }};
})();
