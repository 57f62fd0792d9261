// Starts the playground. A file rather than Trunk's inline loader, so the page's
// Content-Security-Policy can forbid every inline script. Like Trunk's loader, it exposes the
// wasm exports (the JS API) as window.wasmBindings and announces the start.
import init, * as bindings from './layerlab-web.js';

const wasm = await init({ module_or_path: './layerlab-web_bg.wasm' });
// The JS API sees base images once their catalog (data/, fetched, not compiled in) is in.
await bindings.baseImagesReady();
window.wasmBindings = bindings;
dispatchEvent(new CustomEvent('TrunkApplicationStarted', { detail: { wasm } }));
