// The Node side of layerlab's benchmarks (see docs/BENCHMARKS.md):
//   frontend  layerlab's front-end pass in wasm (wasm-frontend/out/bench-*.wasm) on the
//             real-world corpus, and npm dockerfile-ast 0.7.1 on the same files;
//   artifacts layer tar + sha256 (and gzip, separately) in wasm on a folder of files.
// Each step runs over all inputs once per round; the median round is reported, with the
// load average, as markdown table rows.
//
//   node wasm-bench.mjs [--only frontend|artifacts] [--rounds N] [--shared DIR]
//                       [--files DIR] [--artifact-rounds N] [--gzip-rounds N]
//                       [--modules DIR]   (the bench-*.wasm files; default wasm-frontend/out)
import { readFileSync, readdirSync, statSync, existsSync } from "node:fs";
import { join, dirname, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { loadavg } from "node:os";
import { performance } from "node:perf_hooks";
import { DockerfileParser } from "dockerfile-ast";

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback;
};
const only = opt("only", "all");
const rounds = Number(opt("rounds", "30"));
const artifactRounds = Number(opt("artifact-rounds", "5"));
const gzipRounds = Number(opt("gzip-rounds", "3"));
const shared = opt("shared", process.env.LAYERLAB_SHARED ?? join(here, "../../../shared"));
const filesDir = opt("files", process.env.LAYERLAB_BENCH_FILES ?? "/tmp/layerlab-bench-files");
const modulesDir = opt("modules", join(here, "wasm-frontend/out"));

const load = () => loadavg().map((x) => x.toFixed(2)).join(" ");
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (x, d) => x.toFixed(d).padStart(9);

/// Wall time (performance.now) and CPU time (process.cpuUsage: user + system of the whole
/// process, so V8's compiler and GC threads count too) of one call, in ms. On a shared
/// machine the CPU time is the steadier of the two.
function measure(fn) {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  fn();
  const wall = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { wall, cpu: (c.user + c.system) / 1e3 };
}

/// Prints a table row; returns the median CPU ms.
function row(step, files, bytes, times) {
  const wall = median(times.map((t) => t.wall));
  const cpu = median(times.map((t) => t.cpu));
  const mb = bytes / 1e6;
  console.log(
    `| ${step.padEnd(52)} | ${String(files).padStart(5)} | ${fmt(mb, 3)} | ${fmt(wall, 3)} | ${fmt(cpu, 3)} | ${fmt(mb / (cpu / 1e3), 1)} | ${fmt(mb / (wall / 1e3), 1)} | ${load()} |`,
  );
  return cpu;
}

function header(title) {
  console.log(`\n${title}\n`);
  console.log(`| ${"step".padEnd(52)} | files | MB        | wall ms   | CPU ms    | MB/s (CPU) | MB/s (wall) | load avg (1 5 15) |`);
  console.log(`|${"-".repeat(54)}|-------|-----------|-----------|-----------|-----------|-----------|-------------------|`);
}

/// Runs fn over all inputs: warm-up rounds (at least 2, and at least 500 ms, so that V8's
/// optimising tier has replaced the baseline code of a wasm module before timing starts), then
/// n timed ones; returns the round timings.
function timeRounds(n, inputs, fn) {
  const warmStart = performance.now();
  for (let w = 0; w < 2 || performance.now() - warmStart < 500; w++) for (const x of inputs) fn(x);
  const times = [];
  for (let r = 0; r < n; r++) {
    times.push(measure(() => {
      for (const x of inputs) fn(x);
    }));
  }
  return times;
}

/// Instantiates a bench module. Through layerlab's wasm32 dependencies (Yew, wasm-bindgen)
/// the raw module may import wasm-bindgen's placeholder functions; the benchmark exports
/// never call them, so each is a stub that throws if it ever were.
async function loadWasm(file) {
  const module = await WebAssembly.compile(readFileSync(file));
  const imports = {};
  for (const imp of WebAssembly.Module.imports(module)) {
    if (imp.kind !== "function") throw new Error(`unexpected ${imp.kind} import ${imp.module}.${imp.name}`);
    (imports[imp.module] ??= {})[imp.name] = () => {
      throw new Error(`${imp.module}.${imp.name} called`);
    };
  }
  const instance = await WebAssembly.instantiate(module, imports);
  const ex = instance.exports;
  const put = (bytes) => {
    const ptr = ex.bench_alloc(bytes.length);
    new Uint8Array(ex.memory.buffer, ptr, bytes.length).set(bytes);
    return ptr;
  };
  return { ex, put };
}

function wasmVariants() {
  const out = [];
  // bench-z: the release profile (opt-level "z", the front end at 3); bench-z-opt: the same
  // through wasm-opt with the playground's flags, i.e. what ships (see build-wasm.sh).
  const variants = [
    ["release profile", "bench-z.wasm"],
    ["release + wasm-opt (shipped)", "bench-z-opt.wasm"],
    ["opt-level 3", "bench-o3.wasm"],
  ];
  for (const [name, file] of variants) {
    const path = join(modulesDir, file);
    if (existsSync(path)) out.push([name, path]);
  }
  if (out.length === 0) throw new Error("no wasm module: run scripts/bench/build-wasm.sh first");
  return out;
}

async function frontend() {
  const dir = join(shared, "corpus/realworld");
  const names = readdirSync(dir).filter((n) => n !== "INDEX.tsv").sort();
  const buffers = names.map((n) => readFileSync(join(dir, n)));
  const bytes = buffers.reduce((a, b) => a + b.length, 0);
  const texts = buffers.map((b) => b.toString("utf8"));
  console.log(`corpus: ${names.length} files, ${bytes} bytes; node ${process.version}; ${rounds} rounds`);
  header("Front end in wasm (Node) and dockerfile-ast");
  const ours = [];
  // Like dockerfile-ast, each call starts from the JS string: it is encoded into the module's
  // memory with TextEncoder.encodeInto, as wasm-bindgen passes a `&str` in the playground.
  const encoder = new TextEncoder();
  const longest = Math.max(...buffers.map((b) => b.length));
  for (const [variant, path] of wasmVariants()) {
    const { ex } = await loadWasm(path);
    const capacity = 3 * longest; // encodeInto's worst case: 3 bytes per UTF-16 unit
    const ptr = ex.bench_alloc(capacity);
    for (const step of ["parse_only", "parse_validate", "frontend_pass"]) {
      const f = ex[step];
      const label = { parse_only: "parse", parse_validate: "parse + validate", frontend_pass: "parse + validate + expand" }[step];
      const call = (t) => {
        // The view is made per call: memory.buffer is replaced whenever the module grows it.
        const { written } = encoder.encodeInto(t, new Uint8Array(ex.memory.buffer, ptr, capacity));
        return f(ptr, written);
      };
      ours.push([`${variant}, ${label}`, row(`layerlab wasm ${variant}: ${label}`, names.length, bytes, timeRounds(rounds, texts, call))]);
    }
  }
  let sink = 0;
  const astParse = row("dockerfile-ast 0.7.1: parse", names.length, bytes, timeRounds(rounds, texts, (t) => {
    sink += DockerfileParser.parse(t).getInstructions().length;
  }));
  const astFull = row("dockerfile-ast 0.7.1: parse + arguments + variables", names.length, bytes, timeRounds(rounds, texts, (t) => {
    for (const inst of DockerfileParser.parse(t).getInstructions()) {
      sink += inst.getArguments().length + inst.getVariables().length;
    }
  }));
  if (sink < 0) console.log(sink);
  console.log("\nspeed-up over dockerfile-ast (CPU medians; goal: the full pass at least 20x its parse)\n");
  console.log("| layerlab wasm step | vs dockerfile-ast parse | vs parse + arguments + variables |");
  console.log("|---|---:|---:|");
  for (const [label, cpu] of ours) {
    console.log(`| ${label} | ${(astParse / cpu).toFixed(1)}x | ${(astFull / cpu).toFixed(1)}x |`);
  }
}

function walk(dir) {
  const out = [];
  const rec = (d) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) rec(p);
      else out.push(p);
    }
  };
  rec(dir);
  return out;
}

async function artifacts() {
  if (!existsSync(filesDir)) throw new Error(`${filesDir} missing: run cargo bench --bench artifacts first (it generates the files)`);
  const files = walk(filesDir);
  let bytes = 0;
  const contents = files.map((f) => {
    const b = readFileSync(f);
    bytes += b.length;
    return [relative(filesDir, f), b];
  });
  console.log(`\nfiles: ${files.length} files, ${bytes} bytes in ${filesDir}`);
  header("Artifacts in wasm (Node)");
  const enc = new TextEncoder();
  for (const [variant, path] of wasmVariants()) {
    const { ex, put } = await loadWasm(path);
    ex.tree_new();
    for (const [rel, data] of contents) {
      const p = enc.encode(rel);
      if (ex.tree_add_file(put(p), p.length, put(data), data.length) !== 0) throw new Error(`cannot add ${rel}`);
    }
    const time = (n, fn) => Array.from({ length: n }, () => measure(fn));
    row(`wasm ${variant}: diff (tree vs empty)`, files.length, bytes, time(artifactRounds, () => ex.layer_diff()));
    let tarLen = 0;
    const tarTimes = time(artifactRounds, () => { tarLen = ex.layer_tar(); });
    row(`wasm ${variant}: layer tar`, files.length, tarLen, tarTimes);
    const shaTimes = time(artifactRounds, () => ex.tar_sha256());
    row(`wasm ${variant}: sha256 of the tar (1 MiB chunks)`, files.length, tarLen, shaTimes);
    const tarSha = tarTimes.map((t, i) => ({ wall: t.wall + shaTimes[i].wall, cpu: t.cpu + shaTimes[i].cpu }));
    row(`wasm ${variant}: tar + sha256`, files.length, tarLen, tarSha);
    const digest = new TextDecoder().decode(new Uint8Array(ex.memory.buffer, ex.digest_ptr(), 71));
    console.log(`|   diff_id ${digest} (${tarLen} bytes of tar) |`);
    const gz = [];
    let gzLen = 0;
    for (let i = 0; i < gzipRounds; i++) {
      ex.layer_prepare();
      gz.push(measure(() => { gzLen = ex.layer_gzip(); }));
    }
    row(`wasm ${variant}: gzip (level 6, + sha256 of blob)`, files.length, tarLen, gz);
    console.log(`|   gzip blob ${gzLen} bytes (${(gzLen / tarLen * 100).toFixed(1)}% of the tar) |`);
  }
}

if (only === "all" || only === "frontend") await frontend();
if (only === "all" || only === "artifacts") await artifacts();
