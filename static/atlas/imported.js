/* Border Atlas: a user's imported events, as clustered markers or as density. Served by the
   app; needs leaflet.markercluster, leaflet.heat and atlas.js. The tooltip and popup texts
   arrive as HTML escaped by the app (geo/webimport.py); nothing here builds HTML from the
   file's text. */
(function () {
  "use strict";
  var POPUP = {maxWidth: 380, maxHeight: 420, className: "ba-popup-wrap"};
  var TOOLTIP = {sticky: true, className: "ba-tooltip"};
  // Clustering needs the map's deepest zoom. The atlas asks for 14 (webmap.base_map), but a
  // map with no tile layer has no limit at all; then it gets this one.
  var FALLBACK_MAX_ZOOM = 14;
  // Markers and clusters get a pane just under the marker pane (600), so the atlas's own
  // events stay on top of a user's.
  var PANE = "baImported";

  var ClusterGroup = L.MarkerClusterGroup.extend({
    onAdd: function (map) {
      if (!isFinite(map.getMaxZoom())) map.setMaxZoom(FALLBACK_MAX_ZOOM);
      if (!map.getPane(PANE)) map.createPane(PANE).style.zIndex = 590;
      L.MarkerClusterGroup.prototype.onAdd.call(this, map);
    }
  });

  // A cluster: a white disc with a dark ring and its count, sized by how many it holds, so it
  // never looks like an event marker (those are coloured by actor).
  function clusterIcon(cluster) {
    var n = cluster.getChildCount();
    var size = n < 10 ? 26 : n < 100 ? 32 : n < 1000 ? 38 : 44;
    var text = n < 10000 ? String(n) : Math.round(n / 1000) + "k";
    return L.divIcon({html: "<span>" + text + "</span>", className: "ba-cluster",
                      iconSize: [size, size], iconAnchor: [size / 2, size / 2]});
  }

  function iconFor(style) {
    var icon = BorderAtlas.markerIcon(style);
    icon.options.className += " ba-imported";
    return icon;
  }

  // points: [lon, lat, style index, tooltip HTML, popup as indices into parts]: a popup's
  // HTML is its parts joined (geo.webimport.pack_html; every part escaped by the app).
  // Tooltips and popups are bound on first hover or click only: thousands of markers cost
  // no Leaflet popup objects.
  function markers(data) {
    var icons = data.styles.map(iconFor), parts = data.parts;
    function popupHtml(codes) {
      var out = "";
      for (var k = 0; k < codes.length; k++) out += parts[codes[k]];
      return out;
    }
    var group = new ClusterGroup({
      chunkedLoading: true, chunkInterval: 150, chunkDelay: 20, showCoverageOnHover: false,
      spiderfyOnMaxZoom: true, maxClusterRadius: 50, iconCreateFunction: clusterIcon,
      clusterPane: PANE
    });
    var points = data.points, list = new Array(points.length);
    for (var i = 0; i < points.length; i++) {
      var p = points[i];
      list[i] = L.marker([p[1], p[0]], {icon: icons[p[2]], pane: PANE, keyboard: false,
                                        riseOnHover: true, title: "", alt: "", baIndex: i});
    }
    group.on("mouseover", function (e) {
      var m = e.layer, p = points[m.options.baIndex];
      if (!p || m.getTooltip() || !p[3]) return;
      m.bindTooltip(p[3], TOOLTIP).openTooltip(e.latlng);
    });
    group.on("click", function (e) {
      var m = e.layer, p = points[m.options.baIndex];
      if (!p || m.getPopup() || !p[4].length) return;
      m.bindPopup(popupHtml(p[4]), POPUP).openPopup();
    });
    group.addLayers(list);
    return group;
  }

  // cells: [lat, lon, events in the grid square]; options: Leaflet.heat's, set by the app.
  function density(data) {
    return L.heatLayer(data.cells, data.options);
  }

  // How many imported events a layer holds, as "markers:254" or "density:12345", written on
  // the map's container when the layer is added: what tests and the bench read.
  function count(data) {
    if (data.kind !== "density") return data.points.length;
    var n = 0;
    for (var i = 0; i < data.cells.length; i++) n += data.cells[i][2];
    return n;
  }

  function imported(data) {
    var lyr = data.kind === "density" ? density(data) : markers(data);
    var shown = data.kind + ":" + count(data);
    lyr.on("add", function (e) { e.target._map.getContainer().setAttribute("data-ba-imported", shown); });
    lyr.on("remove", function (e) { e.target._map.getContainer().removeAttribute("data-ba-imported"); });
    return lyr;
  }

  BorderAtlas.imported = imported;
})();
