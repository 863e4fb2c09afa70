// Page-level persistence in IndexedDB under stress: saves that cost by pages changed, the
// browser killed in the middle of a burst of saves, IndexedDB failing mid-write, damaged
// stored data, no IndexedDB at all. Every lead reported saved must survive; nothing may hang.
import fs from 'node:fs';
import { killProcessTrees } from './lib.mjs';

// Kills the Chromium this test started on `profile`, with all its child processes.
const killBrowser = (profile) => killProcessTrees((p) => p.args.includes(`--user-data-dir=${profile}`));

async function allLeadNames(page) {
  const reply = await page.evaluate(() => window.kervan.call('lead.list', { limit: 100000 }));
  return new Set(reply.items.map((i) => i.name));
}

async function integrity(page) {
  return page.evaluate(() => window.kervan.checkIntegrity());
}

// Raw view of the store, read beside the app: {generation, size, blockSize, format, blocks,
// packSize, packs} (blocks: the stored records, blockSize bytes each, under number keys;
// packs: Blobs of packSize bytes under array keys).
async function storedState(page) {
  return page.evaluate(() => new Promise((resolve, reject) => {
    const scope = location.pathname.replace(/[^/]*$/, '');
    const req = indexedDB.open('kervan-pages:' + scope);
    req.onerror = () => reject(req.error);
    req.onsuccess = () => {
      const db = req.result;
      const tx = db.transaction(['pages', 'meta'], 'readonly');
      const meta = tx.objectStore('meta').get('state');
      const count = tx.objectStore('pages').count(IDBKeyRange.bound(0, Infinity));
      const packs = tx.objectStore('pages').count(IDBKeyRange.lowerBound([0]));
      tx.oncomplete = () => {
        db.close();
        resolve({ generation: meta.result ? meta.result.generation : 0, size: meta.result ? meta.result.size : 0,
                  blockSize: meta.result ? meta.result.blockSize : 0, format: meta.result ? meta.result.format : 0,
                  packSize: meta.result ? meta.result.packSize : 0,
                  blocks: count.result, packs: packs.result });
      };
    };
  }));
}

// The stored database image put together from the store's records, as an array of bytes.
// A real database image, made by the app itself on `profile`: `fill` writes through the page,
// then the stored image is read back as bytes.
async function imageMadeByApp(t, server, profile, fill) {
  const s = await t.launch(profile);
  await t.openApp(s.page, server.url);
  await s.page.evaluate(fill);
  const bytes = await storedImage(s.page);
  await s.context.close();
  return bytes;
}

// Packs first, then the records saved over them.
async function storedImage(page) {
  return page.evaluate(() => new Promise((resolve) => {
    const scope = location.pathname.replace(/[^/]*$/, '');
    const req = indexedDB.open('kervan-pages:' + scope);
    req.onsuccess = () => {
      const tx = req.result.transaction(['pages', 'meta'], 'readonly');
      const meta = tx.objectStore('meta').get('state');
      const pages = tx.objectStore('pages').getAll();
      tx.oncomplete = async () => {
        const size = meta.result.size;
        const image = new Uint8Array(size);
        for (const p of pages.result.filter((v) => v.k !== undefined)) {
          const at = p.k * meta.result.packSize;
          image.set(new Uint8Array(await p.b.arrayBuffer()).subarray(0, Math.max(0, size - at)), at);
        }
        for (const p of pages.result.filter((v) => v.k === undefined)) image.set(new Uint8Array(p.d), p.n * meta.result.blockSize);
        req.result.close();
        resolve(Array.from(image));
      };
    };
  }));
}

export const tests = [
  {
    name: 'a save writes only the changed pages; everything is back after a restart; integrity on demand',
    async run({ server, t }) {
      const profile = t.newProfileDir();
      try {
        let s = await t.launch(profile);
        await t.countBlockPuts(s.context);  // the blocks each save puts, counted beside the app
        await t.openApp(s.page, server.url);
        await s.page.evaluate(() => window.kervan.flush());
        const info = await s.page.evaluate(() => window.kervan.storage());
        t.assert(info.mode === 'indexeddb' && !info.readOnly && info.generation >= 1, `storage: ${JSON.stringify(info)}`);
        // Grow the database to several hundred pages.
        const created = await s.page.evaluate(async () => {
          const calls = [];
          for (let i = 0; i < 1500; i++) {
            calls.push(window.kervan.call('lead.create', {
              name: `Müşteri ${i} Öztürk`, company: `Firma ${i % 97} A.Ş.`, email: `kisi${i}@firma${i % 97}.com.tr`,
              phone: `0532 ${String(1000000 + i).slice(1, 4)} ${String(i % 100).padStart(2, '0')} 00`, city: 'İzmir',
              notes: 'Fuar ziyaretçisi, ürün kataloğu istedi. '.repeat(3),
            }));
          }
          const replies = await Promise.all(calls);
          return replies.filter((r) => r.id).length;
        });
        t.assert(created === 1500, `created ${created}`);
        const big = await storedState(s.page);
        t.assert(big.blockSize === 65536 && big.size > 200 * 4096 && big.blocks === Math.ceil(big.size / big.blockSize),
                 `stored image: ${JSON.stringify(big)}`);
        // One more lead: a few dozen 4 KiB pages (the row, its stamps, duplicate keys, the
        // report summaries, the search index and the sort indexes), in as many 64 KiB records
        // at most, not the whole file.
        const puts = await s.page.evaluate(async () => {
          const before = window.__blockPuts;
          const r = await window.kervan.call('lead.create', { name: 'Tek Kayıt' });
          return { puts: window.__blockPuts - before, ok: !!r.id };
        });
        t.assert(puts.ok && puts.puts >= 1 && puts.puts <= 40, `blocks written for one lead: ${puts.puts} of ${big.blocks}`);
        const after = await s.page.evaluate(() => window.kervan.storage());
        t.assert(after.lastSavedAt > 0 && !after.unsaved && after.error === '', `status: ${JSON.stringify(after)}`);
        t.assert(typeof after.usage === 'number' && typeof after.quota === 'number', 'estimate exposed');
        t.assert(s.problems.length === 0, s.problems.join('; '));
        await s.context.close();

        s = await t.launch(profile);
        await t.openApp(s.page, server.url);
        const names = await allLeadNames(s.page);
        t.assert(names.size === 1501 && names.has('Tek Kayıt') && names.has('Müşteri 1499 Öztürk'), `leads after restart: ${names.size}`);
        const check = await integrity(s.page);
        t.assert(check.ok && check.problems.length === 0, `integrity: ${JSON.stringify(check)}`);
        t.assert(s.problems.length === 0, s.problems.join('; '));
        await s.context.close();
      } finally {
        fs.rmSync(profile, { recursive: true, force: true });
      }
    },
  },
  {
    name: 'browser killed at random points during a burst of saves: every lead reported saved survives',
    async run({ server, t }) {
      const seed = Number(process.env.KERVAN_FAULT_SEED || 20261127);
      const rounds = Number(process.env.KERVAN_FAULT_ROUNDS || 10);
      const random = t.seededRandom(seed);
      const profile = t.newProfileDir();
      const saved = new Set();
      const stopped = [];
      try {
        for (let round = 0; round < rounds; round++) {
          const s = await t.launch(profile);
          s.page.on('console', (msg) => {
            const m = /^saved:(.*)$/.exec(msg.text());
            if (m) saved.add(m[1]);
            if (msg.text().startsWith('lane stopped: ')) stopped.push(msg.text());
          });
          await t.openApp(s.page, server.url);
          const names = await allLeadNames(s.page);
          const missing = [...saved].filter((n) => !names.has(n));
          const where = await s.page.evaluate(() => window.kervan.storage());
          t.assert(missing.length === 0, `seed ${seed} round ${round}: reported saved but gone: ${missing.slice(0, 5).join(', ')} (${missing.length}); storage ${JSON.stringify(where)}`);
          // A kill may lose unsaved work, never make the saved data look damaged.
          t.assert(where.mode === 'indexeddb' && !where.readOnly && where.problem === '', `seed ${seed} round ${round}: storage after the restart: ${JSON.stringify(where)}`);
          const check = await integrity(s.page);
          t.assert(check.ok, `seed ${seed} round ${round}: integrity ${JSON.stringify(check)}`);
          // Compaction (records folded into packs) before the burst in even rounds, racing
          // it in odd ones, so kills also land in compaction and in saves over packs.
          if (round % 2 === 0) {
            const packed = await s.page.evaluate(() => window.kervan.compactStorage());
            t.assert(packed === true, `seed ${seed} round ${round}: compaction ran`);
          } else {
            await s.page.evaluate(() => { window.kervan.compactStorage(); });
          }
          // Two writers in the page (sequential awaits), so saves queue behind each other.
          await s.page.evaluate((round) => {
            for (const lane of ['a', 'b']) {
              (async () => {
                for (let i = 0; ; i++) {
                  const name = `Ziyaretçi ${round}-${lane}-${i}`;
                  const r = await window.kervan.call('lead.create', { name, company: 'Kervan Test Ltd. Şti.', notes: 'x'.repeat(i % 7 * 300) });
                  if (r.id) console.log('saved:' + name);
                  // An error answers at once: looping on it would never yield to the page.
                  else { console.log('lane stopped: ' + JSON.stringify(r).slice(0, 300)); return; }
                }
              })();
            }
          }, round);
          await t.sleep(400 + Math.floor(random() * 2500));
          t.assert(stopped.length === 0, `seed ${seed} round ${round}: a save failed during the burst: ${stopped[0]}`);
          const killed = await killBrowser(profile);
          t.assert(killed > 0, 'found the browser to kill');
          await s.context.close().catch(() => {});
        }
        const s = await t.launch(profile);
        await t.openApp(s.page, server.url);
        const names = await allLeadNames(s.page);
        const missing = [...saved].filter((n) => !names.has(n));
        t.assert(saved.size >= rounds, `saves happened: ${saved.size}`);
        t.assert(missing.length === 0, `seed ${seed}: reported saved but gone after the last kill: ${missing.length}`);
        const check = await integrity(s.page);
        t.assert(check.ok, `final integrity: ${JSON.stringify(check)}`);
        await s.context.close();
      } finally {
        fs.rmSync(profile, { recursive: true, force: true });
      }
    },
  },
  {
    name: 'IndexedDB failing mid-write (quota, abort): not reported saved, old state kept, no hang, later saves work',
    async run({ server, t }) {
      const profile = t.newProfileDir();
      try {
        const s = await t.launch(profile);
        await s.context.addInitScript(() => {
          const put = IDBObjectStore.prototype.put;
          window.__failPuts = '';
          IDBObjectStore.prototype.put = function (value, key) {
            if (this.name === 'pages' && window.__failPuts === 'quota') {
              throw new DOMException('The quota has been exceeded (test).', 'QuotaExceededError');
            }
            if (this.name === 'pages' && window.__failPuts === 'abort') this.transaction.abort();
            return put.call(this, value, key);
          };
        });
        await t.openApp(s.page, server.url);
        await s.page.evaluate(() => window.kervan.call('lead.create', { name: 'Önceki Kayıt' }));
        const before = await storedState(s.page);

        for (const mode of ['quota', 'abort']) {
          const started = Date.now();
          const reply = await s.page.evaluate(async (mode) => {
            window.__failPuts = mode;
            return window.kervan.call('lead.create', { name: `Kaydedilemeyen ${mode}` });
          }, mode);
          t.assert(Date.now() - started < 10000, `${mode}: answered without hanging`);
          t.assert(reply.error && reply.error.code === 'not_saved' && reply.result && reply.result.id, `${mode}: ${JSON.stringify(reply)}`);
          if (mode === 'quota') t.assert(/full|quota/i.test(reply.error.message), `quota message: ${reply.error.message}`);
          const status = await s.page.evaluate(() => window.kervan.storage());
          t.assert(status.error && status.unsaved, `${mode} status: ${JSON.stringify(status)}`);
          const banner = await s.page.evaluate(() => !document.getElementById('kervan-banner').hidden && document.getElementById('kervan-banner-text').textContent);
          t.assert(banner && /Not saved/.test(banner), `banner: ${banner}`);
          const stored = await storedState(s.page);
          t.assert(stored.generation === before.generation && stored.blocks === before.blocks, `${mode}: store unchanged ${JSON.stringify(stored)} vs ${JSON.stringify(before)}`);
          // The app keeps working: reads answer, the UI draws.
          const list = await s.page.evaluate(() => window.kervan.call('lead.list', {}));
          t.assert(list.total >= 2, `reads still work: ${list.total}`);
          await t.waitForItem(s.page, (i) => i.label === 'Save');
        }

        // Storage works again: the next flush saves everything that was held back.
        const flushed = await s.page.evaluate(async () => { window.__failPuts = ''; return window.kervan.flush(); });
        t.assert(flushed === true, 'flush after recovery');
        const status = await s.page.evaluate(() => window.kervan.storage());
        t.assert(!status.error && !status.unsaved, `recovered: ${JSON.stringify(status)}`);
        const banner = await s.page.evaluate(() => document.getElementById('kervan-banner').hidden);
        t.assert(banner, 'banner gone after recovery');
        await s.context.close();

        const again = await t.launch(profile);
        await t.openApp(again.page, server.url);
        const names = await allLeadNames(again.page);
        t.assert(names.has('Önceki Kayıt') && names.has('Kaydedilemeyen quota') && names.has('Kaydedilemeyen abort'), `after restart: ${[...names]}`);
        t.assert((await integrity(again.page)).ok, 'integrity after recovery');
        await again.context.close();
      } finally {
        fs.rmSync(profile, { recursive: true, force: true });
      }
    },
  },
  {
    name: 'saved records are folded into packs on their own; saves lie over packs; a reader tab follows; a lost pack is damage',
    async run({ server, t }) {
      const profile = t.newProfileDir();
      try {
        let s = await t.launch(profile);
        await t.openApp(s.page, server.url);
        const reader = await s.context.newPage();
        await t.openApp(reader, server.url);
        // More than 64 records of 64 KiB (about 5 MB), saved in a few transactions.
        const made = await s.page.evaluate(async () => {
          const calls = [];
          for (let i = 0; i < 240; i++) {
            calls.push(window.kervan.call('lead.create', { name: `Paket ${i} Çağlayan`, notes: `${i} `.slice(0, 4).repeat(4900) }));
          }
          return (await Promise.all(calls)).filter((r) => r.id).length;
        });
        t.assert(made === 240, `created ${made}`);
        const loose = await storedState(s.page);
        t.assert(loose.blocks >= 64 && loose.packs === 0 && loose.format === 1, `before compaction: ${JSON.stringify(loose)}`);
        // Compaction starts by itself a while after the last save.
        await t.waitFor(s.page, async () => (await storedState(s.page)).blocks === 0, 'records folded into packs', 30000);
        const packed = await storedState(s.page);
        t.assert(packed.packSize === 1048576 && packed.packs === Math.ceil(packed.size / packed.packSize) && packed.format === 2 && packed.generation === loose.generation,
                 `after compaction: ${JSON.stringify(packed)} (before ${JSON.stringify(loose)})`);
        t.assert((await s.page.evaluate(() => window.kervan.storage())).unpacked === 0, 'status counts no loose record');
        // A save over packs puts a few records and leaves the packs.
        await s.page.evaluate(() => window.kervan.call('lead.create', { name: 'Paketin Üstünde' }));
        const over = await storedState(s.page);
        t.assert(over.blocks >= 1 && over.blocks <= 40 && over.packs === packed.packs, `save over packs: ${JSON.stringify(over)}`);
        // What a reader that fell behind reads: the packs (their records are gone), then the
        // records saved over them; applied in that order they give the stored image (put
        // together here from the raw store). Compared in the page: the image is megabytes.
        const behind = await s.page.evaluate(async () => {
          const scope = location.pathname.replace(/[^/]*$/, '');
          const db = await KervanPageStore.open('kervan-pages:' + scope);
          const since = await KervanPageStore.readSince(db, 0, null);
          const raw = await new Promise((resolve) => {
            const tx = db.transaction(['pages'], 'readonly');
            const all = tx.objectStore('pages').getAll();
            tx.oncomplete = () => resolve(all.result);
          });
          db.close();
          const place = (image, bytes, at) => image.set(bytes.subarray(0, Math.max(0, Math.min(bytes.length, image.length - at))), at);
          const read = new Uint8Array(since.size);
          for (const r of since.records) place(read, new Uint8Array(r.d), r.n * since.recordSize);
          const stored = new Uint8Array(since.size);
          for (const v of raw.filter((v) => v.k !== undefined)) place(stored, new Uint8Array(await v.b.arrayBuffer()), v.k * 1048576);
          for (const v of raw.filter((v) => v.k === undefined)) place(stored, new Uint8Array(v.d), v.n * since.recordSize);
          let same = 0;
          for (let i = 0; i < stored.length; i++) same += read[i] === stored[i] ? 1 : 0;
          return { packs: since.packs.length, plain: since.plain.length, size: since.size, same };
        });
        t.assert(behind.packs === packed.packs && behind.plain === over.blocks, `read since 0: ${behind.packs} packs, ${behind.plain} records`);
        // The image as start-up places it: each pack read into a reused buffer (a BYOB reader);
        // where a browser has no such reader, or its reads fail, each into a new one. All three
        // give the same bytes.
        const placed = await s.page.evaluate(async () => {
          const scope = location.pathname.replace(/[^/]*$/, '');
          const db = await KervanPageStore.open('kervan-pages:' + scope);
          const image = async () => {
            const loaded = await KervanPageStore.load(db, null);
            const view = new Uint8Array(loaded.size);
            const unreadable = await loaded.place(() => view);
            return { view, unreadable };
          };
          const byob = await image();
          const getReader = ReadableStream.prototype.getReader;
          ReadableStream.prototype.getReader = function (options) {
            if (options && options.mode === 'byob') throw new TypeError('no BYOB reader here');
            return getReader.call(this, options);
          };
          let whole, retried;
          try {
            whole = await image();
            // A byte stream that fails every read: each pack is read again the old way.
            ReadableStream.prototype.getReader = function (options) {
              const reader = getReader.call(this, options);
              if (options && options.mode === 'byob') reader.read = () => Promise.reject(new TypeError('a broken byte stream'));
              return reader;
            };
            retried = await image();
          } finally {
            ReadableStream.prototype.getReader = getReader;
          }
          db.close();
          let same = 0;
          for (let i = 0; i < byob.view.length; i++) same += byob.view[i] === whole.view[i] && byob.view[i] === retried.view[i] ? 1 : 0;
          const head = String.fromCharCode(...byob.view.subarray(0, 15));
          return { size: byob.view.length, same, head, unreadable: byob.unreadable + whole.unreadable + retried.unreadable };
        });
        t.assert(placed.size === behind.size && placed.same === placed.size && placed.unreadable === 0 && placed.head === 'SQLite format 3',
                 `start-up placing, both ways: ${JSON.stringify(placed)}`);
        t.assert(behind.size > 4 * 1048576 && behind.same === behind.size, `packs then records give the stored image: ${behind.same} of ${behind.size} bytes`);
        // A reader far behind reads its packs a few at a time (16 in flight, as at start-up),
        // not all at once: a scratch store of 40 small packs and records over two of them.
        const bounded = await s.page.evaluate(async () => {
          const name = 'kervan-scratch-readsince';
          const db = await KervanPageStore.open(name);
          await new Promise((resolve) => {
            const tx = db.transaction(['pages', 'meta'], 'readwrite');
            tx.objectStore('meta').put({ format: 2, blockSize: 65536, packSize: 1048576, generation: 3, size: 40 * 1048576, savedAt: 0 }, 'state');
            for (let k = 0; k < 40; k++) tx.objectStore('pages').put({ k, g: 2, b: new Blob([new Uint8Array(64).fill(k + 1)]) }, [k]);
            for (const n of [16, 16 * 39]) tx.objectStore('pages').put({ n, g: 3, d: new Uint8Array(8).fill(200).buffer }, n);
            tx.oncomplete = resolve;
          });
          const arrayBuffer = Blob.prototype.arrayBuffer;
          let running = 0, most = 0;
          Blob.prototype.arrayBuffer = function () {
            most = Math.max(most, ++running);
            return arrayBuffer.call(this).then((b) => new Promise((resolve) => setTimeout(() => { running--; resolve(b); }, 5)));
          };
          try {
            const since = await KervanPageStore.readSince(db, 0, null);
            const firsts = since.records.map((r) => new Uint8Array(r.d)[0]);
            return { most, packs: since.packs.join(','), plain: since.plain.join(','), firsts: firsts.join(',') };
          } finally {
            Blob.prototype.arrayBuffer = arrayBuffer;
            db.close();
            indexedDB.deleteDatabase(name);
          }
        });
        const ks = Array.from({ length: 40 }, (_, k) => k);
        t.assert(bounded.most === 16 && bounded.packs === ks.join(',') && bounded.plain === '16,624' &&
                 bounded.firsts === ks.map((k) => k + 1).concat([200, 200]).join(','), `read since 0 of 40 packs: ${JSON.stringify(bounded)}`);
        // The reader tab follows the save over packs.
        await t.waitFor(reader, async () => (await reader.evaluate(() => window.kervan.call('lead.list', { query: 'paketin' }))).total === 1, 'reader sees the save over packs');
        const readerCount = await reader.evaluate(() => window.kervan.call('lead.list', { query: 'çağlayan' }));
        t.assert(readerCount.total === 240, `reader sees every packed lead: ${readerCount.total}`);
        t.assert(s.problems.length === 0, s.problems.join('; '));
        await s.context.close();

        s = await t.launch(profile);
        await t.openApp(s.page, server.url);
        const names = await allLeadNames(s.page);
        t.assert(names.size === 241 && names.has('Paketin Üstünde') && names.has('Paket 239 Çağlayan'), `after restart: ${names.size}`);
        t.assert((await integrity(s.page)).ok, 'integrity over packs');
        // A build from before packs (IndexedDB version 1) cannot open the store any more, so it
        // can never write over packs it does not know.
        const oldBuild = await s.page.evaluate(() => new Promise((resolve) => {
          const scope = location.pathname.replace(/[^/]*$/, '');
          const req = indexedDB.open('kervan-pages:' + scope, 1);
          req.onsuccess = () => { req.result.close(); resolve('opened'); };
          req.onerror = (e) => { e.preventDefault(); resolve(req.error.name); };
        }));
        t.assert(oldBuild === 'VersionError', `an older build opening the store: ${oldBuild}`);
        // A pack lost behind the app's back is damage, not an empty stretch of zeros; so is a
        // first pack whose bytes are not a database (found once it is read).
        await s.page.evaluate(() => new Promise((resolve) => {
          const scope = location.pathname.replace(/[^/]*$/, '');
          const req = indexedDB.open('kervan-pages:' + scope);
          req.onsuccess = () => {
            const tx = req.result.transaction('pages', 'readwrite');
            tx.objectStore('pages').delete([1]);
            tx.objectStore('pages').put({ k: 0, g: 1, b: new Blob([new Uint8Array(1048576).fill(7)]) }, [0]);
            tx.objectStore('pages').delete(0);  // the header's record, rewritten by every save
            tx.oncomplete = () => { req.result.close(); resolve(); };
          };
        }));
        await s.context.close();
        s = await t.launch(profile);
        await s.page.goto(server.url);
        await t.waitFor(s.page, async () => (await s.page.evaluate(() => window.kervan && window.kervan.storage && window.kervan.storage().mode)) === 'damaged', 'damage found', 30000);
        const status = await s.page.evaluate(() => window.kervan.storage());
        t.assert(status.readOnly && /missing/.test(status.problem), `status: ${JSON.stringify(status)}`);
        await t.waitFor(s.page, async () => /does not start like a database/.test((await s.page.evaluate(() => window.kervan.storage())).problem), 'first pack checked');
        await s.context.close();
      } finally {
        fs.rmSync(profile, { recursive: true, force: true });
      }
    },
  },
  {
    name: 'damaged stored data is detected at start, reported plainly, and never overwritten',
    async run({ server, t }) {
      const profile = t.newProfileDir();
      try {
        let s = await t.launch(profile);
        await t.openApp(s.page, server.url);
        await s.page.evaluate(() => window.kervan.call('lead.create', { name: 'Hasar Testi' }));
        // Drop one block behind the app's back, as a broken disk or a wiped record would.
        await s.page.evaluate(() => new Promise((resolve) => {
          const scope = location.pathname.replace(/[^/]*$/, '');
          const req = indexedDB.open('kervan-pages:' + scope);
          req.onsuccess = () => {
            const tx = req.result.transaction('pages', 'readwrite');
            tx.objectStore('pages').delete(1);
            tx.oncomplete = () => { req.result.close(); resolve(); };
          };
        }));
        const before = await storedState(s.page);
        await s.context.close();

        s = await t.launch(profile);
        await s.page.goto(server.url);
        // Either the app opens read-only over what is left, or (when SQLite cannot read it)
        // a stop screen explains; both say plainly that the data is damaged.
        const shown = () => {
          const banner = document.getElementById('kervan-banner');
          const fatal = document.getElementById('kervan-fatal');
          if (fatal && !fatal.hidden) return document.getElementById('kervan-fatal-message').textContent;
          if (banner && !banner.hidden && window.kervan && window.kervan.ui) return document.getElementById('kervan-banner-text').textContent;
          return '';
        };
        await s.page.waitForFunction(shown, null, { timeout: 30000 });
        const text = await s.page.evaluate(shown);
        t.assert(/damaged/.test(text) && /Nothing was changed/.test(text), `message: ${text}`);
        const status = await s.page.evaluate(() => window.kervan.storage());
        t.assert(status.mode === 'damaged' && status.readOnly && /missing/.test(status.problem), `status: ${JSON.stringify(status)}`);
        const write = await s.page.evaluate(() => window.kervan.call('lead.create', { name: 'Yazılmamalı' }).catch((e) => ({ error: { code: 'not_started', message: String(e) } })));
        t.assert(write.error && /read_only|not_started/.test(write.error.code), `write refused: ${JSON.stringify(write)}`);
        const after = await storedState(s.page);
        t.assert(after.generation === before.generation && after.blocks === before.blocks, 'store untouched');
        await s.context.close();
      } finally {
        fs.rmSync(profile, { recursive: true, force: true });
      }
    },
  },
  {
    name: 'without IndexedDB the app says so and works in memory',
    async run({ server, t }) {
      const profile = t.newProfileDir();
      try {
        const s = await t.launch(profile);
        await s.context.addInitScript(() => {
          IDBFactory.prototype.open = function () { throw new DOMException('IndexedDB is disabled (test).', 'InvalidStateError'); };
        });
        await t.openApp(s.page, server.url);
        const status = await s.page.evaluate(() => window.kervan.storage());
        t.assert(status.mode === 'memory' && !status.readOnly && status.problem, `status: ${JSON.stringify(status)}`);
        const text = await s.page.evaluate(() => document.getElementById('kervan-banner-text').textContent);
        t.assert(/IndexedDB is unavailable/.test(text) && /export/.test(text), `banner: ${text}`);
        const created = await s.page.evaluate(() => window.kervan.call('lead.create', { name: 'Bellekte' }));
        t.assert(created.id, `works in memory: ${JSON.stringify(created)}`);
        await s.context.close();
      } finally {
        fs.rmSync(profile, { recursive: true, force: true });
      }
    },
  },
  {
    name: 'a database saved by an earlier version (emscripten IDBFS) is taken over once and left in place',
    async run({ server, t }) {
      const first = t.newProfileDir();
      const second = t.newProfileDir();
      try {
        const bytes = await imageMadeByApp(t, server, first,
          () => window.kervan.call('lead.create', { name: 'Eski Sürüm Kaydı', city: 'Kütahya' }));

        // A profile that only has what the IDBFS version stored: database "/data", store FILE_DATA.
        let s = await t.launch(second);
        await s.page.goto(server.url + 'manifest.webmanifest');
        await s.page.evaluate((bytes) => new Promise((resolve, reject) => {
          const req = indexedDB.open('/data', 21);
          req.onupgradeneeded = () => req.result.createObjectStore('FILE_DATA').createIndex('timestamp', 'timestamp');
          req.onsuccess = () => {
            const tx = req.result.transaction('FILE_DATA', 'readwrite');
            tx.objectStore('FILE_DATA').put({ timestamp: new Date(), mode: 33206, contents: new Uint8Array(bytes) }, '/data/kervan.db');
            tx.oncomplete = () => { req.result.close(); resolve(); };
            tx.onabort = () => reject(tx.error);
          };
        }), bytes);
        await t.openApp(s.page, server.url);
        const status = await s.page.evaluate(() => window.kervan.storage());
        t.assert(status.migrated && status.mode === 'indexeddb', `status: ${JSON.stringify(status)}`);
        const found = await s.page.evaluate(() => window.kervan.call('lead.list', { query: 'kutahya' }));
        t.assert(found.total === 1 && found.items[0].name === 'Eski Sürüm Kaydı', `migrated lead: ${JSON.stringify(found)}`);
        await s.page.evaluate(() => window.kervan.call('lead.create', { name: 'Yeni Sürüm Kaydı' }));
        await s.context.close();

        // The next start reads the new store (the old copy is not read again).
        s = await t.launch(second);
        await t.openApp(s.page, server.url);
        const again = await s.page.evaluate(() => window.kervan.storage());
        const names = await allLeadNames(s.page);
        t.assert(!again.migrated && names.has('Eski Sürüm Kaydı') && names.has('Yeni Sürüm Kaydı'), `after restart: ${JSON.stringify(again)} ${[...names]}`);
        const old = await s.page.evaluate(() => indexedDB.databases().then((list) => list.map((d) => d.name)));
        t.assert(old.includes('/data'), `the old copy is left in place: ${old}`);
        await s.context.close();
      } finally {
        fs.rmSync(first, { recursive: true, force: true });
        fs.rmSync(second, { recursive: true, force: true });
      }
    },
  },
  {
    name: 'a store written by an older build (4 KiB records) opens with its data and is rewritten once in 64 KiB records',
    async run({ server, t }) {
      const first = t.newProfileDir();
      const second = t.newProfileDir();
      try {
        const bytes = await imageMadeByApp(t, server, first, async () => {
          for (let i = 0; i < 300; i++) await window.kervan.call('lead.create', { name: `Eski Biçim ${i}`, city: 'Çanakkale', notes: 'Katalog istedi. '.repeat(20) });
        });
        t.assert(bytes.length > 40 * 65536 / 4, `image of ${bytes.length} bytes`);

        // The same image stored the way builds before 64 KiB records stored it: one record of
        // 4 KiB per block, {format: 1, blockSize: 4096} in meta.
        const writeOld = (page) => page.evaluate((bytes) => new Promise((resolve, reject) => {
          const image = new Uint8Array(bytes);
          const scope = location.pathname.replace(/[^/]*$/, '');
          const req = indexedDB.open('kervan-pages:' + scope, 1);
          req.onupgradeneeded = () => {
            req.result.createObjectStore('pages').createIndex('gen', 'g');
            req.result.createObjectStore('meta');
          };
          req.onsuccess = () => {
            const tx = req.result.transaction(['pages', 'meta'], 'readwrite');
            tx.objectStore('pages').clear();
            for (let n = 0; n * 4096 < image.length; n++) {
              tx.objectStore('pages').put({ n, g: 3, d: image.slice(n * 4096, (n + 1) * 4096).buffer }, n);
            }
            tx.objectStore('meta').put({ format: 1, blockSize: 4096, generation: 3, size: image.length, owner: 'old', savedAt: Date.now() }, 'state');
            tx.oncomplete = () => { req.result.close(); resolve(); };
            tx.onabort = () => reject(tx.error);
          };
        }), bytes);

        // First, the rewrite fails (every put into the page store throws): the old store must
        // stay as it was and still open with its data.
        let s = await t.launch(second);
        await s.page.goto(server.url + 'manifest.webmanifest');
        await writeOld(s.page);
        await s.context.addInitScript(() => {
          const put = IDBObjectStore.prototype.put;
          IDBObjectStore.prototype.put = function (value, key) {
            if (this.name === 'pages' && value && value.d && value.d.byteLength > 4096) {
              throw new DOMException('Simulated full disk', 'QuotaExceededError');
            }
            return put.call(this, value, key);
          };
        });
        await t.openApp(s.page, server.url);
        let found = await s.page.evaluate(() => window.kervan.call('lead.list', { query: 'eski bicim 299' }));
        t.assert(found.items && found.items.length === 1 && found.items[0].city === 'Çanakkale', `read from the old store: ${JSON.stringify(found).slice(0, 300)}`);
        let stored = await storedState(s.page);
        t.assert(stored.blockSize === 4096 && stored.generation === 3 && stored.blocks === Math.ceil(bytes.length / 4096),
                 `a failed rewrite leaves the old store: ${JSON.stringify(stored)}`);
        await s.context.close();

        // Then a normal start: the data is there, and the store is now in 64 KiB records.
        s = await t.launch(second);
        await t.openApp(s.page, server.url);
        const status = await s.page.evaluate(() => window.kervan.storage());
        t.assert(status.mode === 'indexeddb' && !status.readOnly && !status.problem, `status: ${JSON.stringify(status)}`);
        found = await s.page.evaluate(() => window.kervan.call('lead.list', { query: 'canakkale', limit: 1000 }));
        t.assert(found.total === 300, `leads from the old store: ${found.total}`);
        t.assert(await s.page.evaluate(() => window.kervan.flush()), 'flushed');
        stored = await storedState(s.page);
        t.assert(stored.blockSize === 65536 && stored.blocks === Math.ceil(stored.size / 65536) && stored.generation > 3,
                 `rewritten store: ${JSON.stringify(stored)}`);
        const r = await s.page.evaluate(() => window.kervan.call('lead.create', { name: 'Yeni Biçim' }));
        t.assert(r.id, `save after the rewrite: ${JSON.stringify(r)}`);
        t.assert(s.problems.length === 0, s.problems.join('; '));
        await s.context.close();

        s = await t.launch(second);
        await t.openApp(s.page, server.url);
        const names = await allLeadNames(s.page);
        t.assert(names.size === 301 && names.has('Yeni Biçim') && names.has('Eski Biçim 0'), `after restart: ${names.size}`);
        const check = await integrity(s.page);
        t.assert(check.ok, `integrity: ${JSON.stringify(check)}`);
        t.assert(s.problems.length === 0, s.problems.join('; '));
        await s.context.close();
      } finally {
        fs.rmSync(first, { recursive: true, force: true });
        fs.rmSync(second, { recursive: true, force: true });
      }
    },
  },
];
