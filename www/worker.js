// The engine's worker: the page's own wasm (no second bundle) running the heavy work off the
// main thread (src/bin/layerlab-web/worker.rs). Messages that arrive while the wasm loads
// are queued and handed over, so none is lost.
import init, { worker_entry } from './layerlab-web.js';

const queued = [];
self.onmessage = (event) => queued.push(event);
await init({ module_or_path: './layerlab-web_bg.wasm' });
worker_entry(queued);
