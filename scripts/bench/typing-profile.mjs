// Profiles typing on a 5,000-line Dockerfile in the built playground: the long tasks
// (PerformanceObserver) and a CPU profile through CDP: self and inclusive time per function,
// and the biggest functions of each busy stretch (MIN_TASK ms, default 30).
// For wasm function names, serve a dist whose wasm went through 'wasm-bindgen --keep-debug'
// without wasm-opt (see docs/BENCHMARKS.md). Usage: node scripts/bench/typing-profile.mjs DIST
import { serveDist, launch, openApp, setDockerfile, waitAnalysed } from '../../tests/e2e/harness.mjs';
const dir = process.argv[2];
const server = await serveDist(dir);
const browser = await launch();
const { context, page } = await openApp(browser, server.url);
const lines = ['FROM debian:bookworm AS base'];
for (let i = 1; lines.length < 5000; i++) lines.push(i % 10 === 0 ? `# step ${i}` : `RUN echo "step ${i}" && mkdir -p /opt/s${i} \\`, '    && true');
const big = lines.slice(0, 5000).join('\n') + '\n';
await setDockerfile(page, big);
await page.waitForSelector('.status .sim-timing', { timeout: 60000 });
console.log(await page.textContent('.status'));
await page.evaluate(() => { window.__tasks = []; new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__tasks.push([e.startTime, e.duration]); }).observe({ type: 'longtask' }); });
const cdp = await context.newCDPSession(page);
await cdp.send('Profiler.enable');
await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
await cdp.send('Profiler.start');
await page.evaluate(() => { const t = document.querySelector('#dockerfile'); t.focus(); t.setSelectionRange(60000, 60000); });
const t0 = await page.evaluate(() => performance.now());
await page.keyboard.type('RUN apt-get install -y curl', { delay: 40 });
await waitAnalysed(page);
await page.waitForTimeout(300);
const { profile } = await cdp.send('Profiler.stop');
const tasks = await page.evaluate(() => window.__tasks);
console.log('long tasks', tasks.map(([s, d]) => `${(s - t0).toFixed(0)}+${d.toFixed(0)}`).join(' '));
// Self time per function.
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map();
const dt = profile.timeDeltas;
for (let i = 0; i < profile.samples.length; i++) {
  const n = byId.get(profile.samples[i]);
  const k = n.callFrame.functionName || n.callFrame.url.split('/').pop() || '(anon)';
  self.set(k, (self.get(k) ?? 0) + (dt[i] ?? 0) / 1000);
}
// Inclusive time per function (counted once per sample).
const parent = new Map();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const incl = new Map();
for (let i = 0; i < profile.samples.length; i++) {
  const seen = new Set();
  for (let id = profile.samples[i]; id !== undefined; id = parent.get(id)) {
    const k = byId.get(id).callFrame.functionName || '(anon)';
    if (!seen.has(k)) { seen.add(k); incl.set(k, (incl.get(k) ?? 0) + (dt[i] ?? 0) / 1000); }
  }
}
// Tasks: runs of samples that are not idle; the biggest functions of each long one.
{
  let t = 0, run = null; const runs = [];
  for (let i = 0; i < profile.samples.length; i++) {
    t += (dt[i] ?? 0) / 1000;
    const n = byId.get(profile.samples[i]); const name = n.callFrame.functionName;
    const busy = name !== '(idle)' && name !== '(program)';
    if (busy) { if (!run) run = { start: t, end: t, ids: [] }; run.end = t; run.ids.push([profile.samples[i], dt[i + 1] ?? 0]); }
    else if (run && t - run.end > 2) { runs.push(run); run = null; }
  }
  if (run) runs.push(run);
  for (const r of runs.filter((r) => r.end - r.start > (process.env.MIN_TASK ? +process.env.MIN_TASK : 30))) {
    const inc = new Map();
    for (const [leaf, d] of r.ids) { const seen = new Set(); for (let id = leaf; id !== undefined; id = parent.get(id)) { const k = byId.get(id).callFrame.functionName || '(anon)'; if (!seen.has(k)) { seen.add(k); inc.set(k, (inc.get(k) ?? 0) + d / 1000); } } }
    const interesting = [...inc].filter(([k]) => /layerlab|yew::dom_bundle::bnode|RenderRunner|UpdateRunner|set_nodeValue|value::|Editor|syntax::parse|instructions::parse/.test(k)).sort((a, b) => b[1] - a[1]).slice(0, 14);
    console.log(`task @${r.start.toFixed(0)} ${(r.end - r.start).toFixed(0)} ms: ` + interesting.map(([k, v]) => `${v.toFixed(0)} ${k.replace(/::h[0-9a-f]{16}/, '').slice(-60)}`).join(' | '));
  }
}
const top = (m, n) => [...m].sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, v]) => `${v.toFixed(1).padStart(8)} ${k.slice(0, 150)}`).join('\n');
console.log('--- self ms\n' + top(self, 40));
console.log('--- inclusive ms\n' + top(incl, 80));
await context.close(); await browser.close(); await server.close();
