/* Border Atlas explorer: the Streamlit element that hosts the map document.
 *
 * A Streamlit Custom Components v2 module. On its first call it puts the map document
 * (built by folium, with the time engine) into a same-origin frame; on every later call it
 * hands the engine what changed (layers, basemap, imported events, an event to open). The
 * engine tells Python the window, centre and zoom when the user lets go: one rerun per
 * gesture, none per frame.
 */
export default function (component) {
  const { data, parentElement, setStateValue } = component;
  let frame = parentElement.querySelector("iframe.ba-frame");
  if (!frame) {
    frame = document.createElement("iframe");
    frame.className = "ba-frame";
    frame.title = "Border Atlas map and timeline";
    frame.style.cssText = "width:100%;border:0;display:block;height:" + data.height + "px";
    frame.srcdoc = data.doc;
    parentElement.appendChild(frame);
  }
  const config = Object.assign({}, data.config, data.state, {
    imported: data.imported || null,
    importedMeta: data.importedMeta || null,
    linkBase: window.location.origin + window.location.pathname
  });
  const deliver = () => {
    const win = frame.contentWindow;
    const engine = win && win.BorderAtlasEngine;
    if (!engine || !engine.ready()) return false;
    engine.onCommit = (view) => setStateValue("view", view);
    engine.configure(config);
    return true;
  };
  if (!deliver()) {
    const timer = setInterval(() => { if (deliver()) clearInterval(timer); }, 30);
  }
}
