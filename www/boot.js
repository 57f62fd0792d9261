// Starts the playground. A file rather than Trunk's inline loader, so the page's
// Content-Security-Policy can forbid every inline script.
import init from './layerlab-web.js';

await init({ module_or_path: './layerlab-web_bg.wasm' });
