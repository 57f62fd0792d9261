// End-to-end: in the Image tab, a layer's digests (manifest layers[].digest, config
// rootfs.diff_ids[]) and its row in the layer list beside the JSON point at each other —
// by pointer and by keyboard focus, with the row described to assistive technology.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serveDist, launch, openApp, setDockerfile, selectTab, screenshot } from './harness.mjs';
import { dropFiles } from './drop-files.mjs';

let server;
let browser;
before(async () => { server = await serveDist(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

/** The highlighted row and digests: { row, linked: [[json, layer, text]] }. */
async function highlighted(page) {
  return page.evaluate(() => ({
    row: [...document.querySelectorAll('.image-layer-row.active')].map((r) => r.dataset.layer),
    current: [...document.querySelectorAll('.image-layer-row[aria-current="true"]')].map((r) => r.dataset.layer),
    linked: [...document.querySelectorAll('.layer-digest.linked')].map((d) => [d.closest('pre').id, d.dataset.layer]),
  }));
}

test('a layer digest and its layer row highlight each other, by pointer and by focus', async () => {
  const { context, page, errors } = await openApp(browser, server.url, { height: 1000 });
  await dropFiles(page, [['a.txt', 'layer one\n'], ['b.txt', 'layer two\n']]);
  await setDockerfile(page, 'FROM scratch\nCOPY a.txt /a/\nCOPY b.txt /b/\n');
  await selectTab(page, 'image');

  // The list beside the JSON: instruction and size of each layer.
  const rows = await page.$$eval('.image-layer-row', (rs) => rs.map((r) => [r.dataset.layer, r.querySelector('.layer-instruction').textContent, r.querySelector('.layer-size').textContent]));
  assert.deepEqual(rows, [['0', 'COPY a.txt /a/', '10B'], ['1', 'COPY b.txt /b/', '10B']]);

  // Every layer digest of the config and manifest is marked, and only those.
  const config = JSON.parse(await page.textContent('#image-config'));
  const manifest = JSON.parse(await page.textContent('#image-manifest'));
  const marked = (id) => page.$$eval(`#${id} .layer-digest`, (ds) => ds.map((d) => [d.dataset.layer, d.textContent, d.getAttribute('tabindex'), d.getAttribute('aria-describedby')]));
  assert.deepEqual(await marked('image-config'), config.rootfs.diff_ids.map((d, i) => [String(i), `"${d}"`, '0', `image-layer-${i}`]));
  assert.deepEqual(await marked('image-manifest'), manifest.layers.map((l, i) => [String(i), `"${l.digest}"`, '0', `image-layer-${i}`]));
  // The row's short digests are the layer's.
  assert.equal(await page.textContent('#image-layer-1 .layer-digests'),
    `diff ${config.rootfs.diff_ids[1].slice(7, 19)} · blob ${manifest.layers[1].digest.slice(7, 19)}`);

  // Pointer on the manifest's digest of layer 2: its row and its diff_id light up.
  await page.hover('#image-manifest .layer-digest[data-layer="1"]');
  assert.deepEqual(await highlighted(page), { row: ['1'], current: ['1'], linked: [['image-config', '1'], ['image-manifest', '1']] });
  await screenshot(page, 'image-digest-hover');

  // Pointer on the row of layer 1: its digests light up.
  await page.hover('#image-layer-0');
  assert.deepEqual(await highlighted(page), { row: ['0'], current: ['0'], linked: [['image-config', '0'], ['image-manifest', '0']] });

  // Pointer away: nothing highlighted.
  await page.hover('h3');
  assert.deepEqual(await highlighted(page), { row: [], current: [], linked: [] });

  // Keyboard: Tab reaches the digests; focus highlights like the pointer.
  await page.focus('#image-config .layer-digest[data-layer="0"]');
  assert.deepEqual((await highlighted(page)).row, ['0']);
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.dataset.layer), '1');
  assert.deepEqual((await highlighted(page)).row, ['1']);
  await page.focus('#image-layer-0');
  assert.deepEqual((await highlighted(page)).linked, [['image-config', '0'], ['image-manifest', '0']]);
  assert.deepEqual(errors, []);
  await context.close();
});
