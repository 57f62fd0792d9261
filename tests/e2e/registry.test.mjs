// End-to-end: `docker push` from the terminal to a real registry. A distribution registry
// (`docker-registry`, Debian's package) is started on a free port with CORS headers; a
// FROM-scratch image built in the terminal (SOURCE_DATE_EPOCH=0, as the Image tab) is pushed
// by the page with fetch; skopeo and the registry's API then show the manifest and blobs the
// Image tab shows, byte for byte. A registry that is not there fails in Docker's words.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtemp, writeFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serveDist, launch, openApp, setDockerfile, selectTab, screenshot } from './harness.mjs';
import { dropFiles } from './drop-files.mjs';

let server;
let browser;
let registry;
let work;
let port;

function installed(tool) {
  try { execFileSync('sh', ['-c', `command -v ${tool}`]); return true; } catch { return false; }
}

async function freePort() {
  const s = createServer();
  await new Promise((ok) => s.listen(0, '127.0.0.1', ok));
  const { port: p } = s.address();
  await new Promise((ok) => s.close(ok));
  return p;
}

/** The registry's config: this port, private storage, the CORS headers a page needs. */
function config(p, storage) {
  return `version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: ${storage}
http:
  addr: 127.0.0.1:${p}
  headers:
    Access-Control-Allow-Origin: ['*']
    Access-Control-Allow-Methods: ['HEAD, GET, OPTIONS, PUT, POST']
    Access-Control-Allow-Headers: ['Accept, Content-Type']
    Access-Control-Expose-Headers: ['Location, Docker-Content-Digest']
`;
}

const tools = installed('docker-registry') && installed('skopeo');
if (!tools && process.env.CI === 'true') throw new Error('docker-registry and skopeo are needed (scripts/install.sh installs them)');

before(async () => {
  server = await serveDist();
  browser = await launch();
  if (!tools) return;
  work = await mkdtemp(join(tmpdir(), 'layerlab-registry-'));
  port = await freePort();
  await writeFile(join(work, 'config.yml'), config(port, join(work, 'storage')));
  registry = spawn('docker-registry', ['serve', join(work, 'config.yml')], { stdio: 'ignore' });
  for (let i = 0; i < 200; i++) {
    try { if ((await fetch(`http://127.0.0.1:${port}/v2/`)).ok) return; } catch { /* not yet */ }
    await new Promise((ok) => setTimeout(ok, 100));
  }
  throw new Error('the registry did not start');
});
after(async () => {
  await browser?.close();
  await server?.close();
  if (registry) { registry.kill(); await new Promise((ok) => registry.once('exit', ok)); }
  if (work) await rm(work, { recursive: true, force: true });
});

async function type(page, line) {
  const count = await page.$$eval('.terminal-entry', (e) => e.length);
  await page.fill('#terminal-input', line);
  await page.press('#terminal-input', 'Enter');
  await page.waitForFunction((n) => document.querySelectorAll('.terminal-entry').length > n, count);
  // A push goes on after the command returns: wait until it is over.
  await page.waitForFunction(() => document.querySelector('.terminal-entry:last-child')?.getAttribute('aria-busy') === 'false', null, { timeout: 60000 });
  return page.$eval('.terminal-entry:last-child', (e) => ({
    stdout: e.querySelector('.terminal-stdout')?.textContent ?? '',
    stderr: e.querySelector('.terminal-stderr')?.textContent ?? '',
    failed: e.classList.contains('failed'),
  }));
}

test('docker push sends a scratch image to a real registry: the digests of the Image tab', { skip: !tools && 'docker-registry or skopeo not installed' }, async () => {
  const { context, page, errors } = await openApp(browser, server.url, { height: 1000 });
  await page.evaluate(() => {
    window.__violations = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  await dropFiles(page, [['index.html', '<h1>pushed from the playground</h1>\n'], ['motd', 'hello registry\n']]);
  await setDockerfile(page, 'FROM scratch\nCOPY index.html /srv/\nCOPY motd /etc/motd\nCMD ["/srv/index.html"]\n');

  // What the Image tab shows (epoch 0, the default).
  await selectTab(page, 'image');
  const manifestText = await page.textContent('#image-manifest');
  const configText = await page.textContent('#image-config');
  const manifest = JSON.parse(manifestText);
  const config = JSON.parse(configText);
  const manifestDigest = (await page.textContent('.digests dd:nth-of-type(2) code')).trim();
  assert.match(manifestDigest, /^sha256:[0-9a-f]{64}$/);

  await page.click('#tab-terminal');
  await page.waitForSelector('#terminal-input');
  const name = `127.0.0.1:${port}/playground/demo:1`;
  const build = await type(page, `docker build --build-arg SOURCE_DATE_EPOCH=0 -t ${name} .`);
  assert.equal(build.failed, false, build.stderr);
  const images = await type(page, 'docker images -q');
  assert.equal(images.stdout.trim(), manifest.config.digest.slice(7, 19));

  const push = await type(page, `docker push ${name}`);
  assert.equal(push.failed, false, push.stderr);
  const short = (d) => d.slice(7, 19);
  assert.equal(push.stdout, [
    `The push refers to repository [127.0.0.1:${port}/playground/demo]`,
    ...config.rootfs.diff_ids.slice().reverse().map((d) => `${short(d)}: Pushed`),
    `1: digest: ${manifestDigest} size: ${manifestText.length}`,
    '',
  ].join('\n'));
  await screenshot(page, 'terminal-push-registry');

  // The registry has it: skopeo reads the same manifest digest and layer blobs.
  const inspected = JSON.parse(execFileSync('skopeo', ['inspect', '--tls-verify=false', `docker://${name}`], { encoding: 'utf8' }));
  assert.equal(inspected.Digest, manifestDigest);
  assert.deepEqual(inspected.Layers, manifest.layers.map((l) => l.digest));
  // The manifest byte for byte, and the config blob.
  const served = await fetch(`http://127.0.0.1:${port}/v2/playground/demo/manifests/1`, { headers: { Accept: manifest.mediaType } });
  assert.equal(served.headers.get('docker-content-digest'), manifestDigest);
  assert.equal(await served.text(), manifestText);
  const configBlob = await fetch(`http://127.0.0.1:${port}/v2/playground/demo/blobs/${manifest.config.digest}`);
  assert.equal(await configBlob.text(), configText);

  // The push is in the image's RepoDigests; a second push finds every layer there.
  const inspect = JSON.parse((await type(page, `docker inspect ${name}`)).stdout);
  assert.deepEqual(inspect[0].RepoDigests, [`127.0.0.1:${port}/playground/demo@${manifestDigest}`]);
  const again = await type(page, `docker push ${name}`);
  assert.equal(again.failed, false, again.stderr);
  assert.match(again.stdout, /: Layer already exists\n.*: Layer already exists\n1: digest: /s);
  // The input is back and focused after the push.
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'terminal-input');
  assert.deepEqual(await page.evaluate(() => window.__violations), []);
  assert.deepEqual(errors.filter((e) => !e.includes('Failed to load resource')), []);
  await context.close();
});

test('a registry that is not there: Docker-style error with what to check', async () => {
  const { context, page } = await openApp(browser, server.url);
  await dropFiles(page, [['motd', 'hello\n']]);
  await setDockerfile(page, 'FROM scratch\nCOPY motd /etc/motd\n');
  await page.click('#tab-terminal');
  await page.waitForSelector('#terminal-input');
  const nobody = await freePort();
  assert.equal((await type(page, `docker build -t localhost:${nobody}/demo .`)).failed, false);
  const push = await type(page, `docker push localhost:${nobody}/demo`);
  assert.equal(push.failed, true);
  assert.equal(push.stdout, `Using default tag: latest\nThe push refers to repository [localhost:${nobody}/demo]\n`);
  assert.match(push.stderr, new RegExp(`^Get "http://localhost:${nobody}/v2/": .+\\nlayerlab: the browser could not reach localhost:${nobody}`));
  // An image on a catalog base cannot go: its config needs the base layers' diff_ids.
  await setDockerfile(page, 'FROM alpine:3.20\nCOPY motd /etc/motd\n');
  assert.equal((await type(page, 'docker build -t localhost:5000/alpine-app .')).failed, false);
  const base = await type(page, 'docker push localhost:5000/alpine-app');
  assert.equal(base.failed, true);
  assert.match(base.stderr, /cannot be pushed to a real registry: .*\n {2}layer 1: a layer of the base image/);
  await context.close();
});
