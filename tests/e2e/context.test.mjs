// The Context panel: the build context as a tree, uploads (files, folder, tar, tar.gz,
// tar.bz2, tar.xz, tar.zst, drag and drop), in-place editing, .dockerignore verdicts, persistence in IndexedDB, and
// uploads that fail without losing anything.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { serveDist, launch, screenshot, openApp, selectTab } from './harness.mjs';

let server;
let browser;
let work;
before(async () => {
  server = await serveDist(); browser = await launch();
  work = await mkdtemp(join(tmpdir(), 'layerlab-ctx-'));
  await mkdir(join(work, 'project', 'src', 'lib'), { recursive: true });
  await writeFile(join(work, 'project', 'main.go'), 'package main\n');
  await writeFile(join(work, 'project', 'src', 'lib', 'util.go'), 'package lib\n');
  await writeFile(join(work, 'notes.txt'), 'hello\n');
  await mkdir(join(work, 'tarroot', 'etc'), { recursive: true });
  await writeFile(join(work, 'tarroot', 'etc', 'app.conf'), 'x=1\n');
  await writeFile(join(work, 'tarroot', 'run.sh'), '#!/bin/sh\n');
  execFileSync('tar', ['-C', join(work, 'tarroot'), '-cf', join(work, 'ctx.tar'), '.']);
  execFileSync('tar', ['-C', join(work, 'tarroot'), '-czf', join(work, 'ctx.tar.gz'), '.']);
  execFileSync('tar', ['-C', join(work, 'tarroot'), '-cjf', join(work, 'ctx.tar.bz2'), '.']);
  execFileSync('tar', ['-C', join(work, 'tarroot'), '-cJf', join(work, 'ctx.tar.xz'), '.']);
  execFileSync('tar', ['-C', join(work, 'tarroot'), '--zstd', '-cf', join(work, 'ctx.tar.zst'), '.']);
  await writeFile(join(work, 'broken.tar'), Buffer.alloc(2048, 0x41));
});
after(async () => { await browser?.close(); await server?.close(); });

const paths = (page) => page.$$eval('.ctx-row', (rs) => rs.map((r) => r.dataset.path));

test('the seed context is a tree with sizes; files can be created, edited, renamed and deleted', async () => {
  const { context, page, errors } = await openApp(browser, server.url);
  await selectTab(page, 'context');
  assert.deepEqual(await paths(page), ['app.py', 'requirements.txt']);
  assert.equal(await page.getAttribute('.ctx-tree', 'role'), 'tree');
  assert.match(await page.textContent('[data-path="requirements.txt"] .ctx-size'), /^17 B$/);
  // Create, edit, save.
  await page.fill('#ctx-new-name', 'docs/readme.md');
  await page.click('.ctx-new button[type=submit]');
  await page.waitForSelector('[data-path="docs/readme.md"]');
  await page.fill('#ctx-edit', '# Read me\n');
  await page.click('.ctx-editor button[type=submit]');
  await page.waitForFunction(() => document.querySelector('[data-path="docs/readme.md"] .ctx-size').textContent === '10 B');
  assert.equal(await page.getAttribute('[data-path="docs"]', 'aria-expanded'), 'true');
  // Rename a folder: its files move with it.
  await page.click('[aria-label="Rename docs"]');
  await page.fill('#ctx-rename-input', 'notes');
  await page.click('.ctx-rename button[type=submit]');
  await page.waitForSelector('[data-path="notes/readme.md"]');
  // Renaming onto an existing file is refused and changes nothing.
  await page.click('[aria-label="Rename app.py"]');
  await page.fill('#ctx-rename-input', 'requirements.txt');
  await page.click('.ctx-rename button[type=submit]');
  assert.match(await page.textContent('.notice.error'), /already exists — the context was not changed/);
  await page.click('.ctx-rename button[type=button]');
  await page.click('[aria-label="Delete notes"]');
  await page.waitForFunction(() => !document.querySelector('[data-path="notes"]'));
  assert.deepEqual(await paths(page), ['app.py', 'requirements.txt']);
  assert.deepEqual(errors, []);
  await context.close();
});

test('files, a folder (relative paths kept), a .tar, .tar.gz, .tar.bz2, .tar.xz and .tar.zst are added; .dockerignore greys what it excludes', async () => {
  const { context, page, errors } = await openApp(browser, server.url);
  await selectTab(page, 'context');
  await page.setInputFiles('#ctx-files', join(work, 'notes.txt'));
  await page.waitForSelector('[data-path="notes.txt"]');
  await page.setInputFiles('#ctx-folder', join(work, 'project'));
  await page.waitForSelector('[data-path="src/lib/util.go"]');
  assert.ok(await page.$('[data-path="main.go"]'));
  await page.setInputFiles('#ctx-tar', join(work, 'ctx.tar'));
  await page.waitForSelector('[data-path="etc/app.conf"]');
  await page.click('[aria-label="Delete etc"]');
  await page.waitForFunction(() => !document.querySelector('[data-path="etc"]'));
  await page.setInputFiles('#ctx-tar', join(work, 'ctx.tar.gz'));
  await page.waitForSelector('[data-path="etc/app.conf"]');
  assert.match(await page.textContent('.notice'), /unpacked \d+ entries from ctx\.tar\.gz/);
  // bzip2, xz and zstd, decoded by the engine in the page.
  for (const name of ['ctx.tar.bz2', 'ctx.tar.xz', 'ctx.tar.zst']) {
    await page.click('[aria-label="Delete etc"]');
    await page.waitForFunction(() => !document.querySelector('[data-path="etc"]'));
    await page.setInputFiles('#ctx-tar', join(work, name));
    await page.waitForSelector('[data-path="etc/app.conf"]');
    assert.match(await page.textContent('.notice'), new RegExp(`unpacked \\d+ entries from ${name.replaceAll('.', '\\.')}`));
  }
  // A .dockerignore: excluded entries are greyed with the pattern and line.
  await page.fill('#ctx-new-name', '.dockerignore');
  await page.click('.ctx-new button[type=submit]');
  await page.fill('#ctx-edit', '# comment\nsrc\n*.txt\n!requirements.txt\n');
  await page.click('.ctx-editor button[type=submit]');
  await page.waitForSelector('[data-path="src"].excluded');
  assert.match(await page.textContent('[data-path="src"] .excluded-by'), /excluded by src \(\.dockerignore:2\)/);
  assert.match(await page.textContent('[data-path="notes.txt"] .excluded-by'), /excluded by \*\.txt \(\.dockerignore:3\)/);
  assert.ok(await page.$('[data-path="src/lib/util.go"].excluded'));
  assert.equal(await page.$('[data-path="requirements.txt"].excluded'), null);
  await screenshot(page, 'context');
  assert.deepEqual(errors, []);
  await context.close();
});

test('a bad archive shows an error and keeps the context; drag and drop of files works; the context survives a reload', async () => {
  const { context, page, errors } = await openApp(browser, server.url);
  await selectTab(page, 'context');
  const before = await paths(page);
  await page.setInputFiles('#ctx-tar', join(work, 'broken.tar'));
  await page.waitForSelector('.notice.error');
  assert.match(await page.textContent('.notice.error'), /broken\.tar: .*the context was not changed/);
  assert.deepEqual(await paths(page), before);
  // Drop a file (a DataTransfer built in the page, as a browser builds it on drop).
  await page.evaluate(() => {
    const dt = new DataTransfer();
    dt.items.add(new File(['dropped\n'], 'dropped.txt', { type: 'text/plain' }));
    const zone = document.querySelector('.context-panel');
    zone.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
    zone.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  });
  await page.waitForSelector('[data-path="dropped.txt"]');
  await page.waitForTimeout(300); // IndexedDB write
  await page.reload();
  await page.waitForSelector('.status');
  await selectTab(page, 'context');
  await page.waitForSelector('[data-path="dropped.txt"]');
  assert.deepEqual(await paths(page), [...before, 'dropped.txt'].sort());
  assert.deepEqual(errors, []);
  await context.close();
});
