// The engine's worker: the engine module (layerlab-engine, no UI; src/bin/layerlab-engine/)
// running the heavy work off the main thread. Messages that arrive while the wasm loads are
// queued and handed over, so none is lost.
import init, { worker_entry } from './layerlab-engine.js';

const queued = [];
self.onmessage = (event) => queued.push(event);
await init({ module_or_path: './layerlab-engine_bg.wasm' });
worker_entry(queued);
