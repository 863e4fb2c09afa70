// Kervan's benchmark: builds databases at several sizes with bench/generate.mjs (through the
// native CLI), loads each into the browser's page store, and measures in headless Chromium:
// durable single save (with the raw IndexedDB cost of the same blocks), start-up, search per
// keystroke, frame time while scrolling and sorting, idle main-thread busy time, sync export
// and import, every dashboard report (report.<name>), the app's compressed size, and the same
// core operations natively. Prints one table of medians; ratios come from the same run. Not a
// test: nothing here passes or fails. --only startup measures start-up alone, --only reports
// start-up and the reports, --only sync start-up and the full export/import, --only ui
// everything but the reports and the export/import.
//   node bench/run.mjs --cli PATH/TO/kervan [--sizes 1k,100k] [--runs 7] [--work DIR] [--only startup|reports|sync|ui]
//                      [--record-size 65536]
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import zlib from 'node:zlib';
import * as t from '../tests/e2e/lib.mjs';
import { generate, GENERATOR_VERSION } from './generate.mjs';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const cli = arg('cli');
if (!cli) {
  console.error('usage: node bench/run.mjs --cli PATH/TO/kervan [--sizes 1k,100k] [--runs 7] [--work DIR]');
  process.exit(2);
}
const sizes = arg('sizes', '1k,100k').split(',');
const runs = Number(arg('runs', 7));
const only = arg('only', '');
// Bytes per stored record when the bench loads a database into the page store: the app's own
// size (64 KiB) unless measuring another (4096 is the format of builds before 64 KiB records).
const recordSize = Number(arg('record-size', 65536));
const work = arg('work', fs.existsSync('/dev/shm') ? '/dev/shm/kervan-bench' : path.join(os.tmpdir(), 'kervan-bench'));
fs.mkdirSync(work, { recursive: true });

const median = (xs) => {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (!s.length) return NaN;
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const rows = [];
// The dashboard's reports as the UI asks for them (Turkey's offset, so periods have edges),
// and the widest custom period: the generated data's two years. [label, command, args].
const tr = { utc_offset_minutes: 180 };
const twoYears = { period: 'custom', from: '2024-11-01', to: '2026-11-30', ...tr };
const reportCalls = [
  ['report.pipeline', 'report.pipeline', {}],
  ['report.forecast', 'report.forecast', tr],
  ['report.results', 'report.results', { period: 'this_year', ...tr }],
  ['report.results (two years)', 'report.results', twoYears],
  ['report.team', 'report.team', { period: 'this_year', ...tr }],
  ['report.team (two years)', 'report.team', twoYears],
  ['report.funnel', 'report.funnel', { period: 'this_year', ...tr }],
  ['report.funnel (two years)', 'report.funnel', twoYears],
  ['report.forecast_history', 'report.forecast_history', { limit: 24, ...tr }],
  ['report.forecast_history (6, as the dashboard)', 'report.forecast_history', { limit: 6, ...tr }],
];
const nativeReport = {};
const row = (what, size, value, unit, note = '') => {
  rows.push({ what, size, value, unit, note });
  console.error(`  ${what} [${size}]: ${Number.isFinite(value) ? value.toFixed(2) : value} ${unit} ${note}`);
};

// The database of each size, generated once per generator version and kept in the work folder.
const dbFileName = (size) => path.join(work, `kervan-${size}-v${GENERATOR_VERSION}.db`);
async function database(size) {
  const file = dbFileName(size);
  if (!fs.existsSync(file)) {
    console.error(`generating ${size}...`);
    const r = await generate({ cli, db: file + '.part', size, seed: 1, log: (m) => console.error(`  ${m}`) });
    fs.renameSync(file + '.part', file);
    console.error(`  ${size}: ${(r.bytes / 1048576).toFixed(1)} MB in ${r.seconds.toFixed(0)} s`);
  }
  // A database kept from an older build is brought to this build's schema here, natively and
  // once, so the page measures the app as it runs, not a one-time upgrade.
  const opened = spawnSync(cli, ['--db', file, 'call', 'app.info', '{}'], { encoding: 'utf8' });
  if (opened.status !== 0) throw new Error(`cannot open ${file}: ${opened.stderr || opened.stdout}`);
  return file;
}

// The CLI on a copy of `db`, request by request: median milliseconds per request.
async function nativeTimes(db, requests) {
  const copy = db + '.native';
  fs.copyFileSync(db, copy);
  const proc = spawn(cli, ['--db', copy], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = readline.createInterface({ input: proc.stdout })[Symbol.asyncIterator]();
  const times = [];
  for (const r of requests) {
    const started = process.hrtime.bigint();
    proc.stdin.write(JSON.stringify(r) + '\n');
    const { value } = await lines.next();
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
    if (JSON.parse(value).error) throw new Error(`native ${r.command}: ${value.slice(0, 200)}`);
  }
  proc.stdin.end();
  await new Promise((res) => proc.once('exit', res));
  fs.rmSync(copy, { force: true });
  return times;
}

// A site root: the app under /apps/kervan/, the databases under /bench/.
async function startSite() {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kervan-bench-site-'));
  fs.mkdirSync(path.join(root, 'apps'));
  fs.symlinkSync(t.distDir, path.join(root, 'apps', 'kervan'));
  fs.symlinkSync(work, path.join(root, 'bench'));
  fs.writeFileSync(path.join(work, 'loader.html'), '<!doctype html><title>loader</title>');
  const port = await t.freePort();
  const proc = spawn('python3', ['-m', 'http.server', String(port), '--bind', '127.0.0.1', '--directory', root], { stdio: 'ignore' });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    try { if ((await fetch(base + '/bench/loader.html')).ok) break; } catch { /* not up yet */ }
    await t.sleep(100);
  }
  return { base, app: `${base}/apps/kervan/`, stop: () => { proc.kill(); fs.rmSync(root, { recursive: true, force: true }); } };
}

// Puts a database file into the app's page store, as the app itself leaves it once it has
// compacted: packs of 1 MiB ({k, g, b: Blob} under key [k]), no records, and the meta record
// (records of `record` bytes are what saves add over the packs).
async function loadIntoStore(page, site, size) {
  await page.goto(`${site.base}/bench/loader.html`);
  return page.evaluate(async ({ url, scope, record }) => {
    const bytes = new Uint8Array(await (await fetch(url)).arrayBuffer());
    const db = await new Promise((resolve, reject) => {
      const req = indexedDB.open('kervan-pages:' + scope, 2);
      req.onupgradeneeded = () => {
        req.result.createObjectStore('pages').createIndex('gen', 'g');
        req.result.createObjectStore('meta');
      };
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
    const tx = db.transaction(['pages', 'meta'], 'readwrite');
    const pack = 1048576;
    for (let k = 0; k * pack < bytes.length; k++) {
      tx.objectStore('pages').put({ k, g: 1, b: new Blob([bytes.subarray(k * pack, (k + 1) * pack)]) }, [k]);
    }
    tx.objectStore('meta').put({ format: 2, blockSize: record, packSize: pack, generation: 1, size: bytes.length, owner: 'bench', savedAt: Date.now() }, 'state');
    await new Promise((resolve, reject) => { tx.oncomplete = resolve; tx.onabort = () => reject(tx.error); });
    db.close();
    return bytes.length;
  }, { url: `${site.base}/bench/${path.basename(dbFileName(size))}`, scope: '/apps/kervan/', record: recordSize });
}

async function metrics(cdp) {
  const { metrics: list } = await cdp.send('Performance.getMetrics');
  return Object.fromEntries(list.map((m) => [m.name, m.value]));
}

// The browser's own cost of showing WebGL frames on this machine: a blank canvas as large as
// the app's, cleared each animation frame, in a page of the same browser. Main-thread busy per
// frame: a floor no app drawing into that canvas goes below.
async function blankCanvasBusy(context) {
  const page = await context.newPage();
  try {
    const size = await page.evaluate(() => [window.innerWidth, window.innerHeight]);
    await page.setContent(`<body style="margin:0"><canvas width="${size[0]}" height="${size[1]}"></canvas></body>`);
    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable');
    const frames = 60;
    const before = await metrics(cdp);
    await page.evaluate((n) => new Promise((done) => {
      const gl = document.querySelector('canvas').getContext('webgl2', { antialias: false, alpha: false });
      let k = 0;
      const frame = () => {
        gl.clearColor(0.06, 0.06, 0.07, 1);
        gl.clear(gl.COLOR_BUFFER_BIT);
        if (++k < n) requestAnimationFrame(frame); else done();
      };
      requestAnimationFrame(frame);
    }), frames);
    const after = await metrics(cdp);
    await cdp.detach();
    return ((after.TaskDuration - before.TaskDuration) * 1000) / frames;
  } finally {
    await page.close();
  }
}

// Full JSON export and import in the page.
async function syncRuns(s, size) {
  // Full JSON export and import: streamed (window.kervan.exportSync/importSync) when the build
  // has them, otherwise through sync.export/sync.import. Medians of min(runs, 3) runs each
  // (every run at 100k writes and reads hundreds of MB).
  const api = await s.page.evaluate(() => ({
    streaming: typeof window.kervan.exportSync === 'function' && typeof window.kervan.importSync === 'function',
  }));
  const commands = await s.page.evaluate(() => window.kervan.call('app.commands'));
  const names = JSON.stringify(commands);
  const repeat = Math.max(1, Math.min(runs, 3));
  if (api.streaming) {
    const exported = await s.page.evaluate(async (n) => {
      const times = [];
      let bytes = 0;
      for (let i = 0; i < n; i++) {
        window.__exported = null;
        const t0 = performance.now();
        const r = await window.kervan.exportSync({});
        times.push(performance.now() - t0);
        if (r.error) return { error: r.error.message };
        window.__exported = r.blob;
        bytes = r.blob.size;
      }
      return { times, bytes };
    }, repeat);
    row('full JSON export (streamed to a Blob)', size, exported.times ? median(exported.times) : NaN, 'ms',
      exported.error || `(${(exported.bytes / 1048576).toFixed(1)} MB, ${repeat} runs)`);
    const imported = await s.page.evaluate(async (n) => {
      const times = [];
      for (let i = 0; i < n; i++) {
        const t0 = performance.now();
        const r = await window.kervan.importSync(window.__exported, { dry_run: true });
        times.push(performance.now() - t0);
        if (r.error) return { error: r.error.message };
      }
      window.__exported = null;
      return { times };
    }, repeat);
    row('full JSON import (dry run, same device)', size, imported.times ? median(imported.times) : NaN, 'ms',
      imported.error || `(${repeat} runs)`);
  } else if (names.includes('sync.export') && names.includes('sync.import')) {
    const exported = await s.page.evaluate(async () => {
      const t0 = performance.now();
      const r = await window.kervan.call('sync.export', {});
      const ms = performance.now() - t0;
      if (r.error) return { error: r.error.message };
      window.__exported = JSON.stringify(r.document);
      return { ms, bytes: window.__exported.length };
    });
    row('full JSON export', size, exported.ms ?? NaN, 'ms', exported.error || `(${(exported.bytes / 1048576).toFixed(1)} MB)`);
    const imported = await s.page.evaluate(async () => {
      const t0 = performance.now();
      const r = await window.kervan.call('sync.import', { text: window.__exported, dry_run: true });
      return r.error ? { error: r.error.message } : { ms: performance.now() - t0 };
    });
    row('full JSON import (dry run, same device)', size, imported.ms ?? NaN, 'ms', imported.error || '');
  } else {
    row('full JSON export/import', size, NaN, 'ms', 'sync.export/sync.import not in this build');
  }
}

async function browserRuns(site, size) {
  const profile = t.newProfileDir();
  const s = await t.launch(profile);
  try {
    await t.countBlockPuts(s.context);
    await loadIntoStore(s.page, site, size);

    // Start-up to the first interactive frame (the app ready and a frame drawn).
    const startups = [];
    const steps = {};
    for (let i = 0; i < runs; i++) {
      await s.page.goto(site.app);
      // frames() throws while the module is still starting; that counts as "not yet". Polled
      // every 100 ms: the time comes from the page's mark, and polling every 5 ms took the
      // page's main thread often enough to make its start 0.1-0.15 s slower at 100k.
      await s.page.waitForFunction(() => { try { return window.kervan.ui.frames() > 0; } catch { return false; } }, null, { timeout: 120000, polling: 100 });
      // When the first frame was drawn, marked by the page itself (builds before that mark: when
      // this script saw it, a few ms of polling and a round trip later).
      startups.push(await s.page.evaluate(() => {
        const mark = performance.getEntriesByName('kervan:first-frame')[0];
        return mark ? mark.startTime : window.kervan.ready.then(() => performance.now());
      }));
      const marks = await s.page.evaluate(() => performance.getEntriesByType('mark').filter((m) => m.name.startsWith('kervan:')).map((m) => [m.name, m.startTime]));
      for (const [name, at] of marks) (steps[name] ||= []).push(at);
    }
    row('start-up to first interactive frame', size, median(startups), 'ms');
    // When each step of the start ended (builds that set the marks).
    const stepNames = { 'kervan:store-read': 'stored image checked (IndexedDB read, packs not yet)', 'kervan:runtime-ready': 'module compiled and its runtime up',
      'kervan:image-placed': 'image in the module\'s memory', 'kervan:main-ready': 'database open, app ready' };
    for (const [name, label] of Object.entries(stepNames)) {
      if (steps[name]) row(`start-up: ${label}, at`, size, median(steps[name]), 'ms');
    }
    if (only === 'startup') return;
    if (only === 'sync') {
      await syncRuns(s, size);
      return;
    }
    await t.waitForItem(s.page, (i) => i.label === 'Save');

    // Each report through the page's bridge, as the dashboard calls it.
    if (only !== 'ui') await pageReports(s, size);
    if (only === 'reports') return;

    // Durable save of one lead, and the raw cost of putting as many records into IndexedDB.
    // At least 15 of each: one IndexedDB write varies by several milliseconds, and 5 gave
    // 100k/1k ratios from 0.96 to 5.8 in three runs of the same build.
    const save = await s.page.evaluate(async ({ runs, recordSize }) => {
      const lead = (await window.kervan.call('lead.list', { limit: 1, sort: 'name' })).items[0];
      const times = [], blocks = [], raw = [];
      for (let i = 0; i < runs; i++) {
        const before = window.__blockPuts;
        const t0 = performance.now();
        const r = await window.kervan.call('lead.update', { id: lead.id, notes: `Ölçüm ${i} ${Date.now()}` });
        times.push(performance.now() - t0);
        if (r.error) throw new Error(JSON.stringify(r.error));
        blocks.push(window.__blockPuts - before);
      }
      const scratch = await new Promise((resolve) => {
        const req = indexedDB.open('kervan-bench-raw', 1);
        req.onupgradeneeded = () => req.result.createObjectStore('pages');
        req.onsuccess = () => resolve(req.result);
      });
      for (let i = 0; i < runs; i++) {
        const count = blocks[i] || 1;
        const t0 = performance.now();
        const tx = scratch.transaction(['pages'], 'readwrite', { durability: 'strict' });
        for (let n = 0; n < count; n++) {
          const d = new Uint8Array(recordSize);
          for (let o = 0; o < recordSize; o += 65536) crypto.getRandomValues(d.subarray(o, Math.min(recordSize, o + 65536)));
          tx.objectStore('pages').put({ n, g: i, d: d.buffer }, n);
        }
        await new Promise((resolve) => { tx.oncomplete = resolve; });
        raw.push(performance.now() - t0);
      }
      scratch.close();
      return { times, blocks, raw };
    }, { runs: Math.max(runs, 15), recordSize });
    row('durable save of one lead', size, median(save.times), 'ms', `(${median(save.blocks)} records of ${recordSize / 1024} KiB)`);
    row('raw IndexedDB write of the same blocks', size, median(save.raw), 'ms');

    // Search as you type over leads and contacts: the commands the search box runs per key.
    const search = await s.page.evaluate(async (runs) => {
      const word = 'öztürk';
      const times = [];
      for (let r = 0; r < runs; r++) {
        for (let k = 1; k <= word.length; k++) {
          const q = word.slice(0, k);
          const t0 = performance.now();
          await window.kervan.call('lead.list', { query: q, limit: 100 });
          await window.kervan.call('contact.list', { query: q, limit: 100 });
          times.push(performance.now() - t0);
        }
      }
      return times;
    }, runs);
    row('search per keystroke (leads + contacts)', size, median(search), 'ms');

    // Scrolling the leads list and sorting it: main-thread busy time per drawn frame.
    const cdp = await s.context.newCDPSession(s.page);
    await cdp.send('Performance.enable');
    const table = await t.waitForItem(s.page, (i) => i.window.includes('leads_'));
    await s.page.mouse.move(table.x + 40, table.y + 60);
    const m0 = await metrics(cdp);
    const f0 = await s.page.evaluate(() => window.kervan.ui.frames());
    const p0 = await s.page.evaluate(() => window.kervan.ui.frameTimes());
    for (let i = 0; i < 60; i++) {
      await s.page.mouse.wheel(0, i % 20 < 10 ? 120 : -120);
      await t.sleep(16);
    }
    await t.sleep(300);
    const m1 = await metrics(cdp);
    const f1 = await s.page.evaluate(() => window.kervan.ui.frames());
    const p1 = await s.page.evaluate(() => window.kervan.ui.frameTimes());
    const scrolled = Math.max(1, f1 - f0);
    row('frame while scrolling (main-thread busy per frame)', size, ((m1.TaskDuration - m0.TaskDuration) * 1000) / scrolled, 'ms', `(${f1 - f0} frames)`);
    // The same frames split: the app's own work (views, list queries, ImGui's draw lists), then
    // handing the draw lists to WebGL; the rest of the busy time is the browser's.
    row('  of which the app builds the frame', size, (p1.app - p0.app) / scrolled, 'ms');
    row('  of which WebGL calls', size, (p1.gl - p0.gl) / scrolled, 'ms');
    row('  a blank WebGL canvas of the same size, busy per frame', size, await blankCanvasBusy(s.context), 'ms',
      '(the browser\'s floor for any frame)');
    const sorts = [];
    for (const label of ['Company', 'Full name', 'City', 'Created']) {
      const before = await metrics(cdp);
      await t.clickLabel(s.page, label, { window: 'leads_' }).catch(() => null);
      await t.sleep(400);
      const after = await metrics(cdp);
      sorts.push((after.TaskDuration - before.TaskDuration) * 1000);
    }
    row('sort by a column (main-thread busy per click)', size, median(sorts), 'ms');

    // Ten seconds without input.
    await t.sleep(1000);
    const idle0 = await metrics(cdp);
    await t.sleep(10000);
    const idle1 = await metrics(cdp);
    row('main-thread busy while idle', size, ((idle1.TaskDuration - idle0.TaskDuration) / 10) * 100, '%');

    if (only !== 'ui') await syncRuns(s, size);
    await cdp.detach();
  } finally {
    await s.context.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
}

// Each report through the page's bridge, as the dashboard calls it, against its native time.
async function pageReports(s, size) {
  const reports = await s.page.evaluate(async ({ calls, runs }) => {
    const out = {};
    for (const [label, name, args] of calls) {
      const times = [];
      for (let i = 0; i < runs; i++) {
        const t0 = performance.now();
        const r = await window.kervan.call(name, args);
        times.push(performance.now() - t0);
        if (r.error) throw new Error(`${name}: ${JSON.stringify(r.error)}`);
      }
      out[label] = times;
    }
    return out;
  }, { calls: reportCalls, runs });
  for (const [label] of reportCalls) {
    const wasm = median(reports[label]), native = nativeReport[`${label} ${size}`];
    row(label, size, wasm, 'ms', `(native ${native.toFixed(2)} ms, wasm/native ${(wasm / native).toFixed(2)}×)`);
  }
  // What the dashboard would cost in one frame if it refreshed every report at once after a
  // change (it does not: it brings them up to date in turns, within 8 ms per frame).
  const dashboard = ['report.team', 'report.pipeline', 'report.results', 'report.forecast', 'report.funnel',
    'report.forecast_history (6, as the dashboard)'];
  row('dashboard: all its reports one after another', size, dashboard.reduce((sum, label) => sum + median(reports[label]), 0), 'ms',
    '(sum of the medians above)');
}

async function nativeRuns(db, size) {
  if (only === 'sync' || only === 'startup') return;
  for (const [label, name, args] of only === 'ui' ? [] : reportCalls) {
    const times = await nativeTimes(db, Array.from({ length: runs + 1 }, () => ({ command: name, args })));
    nativeReport[`${label} ${size}`] = median(times.slice(1));  // the first call also opens the file
    row(`native: ${label}`, size, nativeReport[`${label} ${size}`], 'ms');
  }
  if (only === 'reports') return;
  const list = await nativeTimes(db, [{ command: 'lead.list', args: { limit: 1, sort: 'name' } }]);
  void list;
  const proc = spawn(cli, ['--db', db, 'call', 'lead.list', '{"limit":1,"sort":"name"}'], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  proc.stdout.on('data', (d) => { out += d; });
  await new Promise((res) => proc.once('exit', res));
  const id = JSON.parse(out).items[0].id;
  const saves = await nativeTimes(db, Array.from({ length: runs }, (_, i) => ({ command: 'lead.update', args: { id, notes: `Ölçüm ${i}` } })));
  row('native: save of one lead (file on tmpfs)', size, median(saves), 'ms');
  const word = 'öztürk';
  const queries = [];
  for (let r = 0; r < runs; r++) {
    for (let k = 1; k <= word.length; k++) {
      queries.push({ command: 'lead.list', args: { query: word.slice(0, k), limit: 100 } });
      queries.push({ command: 'contact.list', args: { query: word.slice(0, k), limit: 100 } });
    }
  }
  const times = await nativeTimes(db, queries);
  const perKey = [];
  for (let i = 0; i + 1 < times.length; i += 2) perKey.push(times[i] + times[i + 1]);
  row('native: search per keystroke (leads + contacts)', size, median(perKey), 'ms');
}

function downloadSize() {
  const files = fs.readdirSync(t.distDir).map((f) => path.join(t.distDir, f)).filter((f) => fs.statSync(f).isFile());
  let raw = 0, gz = 0, br = 0;
  for (const f of files) {
    const bytes = fs.readFileSync(f);
    raw += bytes.length;
    gz += zlib.gzipSync(bytes, { level: 9 }).length;
    br += zlib.brotliCompressSync(bytes, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
  }
  row('whole app download, gzip -9', 'all', gz / 1024, 'KB', `(raw ${(raw / 1024).toFixed(0)} KB, ${files.length} files)`);
  row('whole app download, brotli 11', 'all', br / 1024, 'KB');
}

const site = await startSite();
try {
  downloadSize();
  for (const size of sizes) {
    const db = await database(size);
    await nativeRuns(db, size);
    await browserRuns(site, size);
  }
} finally {
  site.stop();
}

// The table, and the ratios measured in this run.
const value = (what, size) => rows.find((r) => r.what === what && r.size === size)?.value;
const [small, large] = [sizes[0], sizes[sizes.length - 1]];
if (small !== large) {
  const a = value('durable save of one lead', small), b = value('durable save of one lead', large);
  rows.push({ what: `durable save ratio ${large}/${small}`, size: '', value: b / a, unit: '×', note: '' });
  const rawLarge = value('raw IndexedDB write of the same blocks', large);
  rows.push({ what: `durable save / raw IndexedDB write at ${large}`, size: '', value: b / rawLarge, unit: '×', note: '' });
}
for (const size of sizes) {
  const wasm = value('search per keystroke (leads + contacts)', size), native = value('native: search per keystroke (leads + contacts)', size);
  rows.push({ what: 'search wasm/native ratio', size, value: wasm / native, unit: '×', note: '' });
}
console.log(`\n| measurement | size | median | unit | note |\n|---|---|---:|---|---|`);
for (const r of rows) console.log(`| ${r.what} | ${r.size} | ${Number.isFinite(r.value) ? r.value.toFixed(2) : 'n/a'} | ${r.unit} | ${r.note} |`);
console.log(`\n(${runs} runs each; Chromium headless, software WebGL; ${new Date().toISOString().slice(0, 10)})`);
