// Kervan's page store (emcc --pre-js, before web_bridge.js): the database image kept in
// IndexedDB as 4 KiB blocks. Object store "pages" holds {n, g, d} under key n (block number,
// the generation that wrote it, the bytes); "meta" holds one record "state" {format,
// blockSize, generation, size, owner, savedAt}. Every save is ONE readwrite transaction that
// puts the changed blocks, drops blocks past the end and moves the generation, so the stored
// image is always the state after a complete commit. The owner field fences writers: a save
// from a tab that is no longer the owner aborts inside its own transaction.

var KervanPageStore = (function () {
  'use strict';
  var BLOCK = 4096;
  var FORMAT = 1;
  var WRITE_TIMEOUT_MS = 20000;
  var SQLITE_MAGIC = 'SQLite format 3';

  function requestResult(req) {
    return new Promise(function (resolve, reject) {
      req.onsuccess = function () { resolve(req.result); };
      req.onerror = function (e) { if (e && e.preventDefault) e.preventDefault(); reject(req.error); };
    });
  }

  // Resolves when the transaction committed; rejects with its error (or `reason` when the
  // code aborted it on purpose).
  function finished(tx, state) {
    return new Promise(function (resolve, reject) {
      tx.oncomplete = function () { resolve(); };
      tx.onabort = function () { reject(state.reason || tx.error || new Error('The storage transaction was aborted')); };
      tx.onerror = function (e) { if (e && e.preventDefault) e.preventDefault(); };
    });
  }

  // Opens (creating) the store; rejects when IndexedDB cannot be used at all.
  function open(name) {
    return new Promise(function (resolve, reject) {
      var timer = setTimeout(function () { reject(new Error('IndexedDB did not answer')); }, 10000);
      var req;
      try {
        req = indexedDB.open(name, 1);
      } catch (e) {
        clearTimeout(timer);
        reject(e);
        return;
      }
      req.onupgradeneeded = function () {
        var db = req.result;
        db.createObjectStore('pages').createIndex('gen', 'g');
        db.createObjectStore('meta');
      };
      req.onsuccess = function () {
        clearTimeout(timer);
        var db = req.result;
        db.onversionchange = function () { db.close(); };
        resolve(db);
      };
      req.onerror = function (e) {
        clearTimeout(timer);
        if (e && e.preventDefault) e.preventDefault();
        reject(req.error || new Error('IndexedDB cannot be opened'));
      };
    });
  }

  function blockLength(size, n) { return Math.max(0, Math.min(BLOCK, size - n * BLOCK)); }

  // Checks a stored image and puts it together. Returns {image, generation, size, problem};
  // problem is '' for a sound image, else plain words on what is wrong (the image then holds
  // what could be recovered, holes zeroed).
  function assemble(meta, records) {
    if (!meta && records.length === 0) return { image: new Uint8Array(0), generation: 0, size: 0, problem: '' };
    var problems = [];
    if (!meta) {
      problems.push('there are saved blocks but no record of the saved state');
      meta = { generation: 0, size: records.length ? (records[records.length - 1].n + 1) * BLOCK : 0 };
    } else if (meta.format !== FORMAT || meta.blockSize !== BLOCK) {
      problems.push('the saved data has an unknown format (' + meta.format + '/' + meta.blockSize + ')');
    }
    var size = Number(meta.size) || 0;
    var count = Math.ceil(size / BLOCK);
    var image = new Uint8Array(size);
    var seen = 0, extra = 0, newer = 0, wrongLength = 0;
    for (var i = 0; i < records.length; i++) {
      var r = records[i];
      if (!(r.n < count)) { extra++; continue; }
      if (r.g > meta.generation) newer++;
      var bytes = new Uint8Array(r.d);
      if (bytes.length !== blockLength(size, r.n)) wrongLength++;
      image.set(bytes.subarray(0, Math.min(bytes.length, blockLength(size, r.n))), r.n * BLOCK);
      seen++;
    }
    if (seen !== count) problems.push((count - seen) + ' of ' + count + ' blocks are missing');
    if (extra) problems.push(extra + ' blocks lie past the saved size');
    if (newer) problems.push(newer + ' blocks are newer than the saved state (an interrupted write)');
    if (wrongLength) problems.push(wrongLength + ' blocks have the wrong length');
    if (size > 0 && String.fromCharCode.apply(null, image.subarray(0, 15)) !== SQLITE_MAGIC) {
      problems.push('the data does not start like a database');
    }
    return { image: image, generation: meta.generation, size: size, problem: problems.join('; ') };
  }

  // Reads the whole image in one transaction. With `owner`, the same (readwrite) transaction
  // makes that tab the owner when the image is sound, so an older writer can no longer save.
  function load(db, owner) {
    var tx = db.transaction(['pages', 'meta'], owner ? 'readwrite' : 'readonly');
    var state = {};
    var done = finished(tx, state);
    var metaStore = tx.objectStore('meta');
    var metaReq = metaStore.get('state');
    var pagesReq = tx.objectStore('pages').getAll();
    var result = null;
    pagesReq.onsuccess = function () {
      var meta = metaReq.result;
      result = assemble(meta, pagesReq.result);
      if (owner && !result.problem) {
        var claimed = meta ? Object.assign({}, meta) : { format: FORMAT, blockSize: BLOCK, generation: 0, size: 0, savedAt: 0 };
        claimed.owner = owner;
        metaStore.put(claimed, 'state');
      }
    };
    return done.then(function () { return result; });
  }

  // Blocks saved after `generation`, for a reader catching up or a tab taking over (`owner`:
  // claimed in the same transaction). Resolves {generation, size, records}.
  function readSince(db, generation, owner) {
    var tx = db.transaction(['pages', 'meta'], owner ? 'readwrite' : 'readonly');
    var done = finished(tx, {});
    var metaStore = tx.objectStore('meta');
    var metaReq = metaStore.get('state');
    var pagesReq = tx.objectStore('pages').index('gen').getAll(IDBKeyRange.lowerBound(generation, true));
    var result = null;
    pagesReq.onsuccess = function () {
      var meta = metaReq.result || { format: FORMAT, blockSize: BLOCK, generation: 0, size: 0, savedAt: 0 };
      result = { generation: meta.generation, size: meta.size, records: pagesReq.result };
      if (owner) {
        var claimed = Object.assign({}, meta);
        claimed.owner = owner;
        metaStore.put(claimed, 'state');
      }
    };
    return done.then(function () { return result; });
  }

  // Saves one batch {size, blocks: Map(n -> ArrayBuffer)} as `generation`, only if the store
  // is still at `base` and owned by `owner`. Rejects with an error whose `superseded` is true
  // when another tab owns the store now.
  function write(db, batch, generation, base, owner) {
    var tx;
    try {
      tx = db.transaction(['pages', 'meta'], 'readwrite', { durability: 'strict' });
    } catch (e) {
      return Promise.reject(e);
    }
    var state = {};
    var done = finished(tx, state);
    var timer = setTimeout(function () {
      state.reason = new Error('The browser storage did not finish writing in time');
      try { tx.abort(); } catch (e) { /* already over */ }
    }, WRITE_TIMEOUT_MS);
    var metaStore = tx.objectStore('meta');
    var pages = tx.objectStore('pages');
    // The fence is checked by the first request; the blocks are queued right behind it in the
    // same tick (one main-thread hop less per save). Aborting in the check's success handler
    // still undoes them: the transaction cannot commit before that handler has run.
    var metaReq = metaStore.get('state');
    metaReq.onsuccess = function () {
      var meta = metaReq.result;
      if (!meta || meta.owner !== owner || meta.generation !== base) {
        var e = new Error('Another tab has taken over writing');
        e.superseded = true;
        state.reason = e;
        try { tx.abort(); } catch (ignored) { /* already aborted */ }
      }
    };
    var count = Math.ceil(batch.size / BLOCK);
    try {
      batch.blocks.forEach(function (bytes, n) {
        if (n < count) pages.put({ n: n, g: generation, d: bytes }, n);
      });
      pages.delete(IDBKeyRange.lowerBound(count));
      metaStore.put({ format: FORMAT, blockSize: BLOCK, generation: generation, size: batch.size, owner: owner, savedAt: Date.now() }, 'state');
    } catch (e) {
      // A put can throw (quota, a closing database): nothing of this batch may land.
      state.reason = e;
      try { tx.abort(); } catch (ignored) { /* already aborted */ }
    }
    return done.then(function () { clearTimeout(timer); }, function (e) { clearTimeout(timer); throw e; });
  }

  // The database file an earlier version kept with emscripten's IDBFS (IndexedDB database
  // "/data", store "FILE_DATA"), or null. Never changes or deletes it.
  function readLegacy() {
    if (!indexedDB.databases) return Promise.resolve(null);
    return indexedDB.databases().then(function (list) {
      if (!list.some(function (d) { return d.name === '/data'; })) return null;
      return requestResult(indexedDB.open('/data')).then(function (db) {
        try {
          if (!db.objectStoreNames.contains('FILE_DATA')) return null;
          var req = db.transaction('FILE_DATA', 'readonly').objectStore('FILE_DATA').get('/data/kervan.db');
          return requestResult(req).then(function (entry) {
            if (!entry || !entry.contents) return null;
            var c = entry.contents;
            var bytes = new Uint8Array(c.buffer ? c.buffer.slice(c.byteOffset, c.byteOffset + c.byteLength) : c);
            var magic = String.fromCharCode.apply(null, bytes.subarray(0, 15));
            return magic === SQLITE_MAGIC ? bytes : null;
          });
        } finally {
          db.close();
        }
      });
    }).catch(function () { return null; });
  }

  return { BLOCK: BLOCK, open: open, load: load, readSince: readSince, write: write, readLegacy: readLegacy, assemble: assemble };
})();
