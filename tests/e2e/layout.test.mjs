// Layout and accessibility: light and dark themes (persisted), phones at 360 px to wide
// screens, text contrast, the help dialog, and the first render time.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serveDist, launch, screenshot, openApp, selectTab } from './harness.mjs';

let server;
let browser;
before(async () => { server = await serveDist(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

/** WCAG contrast ratio of two CSS rgb() colours. */
function contrast(a, b) {
  const lum = (c) => {
    const [r, g, bl] = c.match(/[\d.]+/g).slice(0, 3).map(Number).map((v) => {
      const s = v / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
  return (x + 0.05) / (y + 0.05);
}

/** Text colour against the nearest opaque background, for the elements matching each selector. */
async function contrasts(page, selectors) {
  return page.evaluate((sels) => sels.map((sel) => {
    const el = document.querySelector(sel);
    if (!el) return [sel, null, null];
    const fg = getComputedStyle(el).color;
    let node = el;
    let bg = 'rgba(0, 0, 0, 0)';
    while (node && /rgba\(.*, 0\)$/.test(bg)) { bg = getComputedStyle(node).backgroundColor; node = node.parentElement; }
    return [sel, fg, bg];
  }), selectors);
}

const CHECKED = ['.brand', '.tab', '.tab.active', '.status .timing', '.status .muted', '.t-kw', '.t-comment',
  '.t-image', '.t-str', '.gutter-line .num', 'td.line', '.effect.layer', '.effect.meta'];

for (const scheme of ['light', 'dark']) {
  test(`${scheme} theme: text contrast is at least 4.5:1`, async () => {
    const { context, page, errors } = await openApp(browser, server.url, { colorScheme: scheme });
    assert.equal(await page.getAttribute('html', 'data-theme'), scheme);
    for (const [sel, fg, bg] of await contrasts(page, CHECKED)) {
      assert.ok(fg, `${sel} not found`);
      const ratio = contrast(fg, bg);
      assert.ok(ratio >= 4.5, `${scheme} ${sel}: ${fg} on ${bg} = ${ratio.toFixed(2)}`);
    }
    await screenshot(page, `theme-${scheme}`);
    assert.deepEqual(errors, []);
    await context.close();
  });
}

test('the theme toggle switches and is remembered across reloads', async () => {
  const { context, page, errors } = await openApp(browser, server.url, { colorScheme: 'light' });
  await page.click('#theme-toggle');
  assert.equal(await page.getAttribute('html', 'data-theme'), 'dark');
  assert.equal(await page.getAttribute('#theme-toggle', 'aria-pressed'), 'true');
  await page.reload();
  await page.waitForSelector('.status');
  assert.equal(await page.getAttribute('html', 'data-theme'), 'dark');
  assert.deepEqual(errors, []);
  await context.close();
});

for (const [width, height] of [[360, 740], [768, 1024], [1920, 1080]]) {
  test(`${width}px wide: nothing overflows sideways and every pane is reachable`, async () => {
    const { context, page, errors } = await openApp(browser, server.url, { width, height });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `horizontal overflow of ${overflow}px`);
    for (const tab of ['image', 'problems', 'stages', 'context', 'layers']) await selectTab(page, tab);
    const editor = await page.$eval('#dockerfile', (t) => t.getBoundingClientRect().height);
    assert.ok(editor > 150, `editor height ${editor}`);
    await screenshot(page, `width-${width}`);
    if (width === 360) {
      await page.click('#examples-button');
      const menu = await page.$eval('#examples-menu', (m) => m.getBoundingClientRect().right);
      assert.ok(menu <= width + 1, `menu right edge ${menu}`);
      await screenshot(page, 'width-360-examples');
    }
    assert.deepEqual(errors, []);
    await context.close();
  });
}

test('help dialog opens from the top bar and closes with Escape', async () => {
  const { context, page, errors } = await openApp(browser, server.url);
  await page.click('#help-button');
  assert.equal(await page.getAttribute('#help-dialog', 'role'), 'dialog');
  assert.match(await page.textContent('#help-dialog'), /Esc then Tab leave the editor/);
  await screenshot(page, 'help');
  await page.keyboard.press('Escape');
  assert.equal(await page.$('#help-dialog'), null);
  assert.deepEqual(errors, []);
  await context.close();
});

test('first render time on localhost', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.goto(server.url);
  await page.waitForSelector('.status');
  const t = await page.evaluate(() => {
    const mark = performance.getEntriesByName('layerlab:first-render')[0];
    const nav = performance.getEntriesByType('navigation')[0];
    const fcp = performance.getEntriesByName('first-contentful-paint')[0];
    return { firstRender: mark?.startTime, domContentLoaded: nav?.domContentLoadedEventEnd, fcp: fcp?.startTime };
  });
  console.log(`first render ${t.firstRender?.toFixed(0)} ms after navigation start (DOMContentLoaded ${t.domContentLoaded?.toFixed(0)} ms, first contentful paint ${t.fcp?.toFixed(0)} ms)`);
  assert.ok(t.firstRender > 0 && t.firstRender < 3000, JSON.stringify(t));
  await context.close();
});
