// Shared harness for the end-to-end tests: serves dist/ on 127.0.0.1 (a free port) and
// starts Debian's headless Chromium through playwright-core (no downloaded browser).
import { createServer } from 'node:http';
import { readFile, mkdir } from 'node:fs/promises';
import { join, extname, normalize, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const DIST = join(ROOT, 'dist');
export const SCREENSHOTS = join(ROOT, 'docs', 'screenshots');

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.wasm': 'application/wasm',
  '.css': 'text/css', '.json': 'application/json', '.png': 'image/png', '.svg': 'image/svg+xml',
};

/** Serves dist/ (or `dir`) on 127.0.0.1; resolves to { url, close }. */
export async function serveDist(dir = DIST) {
  const server = createServer(async (req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
    const file = join(dir, path.endsWith('/') ? `${path}index.html` : path);
    try {
      const body = await readFile(file);
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(404); res.end('not found');
    }
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address();
  return { url: `http://127.0.0.1:${port}/`, close: () => new Promise((ok) => server.close(ok)) };
}

/** Launches headless Chromium with the flags that work as root on a closed network. */
export async function launch() {
  // Playwright gives every launch a fresh, empty profile of its own.
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  return browser;
}

/** Collects uncaught page errors and console errors so a test can assert there were none. */
export function watchErrors(page) {
  const errors = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(`console: ${m.text()}`); });
  return errors;
}

export async function screenshot(page, name) {
  await mkdir(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
}

/** Opens the playground in a fresh browser context (empty storage) and waits for the app and
 * the engine's first results. */
export async function openApp(browser, url, { width = 1280, height = 800, colorScheme = 'light', hash = '' } = {}) {
  const context = await browser.newContext({ viewport: { width, height }, colorScheme });
  const page = await context.newPage();
  const errors = watchErrors(page);
  await page.goto(url + hash);
  await page.waitForSelector('.status');
  // The page renders before the engine module has loaded in its worker: wait for its first
  // results (or for it to say it cannot run).
  await page.waitForSelector('.status .engine-worker, .status .engine-failed', { timeout: 30000 });
  await page.waitForFunction(() => !document.querySelector('.status')?.dataset.pending, null, { timeout: 30000 });
  return { context, page, errors };
}

/** Replaces the editor's text as a paste would (one input event) and waits for the analysis. */
export async function setDockerfile(page, text) {
  await page.evaluate((t) => {
    const area = document.querySelector('#dockerfile');
    area.focus();
    area.value = t;
    area.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertFromPaste' }));
  }, text);
  await page.waitForFunction((t) => document.querySelector('#dockerfile').value === t, text);
  await waitAnalysed(page);
}

/** Waits until the analysis has caught up with the editor's text (the debounce ran). */
export async function waitAnalysed(page) {
  // The mirror re-renders the highlighted text after each analysis; compare it with the text
  // on the lines in view, then give the debounce timer time to fire.
  await page.waitForTimeout(150);
  await page.waitForFunction(() => !document.querySelector('.status')?.dataset.pending);
}

export async function selectTab(page, name) {
  await page.click(`#tab-${name}`);
  await page.waitForSelector(`#panel-${name}`);
}
