// End-to-end: the widget in a host page (www/examples/embed-example.html), its postMessage
// API (results, height, set from an allowed origin, ignored from others) and the JS API.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serveDist, launch, watchErrors, screenshot } from './harness.mjs';

let server;
let browser;
before(async () => { server = await serveDist(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

const lastResult = (page) => page.evaluate(() => window.labResults[window.labResults.length - 1]);

test('the example page turns the <pre> into a widget that reports its checks', async () => {
  const context = await browser.newContext({ viewport: { width: 1000, height: 900 } });
  const page = await context.newPage();
  const errors = watchErrors(page);
  await page.goto(`${server.url}examples/embed-example.html`);
  await page.waitForSelector('iframe.layerlab-frame');
  await page.waitForFunction(() => window.labResults && window.labResults.length > 0);
  let result = await lastResult(page);
  assert.equal(result.type, 'layerlab:result');
  assert.equal(result.id, 'lab1');
  assert.equal(result.passed, false);
  assert.deepEqual(result.checks.map((c) => c.passed), [false, false, true, true, true]);
  assert.equal(result.checks[0].detail, 'the final stage starts from ubuntu:22.04');
  assert.equal(result.layers, 4);
  assert.match(await page.textContent('#status'), /3 of 5 checks passed/);

  // The iframe follows the widget's height.
  const frameHandle = await page.$('iframe.layerlab-frame');
  const frame = await frameHandle.contentFrame();
  await frame.waitForSelector('.checklist .check.passed');
  assert.equal(await frame.$$eval('.check.failed', (e) => e.length), 2);
  const height = await page.$eval('iframe.layerlab-frame', (f) => parseInt(f.style.height, 10));
  const content = await frame.$eval('.embed', (e) => e.scrollHeight);
  assert.ok(Math.abs(height - content) <= 4, `iframe ${height}px, content ${content}px`);

  // The learner fixes the Dockerfile in the widget: every check turns green.
  await frame.fill('#dockerfile', '# syntax=docker/dockerfile:1\nFROM python:3.12-slim\nWORKDIR /app\nCOPY . /app\nEXPOSE 8000\nCMD ["python3", "app.py"]\n');
  await page.waitForFunction(() => window.labResults.at(-1).passed === true);
  result = await lastResult(page);
  assert.deepEqual(result.checks.map((c) => c.passed), [true, true, true, true, true]);
  assert.equal(result.layers, 2);
  assert.equal(await page.textContent('#status'), 'All checks passed!');
  assert.equal(await frame.$$eval('.check.passed', (e) => e.length), 5);
  await screenshot(page, 'embed-example');

  // Line 1 is read-only: an edit there is refused.
  await frame.fill('#dockerfile', 'FROM python:3.12-slim\n');
  await frame.waitForSelector('.embed-notice');
  assert.match(await frame.textContent('.embed-notice'), /Lines 1–1 are read-only/);
  assert.match(await frame.inputValue('#dockerfile'), /^# syntax=docker\/dockerfile:1\nFROM python:3\.12-slim/);

  // The host sets content and checks by postMessage.
  await page.evaluate(() => window.layerlab.set('lab1', {
    dockerfile: 'FROM alpine:3.20\nCMD ["sh"]\n',
    checks: [{ type: 'base_image', pattern: 'alpine:*' }, { type: 'max_layers', value: 0 }],
  }));
  await page.waitForFunction(() => window.labResults.at(-1).checks.length === 2);
  result = await lastResult(page);
  assert.equal(result.passed, true);
  assert.equal(await frame.inputValue('#dockerfile'), 'FROM alpine:3.20\nCMD ["sh"]\n');
  // The read-only line is now the host's line 1; the lines after it stay editable.
  await frame.fill('#dockerfile', 'FROM alpine:3.20\nCMD ["echo", "hi"]\n');
  await page.waitForFunction(() => window.labResults.at(-1).checks.length === 2 && window.labResults.length > 0);
  assert.equal(await frame.inputValue('#dockerfile'), 'FROM alpine:3.20\nCMD ["echo", "hi"]\n');
  assert.deepEqual(errors, []);
  await context.close();
});

test('messages from an origin that is not allowed, or of the wrong shape, are ignored', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors = watchErrors(page);
  // The widget alone, allowing only another origin.
  const url = `${server.url}embed.html?dockerfile=${encodeURIComponent('FROM alpine:3.20\n')}&allow=https://course.example&view=problems`;
  await page.goto(url);
  await page.waitForSelector('#dockerfile');
  await page.evaluate(() => {
    window.postMessage({ type: 'layerlab:set', dockerfile: 'FROM evil\n' }, '*');
    window.postMessage('layerlab:set', '*');
    window.postMessage({ type: 'layerlab:set', dockerfile: 42 }, '*');
  });
  await page.waitForTimeout(300);
  assert.equal(await page.inputValue('#dockerfile'), 'FROM alpine:3.20\n');
  assert.match(await page.textContent('.embed-view.problems'), /No problems found\./);

  // Bad checks are reported in the widget, not thrown.
  await page.goto(`${server.url}embed.html?dockerfile=FROM%20alpine&checks=${encodeURIComponent('[{"type":"max_layer"}]')}`);
  await page.waitForSelector('.checks-error');
  assert.match(await page.textContent('.checks-error'), /check 1: unknown type "max_layer"/);
  assert.deepEqual(errors, []);
  await context.close();
});

test('the JS API is on window.wasmBindings', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(server.url);
  await page.waitForFunction(() => window.wasmBindings && window.wasmBindings.analyze);
  const r = await page.evaluate(() => window.wasmBindings.analyze(
    'FROM python:3.12-slim\nWORKDIR /app\nCOPY app.py .\nCMD ["python3","app.py"]\n', { 'app.py': 'print(1)\n' }));
  assert.equal(r.instructions.length, 4);
  assert.equal(r.layer_count, 2);
  assert.equal(r.build.ok, true);
  assert.match(r.build.image.id, /^sha256:[0-9a-f]{64}$/);
  assert.deepEqual(r.build.image.config.cmd, ['python3', 'app.py']);
  assert.ok(r.build.image.added_paths.includes('/app/app.py'));
  assert.equal(JSON.parse(r.build.manifest).schemaVersion, 2);
  const checks = await page.evaluate(() => window.wasmBindings.evaluateChecks(
    'FROM alpine:3.20\nEXPOSE 80\n', {}, '[{"type":"exposes","port":80}]'));
  assert.deepEqual(checks.map((c) => [c.passed, c.label]), [[true, 'Exposes 80/tcp']]);
  const bad = await page.evaluate(async () => {
    try { await window.wasmBindings.evaluateChecks('FROM alpine', {}, '[1]'); return 'no error'; } catch (e) { return String(e); }
  });
  assert.equal(bad, 'lab checks: check 1: expected an object with a "type"');
  assert.equal(await page.evaluate(() => window.wasmBindings.version()), '0.1.0');
  // The engine module as a library, imported by any page of the origin (docs/EMBEDDING.md).
  const direct = await page.evaluate(async () => {
    const api = await import('./layerlab-api.js');
    const r = await api.analyze('FROM scratch\nCOPY a.txt /\n', { 'a.txt': 'x' });
    return [await api.version(), r.layer_count, r.build.ok];
  });
  assert.deepEqual(direct, ['0.1.0', 1, true]);
  await context.close();
});
