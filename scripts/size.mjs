// Prints what a browser downloads from the built playground (dist/): raw, gzip -9 and brotli
// (quality 11), in two parts (docs/BENCHMARKS.md §3):
//   - the page's first render: what index.html loads before the app renders (boot.js, the
//     page module layerlab-web.js and its wasm, style.css);
//   - the engine module, which the page's workers load right after (worker.js,
//     layerlab-engine.js and its wasm);
// and their sum. Files no first visit loads (the JS API's wrapper, the widget's loader,
// examples) are listed apart; the data catalogs (data/) are fetched lazily and never counted.
// Usage: node scripts/size.mjs [DIST] [--json]
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, extname } from 'node:path';
import { gzipSync, brotliCompressSync, constants } from 'node:zlib';

const dist = process.argv.slice(2).find((a) => !a.startsWith('--')) ?? 'dist';
const asJson = process.argv.includes('--json');

/** Which part of a visit loads a file (by its name in dist/). */
const PARTS = {
  page: ['boot.js', 'layerlab-web.js', 'layerlab-web_bg.wasm', 'style.css'],
  engine: ['worker.js', 'layerlab-engine.js', 'layerlab-engine_bg.wasm'],
};

function* walk(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* walk(path);
    else yield path;
  }
}

const rows = [];
for (const path of walk(dist)) {
  if (!['.wasm', '.js', '.css'].includes(extname(path))) continue;
  if (path.includes(`${dist}/data/`)) continue; // catalogs are fetched lazily, not on first visit
  const file = path.slice(dist.length + 1);
  const bytes = readFileSync(path);
  const part = Object.keys(PARTS).find((p) => PARTS[p].includes(file)) ?? 'other';
  rows.push({
    file,
    part,
    raw: bytes.length,
    gzip: gzipSync(bytes, { level: 9 }).length,
    brotli: brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
  });
}
for (const [part, files] of Object.entries(PARTS)) {
  for (const file of files) {
    if (!rows.some((r) => r.file === file)) throw new Error(`${dist}/${file} is missing (part ${part}): build first`);
  }
}
rows.sort((a, b) => b.raw - a.raw);
const sum = (rs) => rs.reduce((t, r) => ({ raw: t.raw + r.raw, gzip: t.gzip + r.gzip, brotli: t.brotli + r.brotli }), { raw: 0, gzip: 0, brotli: 0 });
const totals = {
  page: sum(rows.filter((r) => r.part === 'page')),
  engine: sum(rows.filter((r) => r.part === 'engine')),
};
totals.first_visit = sum([totals.page, totals.engine]);

if (asJson) {
  console.log(JSON.stringify({ files: rows, totals }, null, 2));
} else {
  const kb = (n) => `${(n / 1024).toFixed(1)} KiB`.padStart(11);
  const line = (name, r) => console.log(`${name.padEnd(44)}${kb(r.raw)}${kb(r.gzip)}${kb(r.brotli)}`);
  const titles = {
    page: "the page's first render (page module)",
    engine: 'the engine module (loaded by the workers)',
    other: 'not loaded by a first visit',
  };
  for (const part of ['page', 'engine', 'other']) {
    console.log(`${titles[part].padEnd(44)}${'raw'.padStart(11)}${'gzip'.padStart(11)}${'brotli'.padStart(11)}`);
    for (const r of rows.filter((x) => x.part === part)) line(`  ${r.file}`, r);
    if (totals[part]) line(`  total ${part}`, totals[part]);
  }
  line('first visit (page + engine)', totals.first_visit);
}
