// The Advisor tab: numbered best-practice advice for the seed example, with the lines (which
// select in the editor), the sizes and their certainty, the explanation, and a one-click fix
// that the editor's Ctrl+Z undoes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serveDist, launch, screenshot, openApp, selectTab, setDockerfile, waitAnalysed } from './harness.mjs';

let server;
let browser;
before(async () => { server = await serveDist(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

const SIZE = /saves ~?\d+(\.\d)? (B|kB|MB|GB)/;

test('Advisor: numbered advice with lines and sizes, explanations, Apply fix undone by Ctrl+Z', async () => {
  const { context, page, errors } = await openApp(browser, server.url);
  await selectTab(page, 'advisor');
  // The seed example (ubuntu:22.04, apt-get install without --no-install-recommends): the
  // package sizes arrive with the Debian indexes, fetched once the page is up.
  await page.waitForSelector('.advice[data-id="no-install-recommends"] .advice-saving:not(.unknown)', { timeout: 60000 });
  await page.waitForSelector('.advice[data-id="minimal-base"] .advice-saving:not(.unknown)', { timeout: 60000 });
  const items = await page.$$eval('.advice', (lis) => lis.map((li) => ({
    id: li.dataset.id, number: li.querySelector('.advice-number').textContent,
    title: li.querySelector('.advice-title').textContent,
    lines: [...li.querySelectorAll('.line-link')].map((b) => b.textContent),
    saving: li.querySelector('.advice-saving').textContent,
    detail: li.querySelector('.advice-detail').textContent,
    fix: !!li.querySelector('.apply-fix'),
  })));
  assert.deepEqual(items.map((i) => i.number), items.map((_, k) => String(k + 1)), 'numbered from 1');
  const byId = Object.fromEntries(items.map((i) => [i.id, i]));
  for (const id of ['minimal-base', 'no-install-recommends']) {
    assert.ok(byId[id], `${id} in ${items.map((i) => i.id).join(',')}`);
    assert.match(byId[id].saving, SIZE, `${id}: ${byId[id].saving}`);
    assert.match(byId[id].saving, /exact|estimate|unknown/);
    assert.ok(byId[id].detail.length > 20);
  }
  assert.equal(byId['minimal-base'].lines[0], '2', 'minimal-base starts at the FROM line');
  assert.deepEqual(byId['no-install-recommends'].lines, ['8']);
  assert.ok(byId['no-install-recommends'].fix, 'no-install-recommends has a fix');
  // The tab's badge counts the advice.
  assert.equal((await page.textContent('#tab-advisor')).replace(/\s+/g, ' ').trim(), `Advisor ${items.length}`);

  // A line selects it in the editor.
  await page.click('.advice[data-id="minimal-base"] .line-link >> nth=0');
  const sel = await page.evaluate(() => {
    const t = document.querySelector('#dockerfile');
    return { focused: document.activeElement === t, text: t.value.slice(t.selectionStart, t.selectionEnd) };
  });
  assert.deepEqual(sel, { focused: true, text: 'FROM ubuntu:22.04' });

  // Explain: what, why, bad → good.
  const nir = page.locator('.advice[data-id="no-install-recommends"]');
  await nir.locator('.explain').click();
  assert.match(await nir.locator('.rule-doc').textContent(), /Bad.*apt-get install.*Good.*--no-install-recommends/s);
  const first = page.locator('.advice[data-number="1"]');
  await first.locator('.explain').click();
  await first.locator('.rule-doc').waitFor();
  await page.evaluate(() => { document.querySelector('.tab-panel').scrollTop = 0; });
  await screenshot(page, 'advisor');

  // Apply fix: one edit of the editor's text, then the advice is recomputed without it.
  const before = await page.inputValue('#dockerfile');
  assert.ok(!before.includes('--no-install-recommends'));
  await nir.locator('.apply-fix').click();
  await page.waitForFunction(() => document.querySelector('#dockerfile').value.includes('--no-install-recommends'));
  const after = await page.inputValue('#dockerfile');
  assert.match(after.split('\n')[7], /^RUN apt-get install .*--no-install-recommends/);
  assert.equal(after.replace(/ ?--no-install-recommends ?/, ' ').replace(/  +/g, ' '), before.replace(/  +/g, ' '));
  await waitAnalysed(page);
  await page.waitForFunction(() => !document.querySelector('.advice[data-id="no-install-recommends"]'), null, { timeout: 30000 });
  assert.match(await page.textContent('.banner'), /Applied/);

  // Ctrl+Z in the editor brings the old text back, in one step.
  await page.focus('#dockerfile');
  await page.keyboard.press('Control+z');
  await page.waitForFunction((t) => document.querySelector('#dockerfile').value === t, before);
  await waitAnalysed(page);
  await page.waitForSelector('.advice[data-id="no-install-recommends"]', { timeout: 30000 });
  assert.deepEqual(errors, []);
  await context.close();
});

test('Advisor: a build that follows the practices gets no advice, and says so', async () => {
  const { context, page, errors } = await openApp(browser, server.url);
  await selectTab(page, 'advisor');
  await page.waitForSelector('.advice');
  await setDockerfile(page, 'FROM scratch\nCOPY app.py /app/\n');
  await page.waitForFunction(() => !document.querySelector('.advice'));
  assert.match(await page.textContent('#panel-advisor .empty'), /No advice: this build already follows/);
  assert.equal((await page.textContent('#tab-advisor')).replace(/\s+/g, ' ').trim(), 'Advisor 0');
  assert.deepEqual(errors, []);
  await context.close();
});
