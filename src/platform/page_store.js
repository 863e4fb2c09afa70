// Kervan's page store (emcc --pre-js, before web_bridge.js): the database image kept in
// IndexedDB as records of `blockSize` bytes (RECORD, 64 KiB, for a new store; stores written
// by older builds hold 4 KiB records and are rewritten once, see page_sync.js). The VFS still
// tracks changes in 4 KiB blocks (BLOCK); a save puts the whole records those blocks fall in.
// Object store "pages" holds {n, g, d} under key n (record number, the generation that wrote
// it, the bytes); "meta" holds one record "state" {format, blockSize, generation, size, owner,
// savedAt}. Every save is ONE readwrite transaction that puts the changed records, drops
// records past the end and moves the generation, so the stored image is always the state
// after a complete commit. The owner field fences writers: a save from a tab that is no
// longer the owner aborts inside its own transaction.

var KervanPageStore = (function () {
  'use strict';
  var BLOCK = 4096;
  // Few large records read much faster than many small ones (464 MB: 4 KiB records 8-9 s,
  // 64 KiB 1-2 s), and a save rewrites whole records.
  var RECORD = 65536;
  var MAX_RECORD = 1048576;
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

  // A record size this code can read: a multiple of the VFS block, at most MAX_RECORD.
  function validRecordSize(r) { return typeof r === 'number' && r >= BLOCK && r <= MAX_RECORD && r % BLOCK === 0; }

  function recordLength(size, n, r) { return Math.max(0, Math.min(r, size - n * r)); }

  // Checks a stored image. Returns {size, generation, recordSize, problem, fill(target),
  // image()}: problem is '' for a sound image, else plain words on what is wrong; fill() copies
  // the records into `target` (size bytes, any content: holes become zeros), image() into a new
  // array.
  // The records are not copied here: at 100,000 leads the image is about 464 MB, and the
  // start copies it once, straight into the module's memory.
  function assemble(meta, records) {
    var problems = [];
    var R = meta && validRecordSize(meta.blockSize) ? meta.blockSize : (meta || records.length ? BLOCK : RECORD);
    if (!meta && records.length) {
      problems.push('there are saved blocks but no record of the saved state');
      meta = { generation: 0, size: (records[records.length - 1].n + 1) * R };
    } else if (!meta) {
      meta = { generation: 0, size: 0 };
    } else if (meta.format !== FORMAT || !validRecordSize(meta.blockSize)) {
      problems.push('the saved data has an unknown format (' + meta.format + '/' + meta.blockSize + ')');
    }
    var size = Number(meta.size) || 0;
    var count = Math.ceil(size / R);
    var seen = 0, extra = 0, newer = 0, wrongLength = 0, head = '';
    var used = [];
    for (var i = 0; i < records.length; i++) {
      var r = records[i];
      if (!(r.n < count)) { extra++; continue; }
      if (r.g > meta.generation) newer++;
      var length = r.d.byteLength;
      if (length !== recordLength(size, r.n, R)) wrongLength++;
      if (r.n === 0) head = String.fromCharCode.apply(null, new Uint8Array(r.d, 0, Math.min(15, length)));
      used.push(r);
      seen++;
    }
    if (seen !== count) problems.push((count - seen) + ' of ' + count + ' blocks are missing');
    if (extra) problems.push(extra + ' blocks lie past the saved size');
    if (newer) problems.push(newer + ' blocks are newer than the saved state (an interrupted write)');
    if (wrongLength) problems.push(wrongLength + ' blocks have the wrong length');
    if (size > 0 && head !== SQLITE_MAGIC) problems.push('the data does not start like a database');
    // Writes every byte of target: records in key order, zeros in any hole between them.
    function fill(target) {
      var next = 0;
      for (var j = 0; j < used.length; j++) {
        var at = used[j].n * R;
        var want = recordLength(size, used[j].n, R);
        var bytes = new Uint8Array(used[j].d, 0, Math.min(want, used[j].d.byteLength));
        if (at > next) target.fill(0, next, at);
        target.set(bytes, at);
        next = Math.max(next, at + bytes.length);
      }
      if (next < size) target.fill(0, next, size);
    }
    return {
      size: size, generation: meta.generation, recordSize: R, problem: problems.join('; '), fill: fill,
      image: function () { var image = new Uint8Array(size); fill(image); return image; }
    };
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
        var claimed = meta ? Object.assign({}, meta) : { format: FORMAT, blockSize: RECORD, generation: 0, size: 0, savedAt: 0 };
        claimed.owner = owner;
        metaStore.put(claimed, 'state');
      }
    };
    return done.then(function () { return result; });
  }

  // Records saved after `generation`, for a reader catching up or a tab taking over (`owner`:
  // claimed in the same transaction). Resolves {generation, size, recordSize, records}.
  function readSince(db, generation, owner) {
    var tx = db.transaction(['pages', 'meta'], owner ? 'readwrite' : 'readonly');
    var done = finished(tx, {});
    var metaStore = tx.objectStore('meta');
    var metaReq = metaStore.get('state');
    var pagesReq = tx.objectStore('pages').index('gen').getAll(IDBKeyRange.lowerBound(generation, true));
    var result = null;
    pagesReq.onsuccess = function () {
      var meta = metaReq.result || { format: FORMAT, blockSize: RECORD, generation: 0, size: 0, savedAt: 0 };
      var R = validRecordSize(meta.blockSize) ? meta.blockSize : BLOCK;
      result = { generation: meta.generation, size: meta.size, recordSize: R, records: pagesReq.result };
      if (owner) {
        var claimed = Object.assign({}, meta);
        claimed.owner = owner;
        metaStore.put(claimed, 'state');
      }
    };
    return done.then(function () { return result; });
  }

  // Saves one batch {size, recordSize, records: Map(n -> ArrayBuffer), rewrite} as
  // `generation`, only if the store is still at `base` and owned by `owner`. A rewrite batch
  // holds every record of the image and replaces all stored records (a change of record size),
  // in the same single transaction. Rejects with an error whose `superseded` is true when
  // another tab owns the store now.
  function write(db, batch, generation, base, owner) {
    var tx;
    try {
      tx = db.transaction(['pages', 'meta'], 'readwrite', { durability: 'strict' });
    } catch (e) {
      return Promise.reject(e);
    }
    var state = {};
    var done = finished(tx, state);
    // A rewrite of the whole store gets one more second per MiB.
    var timer = setTimeout(function () {
      state.reason = new Error('The browser storage did not finish writing in time');
      try { tx.abort(); } catch (e) { /* already over */ }
    }, WRITE_TIMEOUT_MS + (batch.rewrite ? Math.ceil(batch.size / 1048576) * 1000 : 0));
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
    var count = Math.ceil(batch.size / batch.recordSize);
    try {
      if (batch.rewrite) pages.clear();
      batch.records.forEach(function (bytes, n) {
        if (n < count) pages.put({ n: n, g: generation, d: bytes }, n);
      });
      if (!batch.rewrite) pages.delete(IDBKeyRange.lowerBound(count));
      metaStore.put({ format: FORMAT, blockSize: batch.recordSize, generation: generation, size: batch.size, owner: owner, savedAt: Date.now() }, 'state');
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

  return { BLOCK: BLOCK, RECORD: RECORD, open: open, load: load, readSince: readSince, write: write, readLegacy: readLegacy, assemble: assemble };
})();
