// The simulated build in the Layers and Image panes, the cache between edits, and the image
// exports (OCI layout, docker load archive, config and manifest JSON).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { serveDist, launch, screenshot, openApp, setDockerfile, selectTab } from './harness.mjs';

let server;
let browser;
before(async () => { server = await serveDist(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

const stepRows = (page) => page.$$eval('tr.instruction', (trs) => trs.map((tr) => ({
  line: tr.querySelector('td.line').textContent,
  kw: tr.querySelector('td.text .kw').textContent,
  effect: tr.querySelector('td.effect')?.textContent,
  size: tr.querySelector('td.size')?.textContent ?? '',
  cache: tr.querySelector('td.cache')?.textContent ?? '',
})));

test('Layers: base layers collapsed under the base image, sizes with certainty, changes of a COPY', async () => {
  const { context, page, errors } = await openApp(browser, server.url);
  await page.waitForFunction(() => /layer · /.test(document.querySelector('.base-summary')?.textContent ?? ''));
  const rows = await stepRows(page);
  assert.deepEqual(rows.map((r) => r.kw), ['FROM', 'LABEL', 'RUN', 'RUN', 'WORKDIR', 'COPY', 'RUN', 'EXPOSE', 'CMD']);
  // ubuntu:22.04 from the catalog: one base layer of 29.7 MB.
  assert.match(await page.textContent('.base-summary'), /^1 layer · 29\.7 MB$/);
  assert.equal((await page.$$('tr.base-layer')).length, 0);
  await page.click('text=show base layers');
  assert.equal((await page.$$('tr.base-layer')).length, 1);
  // RUN is not executed: unknown; COPY . /app is exact (the context's three files, the Dockerfile included).
  assert.match(rows[6].size, /unknown/); // pip install: not simulated
  assert.match(rows[5].size, /exact/);
  // The Debian package index is fetched lazily (data/, not in the wasm): apt-get install
  // then gets an estimated size.
  await page.waitForFunction(() => /~.*est/.test(document.querySelectorAll('tr.instruction')[3]?.querySelector('td.size')?.textContent ?? ''), null, { timeout: 30000 });
  console.log(`seed RUN apt-get install python3: ${await page.textContent('tr.instruction:nth-child(4) td.size')}`);
  await page.click('[aria-label="Changes of line 12"]');
  const changes = await page.$$eval('.change-list .change', (lis) => lis.map((l) => l.textContent.split(' ').slice(0, 3).join(' ').trim()));
  assert.ok(changes.some((c) => c.startsWith('+ /app/app.py')), changes.join('|'));
  assert.ok(changes.some((c) => c.startsWith('+ /app/requirements.txt')), changes.join('|'));
  await screenshot(page, 'layers');
  assert.deepEqual(errors, []);
  await context.close();
});

test('the cache: editing a context file rebuilds COPY and what follows, the steps before stay cached', async () => {
  const { context, page, errors } = await openApp(browser, server.url);
  await page.waitForSelector('.base-summary');
  await selectTab(page, 'context');
  await page.click('[data-path="app.py"] .ctx-name');
  await page.fill('#ctx-edit', 'print("changed")\n');
  await page.click('.ctx-editor button[type=submit]');
  await selectTab(page, 'layers');
  const rows = await stepRows(page);
  const byKw = (kw, n = 0) => rows.filter((r) => r.kw === kw)[n];
  assert.match(byKw('WORKDIR').cache, /^cached/);
  assert.match(byKw('RUN', 0).cache, /^cached/);
  assert.match(byKw('COPY').cache, /^rebuilt: /);
  assert.match(byKw('RUN', 2).cache, /^rebuilt: /);
  await screenshot(page, 'layers-cache');
  assert.deepEqual(errors, []);
  await context.close();
});

test('Image: config and manifest JSON with digests, docker history and inspect; OCI and docker exports download', async () => {
  const { context, page, errors } = await openApp(browser, server.url);
  await setDockerfile(page, 'FROM scratch\nCOPY app.py /app/\nENV MODE=prod\nCMD ["/app/app.py"]\n');
  await selectTab(page, 'image');
  const config = await page.textContent('#image-config');
  const parsed = JSON.parse(config);
  assert.deepEqual(parsed.config.Env, ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'MODE=prod']);
  assert.equal(parsed.rootfs.diff_ids.length, 1);
  const manifest = JSON.parse(await page.textContent('#image-manifest'));
  assert.equal(manifest.mediaType, 'application/vnd.oci.image.manifest.v1+json');
  assert.match(await page.textContent('#image-history'), /^IMAGE\s+CREATED\s+CREATED BY\s+SIZE\s+COMMENT/);
  const inspect = JSON.parse(await page.textContent('#image-inspect'));
  assert.deepEqual(inspect[0]?.RepoTags ?? inspect.RepoTags, ['layerlab/image:latest']);
  await screenshot(page, 'image');

  const dir = await mkdtemp(join(tmpdir(), 'layerlab-export-'));
  for (const [id, name] of [['export-oci', 'image-oci.tar'], ['export-docker', 'image-docker.tar'], ['export-config', 'config.json']]) {
    await page.click('#export-button');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click(`#${id}`)]);
    assert.equal(download.suggestedFilename(), name);
    const path = join(dir, name);
    await download.saveAs(path);
    if (name.endsWith('.tar')) {
      const list = execFileSync('tar', ['-tf', path]).toString().split('\n');
      assert.ok(list.includes('index.json') && list.includes('oci-layout'), list.join(','));
      if (name === 'image-docker.tar') assert.ok(list.includes('manifest.json'));
    } else {
      // The downloaded config is byte for byte what the panel shows.
      assert.equal(await readFile(path, 'utf8'), config);
    }
  }
  assert.deepEqual(errors, []);
  await context.close();
});

test('Image: when a layer is unknown the digests are not invented; export says why', async () => {
  const { context, page, errors } = await openApp(browser, server.url);
  await page.waitForSelector('.base-summary');
  await selectTab(page, 'image');
  assert.match(await page.textContent('.image-panel .notice'), /cannot be computed/);
  assert.match(await page.textContent('.missing-list'), /layer \d+: /);
  await page.click('#export-button');
  await page.click('#export-oci');
  assert.match(await page.textContent('.banner.error'), /Cannot export the image/);
  assert.deepEqual(errors, []);
  await context.close();
});
