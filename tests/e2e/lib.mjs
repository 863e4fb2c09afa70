// Shared helpers for Kervan's browser tests: a static server on 127.0.0.1, Debian's Chromium
// through playwright-core, and a person's keyboard and mouse driven by widget labels
// (window.kervan.ui.items()), never by guessed pixels.
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import net from 'node:net';
import { chromium } from 'playwright-core';

export const repoRoot = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
// KERVAN_DIST_DIR lets a second build (another worktree or build) be tested beside the default.
export const distDir = process.env.KERVAN_DIST_DIR ? path.resolve(process.env.KERVAN_DIST_DIR) : path.join(repoRoot, 'dist');

const chromiumArgs = [
  '--headless=new', '--no-sandbox', '--disable-gpu', '--use-angle=swiftshader', '--enable-unsafe-swiftshader',
  '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--disable-dev-shm-usage',
];

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

// Serves dist/ under `subPath` (e.g. "/apps/kervan/") on a free loopback port.
export async function startServer(subPath = '/') {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kervan-site-'));
  const parts = subPath.split('/').filter(Boolean);
  let target = root;
  for (const p of parts.slice(0, -1)) { target = path.join(target, p); fs.mkdirSync(target); }
  if (parts.length) fs.symlinkSync(distDir, path.join(target, parts[parts.length - 1]));
  else { fs.rmdirSync(root); fs.symlinkSync(distDir, root); }
  const port = await freePort();
  const proc = spawn('python3', ['-m', 'http.server', String(port), '--bind', '127.0.0.1', '--directory', root],
    { stdio: ['ignore', 'ignore', 'pipe'] });
  proc.stderr.on('data', () => {});
  const url = `http://127.0.0.1:${port}${subPath.endsWith('/') ? subPath : subPath + '/'}`;
  for (let i = 0; i < 100; i++) {
    try { const r = await fetch(url); if (r.ok) break; } catch { /* not up yet */ }
    await sleep(100);
  }
  return {
    url,
    async stop() {  // idempotent: a test may stop the server itself (offline checks)
      if (proc.exitCode === null && proc.signalCode === null) {
        const exited = new Promise((r) => proc.once('exit', r));
        proc.kill('SIGTERM');
        await exited;
      }
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
}

export function sleep(ms) { return new Promise((r) => setTimeout(r, ms)); }

export function newProfileDir() { return fs.mkdtempSync(path.join(os.tmpdir(), 'kervan-profile-')); }

// A persistent Chromium profile, so IndexedDB survives closing and reopening the browser.
export async function launch(profileDir, { locale = 'en-US', deviceScaleFactor = 1 } = {}) {
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: process.env.KERVAN_CHROMIUM || '/usr/bin/chromium',
    args: chromiumArgs,
    viewport: { width: 1280, height: 800 },
    deviceScaleFactor,
    locale,
  });
  const page = context.pages()[0] || await context.newPage();
  const problems = [];
  page.on('console', (msg) => { if (msg.type() === 'error') problems.push(`console error: ${msg.text()}`); });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  return { context, page, problems };
}

export async function openApp(page, url) {
  await page.goto(url);
  await page.waitForFunction(() => window.kervan && window.kervan.ui, null, { timeout: 30000 });
  await page.evaluate(() => window.kervan.ready);
  await waitForItem(page, (i) => i.label === 'Save' || i.label === 'Kaydet');
}

// Makes the app draw `frames` frames without touching mouse or keyboard (a window resize event
// wakes the main loop; ImGui sees no input), and waits until they are drawn: widget positions
// and the state read after this come from frames drawn after everything done so far.
export async function settle(page, frames = 2, timeoutMs = 5000) {
  const start = await page.evaluate(() => window.kervan.ui.frames());
  await page.evaluate(() => window.dispatchEvent(new Event('resize')));
  for (const until = Date.now() + timeoutMs; Date.now() < until;) {
    if (await page.evaluate(() => window.kervan.ui.frames()) >= start + frames) return;
    await sleep(16);
  }
  throw new Error(`the app drew no ${frames} frames in ${timeoutMs} ms`);
}

export async function items(page) {
  return page.evaluate(() => window.kervan.ui.items());
}

// Waits until a widget matching `predicate` is on screen; returns it.
export async function waitForItem(page, predicate, timeoutMs = 10000) {
  const deadline = Date.now() + timeoutMs;
  let last = [];
  while (Date.now() < deadline) {
    last = await items(page);
    const found = last.find(predicate);
    if (found) return found;
    await page.mouse.move(2, 2);  // any input makes the app draw a frame
    await sleep(50);
  }
  throw new Error(`no widget matched ${predicate}; visible: ${last.map((i) => i.label).join(' | ')}`);
}

// Polls `fn` (async) until it returns a truthy value; moves the mouse between polls so the
// app draws fresh frames.
export async function waitFor(page, fn, what, timeoutMs = 10000) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    last = await fn();
    if (last) return last;
    await page.mouse.move(3, 3 + Math.random());
    await sleep(50);
  }
  throw new Error(`timed out waiting for ${what}`);
}

export async function clickLabel(page, label, options = {}) {
  const item = await waitForItem(page, (i) => i.label === label && (!options.window || i.window.includes(options.window)));
  // Like a hand: move there, let the app see the hover, then press and release.
  const x = item.x + Math.min(item.w / 2, 40);
  const y = item.y + item.h / 2;
  await page.mouse.move(x - 5, y, { steps: 2 });
  await page.mouse.move(x, y);
  await sleep(50);
  await page.mouse.down();
  await sleep(30);
  await page.mouse.up();
  await sleep(60);
  return item;
}

// Types text the way a keyboard does: one key event per character, with the character's
// text, so non-ASCII letters (ğ, ş, İ...) reach the app through keypress like real typing.
export async function typeText(page, text) {
  const cdp = await page.context().newCDPSession(page);
  for (const ch of text) {
    if (ch === '\n') { await page.keyboard.press('Enter', { delay: 30 }); continue; }
    await cdp.send('Input.dispatchKeyEvent', { type: 'keyDown', text: ch, unmodifiedText: ch, key: ch });
    await cdp.send('Input.dispatchKeyEvent', { type: 'keyUp', key: ch });
  }
  await cdp.detach();
  await sleep(40);
}

export async function press(page, key) {
  await page.keyboard.press(key, { delay: 40 });
  await sleep(60);
}

export async function focusedItem(page) {
  const list = await items(page);
  return list.find((i) => i.active) || null;
}

export function assert(condition, message) {
  if (!condition) throw new Error(`assertion failed: ${message}`);
}

// A small seeded random generator (mulberry32): numbers in [0, 1), the same for the same seed,
// so a failing fault run can be repeated exactly.
export function seededRandom(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

// Counts, in window.__blockPuts, the blocks the app puts into its IndexedDB page store.
export async function countBlockPuts(context) {
  await context.addInitScript(() => {
    const put = IDBObjectStore.prototype.put;
    window.__blockPuts = 0;
    IDBObjectStore.prototype.put = function (value, key) {
      if (this.name === 'pages') window.__blockPuts++;
      return put.call(this, value, key);
    };
  });
}

// Kills (SIGKILL) every process that `isRoot({ pid, ppid, args })` accepts, with all its
// descendants, then waits until they are gone or zombies (a storage process still holding
// IndexedDB files would make the next start fail to open them). Never kills this process.
// Returns how many processes were killed.
export async function killProcessTrees(isRoot) {
  let out = '';
  try { out = execFileSync('ps', ['-eo', 'pid=,ppid=,args='], { encoding: 'utf8' }); } catch { return 0; }
  const rows = out.split('\n').filter(Boolean).map((line) => {
    const [pid, ppid, ...args] = line.trim().split(/\s+/);
    return { pid: Number(pid), ppid: Number(ppid), args: args.join(' ') };
  });
  const doomed = new Set(rows.filter(isRoot).map((r) => r.pid));
  for (let grew = true; grew;) {
    grew = false;
    for (const r of rows) if (doomed.has(r.ppid) && !doomed.has(r.pid)) { doomed.add(r.pid); grew = true; }
  }
  doomed.delete(process.pid);
  for (const pid of doomed) {
    try { process.kill(pid, 'SIGKILL'); } catch { /* already gone */ }
  }
  const alive = (pid) => {
    try { return !/^State:\s+Z/m.test(fs.readFileSync(`/proc/${pid}/status`, 'utf8')); } catch { return false; }
  };
  const deadline = Date.now() + 10000;
  while (Date.now() < deadline && [...doomed].some(alive)) await sleep(50);
  return doomed.size;
}
