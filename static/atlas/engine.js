/* Border Atlas time engine: the date window, the timeline, playback and the dated layers.
 *
 * Runs inside the map document that folium builds (the explorer hosts that document in a
 * frame; an exported HTML file is that document). Python sends the data once; every move of
 * the window after that is handled here, in the same animation frame, and Python hears the
 * window only when the user lets go (BorderAtlasEngine.onCommit).
 *
 * Days are integers: days since 1970-01-01 (UTC). A window is [start, end], both included.
 * Depends on Leaflet (L) and atlas.js (window.BorderAtlas).
 */
(function () {
  "use strict";
  var BA = window.BorderAtlas;
  var MS_DAY = 86400000;
  var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  var SPEEDS = [  // days per second of playback
    {days: 1, label: "1 day/s"}, {days: 3, label: "3 days/s"}, {days: 7, label: "1 week/s"},
    {days: 14, label: "2 weeks/s"}, {days: 30, label: "1 month/s"}
  ];
  var COMMIT_DELAY_MS = 350;   // Python hears the window this long after the last input
  var MIN_AXIS_DAYS = 14;      // the timeline's closest zoom
  var IMPORTED_MARKER_ZOOM = 9; // imported events are clickable shapes from this zoom on

  // ---- days -------------------------------------------------------------------------------
  function dayOf(iso) {
    if (iso == null || iso === "") return null;
    var p = String(iso).split("-");
    return Math.round(Date.UTC(+p[0], (+p[1] || 1) - 1, +p[2] || 1) / MS_DAY);
  }
  function isoOf(day) { return new Date(day * MS_DAY).toISOString().slice(0, 10); }
  function dateParts(day) { var d = new Date(day * MS_DAY); return [d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()]; }
  function fmtDay(day) { var p = dateParts(day); return p[2] + " " + MONTHS[p[1]] + " " + p[0]; }
  function clamp(x, lo, hi) { return Math.max(lo, Math.min(hi, x)); }

  function el(tag, attrs, parent) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") node.textContent = attrs[k];
      else node.setAttribute(k, attrs[k]);
    });
    if (parent) parent.appendChild(node);
    return node;
  }
  var SVG_NS = "http://www.w3.org/2000/svg";
  function svgEl(tag, attrs, parent) {
    var node = document.createElementNS(SVG_NS, tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (parent) parent.appendChild(node);
    return node;
  }

  // ---- the engine's state -------------------------------------------------------------------
  var S = {
    map: null, L: null, cfg: null,
    domain: [0, 1],        // days the timeline covers
    axis: [0, 1],          // days the main track shows (zoomed)
    win: [0, 1],           // the window
    dated: {},             // layer name -> {group, items: [{layer, d0, d1, id, feature}]}
    byId: {},              // event id -> its marker (for links, the table and the timeline)
    shown: {},             // layer name -> shown?
    counts: {},            // layer name -> features in the window
    imported: null,        // {lon, lat, d0, d1, style, n, text...}
    play: null,            // {mode, speed, loop, last, startDay}
    commitTimer: null,
    onCommit: null,
    perf: [],              // input -> drawn timings (ms), read by the bench
    stats: {}
  };

  // ---- dated layers -----------------------------------------------------------------------
  // A dated layer is a FeatureCollection drawn by atlas.js; each feature has _d0/_d1 (first
  // and last day; _d0 null = always shown, _d1 null = open-ended).
  function buildDated(name, collection) {
    var group = S.L.layerGroup();
    var items = [];
    BA.layer(collection, {
      onLayer: function (feature, layer) {
        var p = feature.properties;
        var item = {layer: layer, d0: p._d0 == null ? -1e9 : p._d0, d1: p._d1 == null ? 1e9 : p._d1,
                    id: p._id, feature: feature, on: false, circle: !!(p._r || p._a)};
        items.push(item);
        if (p._id && !p._r && !p._a && !p._l) {
          S.byId[p._id] = item;
          item.layer.on("popupopen", function () { decoratePopup(item); });
          item.layer.on("mouseover", function () { highlightTimeline(p._id, true); });
          item.layer.on("mouseout", function () { highlightTimeline(p._id, false); });
        }
      }
    });
    S.dated[name] = {group: group, items: items};
  }

  // A crossing's status on a day, from the changes Python computed (``_h``: [day, status]).
  function statusOn(history, day) {
    var state = null;
    for (var i = 0; i < history.length && history[i][0] <= day; i++) state = history[i][1];
    return state;
  }

  // A crossing closed on the window's last day is drawn hollow (``_sc``), open ones as usual.
  function styleByStatus(it, day) {
    var p = it.feature.properties;
    if (!p._h || !p._sc || !it.layer.setIcon) return;
    var closed = statusOn(p._h, day) === "closed";
    if (it.closed === undefined || closed !== it.closed) {
      it.closed = closed;
      it.layer.setIcon(BA.markerIcon(closed ? p._sc : p._s));
      var node = it.layer.getElement && it.layer.getElement();
      if (node) { node.setAttribute("data-id", p._id); node.setAttribute("data-status", closed ? "closed" : "open"); }
    }
  }

  function applyWindow() {
    var a = S.win[0], b = S.win[1], toggled = false;
    Object.keys(S.dated).forEach(function (name) {
      var layerShown = !!S.shown[name], n = 0;
      S.dated[name].items.forEach(function (it) {
        styleByStatus(it, b);
        var on = layerShown && it.d0 <= b && it.d1 >= a;
        if (on && !it.circle) n++;
        if (on !== it.on) {
          it.on = on;
          toggled = true;
          if (on) S.dated[name].group.addLayer(it.layer); else S.dated[name].group.removeLayer(it.layer);
          var node = on && it.closed != null && it.layer.getElement && it.layer.getElement();
          if (node) node.setAttribute("data-status", it.closed ? "closed" : "open");
        }
      });
      S.counts[name] = n;
    });
    if (S.importedLayer) S.importedLayer.redraw();
    if (toggled) placeLabelsSoon();
  }

  // During playback the labels are placed at most a few times a second, not every frame.
  var labelTimer = null;
  function placeLabelsSoon() {
    if (!S.play) { placeLabels(); return; }
    if (labelTimer) return;
    labelTimer = setTimeout(function () { labelTimer = null; placeLabels(); }, 400);
  }

  // ---- popups: links to one event ---------------------------------------------------------
  function eventLink(id) {
    var base = S.cfg.linkBase || "";
    return base + (base.indexOf("?") >= 0 ? "&" : "?") + "event=" + encodeURIComponent(id);
  }

  // The popup's content becomes a node once: the spec's HTML (built and escaped by Python)
  // and, under it, the event's own link with a copy button.
  function decoratePopup(item) {
    var popup = item.layer.getPopup();
    if (!popup || item.popupNode) return;
    var node = el("div", {});
    node.innerHTML = item.feature.properties._p;
    item.popupNode = node;
    if (S.cfg.linkBase == null) { popup.setContent(node); return; }  // an exported file: no address
    var box = el("div", {"class": "ba-link"}, node);
    var button = el("button", {type: "button", text: "Copy link to this event"}, box);
    var field = el("input", {type: "text", readonly: "readonly", "aria-label": "Link to this event",
                             value: eventLink(item.id)}, box);
    button.addEventListener("click", function () {
      field.select();
      var done = function () { button.textContent = "Link copied"; };
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(field.value).then(done, function () { document.execCommand("copy"); done(); });
      } else { document.execCommand("copy"); done(); }
    });
    item.popupNode = node;
    popup.setContent(node);
  }

  function focusEvent(id, opts) {
    var item = S.byId[id];
    if (!item) return false;
    opts = opts || {};
    if (opts.window && (item.d0 > S.win[1] || item.d1 < S.win[0])) {
      var span = S.win[1] - S.win[0];
      var start = clamp(item.d0 - Math.floor(span / 2), S.domain[0], S.domain[1] - span);
      setWindow(start, start + span, "focus");
    }
    var ll = item.layer.getLatLng();
    var zoom = Math.max(S.map.getZoom(), opts.zoom || 8);
    if (opts.animate === false) S.map.setView(ll, zoom, {animate: false});
    else S.map.flyTo(ll, zoom, {duration: 0.6});
    var open = function () { if (item.on) item.layer.openPopup(); };
    if (opts.animate === false) open(); else S.map.once("moveend", open);
    return true;
  }

  // ---- imported events: a canvas layer ------------------------------------------------------
  // Up to 100,000 points, filtered by day in one pass per frame. Zoomed out they are drawn as
  // density (events per screen cell); zoomed in as the atlas's shapes, clickable for a popup.
  function ImportedLayer(data) {
    this.data = data;
    this.lastDrawn = {mode: "none", count: 0};
  }
  function makeImportedLayerClass(L) {
    return L.Layer.extend({
      initialize: function (data) { ImportedLayer.call(this, data); },
      onAdd: function (map) {
        this._map = map;
        this._canvas = L.DomUtil.create("canvas", "ba-imported-canvas leaflet-zoom-hide");
        map.getPanes().overlayPane.appendChild(this._canvas);
        map.on("moveend zoomend resize", this.redraw, this);
        map.on("click", this._click, this);
        this.redraw();
      },
      onRemove: function (map) {
        L.DomUtil.remove(this._canvas);
        map.off("moveend zoomend resize", this.redraw, this);
        map.off("click", this._click, this);
        this._map.getContainer().removeAttribute("data-ba-imported");
      },
      redraw: function () {
        if (!this._map) return;
        var map = this._map, size = map.getSize(), canvas = this._canvas;
        var topLeft = map.containerPointToLayerPoint([0, 0]);
        L.DomUtil.setPosition(canvas, topLeft);
        var ratio = window.devicePixelRatio || 1;
        if (canvas.width !== size.x * ratio || canvas.height !== size.y * ratio) {
          canvas.width = size.x * ratio; canvas.height = size.y * ratio;
          canvas.style.width = size.x + "px"; canvas.style.height = size.y + "px";
        }
        var ctx = canvas.getContext("2d");
        ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
        ctx.clearRect(0, 0, size.x, size.y);
        var d = this.data, a = S.win[0], b = S.win[1];
        // Web Mercator: the points' unit coordinates are computed once (readImported), so a
        // frame only scales and shifts them; one pass counts the window and keeps what is on screen.
        var zoom = map.getZoom(), scale = 256 * Math.pow(2, zoom);
        var offset = map.containerPointToLayerPoint([0, 0]).add(map.getPixelOrigin());
        var ox = offset.x, oy = offset.y;
        var xs = this._xs || (this._xs = new Float32Array(d.n));
        var ys = this._ys || (this._ys = new Float32Array(d.n));
        var visible = this._visible || (this._visible = new Int32Array(d.n));
        var m = 0, inWindow = 0, d0 = d.d0, d1 = d.d1, mx = d.mx, my = d.my;
        var xMax = size.x + 10, yMax = size.y + 10;
        for (var i = 0; i < d.n; i++) {
          if (d0[i] > b || d1[i] < a) continue;
          inWindow++;
          var x = mx[i] * scale - ox, y = my[i] * scale - oy;
          if (x < -10 || y < -10 || x > xMax || y > yMax) continue;
          xs[m] = x; ys[m] = y; visible[m] = i; m++;
        }
        this._m = m;
        var mode = zoom >= IMPORTED_MARKER_ZOOM || m <= 500 ? "markers" : "density";
        if (mode === "density") drawDensity(ctx, xs, ys, m, size, d.ramp); else drawShapes(ctx, xs, ys, visible, m, d);
        this.lastDrawn = {mode: mode, count: inWindow, onScreen: m};
        map.getContainer().setAttribute("data-ba-imported", mode + ":" + inWindow);
      },
      _click: function (e) {
        if (!this._m || this.lastDrawn.mode !== "markers") return;
        var p = e.containerPoint, best = -1, bestD = 64;  // within 8 px
        for (var k = 0; k < this._m; k++) {
          var dx = this._xs[k] - p.x, dy = this._ys[k] - p.y, dd = dx * dx + dy * dy;
          if (dd < bestD) { bestD = dd; best = this._visible[k]; }
        }
        if (best < 0) return;
        var d = this.data;
        S.L.popup({maxWidth: 340, className: "ba-popup-wrap"})
          .setLatLng([d.lat[best], d.lon[best]]).setContent(importedPopup(d, best)).openOn(this._map);
      }
    });
  }

  // Density colours, few to many, as Python sends them (the legend draws the same ramp).
  function drawDensity(ctx, xs, ys, m, size, RAMP) {
    var cell = 6, cols = Math.ceil(size.x / cell) + 1, rows = Math.ceil(size.y / cell) + 1;
    var grid = new Uint32Array(cols * rows), max = 0;
    for (var k = 0; k < m; k++) {
      var c = Math.floor(xs[k] / cell), r = Math.floor(ys[k] / cell);
      if (c < 0 || r < 0 || c >= cols || r >= rows) continue;
      var v = ++grid[r * cols + c];
      if (v > max) max = v;
    }
    // One path per colour of the ramp: a few fills a frame, not one per cell.
    var top = Math.log(max + 1), paths = RAMP.map(function () { return new Path2D(); });
    for (var j = 0; j < grid.length; j++) {
      if (!grid[j]) continue;
      var level = Math.min(RAMP.length - 1, Math.floor(Math.log(grid[j] + 1) / top * RAMP.length));
      paths[level].rect((j % cols) * cell, Math.floor(j / cols) * cell, cell, cell);
    }
    ctx.globalAlpha = 0.75;
    paths.forEach(function (path, level) { ctx.fillStyle = RAMP[level]; ctx.fill(path); });
    ctx.globalAlpha = 1;
  }

  function drawShapes(ctx, xs, ys, visible, m, d) {
    var styles = d.styles;
    for (var k = 0; k < m; k++) {
      var st = styles[d.style[visible[k]]] || {};
      var s = Math.max(6, (st.size || 9) - 1);
      ctx.fillStyle = st.fill || "#fff";
      ctx.strokeStyle = st.color || "#000";
      ctx.lineWidth = 1;
      BA.shapeOnCanvas(ctx, st.marker, xs[k], ys[k], s);
      ctx.fill(); ctx.stroke();
    }
  }

  function importedPopup(d, i) {
    var rows = [["When", d.d0[i] === d.d1[i] ? fmtDay(d.d0[i]) : fmtDay(d.d0[i]) + " – " + fmtDay(d.d1[i])]];
    (d.fields || []).forEach(function (f) {
      var v = d.text[f.key] ? d.text[f.key](i) : null;
      if (v != null && v !== "") rows.push([f.label, v]);
    });
    var box = el("div", {"class": "ba-popup"});
    el("h4", {text: (d.title || "Imported event")}, box);
    var table = el("table", {"class": "ba-table"}, box);
    rows.forEach(function (r) {
      var tr = el("tr", {}, table);
      el("th", {text: r[0]}, tr);
      el("td", {text: String(r[1])}, tr);   // text, never markup: it came from a user's file
    });
    el("p", {"class": "ba-note", text: "From " + (d.source || "your file") + ", as imported: not checked by the atlas."}, box);
    return box;
  }

  // ---- the timeline -------------------------------------------------------------------------
  var T = {};  // its DOM nodes and per-day counts

  function buildTimeline(root) {
    root.innerHTML = "";
    var bar = el("div", {"class": "ba-tl-controls"}, root);
    T.presets = el("div", {"class": "ba-tl-presets", role: "group", "aria-label": "Preset windows"}, bar);
    (S.cfg.presets || []).forEach(function (p) {
      var b = el("button", {type: "button", "data-preset": p.key, text: p.label}, T.presets);
      b.addEventListener("click", function () {
        stopPlay();
        var lo = dayOf(p.start), hi = dayOf(p.end);
        setAxis(lo - Math.max(7, Math.round((hi - lo) * 0.6)), hi + Math.max(7, Math.round((hi - lo) * 0.6)));
        setWindow(lo, hi, "preset");
        scheduleCommit(0);
      });
    });
    var playBox = el("div", {"class": "ba-tl-play", role: "group", "aria-label": "Playback"}, bar);
    T.back = el("button", {type: "button", "aria-label": "Window back one day", text: "◀"}, playBox);
    T.playBtn = el("button", {type: "button", "class": "ba-tl-playbtn", "aria-pressed": "false", text: "▶ Play"}, playBox);
    T.fwd = el("button", {type: "button", "aria-label": "Window forward one day", text: "▶"}, playBox);
    T.speed = el("select", {"aria-label": "Playback speed"}, playBox);
    SPEEDS.forEach(function (sp, i) { var o = el("option", {value: String(sp.days), text: sp.label}, T.speed); if (i === 0) o.selected = true; });
    T.mode = el("select", {"aria-label": "Playback mode"}, playBox);
    el("option", {value: "slide", text: "Sliding window"}, T.mode);
    el("option", {value: "grow", text: "Growing window"}, T.mode);
    var loopLabel = el("label", {"class": "ba-tl-loop"}, playBox);
    T.loop = el("input", {type: "checkbox"}, loopLabel);
    loopLabel.appendChild(document.createTextNode(" Loop"));
    T.label = el("div", {"class": "ba-tl-label", "aria-live": "polite"}, bar);
    T.back.addEventListener("click", function () { stopPlay(); shiftWindow(-1, "button"); scheduleCommit(0); });
    T.fwd.addEventListener("click", function () { stopPlay(); shiftWindow(1, "button"); scheduleCommit(0); });
    T.playBtn.addEventListener("click", function () { if (S.play) stopPlay(); else startPlay(); });

    T.overview = svgEl("svg", {"class": "ba-tl-overview", role: "img", "aria-label": "Overview of all years; drag to choose the part shown below"}, root);
    T.track = svgEl("svg", {"class": "ba-tl-track"}, root);
    T.bars = svgEl("g", {"class": "ba-tl-bars"}, T.track);
    T.marks = svgEl("g", {"class": "ba-tl-marks"}, T.track);
    T.axisG = svgEl("g", {"class": "ba-tl-axis"}, T.track);
    T.brush = svgEl("rect", {"class": "ba-tl-brush"}, T.track);
    T.h0 = svgEl("rect", {"class": "ba-tl-handle", tabindex: "0", role: "slider", "aria-label": "Window start"}, T.track);
    T.h1 = svgEl("rect", {"class": "ba-tl-handle", tabindex: "0", role: "slider", "aria-label": "Window end"}, T.track);
    T.brush.setAttribute("tabindex", "0");
    T.brush.setAttribute("role", "slider");
    T.brush.setAttribute("aria-label", "Date window: arrows move it a day, Shift+arrows a week");
    T.ovBars = svgEl("g", {}, T.overview);
    T.ovWin = svgEl("rect", {"class": "ba-tl-ovwin"}, T.overview);
    T.ovAxis = svgEl("rect", {"class": "ba-tl-ovaxis"}, T.overview);
    T.ovTicks = svgEl("g", {"class": "ba-tl-axis"}, T.overview);
    countDays();
    wirePointer();
    wireKeys();
    measureWidths();
    window.addEventListener("resize", function () { measureWidths(); drawTimeline(); });
  }

  // Per-day counts by actor group: curated events and imported ones, built once.
  function countDays() {
    var n = S.domain[1] - S.domain[0] + 1, groups = S.cfg.groups || [];
    T.groups = groups;
    T.perDay = groups.map(function () { return new Uint32Array(n); });
    var gIndex = {};
    groups.forEach(function (g, i) { gIndex[g.key] = i; });
    function add(d0, d1, gi) {
      // an event spanning several days (a month, say) counts on its first day only
      var k = clamp(d0, S.domain[0], S.domain[1]) - S.domain[0];
      if (gi != null && d1 >= S.domain[0] && d0 <= S.domain[1]) T.perDay[gi][k]++;
    }
    (S.dated.events ? S.dated.events.items : []).forEach(function (it) {
      if (!it.circle && !it.feature.properties._l) add(it.d0, it.d1, gIndex[it.feature.properties._g]);
    });
    var d = S.imported;
    if (d) for (var i = 0; i < d.n; i++) add(d.d0[i], d.d1[i], gIndex[d.groupOf ? d.groupOf(i) : "other"]);
  }

  // Widths are measured once per resize, never per frame: reading layout after the brush's
  // attributes changed would make the browser lay the page out again on every move.
  function measureWidths() {
    T.trackW = Math.max(200, T.track.getBoundingClientRect().width || 600);
    T.overviewW = T.overview.getBoundingClientRect().width || 600;
  }
  function trackWidth() { return T.trackW || 600; }
  function xOf(day) { return (day - S.axis[0]) / (S.axis[1] - S.axis[0] + 1) * trackWidth(); }
  function dayAt(x) { return S.axis[0] + x / trackWidth() * (S.axis[1] - S.axis[0] + 1); }
  function ovX(day) { return (day - S.domain[0]) / (S.domain[1] - S.domain[0] + 1) * (T.overviewW || 600); }
  function ovDay(x) { return S.domain[0] + x / (T.overviewW || 600) * (S.domain[1] - S.domain[0] + 1); }

  function binDays(span, width) {
    var perPx = span / width;
    if (perPx <= 0.25) return 1;
    if (perPx <= 1.5) return 7;
    if (perPx <= 6) return 30;
    return 91;
  }

  function drawBars(g, from, to, width, height, xFn) {
    while (g.firstChild) g.removeChild(g.firstChild);
    var step = binDays(to - from + 1, width), max = 1, bins = [];
    var start = from - ((from - S.domain[0]) % step + step) % step;
    for (var d = start; d <= to; d += step) {
      var stack = T.groups.map(function (_, gi) {
        var total = 0, arr = T.perDay[gi];
        for (var k = Math.max(d, S.domain[0]); k < Math.min(d + step, S.domain[1] + 1); k++) total += arr[k - S.domain[0]];
        return total;
      });
      var sum = stack.reduce(function (x, y) { return x + y; }, 0);
      if (sum > max) max = sum;
      bins.push([d, stack]);
    }
    var scale = (height - 2) / Math.sqrt(max);  // square root: one event stays visible beside hundreds
    bins.forEach(function (bin) {
      var x0 = xFn(bin[0]), w = Math.max(1, xFn(bin[0] + step) - x0 - (step > 1 ? 0.5 : 0.3));
      var total = bin[1].reduce(function (x, y) { return x + y; }, 0);
      if (!total) return;
      var h = Math.sqrt(total) * scale, y = height;
      bin[1].forEach(function (count, gi) {
        if (!count) return;
        var part = h * count / total;
        y -= part;
        svgEl("rect", {x: x0.toFixed(1), y: y.toFixed(1), width: w.toFixed(1), height: part.toFixed(1), fill: T.groups[gi].color}, g);
      });
    });
  }

  function ticks(from, to, width) {
    var span = to - from, out = [], p;
    var unit = span / (width / 90);  // about a label every 90 px
    if (unit <= 1.2) {
      for (var d = from; d <= to; d++) { p = dateParts(d); out.push([d, p[2] + " " + MONTHS[p[1]]]); }
    } else if (unit <= 8) {
      for (var w = from; w <= to; w++) { if (new Date(w * MS_DAY).getUTCDay() === 1) { p = dateParts(w); out.push([w, p[2] + " " + MONTHS[p[1]]]); } }
    } else {
      var every = unit <= 40 ? 1 : unit <= 100 ? 3 : unit <= 200 ? 6 : 12;
      var s = dateParts(from), y = s[0], mo = s[1];
      for (;;) {
        var day = Math.round(Date.UTC(y, mo, 1) / MS_DAY);
        if (day > to) break;
        if (day >= from && mo % every === 0) out.push([day, every >= 12 ? String(y) : MONTHS[mo] + (mo === 0 || every >= 6 ? " " + y : "")]);
        mo++; if (mo > 11) { mo = 0; y++; }
      }
    }
    return out;
  }

  function drawAxis(g, from, to, width, height, xFn) {
    while (g.firstChild) g.removeChild(g.firstChild);
    ticks(from, to, width).forEach(function (t) {
      var x = xFn(t[0]);
      svgEl("line", {x1: x, x2: x, y1: height - 4, y2: height}, g);
      var label = svgEl("text", {x: x + 2, y: height + 11}, g);
      label.textContent = t[1];
    });
  }

  var TRACK_H = 64, OV_H = 22;
  function drawTimeline() {
    if (!T.track) return;
    var w = trackWidth();
    drawBars(T.bars, S.axis[0], S.axis[1], w, TRACK_H, xOf);
    drawAxis(T.axisG, S.axis[0], S.axis[1], w, TRACK_H, xOf);
    var ow = T.overviewW || 600;
    drawBars(T.ovBars, S.domain[0], S.domain[1], ow, OV_H, ovX);
    drawAxis(T.ovTicks, S.domain[0], S.domain[1], ow, OV_H, ovX);
    drawMarks();
    drawBrush();
  }

  // Curated events as ticks on the track: click one to fly to it, hover a marker to light it.
  function drawMarks() {
    while (T.marks.firstChild) T.marks.removeChild(T.marks.firstChild);
    T.markById = {};
    var items = (S.dated.events ? S.dated.events.items : []).filter(function (it) {
      return !it.circle && !it.feature.properties._l && it.d0 >= S.axis[0] && it.d0 <= S.axis[1];
    });
    // Events of one day side by side, centred on their day, so each can be clicked.
    var perDay = {}, seen = {};
    items.forEach(function (it) { perDay[it.d0] = (perDay[it.d0] || 0) + 1; });
    items.forEach(function (it) {
      var k = seen[it.d0] = (seen[it.d0] || 0) + 1;
      var x = xOf(it.d0 + 0.5) + (k - 1 - (perDay[it.d0] - 1) / 2) * 9, p = it.feature.properties;
      var mark = svgEl("circle", {cx: x.toFixed(1), cy: TRACK_H + 20, r: 4, "class": "ba-tl-mark",
                                  fill: (p._s && p._s.fill) || "#555", "data-id": p._id}, T.marks);
      var title = svgEl("title", {}, mark);
      title.textContent = p._tl || p._id;
      mark.addEventListener("click", function (ev) { ev.stopPropagation(); focusEvent(p._id, {window: true}); });
      T.markById[p._id] = mark;
    });
  }

  function highlightTimeline(id, on) {
    var mark = T.markById && T.markById[id];
    if (mark) mark.classList.toggle("ba-tl-mark-hot", on);
  }

  function drawBrush() {
    var x0 = xOf(S.win[0]), x1 = xOf(S.win[1] + 1);
    var vx0 = clamp(x0, -4, trackWidth() + 4), vx1 = clamp(x1, -4, trackWidth() + 4);
    T.brush.setAttribute("x", vx0.toFixed(1));
    T.brush.setAttribute("width", Math.max(2, vx1 - vx0).toFixed(1));
    T.brush.setAttribute("y", 0); T.brush.setAttribute("height", TRACK_H);
    [[T.h0, vx0, S.win[0]], [T.h1, vx1, S.win[1]]].forEach(function (h) {
      h[0].setAttribute("x", (h[1] - 5).toFixed(1)); h[0].setAttribute("y", 8);
      h[0].setAttribute("width", 10); h[0].setAttribute("height", TRACK_H - 16);
      h[0].setAttribute("aria-valuemin", isoOf(S.domain[0])); h[0].setAttribute("aria-valuemax", isoOf(S.domain[1]));
      h[0].setAttribute("aria-valuenow", h[2]); h[0].setAttribute("aria-valuetext", fmtDay(h[2]));
    });
    T.brush.setAttribute("aria-valuetext", fmtDay(S.win[0]) + " to " + fmtDay(S.win[1]));
    T.ovWin.setAttribute("x", ovX(S.win[0]).toFixed(1));
    T.ovWin.setAttribute("width", Math.max(2, ovX(S.win[1] + 1) - ovX(S.win[0])).toFixed(1));
    T.ovWin.setAttribute("y", 0); T.ovWin.setAttribute("height", OV_H);
    T.ovAxis.setAttribute("x", ovX(S.axis[0]).toFixed(1));
    T.ovAxis.setAttribute("width", Math.max(3, ovX(S.axis[1] + 1) - ovX(S.axis[0])).toFixed(1));
    T.ovAxis.setAttribute("y", 0); T.ovAxis.setAttribute("height", OV_H);
    var days = S.win[1] - S.win[0] + 1;
    T.label.textContent = fmtDay(S.win[0]) + " – " + fmtDay(S.win[1]) + " (" + days + (days === 1 ? " day" : " days") + ")" +
      (S.counts.events != null ? " · " + S.counts.events + " events" : "") +
      (S.imported && S.importedLayer ? " · " + S.importedLayer.lastDrawn.count.toLocaleString("en") + " imported" : "");
  }

  function setAxis(lo, hi) {
    var span = Math.max(MIN_AXIS_DAYS, hi - lo);
    lo = Math.round(lo); hi = lo + span;
    if (lo < S.domain[0]) { lo = S.domain[0]; hi = lo + span; }
    if (hi > S.domain[1]) { hi = S.domain[1]; lo = Math.max(S.domain[0], hi - span); }
    S.axis = [lo, hi];
    drawTimeline();
  }

  // Keep the window inside the axis shown: when play or a key moves it out, the axis follows.
  function followWindow() {
    var span = S.axis[1] - S.axis[0];
    if (S.win[1] - S.win[0] > span) { setAxis(S.win[0] - 3, S.win[1] + 3); return true; }
    if (S.win[1] > S.axis[1]) { setAxis(S.win[1] - span + Math.round(span * 0.1), S.win[1] + Math.round(span * 0.1)); return true; }
    if (S.win[0] < S.axis[0]) { setAxis(S.win[0] - Math.round(span * 0.1), S.win[0] - Math.round(span * 0.1) + span); return true; }
    return false;
  }

  // The one way the window changes: clamp, redraw the dated layers and the brush, time it.
  function setWindow(start, end, source) {
    var t0 = performance.now();
    start = Math.round(start); end = Math.round(end);
    if (end < start) { var t = start; start = end; end = t; }
    start = clamp(start, S.domain[0], S.domain[1]);
    end = clamp(end, start, S.domain[1]);
    if (start === S.win[0] && end === S.win[1] && source !== "init") return;
    S.win = [start, end];
    applyWindow();
    if (!followWindow()) drawBrush();
    var ms = performance.now() - t0;
    S.perf.push(ms);
    if (S.perf.length > 2000) S.perf.shift();
    document.documentElement.setAttribute("data-ba-window", isoOf(start) + "/" + isoOf(end));
  }

  function shiftWindow(days, source) {
    var span = S.win[1] - S.win[0];
    var start = clamp(S.win[0] + days, S.domain[0], S.domain[1] - span);
    setWindow(start, start + span, source);
  }

  // ---- pointer: brush, pan, resize, overview, wheel -----------------------------------------
  function wirePointer() {
    var drag = null;
    function localX(ev, node) { return ev.clientX - node.getBoundingClientRect().left; }
    T.track.addEventListener("pointerdown", function (ev) {
      if (ev.button !== 0 || ev.target.classList.contains("ba-tl-mark")) return;
      stopPlay();
      var left = T.track.getBoundingClientRect().left;  // once per drag, not per move
      var x = ev.clientX - left, day = Math.floor(dayAt(x));
      var x0 = xOf(S.win[0]), x1 = xOf(S.win[1] + 1);
      var mode = Math.abs(x - x0) <= 7 ? "start" : Math.abs(x - x1) <= 7 ? "end" : (x > x0 && x < x1) ? "pan" : "new";
      drag = {mode: mode, anchor: day, x: x, win: S.win.slice(), left: left};
      if (mode === "new") setWindow(day, day, "brush");
      T.track.setPointerCapture(ev.pointerId);
      ev.preventDefault();
    });
    T.track.addEventListener("pointermove", function (ev) {
      if (!drag) {
        var hx = localX(ev, T.track), a = xOf(S.win[0]), b = xOf(S.win[1] + 1);
        T.track.style.cursor = Math.abs(hx - a) <= 7 || Math.abs(hx - b) <= 7 ? "ew-resize" : (hx > a && hx < b ? "grab" : "crosshair");
        return;
      }
      var x = ev.clientX - drag.left, day = Math.floor(dayAt(x));
      var delta = Math.round((x - drag.x) / trackWidth() * (S.axis[1] - S.axis[0] + 1));
      if (drag.mode === "new") setWindow(Math.min(drag.anchor, day), Math.max(drag.anchor, day), "brush");
      else if (drag.mode === "start") setWindow(Math.min(day, drag.win[1]), drag.win[1], "brush");
      else if (drag.mode === "end") setWindow(drag.win[0], Math.max(day, drag.win[0]), "brush");
      else {
        var span = drag.win[1] - drag.win[0];
        var s = clamp(drag.win[0] + delta, S.domain[0], S.domain[1] - span);
        setWindow(s, s + span, "brush");
      }
    });
    function release() { if (drag) { drag = null; scheduleCommit(); } }
    T.track.addEventListener("pointerup", release);
    T.track.addEventListener("pointercancel", release);
    T.track.addEventListener("wheel", function (ev) {
      ev.preventDefault();
      var day = dayAt(localX(ev, T.track)), factor = ev.deltaY > 0 ? 1.25 : 0.8;
      var lo = day - (day - S.axis[0]) * factor, hi = day + (S.axis[1] - day) * factor;
      setAxis(lo, hi);
    }, {passive: false});
    var ovDrag = null;
    T.overview.addEventListener("pointerdown", function (ev) {
      if (ev.button !== 0) return;
      var x = localX(ev, T.overview), day = ovDay(x), span = S.axis[1] - S.axis[0];
      ovDrag = {x: x, axis: S.axis.slice()};
      if (day < S.axis[0] || day > S.axis[1]) { setAxis(day - span / 2, day + span / 2); ovDrag.axis = S.axis.slice(); }
      T.overview.setPointerCapture(ev.pointerId);
      ev.preventDefault();
    });
    T.overview.addEventListener("pointermove", function (ev) {
      if (!ovDrag) return;
      var delta = ovDay(localX(ev, T.overview)) - ovDay(ovDrag.x);
      setAxis(ovDrag.axis[0] + delta, ovDrag.axis[1] + delta);
    });
    T.overview.addEventListener("pointerup", function () { ovDrag = null; });
  }

  // ---- keyboard ---------------------------------------------------------------------------
  function wireKeys() {
    function onKey(which) {
      return function (ev) {
        var step = ev.shiftKey ? 7 : 1, moved = true;
        if (ev.key === "ArrowLeft" || ev.key === "ArrowDown") step = -step;
        else if (ev.key !== "ArrowRight" && ev.key !== "ArrowUp") moved = false;
        if (!moved) return;
        ev.preventDefault();
        stopPlay();
        if (which === "start") setWindow(Math.min(S.win[0] + step, S.win[1]), S.win[1], "key");
        else if (which === "end") setWindow(S.win[0], Math.max(S.win[1] + step, S.win[0]), "key");
        else shiftWindow(step, "key");
        scheduleCommit();
      };
    }
    T.brush.addEventListener("keydown", onKey("window"));
    T.h0.addEventListener("keydown", onKey("start"));
    T.h1.addEventListener("keydown", onKey("end"));
  }

  // ---- playback ---------------------------------------------------------------------------
  function startPlay() {
    var span = S.win[1] - S.win[0];
    if (S.win[1] >= S.domain[1]) setWindow(S.domain[0], S.domain[0] + span, "play");  // from the start again
    S.play = {mode: T.mode.value, speed: +T.speed.value, loop: T.loop.checked, last: performance.now(),
              pos: S.win[1], start: S.win[0], span: span, frames: 0, t0: performance.now()};
    T.playBtn.textContent = "❚❚ Pause";
    T.playBtn.setAttribute("aria-pressed", "true");
    requestAnimationFrame(tick);
  }

  function tick(now) {
    var p = S.play;
    if (!p) return;
    var dt = Math.min(0.25, (now - p.last) / 1000);
    p.last = now; p.frames++;
    p.pos += dt * p.speed;
    var end = Math.floor(p.pos);
    if (end >= S.domain[1]) {
      if (p.loop) { p.pos = (p.mode === "grow" ? p.start : S.domain[0] + p.span); end = Math.floor(p.pos); }
      else { setWindow(p.mode === "grow" ? p.start : S.domain[1] - p.span, S.domain[1], "play"); stopPlay(); return; }
    }
    if (p.mode === "grow") setWindow(p.start, Math.max(p.start, end), "play");
    else setWindow(end - p.span, end, "play");
    requestAnimationFrame(tick);
  }

  function stopPlay() {
    if (!S.play) return;
    var p = S.play;
    S.stats.lastPlay = {frames: p.frames, seconds: (performance.now() - p.t0) / 1000};
    S.play = null;
    placeLabels();
    T.playBtn.textContent = "▶ Play";
    T.playBtn.setAttribute("aria-pressed", "false");
    scheduleCommit(0);
  }

  // ---- Python hears the window when the user lets go ----------------------------------------
  function viewState() {
    var c = S.map.getCenter();
    return {start: isoOf(S.win[0]), end: isoOf(S.win[1]),
            lat: +c.lat.toFixed(4), lon: +c.lng.toFixed(4), zoom: S.map.getZoom()};
  }
  function scheduleCommit(delay) {
    if (S.commitTimer) clearTimeout(S.commitTimer);
    S.commitTimer = setTimeout(function () {
      S.commitTimer = null;
      if (!S.play && S.onCommit) S.onCommit(viewState());
    }, delay == null ? COMMIT_DELAY_MS : delay);
  }

  // ---- basemaps: tiles in, context fill out, view kept ----------------------------------------
  function setBasemap(key) {
    var tiles = S.cfg.basemaps || {};
    Object.keys(tiles).forEach(function (k) {
      var layer = window[tiles[k]];
      if (!layer) return;
      if (k === key && !S.map.hasLayer(layer)) layer.addTo(S.map);
      if (k !== key && S.map.hasLayer(layer)) S.map.removeLayer(layer);
    });
    document.documentElement.setAttribute("data-ba-basemap", key);
    BA.setContextFill(S.map, key === "offline");
  }

  // ---- town labels: as many as fit at this zoom, most important first, none overlapping -----
  // Python ranks the towns (events near each); here each is placed right of its point, or
  // left, or not at all when both would cover a label already placed or the map's edge.
  var LABEL_H = 14, LABEL_PAD = 3, CHAR_W = 6.3;
  function placeLabels() {
    if (!S.labelLayer) return;
    S.labelLayer.clearLayers();
    if (!S.shown.places) return;
    var size = S.map.getSize(), taken = [], shown = [];
    function free(box) {
      if (box[0] < 0 || box[1] < 0 || box[2] > size.x || box[3] > size.y) return false;
      for (var k = 0; k < taken.length; k++) {
        var t = taken[k];
        if (box[0] < t[2] && box[2] > t[0] && box[1] < t[3] && box[3] > t[1]) return false;
      }
      return true;
    }
    // The dated markers shown keep their place: a label never covers one.
    Object.keys(S.dated).forEach(function (name) {
      S.dated[name].items.forEach(function (it) {
        if (!it.on || it.circle || !it.layer.getLatLng) return;
        var p = S.map.latLngToContainerPoint(it.layer.getLatLng());
        taken.push([p.x - 7, p.y - 7, p.x + 7, p.y + 7]);
      });
    });
    (S.cfg.labels || []).forEach(function (town) {
      var pt = S.map.latLngToContainerPoint([town.lat, town.lon]);
      var w = town.name.length * CHAR_W + 2 * LABEL_PAD, y0 = pt.y - LABEL_H / 2;
      var right = [pt.x + 5, y0, pt.x + 5 + w, y0 + LABEL_H], left = [pt.x - 5 - w, y0, pt.x - 5, y0 + LABEL_H];
      var box = free(right) ? right : free(left) ? left : null;
      if (!box) return;
      taken.push(box);
      shown.push(town.id);
      var anchor = box === right ? [-5, LABEL_H / 2] : [w + 5, LABEL_H / 2];
      S.L.marker([town.lat, town.lon], {
        interactive: false, keyboard: false, pane: "baLabels",
        icon: S.L.divIcon({className: "ba-town-label", html: "", iconSize: [w, LABEL_H], iconAnchor: anchor})
      }).addTo(S.labelLayer).getElement().textContent = town.name;  // a name from the atlas's data, as text
    });
    S.map.getContainer().setAttribute("data-ba-labels", shown.join(","));
  }

  // ---- the legend: a control on the map, folded away on small screens -----------------------
  function setLegend(html) {
    if (!S.legend) {
      var Legend = S.L.Control.extend({
        onAdd: function () {
          var box = S.L.DomUtil.create("details", "ba-legend-control");
          box.open = (S.map.getSize().x > 1000);
          var summary = S.L.DomUtil.create("summary", "", box);
          summary.textContent = "Legend";
          this.body = S.L.DomUtil.create("div", "ba-legend-body", box);
          S.L.DomEvent.disableClickPropagation(box);
          S.L.DomEvent.disableScrollPropagation(box);
          return box;
        }
      });
      S.legend = new Legend({position: "topright"}).addTo(S.map);
    }
    if (S.legendHtml !== html) { S.legendHtml = html; S.legend.body.innerHTML = html; }  // built by Python from the layer specs
  }

  // ---- start and update -------------------------------------------------------------------
  // Imported events arrive as an Arrow table (from Streamlit) or as plain column arrays (in
  // an exported file): {lon: [...], lat: [...], d0, d1, style, group, <text fields>}, where a
  // text column may be {values: [...], codes: [...]} (each distinct text written once).
  function columnReader(table) {
    if (table.getChild) {
      return function (name) {
        var c = table.getChild(name);
        return c ? {all: function () { return c.toArray(); }, get: function (i) { return c.get(i); }} : null;
      };
    }
    return function (name) {
      var c = table[name];
      if (c && c.codes) {  // a text column as {values, codes}: each text once, -1 for none
        var values = c.values;
        c = c.codes.map(function (k) { return k < 0 ? null : values[k]; });
      }
      return c ? {all: function () { return c; }, get: function (i) { return c[i]; }} : null;
    };
  }

  function readImported(table, meta) {
    if (!table || !meta) return null;
    var reader = columnReader(table);
    var col = function (name) { var c = reader(name); return c ? c.all() : null; };
    var lon = col("lon");
    if (!lon) return null;
    var lat = col("lat"), n = lon.length, mx = new Float64Array(n), my = new Float64Array(n);
    for (var i = 0; i < n; i++) {  // Web Mercator in units of the world's width, once
      var s = Math.sin(lat[i] * Math.PI / 180);
      mx[i] = (lon[i] + 180) / 360;
      my[i] = 0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI);
    }
    var text = {};
    (meta.fields || []).forEach(function (f) {
      var c = reader(f.key);
      if (c) text[f.key] = function (i) { var v = c.get(i); return v == null ? null : v; };
    });
    var group = reader("group");
    return {n: n, lon: lon, lat: lat, mx: mx, my: my, d0: col("d0"), d1: col("d1"), style: col("style"),
            styles: meta.styles || [], fields: meta.fields || [], text: text, title: meta.title,
            source: meta.source, ramp: meta.ramp, groupOf: group ? function (i) { return group.get(i); } : null};
  }

  function start(map, cfg) {
    S.map = map; S.L = window.L; S.cfg = cfg;
    S.domain = [dayOf(cfg.domain[0]), dayOf(cfg.domain[1])];
    S.win = [dayOf(cfg.window[0]), dayOf(cfg.window[1])];
    Object.keys(cfg.dated || {}).forEach(function (name) { buildDated(name, cfg.dated[name]); S.dated[name].group.addTo(map); });
    S.ImportedLayer = makeImportedLayerClass(S.L);
    map.createPane("baLabels").style.zIndex = 450;  // over the shapes, under markers and popups
    map.getPane("baLabels").style.pointerEvents = "none";
    S.labelLayer = S.L.layerGroup().addTo(map);
    map.on("zoomend moveend resize", placeLabels);
    update(cfg);
    buildTimeline(document.getElementById("ba-timeline"));
    var span = S.win[1] - S.win[0];
    setAxis(S.win[0] - Math.max(7, span), S.win[1] + Math.max(7, span));
    setWindow(S.win[0], S.win[1], "init");
    if (cfg.view) map.setView([cfg.view.lat, cfg.view.lon], cfg.view.zoom, {animate: false});
    else if (cfg.bounds) map.fitBounds(cfg.bounds, {animate: false});
    map.on("moveend", function () { scheduleCommit(); });
    if (cfg.event) focusEvent(cfg.event, {animate: false, zoom: 8, window: true});
    if (cfg.focus) S.focusNonce = cfg.focus.nonce;
    document.documentElement.setAttribute("data-ba-ready", "1");
  }

  // What may change between Python reruns without rebuilding anything: layers, basemap, the
  // imported events, an event to open.
  function update(cfg) {
    var layers = cfg.layers || [];
    S.shown = {};
    layers.forEach(function (n) { S.shown[n] = true; });
    if (cfg.static) BA.showStatic(S.map, cfg.static.filter(function (s) { return S.shown[s[0]]; }));
    if (cfg.basemap) setBasemap(cfg.basemap);
    if (cfg.legend) setLegend(cfg.legend);
    placeLabels();
    if ("imported" in cfg && cfg.importedKey !== S.importedKey) {
      S.importedKey = cfg.importedKey;
      var d = readImported(cfg.imported, cfg.importedMeta);
      if (S.importedLayer) { S.map.removeLayer(S.importedLayer); S.importedLayer = null; }
      S.imported = d;
      if (d && S.shown.imported) S.importedLayer = new S.ImportedLayer(d).addTo(S.map);
      if (T.track) { countDays(); drawTimeline(); }
    }
    if (S.importedLayer && !S.shown.imported) { S.map.removeLayer(S.importedLayer); S.importedLayer = null; }
    if (S.imported && !S.importedLayer && S.shown.imported) S.importedLayer = new S.ImportedLayer(S.imported).addTo(S.map);
    applyWindow();
    if (T.track) drawBrush();
    // An event to open (from a row of the table): once per request.
    if (cfg.focus && cfg.focus.nonce !== S.focusNonce && T.track) {
      S.focusNonce = cfg.focus.nonce;
      focusEvent(cfg.focus.id, {window: true});
    }
  }

  // folium's script hands over the map (attach); the host hands over the data (configure),
  // before or after. An exported file carries its data in window.BA_CONFIG.
  var attached = null;
  function attach(map) {
    // Markers are drawn from the symbol table: the engine is ready once it is loaded.
    BA.symbolsReady.then(function () {
      attached = map;
      if (window.BA_CONFIG) configure(window.BA_CONFIG);
    });
  }
  // The dated layers come inline or as the URL of their browser file (fetched once; calls
  // that arrive meanwhile are kept, and the last one is applied when the engine has started).
  var loading = null;
  function configure(cfg) {
    if (!attached) throw new Error("Border Atlas: the map is not built yet");
    if (S.map) { update(cfg); return; }
    if (loading) { loading.latest = cfg; return; }
    var pending = cfg.dated && typeof cfg.dated.then === "function" ? cfg.dated : null;  // fetched by the host
    if (typeof cfg.dated !== "string" && !pending) { start(attached, cfg); return; }
    loading = {latest: null};
    (pending || fetch(cfg.dated).then(function (r) {
      if (!r.ok) throw new Error("Border Atlas: " + cfg.dated + " answered " + r.status);
      return r.json();
    })).then(function (dated) {
      var later = loading.latest;
      loading = null;
      start(attached, Object.assign({}, cfg, {dated: dated}));
      if (later) update(later);
    }).catch(function (err) { loading = null; console.error(String(err)); });
  }

  window.BorderAtlasEngine = {
    attach: attach, configure: configure, ready: function () { return !!attached; },
    start: start, update: update, setWindow: setWindow, focusEvent: focusEvent,
    window: function () { return [isoOf(S.win[0]), isoOf(S.win[1])]; },
    dayX: function (day) { return xOf(day); },  // where a day is on the track (px): for tests
    state: S, dayOf: dayOf, isoOf: isoOf,
    set onCommit(fn) { S.onCommit = fn; }, get onCommit() { return S.onCommit; }
  };
})();
