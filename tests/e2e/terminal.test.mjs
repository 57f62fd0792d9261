// End-to-end: the Terminal panel's simulated docker in headless Chromium — build, images,
// history, tag, rmi, history keys, Tab completion, and the store surviving a reload.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serveDist, launch, watchErrors, screenshot } from './harness.mjs';

let server;
let browser;
before(async () => { server = await serveDist(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

async function type(page, line) {
  const before = await page.$$eval('.terminal-entry', (e) => e.length);
  await page.fill('#terminal-input', line);
  await page.press('#terminal-input', 'Enter');
  await page.waitForFunction((n) => document.querySelectorAll('.terminal-entry').length > n, before);
  return page.$eval('.terminal-entry:last-child', (e) => ({
    stdout: e.querySelector('.terminal-stdout')?.textContent ?? '',
    stderr: e.querySelector('.terminal-stderr')?.textContent ?? '',
    failed: e.classList.contains('failed'),
  }));
}

test('docker build, images, history, tag and rmi in the terminal', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const errors = watchErrors(page);
  await page.goto(server.url);
  await page.click('#tab-terminal');
  await page.waitForSelector('#terminal-input');

  const build = await type(page, 'docker build -t app .');
  assert.equal(build.failed, false, build.stderr);
  assert.match(build.stderr, /^#0 building with "default" instance using docker driver/);
  assert.match(build.stderr, /#4 \[1\/9\] FROM docker\.io\/library\/ubuntu:22\.04@sha256:[0-9a-f]{64}/);
  assert.match(build.stderr, /\[3\/9\] RUN apt-get update && apt-get upgrade -y\n#\d+ 0\.000 \[layerlab\] RUN is simulated/);
  assert.match(build.stderr, /naming to docker\.io\/library\/app:latest done/);

  const images = await type(page, 'docker images');
  const rows = images.stdout.trimEnd().split('\n');
  // Column widths follow the longest cell (tabwriter), as in Docker.
  assert.match(rows[0], /^REPOSITORY {3}TAG {7}IMAGE ID {7}CREATED {3,}SIZE$/);
  assert.equal(rows[0].indexOf('SIZE'), rows[1].search(/\d+(\.\d+)?[kMG]?B$/));
  assert.match(rows[1], /^app {10}latest {4}[0-9a-f]{12} {3}(Less than a second|1 second|\d+ seconds) ago/);
  const id = rows[1].split(/\s+/)[2];

  const history = await type(page, 'docker history app');
  assert.match(history.stdout, new RegExp(`^IMAGE {10}CREATED .*\\n${id} `));
  assert.match(history.stdout, /COPY \. \/app # buildkit {26}\d+B/);

  assert.equal((await type(page, 'docker tag app me/app:1.0')).failed, false);
  const conflict = await type(page, `docker rmi ${id}`);
  assert.equal(conflict.stderr, `Error response from daemon: conflict: unable to delete ${id} (must be forced) - image is referenced in multiple repositories\n`);
  assert.equal((await type(page, 'docker rmi me/app:1.0')).stdout, 'Untagged: me/app:1.0\n');

  // Up recalls the previous command; Tab completes an image name.
  await page.fill('#terminal-input', '');
  await page.press('#terminal-input', 'ArrowUp');
  assert.equal(await page.inputValue('#terminal-input'), 'docker rmi me/app:1.0');
  await page.fill('#terminal-input', 'docker history a');
  await page.press('#terminal-input', 'Tab');
  assert.equal(await page.inputValue('#terminal-input'), 'docker history app:latest ');
  await screenshot(page, 'terminal');

  // The store survives a reload.
  await page.reload();
  await page.click('#tab-terminal');
  await page.waitForSelector('#terminal-input');
  const after = await type(page, 'docker images');
  assert.match(after.stdout, /\napp {10}latest /);
  const removed = await type(page, 'docker rmi app');
  assert.match(removed.stdout, /^Untagged: app:latest\nDeleted: sha256:[0-9a-f]{64}\n$/);
  const gone = await type(page, 'docker rmi app');
  assert.equal(gone.stderr, 'Error response from daemon: No such image: app:latest\n');
  assert.deepEqual(errors, []);
  await context.close();
});
