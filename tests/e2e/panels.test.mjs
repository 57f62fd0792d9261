// The result panes: Problems (jump to the span), Stages (graph, target, build args), the
// examples gallery and the layout's ARIA tabs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serveDist, launch, screenshot, openApp, setDockerfile, selectTab } from './harness.mjs';

let server;
let browser;
before(async () => { server = await serveDist(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

test('Problems: each has code, severity and line; activating one selects its exact span in the editor', async () => {
  const { context, page, errors } = await openApp(browser, server.url);
  const text = 'FROM alpine\nRUN true\nCOPY --chown app.py .\nHEALTHCHECK --interval=fast CMD true\nFORM scratch\n';
  await setDockerfile(page, text);
  await selectTab(page, 'problems');
  const items = await page.$$eval('.problem.error', (lis) => lis.map((li) => ({
    cls: li.className, where: li.querySelector('.where').textContent, code: li.querySelector('.code').textContent,
    message: li.querySelector('.message').textContent,
  })));
  assert.deepEqual(items.map((i) => i.where), ['3:6', '4:1', '5:1']);
  assert.ok(items.every((i) => i.cls.includes('error') && i.code === 'syntax'));
  assert.match(items[2].message, /unknown instruction: FORM \(did you mean FROM\?\)/);
  // Click: the editor gets the focus with the flag selected.
  await page.click('.problem.error >> nth=0');
  const sel = await page.evaluate(() => {
    const t = document.querySelector('#dockerfile');
    return { focused: document.activeElement === t, text: t.value.slice(t.selectionStart, t.selectionEnd) };
  });
  assert.deepEqual(sel, { focused: true, text: '--chown' });
  // Keyboard: focus the third problem and press Enter.
  await page.focus('.problem.error >> nth=2');
  await page.keyboard.press('Enter');
  const sel2 = await page.evaluate(() => { const t = document.querySelector('#dockerfile'); return t.value.slice(t.selectionStart, t.selectionEnd); });
  assert.equal(sel2, 'FORM');
  // Lint findings come with an explanation page: what, why, bad → good.
  await setDockerfile(page, 'FROM ubuntu:22.04\nRUN apt-get update && apt-get install -y curl\n');
  await page.waitForSelector('.problem[data-line="2"] .code');
  const codes = await page.$$eval('.problem .code', (cs) => cs.map((c) => c.textContent));
  assert.ok(codes.includes('DL3008'), codes.join(','));
  const dl3008 = page.locator('.problem', { has: page.locator('.code', { hasText: 'DL3008' }) });
  assert.match(await page.textContent('#tab-problems'), /Problems\s*\d+/);
  await dl3008.locator('.explain').click();
  const doc = await dl3008.locator('.rule-doc').textContent();
  assert.match(doc, /DL3008/);
  assert.match(doc, /Bad.*apt-get install.*Good/s);
  // Opening the explanation does not jump to the editor.
  assert.notEqual(await page.evaluate(() => document.activeElement.id), 'dockerfile');
  await screenshot(page, 'problems');
  assert.deepEqual(errors, []);
  await context.close();
});

test('Tabs are an ARIA tablist, switched with the arrow keys', async () => {
  const { context, page, errors } = await openApp(browser, server.url);
  const roles = await page.$$eval('[role=tab]', (ts) => ts.map((t) => [t.id, t.getAttribute('aria-selected'), t.getAttribute('aria-controls')]));
  assert.deepEqual(roles.map((r) => r[0]), ['tab-layers', 'tab-image', 'tab-problems', 'tab-advisor', 'tab-stages', 'tab-terminal', 'tab-context']);
  assert.deepEqual(roles[0], ['tab-layers', 'true', 'panel-layers']);
  await page.focus('#tab-layers');
  await page.keyboard.press('ArrowRight');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'tab-image');
  assert.equal(await page.getAttribute('[role=tabpanel]', 'aria-labelledby'), 'tab-image');
  await page.keyboard.press('End');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'tab-context');
  await page.keyboard.press('ArrowRight');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'tab-layers');
  assert.deepEqual(errors, []);
  await context.close();
});

test('Stages: graph of FROM and COPY --from edges, target selection, build args expand the base', async () => {
  const { context, page, errors } = await openApp(browser, server.url);
  await setDockerfile(page, 'ARG GO=1.22\nFROM golang:${GO} AS build\nRUN go build -o /app\nFROM alpine:3.20 AS certs\nFROM scratch\nCOPY --from=build /app /app\nCOPY --from=certs /etc/ssl /etc/ssl\n');
  await selectTab(page, 'stages');
  const nodes = await page.$$eval('.stage-graph .node', (ns) => ns.map((n) => n.querySelector('title').textContent));
  assert.deepEqual(nodes, [
    'image golang:1.22', 'image alpine:3.20', 'image scratch',
    'build: FROM golang:1.22 (line 2)', 'certs: FROM alpine:3.20 (line 4)', 'stage 2: FROM scratch (line 5)',
  ]);
  const edges = await page.$$eval('.stage-graph .edge title', (ts) => ts.map((t) => t.textContent));
  assert.deepEqual(edges, ['FROM (line 2)', 'FROM (line 4)', 'FROM (line 5)', 'COPY --from (line 6)', 'COPY --from (line 7)']);
  assert.match(await page.textContent('.stages-controls'), /3 of 3 stages built/);
  await page.selectOption('#target', '0');
  assert.match(await page.textContent('.stages-controls'), /1 of 3 stages built/);
  assert.equal((await page.$$('.stage-graph .node.stage.unused')).length, 2);
  await page.fill('#build-arg-GO', '1.23');
  await page.waitForFunction(() => [...document.querySelectorAll('.stage-graph .node title')].some((t) => t.textContent === 'image golang:1.23'));
  await screenshot(page, 'stages');
  assert.deepEqual(errors, []);
  await context.close();
});

test('Stages: the build epoch sets the image times (SOURCE_DATE_EPOCH), fixed at 0 by default', async () => {
  const { context, page, errors } = await openApp(browser, server.url);
  await setDockerfile(page, 'FROM scratch\nCOPY app.py /app.py\n');
  await selectTab(page, 'image');
  await page.waitForFunction(() => (document.querySelector('#image-config')?.textContent ?? '').includes('1970-01-01T00:00:00Z'));
  await selectTab(page, 'stages');
  assert.equal(await page.inputValue('#build-epoch'), '0');
  await page.fill('#build-epoch', '1700000000');
  await selectTab(page, 'image');
  await page.waitForFunction(() => (document.querySelector('#image-config')?.textContent ?? '').includes('2023-11-14T22:13:20Z'));
  assert.deepEqual(errors, []);
  await context.close();
});

test('Examples gallery: every example loads with its context; only the broken one has errors', async () => {
  const { context, page, errors } = await openApp(browser, server.url);
  await page.click('#examples-button');
  const ids = await page.$$eval('[data-example]', (bs) => bs.map((b) => b.dataset.example));
  assert.deepEqual(ids, ['seed', 'seed-optimised', 'multistage-go', 'node-alpine', 'broken', 'heredocs']);
  await screenshot(page, 'examples-menu');
  for (const id of ids) {
    if (!(await page.$('#examples-menu'))) await page.click('#examples-button');
    await page.click(`[data-example="${id}"]`);
    await page.waitForFunction(() => !document.querySelector('.status').dataset.pending);
    const status = await page.textContent('.status');
    const errorsCount = Number(/(\d+) errors/.exec(status)[1]);
    assert.equal(errorsCount > 0, id === 'broken', `${id}: ${status}`);
  }
  // The heredocs example has no context files; node-alpine has five.
  await page.click('#examples-button');
  await page.click('[data-example="node-alpine"]');
  await selectTab(page, 'context');
  const paths = await page.$$eval('.ctx-row', (rs) => rs.map((r) => r.dataset.path));
  assert.deepEqual(paths, ['.dockerignore', 'package-lock.json', 'package.json', 'server.js']);
  assert.match(await page.inputValue('#dockerfile'), /^# A Node.js web app on Alpine/);
  assert.deepEqual(errors, []);
  await context.close();
});
