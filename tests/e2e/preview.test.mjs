// End-to-end: the Layers tab previews a file of a layer's changes from the build model —
// the text of a text file, and says "binary", "truncated" or "unknown content (RUN is
// simulated)" otherwise; the preview is a disclosure (aria-expanded, aria-controls).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serveDist, launch, openApp, setDockerfile, selectTab, screenshot } from './harness.mjs';
import { dropFiles } from './drop-files.mjs';

let server;
let browser;
before(async () => { server = await serveDist(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

const NOTES = 'first line\n  indented <b>not bold</b>\n';

test('a file of the changes opens a preview: text, binary, truncated, unknown', async () => {
  const { context, page, errors } = await openApp(browser, server.url, { height: 1000 });
  await dropFiles(page, [
    ['notes.txt', NOTES],
    ['logo.bin', [0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 13]],
    ['big.txt', 'x'.repeat(9000)],
  ]);
  await setDockerfile(page, 'FROM scratch\nCOPY notes.txt logo.bin big.txt /app/\nRUN --mount=type=cache,target=/x make > /app/built.txt\n');
  await selectTab(page, 'layers');
  await page.click('[aria-label="Changes of line 2"]');

  const file = (path) => page.locator('.change-file', { hasText: new RegExp(`^${path.replace(/\./g, '\\.')}$`) });
  // Directories have no preview button.
  assert.equal(await page.locator('.change-file', { hasText: /^\/app\/$/ }).count(), 0);

  await file('/app/notes.txt').click();
  assert.equal(await file('/app/notes.txt').getAttribute('aria-expanded'), 'true');
  const region = await file('/app/notes.txt').getAttribute('aria-controls');
  assert.equal(await page.textContent(`#${region} pre`), NOTES);
  // Shown as text: the markup in the file is not an element.
  assert.equal(await page.locator(`#${region} b`).count(), 0);
  await screenshot(page, 'layers-file-preview');

  // One preview at a time: opening another closes the first.
  await file('/app/logo.bin').click();
  assert.equal(await file('/app/notes.txt').getAttribute('aria-expanded'), 'false');
  assert.match(await page.textContent('.file-preview-note'), /^binary file \(8 B\): no text to show$/);

  await file('/app/big.txt').click();
  const big = await page.textContent('.file-preview pre');
  assert.equal(big, 'x'.repeat(4096));
  assert.match(await page.textContent('.file-preview .file-preview-note'), /^truncated: the first 4096 bytes of 9\.0 KB$/);
  // Clicking again closes it.
  await file('/app/big.txt').click();
  assert.equal(await page.locator('.file-preview').count(), 0);

  // What a RUN wrote is not known.
  await page.click('[aria-label="Changes of line 3"]');
  await file('/app/built.txt').click();
  assert.match(await page.textContent('.file-preview-note'), /^unknown content \(RUN is simulated, never executed\): RUN output to \/app\/built\.txt/);
  assert.deepEqual(errors, []);
  await context.close();
});
