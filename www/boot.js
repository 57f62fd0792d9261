// Starts the playground (or, on embed.html, the widget): the page module, layerlab-web (the
// Yew UI, no engine). A file rather than Trunk's inline loader, so the page's
// Content-Security-Policy can forbid every inline script. The engine module comes separately:
// the page's workers load it (worker.js) as soon as the app starts them.
//
// window.wasmBindings is the JS API (docs/EMBEDDING.md): the engine as a library, whose module
// (layerlab-api.js, then layerlab-engine.js and its wasm) is imported only when a function is
// first called, never for the first render.
import init from './layerlab-web.js';

const api = () => import('./layerlab-api.js');
window.wasmBindings = {
  analyze: async (dockerfile, files) => (await api()).analyze(dockerfile, files),
  evaluateChecks: async (dockerfile, files, checks) => (await api()).evaluateChecks(dockerfile, files, checks),
  version: async () => (await api()).version(),
};
const wasm = await init({ module_or_path: './layerlab-web_bg.wasm' });
dispatchEvent(new CustomEvent('TrunkApplicationStarted', { detail: { wasm } }));
