/* Border Atlas explorer: the Streamlit element that hosts the map document.
 *
 * A Streamlit Custom Components v2 module. On its first call it puts the map document
 * (built by folium, with the time engine) into a same-origin frame; on every later call it
 * hands the engine what changed (layers, basemap, imported events, an event to open). The
 * engine tells Python the window, centre and zoom when the user lets go: one rerun per
 * gesture, none per frame.
 *
 * A session's imported events (an Arrow table, megabytes) come once: this module keeps the
 * table it was given on the frame, hands the engine that table while Python's `importedKey`
 * names it, and tells Python which import it holds (`held`), so that a rerun (a window's
 * release, a filter) need not send the table again. Holding none of it (a reloaded frame),
 * it says so, and Python sends it again.
 *
 * The page owns the address bar: this module writes the view into it (window, layers,
 * basemap, centre, zoom; the keys are the contract's, geo/web/contract.py URL_KEYS) so a
 * copied URL reopens what is on screen. Python reads the URL only when a session starts.
 */

/** @typedef {import("#atlas/engine.js").Engine} Engine */

/**
 * Write the view into the address bar (keys left out keep their value). The engine writes
 * the text (url-state.js, with the address keys Python sent): one rule for the address.
 * @param {Engine} engine
 * @param {Record<string, unknown>} values
 * @param {boolean} dropEvent  drop `event=` (the view moved away from a linked event)
 */
function writeUrl(engine, values, dropEvent) {
  const next = engine.address(window.location.search, values, dropEvent);
  if (next !== window.location.search) window.history.replaceState(window.history.state, "", next || window.location.pathname);
}

/**
 * Streamlit calls this with the element's data on every run of the script.
 * @param {{data: any, parentElement: HTMLElement, setStateValue: (key: string, value: unknown) => void}} component
 */
export default function (component) {
  const { data, parentElement, setStateValue } = component;
  /** @type {(HTMLIFrameElement & {baDated?: Promise<unknown>, baImported?: {key: string, table: unknown, meta: unknown}}) | null} the map document's frame, made once */
  let frame = parentElement.querySelector("iframe.ba-frame");
  if (!frame) {
    frame = document.createElement("iframe");
    frame.className = "ba-frame";
    frame.title = "Border Atlas map and timeline";
    // Map and timeline fill the screen below the element's top, within sensible bounds, so
    // the timeline is in view on a small screen too; sized before the map is built.
    const fit = () => {
      const top = parentElement.getBoundingClientRect().top + window.scrollY;
      return Math.round(Math.min(data.height, Math.max(data.minHeight, window.innerHeight - top - 8)));
    };
    frame.style.cssText = "width:100%;border:0;display:block;height:" + fit() + "px";
    frame.srcdoc = data.doc;
    parentElement.appendChild(frame);
    // The dated layers' file is fetched now, while the frame loads its scripts, not after.
    const source = data.config.dated;
    if (typeof source === "string") {
      frame.baDated = fetch(source).then((r) => {
        if (!r.ok) throw new Error("Border Atlas: " + source + " answered " + r.status);
        return r.json();
      });
    }
  }
  // The imported events: the table sent now, else the one kept for the same key (undefined,
  // when neither: the engine keeps what it has and Python is told to send it).
  const key = data.state.importedKey || null;
  if (key === null) frame.baImported = undefined;
  else if (data.imported) frame.baImported = {key, table: data.imported, meta: data.importedMeta || null};
  const kept = key !== null && frame.baImported && frame.baImported.key === key ? frame.baImported : null;
  const config = Object.assign({}, data.config, frame.baDated ? {dated: frame.baDated} : {}, data.state, {
    imported: key === null ? null : kept ? kept.table : undefined,
    importedMeta: kept ? kept.meta : null,
    linkBase: window.location.origin + window.location.pathname
  });
  const held = kept ? key : null;
  const deliver = () => {
    const win = /** @type {(Window & {BorderAtlasEngine?: Engine}) | null} */ (frame.contentWindow);
    const engine = win && win.BorderAtlasEngine;
    if (!engine || !engine.ready()) return false;
    engine.onCommit = (/** @type {Record<string, unknown>} */ view) => {
      writeUrl(engine, view, true);
      setStateValue("view", view);
    };
    engine.configure(config);
    if (held !== (data.held || null)) setStateValue("held", held);
    writeUrl(engine, {layers: data.state.urlLayers.join(","), basemap: data.state.basemap}, false);
    return true;
  };
  if (!deliver()) {
    const timer = setInterval(() => { if (deliver()) clearInterval(timer); }, 30);
  }
}
