// End-to-end: the built playground in headless Chromium, driven like a person would.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serveDist, launch, watchErrors, screenshot } from './harness.mjs';

let server;
let browser;
before(async () => { server = await serveDist(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

async function openFresh() {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const errors = watchErrors(page);
  await page.goto(server.url);
  await page.waitForSelector('tr.instruction');
  return { context, page, errors };
}

test('first visit loads the seed example and lists its instructions', async () => {
  const { context, page, errors } = await openFresh();
  const text = await page.inputValue('#dockerfile');
  assert.match(text, /^## Base image\nFROM ubuntu:22.04\n/);
  const rows = await page.$$eval('tr.instruction', (trs) => trs.map((tr) => ({
    line: tr.querySelector('td.line').textContent,
    text: tr.querySelector('td.text .kw').textContent,
    effect: tr.querySelector('td.effect').textContent,
  })));
  assert.deepEqual(rows.map((r) => r.text), ['FROM', 'LABEL', 'RUN', 'RUN', 'WORKDIR', 'COPY', 'RUN', 'EXPOSE', 'CMD']);
  assert.deepEqual(rows.map((r) => r.line), ['2', '4', '6', '8', '10', '12', '14', '16', '18']);
  assert.deepEqual(rows.map((r) => r.effect), ['new stage', 'metadata only', 'layer', 'layer', 'layer', 'layer', 'layer', 'metadata only', 'metadata only']);
  assert.match(await page.textContent('.status'), /9 instructions · 5 layers · 0 errors/);
  await screenshot(page, 'playground');
  assert.deepEqual(errors, []);
  await context.close();
});

test('each keystroke re-parses: typing an instruction adds a row, an unknown one is an error', async () => {
  const { context, page, errors } = await openFresh();
  await page.click('#dockerfile');
  // The seed ends with a newline: the cursor lands on the empty line 19.
  await page.keyboard.press('Control+End');
  await page.keyboard.type('USER app');
  await page.waitForFunction(() => document.querySelectorAll('tr.instruction').length === 10);
  const last = await page.$eval('tr.instruction:last-child', (tr) => tr.textContent);
  assert.match(last, /^19USER app/);
  await page.keyboard.type('\nFROMM scratch');
  await page.waitForFunction(() => /1 errors?/.test(document.querySelector('.status').textContent));
  await page.click('#tab-problems');
  await page.waitForSelector('.problem.error');
  const problem = await page.textContent('.problem.error');
  assert.match(problem, /20:1 .*unknown instruction: FROMM/);
  assert.match(await page.textContent('.status'), /1 errors?/);
  await screenshot(page, 'typing-error');
  assert.deepEqual(errors, []);
  await context.close();
});

test('the work survives a reload', async () => {
  const { context, page } = await openFresh();
  await page.fill('#dockerfile', 'FROM alpine:3.20\nRUN echo kept\n');
  await page.waitForFunction(() => document.querySelectorAll('tr.instruction').length === 2);
  await page.reload();
  await page.waitForSelector('tr.instruction');
  assert.equal(await page.inputValue('#dockerfile'), 'FROM alpine:3.20\nRUN echo kept\n');
  assert.equal((await page.$$('tr.instruction')).length, 2);
  await context.close();
});
