// User data is data, never markup: XSS payloads in the Dockerfile, in file names and in a
// share link render as text and run nothing; the Content-Security-Policy allows no inline
// script and the page works under it without a single violation. Share links round-trip.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serveDist, launch, screenshot, openApp, setDockerfile, selectTab } from './harness.mjs';

let server;
let browser;
before(async () => { server = await serveDist(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

const PAYLOAD = '<img src=x onerror="window.__xss=(window.__xss||0)+1">';
const SCRIPT = '<script>window.__xss=(window.__xss||0)+1</script>';

/** Counts CSP violations and dialogs, and asserts no payload ran or became an element. */
async function watchAttacks(page) {
  const dialogs = [];
  page.on('dialog', (d) => { dialogs.push(d.message()); d.dismiss(); });
  await page.addInitScript(() => {
    window.__violations = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  return async () => {
    const state = await page.evaluate(() => ({
      xss: window.__xss ?? 0,
      imgs: document.querySelectorAll('img').length,
      scripts: [...document.querySelectorAll('script')].map((s) => s.getAttribute('src')),
    }));
    assert.deepEqual(state, { xss: 0, imgs: 0, scripts: ['./boot.js'] });
    assert.deepEqual(dialogs, []);
  };
}

test('the Content-Security-Policy forbids inline scripts and the app runs under it without violations', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const check = await watchAttacks(page);
  await page.goto(server.url);
  await page.waitForSelector('.status');
  const csp = await page.getAttribute('meta[http-equiv="Content-Security-Policy"]', 'content');
  const directives = Object.fromEntries(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k, v.join(' ')]));
  assert.equal(directives['default-src'], "'none'");
  assert.equal(directives['script-src'], "'self' 'wasm-unsafe-eval'");
  assert.equal(directives['style-src'], "'self'");
  assert.equal(directives['object-src'], "'none'");
  // Use every pane once.
  for (const tab of ['image', 'problems', 'stages', 'context', 'layers']) await selectTab(page, tab);
  assert.deepEqual(await page.evaluate(() => window.__violations), []);
  await check();
  // An inline script injected now is refused by the policy.
  await page.evaluate(() => { const s = document.createElement('script'); s.textContent = 'window.__inline = 1'; document.body.append(s); });
  assert.equal(await page.evaluate(() => window.__inline), undefined);
  assert.match((await page.evaluate(() => window.__violations)).join(), /script-src/);
  await context.close();
});

test('XSS payloads in a LABEL, an instruction and a file name render as text and run nothing', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const check = await watchAttacks(page);
  await page.goto(server.url);
  await page.waitForSelector('.status');
  await setDockerfile(page, `FROM alpine\nLABEL evil="${PAYLOAD}"\n${SCRIPT}\nCOPY --chown ${PAYLOAD} /x\n`);
  // The payload is shown literally in the Layers list, the problems and the editor mirror.
  // Layers shows the LABEL as BuildKit expands it (quotes removed).
  const layers = await page.textContent('table.instructions');
  assert.ok(layers.includes('evil=<img src=x onerror=window.__xss=(window.__xss||0)+1>'), layers);
  await selectTab(page, 'problems');
  const problems = await page.textContent('.problems');
  assert.ok(problems.includes('unknown instruction: <script>window.__xss=(window.__xss||0)+1</script>'), problems);
  const mirror = await page.textContent('.mirror');
  assert.ok(mirror.includes(PAYLOAD), mirror);
  // A file named like markup.
  await selectTab(page, 'context');
  await page.fill('#ctx-new-name', `${PAYLOAD}.txt`);
  await page.click('.ctx-new button[type=submit]');
  await page.fill('#ctx-edit', SCRIPT);
  await page.click('.ctx-editor button[type=submit]');
  await page.waitForFunction(() => document.querySelector('.ctx-tree').textContent.includes('onerror'));
  await screenshot(page, 'xss-as-text');
  await check();
  await context.close();
});

test('share links carry the Dockerfile and small text files; hostile and damaged links change nothing', async () => {
  const { context, page, errors } = await openApp(browser, server.url);
  const dockerfile = `FROM alpine\nLABEL evil="${PAYLOAD}"\nCOPY app.py /\n`;
  await setDockerfile(page, dockerfile);
  await page.click('#share-button');
  const url = await page.inputValue('#share-url');
  assert.match(url, /#s=[A-Za-z0-9_-]+$/);
  await screenshot(page, 'share');
  await context.close();

  // Open the link in a fresh browser profile: same Dockerfile and files, the payload inert.
  const other = await browser.newContext();
  const page2 = await other.newPage();
  const check = await watchAttacks(page2);
  await page2.goto(url);
  await page2.waitForSelector('.status');
  // The engine's worker reads the link (the page has no deflate), then the text is replaced.
  await page2.waitForSelector('.banner:has-text("Loaded the shared Dockerfile")');
  assert.equal(await page2.inputValue('#dockerfile'), dockerfile);
  await selectTab(page2, 'context');
  assert.deepEqual(await page2.$$eval('.ctx-row', (rs) => rs.map((r) => r.dataset.path)), ['app.py', 'requirements.txt']);
  // The fragment is removed from the address bar: a reload keeps local edits.
  assert.equal(new URL(page2.url()).hash, '');
  await check();

  // A damaged link: an error banner, the saved work untouched.
  await page2.goto('about:blank');
  await page2.goto(`${server.url}#s=AAAA${PAYLOAD}`);
  await page2.waitForSelector('.banner.error');
  assert.match(await page2.textContent('.banner.error'), /cannot be opened.*Your saved work is unchanged/);
  assert.equal(await page2.inputValue('#dockerfile'), dockerfile);
  await check();
  await other.close();
  assert.deepEqual(errors, []);
});

test('a share link that would be too long warns; binary files are left out', async () => {
  const { context, page, errors } = await openApp(browser, server.url);
  await selectTab(page, 'context');
  // 15 KB of incompressible text, and a binary file.
  await page.evaluate(() => {
    const dt = new DataTransfer();
    let s = '';
    for (let i = 0; i < 15000; i++) s += String.fromCharCode(33 + Math.floor(Math.random() * 90));
    dt.items.add(new File([s], 'noise.txt'));
    dt.items.add(new File([new Uint8Array([0, 159, 146, 150, 255])], 'blob.bin'));
    const zone = document.querySelector('.context-panel');
    zone.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  });
  await page.waitForSelector('[data-path="blob.bin"]');
  await page.click('#share-button');
  assert.match(await page.textContent('#share-dialog .notice.warning'), /characters long/);
  assert.match(await page.textContent('#share-skipped'), /Not included .*blob\.bin/);
  assert.deepEqual(errors, []);
  await context.close();
});

test('a previewed file full of markup is shown as text in the Layers tab and runs nothing', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const check = await watchAttacks(page);
  await page.goto(server.url);
  await page.waitForSelector('.status');
  const content = `${PAYLOAD}\n${SCRIPT}\n<svg onload="window.__xss=1"></svg>\n`;
  await selectTab(page, 'context');
  await page.fill('#ctx-new-name', 'evil.html');
  await page.click('.ctx-new button[type=submit]');
  await page.fill('#ctx-edit', content);
  await page.click('.ctx-editor button[type=submit]');
  await setDockerfile(page, 'FROM scratch\nCOPY evil.html /srv/\n');
  await selectTab(page, 'layers');
  await page.click('[aria-label="Changes of line 2"]');
  await page.click('.change-file:text-is("/srv/evil.html")');
  assert.equal(await page.textContent('.file-preview pre'), content);
  assert.equal(await page.locator('.file-preview svg').count(), 0);
  assert.deepEqual(await page.evaluate(() => window.__violations), []);
  await check();
  await context.close();
});
