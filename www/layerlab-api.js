// The layerlab engine as a library for any page (docs/EMBEDDING.md, "JS API"): the engine
// module (layerlab-engine, no UI) loaded on first use, on the calling page's thread, with the
// base-image catalog (data/base-images.json) fetched before the first call. Every function
// returns a promise; bad input rejects it with a message.
//
//   import { analyze, evaluateChecks, version } from './layerlab-api.js';
//   const r = await analyze('FROM python:3.12-slim\nCOPY app.py /app/\n', { 'app.py': 'print(1)\n' });
import init, * as engine from './layerlab-engine.js';

let loading = null;

/** Loads the engine module (once) and waits for the base-image catalog. */
export function load() {
  loading ??= (async () => {
    await init({ module_or_path: new URL('./layerlab-engine_bg.wasm', import.meta.url) });
    await engine.baseImagesReady();
    return engine;
  })();
  return loading;
}

/** The analysis and simulated build of a Dockerfile with text files as its context. */
export async function analyze(dockerfile, files) {
  return (await load()).analyze(dockerfile, files);
}

/** Lab checks (an array or JSON text) evaluated against a Dockerfile and its files. */
export async function evaluateChecks(dockerfile, files, checks) {
  return (await load()).evaluateChecks(dockerfile, files, checks);
}

/** The engine's version. */
export async function version() {
  return (await load()).version();
}
