// Kervan's page store (emcc --pre-js, before web_bridge.js): the database image kept in
// IndexedDB as records of `blockSize` bytes (RECORD, 64 KiB, for a new store; stores written
// by older builds hold 4 KiB records and are rewritten once, see page_sync.js), over packs of
// PACK bytes. The VFS still tracks changes in 4 KiB blocks (BLOCK); a save puts the whole
// records those blocks fall in.
// Object store "pages" holds records {n, g, d} under key n (record number, the generation
// that wrote it, the bytes) and packs {k, g, b} under key [k] (pack number, generation, a
// Blob); an array key sorts after every number. A record is newer than the pack it falls in:
// compaction (pack()) writes a pack from the image and deletes the records it covers in one
// transaction. "meta" holds one record "state" {format, blockSize, packSize, generation,
// size, owner, savedAt}. Every save is ONE readwrite transaction that puts the changed records, drops
// records and packs past the end and moves the generation, so the stored image is always the
// state after a complete commit. The owner field fences writers: a save from a tab that is no
// longer the owner aborts inside its own transaction.

var KervanPageStore = (function () {
  'use strict';
  var BLOCK = 4096;
  // Few large records read much faster than many small ones (464 MB: 4 KiB records 8-9 s,
  // 64 KiB 1-2 s), and a save rewrites whole records.
  var RECORD = 65536;
  var MAX_RECORD = 1048576;
  // Start-up reads few large Blobs much faster than many records (the 466 MB image at 100k:
  // 64 KiB records 3.6-4.1 s, 1 MiB Blobs 1.0-1.2 s), while saves keep writing small records.
  // 4 MiB packs read faster alone (0.9-1.0 s against 1.2-1.4 s, copy included) but placed the
  // image no sooner in the app (0.79-0.81 s either way), and compaction rewrites whole packs.
  // Recorded in the meta record (packSize): packs of another size are refused, not misread.
  var PACK = 1048576;
  // Format 1: records only (what builds before packs read); 2: records over packs.
  var FORMAT = 1;
  var PACKED_FORMAT = 2;
  // Packs read at once (readPacks: while the image is placed, and by a tab catching up):
  // enough to keep the browser busy, few enough that the reads in flight stay small next to
  // the image.
  var PACKS_IN_FLIGHT = 16;
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

  // IndexedDB version 2 came with packs; the stores are those of version 1. Builds before packs
  // open version 1: they now fail to open the store (and work in memory) instead of reading
  // packs they do not know, and a tab of such a build still open closes its connection when
  // this one opens. Without this, such a tab taking over writing would delete every pack on its
  // first save (it deletes all keys above the last record number, and array keys sort above).
  var IDB_VERSION = 2;

  // Opens (creating) the store; rejects when IndexedDB cannot be used at all.
  function open(name) {
    return new Promise(function (resolve, reject) {
      var timer = setTimeout(function () { reject(new Error('IndexedDB did not answer')); }, 10000);
      var req;
      try {
        req = indexedDB.open(name, IDB_VERSION);
      } catch (e) {
        clearTimeout(timer);
        reject(e);
        return;
      }
      req.onupgradeneeded = function () {
        var db = req.result;
        if (db.objectStoreNames.contains('pages')) return;  // from version 1: the same stores
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

  function isPack(value) { return value && value.k !== undefined; }

  // Reads the Blobs of `packs` (in their order), keeping at most PACKS_IN_FLIGHT reads in
  // flight: `arrived(pack, buffer, error)` runs as each read settles (buffer null and the
  // error when it failed). Resolves once every read settled and was handed over. Used by
  // readSince(), which keeps the buffers (place() copies at once: copyPacks), so a whole image
  // of packs is never read at once.
  function readPacks(packs, arrived) {
    var next = 0, running = 0;
    return new Promise(function (resolve) {
      function settled(pack, buffer, error) {
        arrived(pack, buffer, error);
        running--;
        pump();
      }
      function pump() {
        while (next < packs.length && running < PACKS_IN_FLIGHT) {
          var pack = packs[next++];
          running++;
          pack.b.arrayBuffer().then(settled.bind(null, pack), settled.bind(null, pack, null));
        }
        if (next === packs.length && !running) resolve();
      }
      pump();
    });
  }

  // Whether a Blob can be read into a buffer of ours (a byte stream with a BYOB reader).
  function readsInto() {
    try {
      new Blob([]).stream().getReader({ mode: 'byob' }).releaseLock();
      return true;
    } catch (e) {
      return false;
    }
  }

  // Reads `blob` into `scratch` (an ArrayBuffer of at least its size, which the stream takes
  // and gives back). Resolves {scratch, bytes}: the buffer to use next time, and the blob's
  // bytes in it (null when the stream ended early).
  function readInto(blob, scratch) {
    var reader = blob.stream().getReader({ mode: 'byob' });
    var at = 0, size = blob.size;
    function step() {
      if (at === size) {
        reader.cancel().catch(function () {});
        return { scratch: scratch, bytes: new Uint8Array(scratch, 0, size) };
      }
      return reader.read(new Uint8Array(scratch, at, size - at)).then(function (r) {
        if (r.value) scratch = r.value.buffer;
        if (r.done) return { scratch: scratch, bytes: null };
        at += r.value.byteLength;
        return step();
      });
    }
    return step();
  }

  // As readPacks, for a caller that copies each pack at once: `copy(pack, bytes)` gets the
  // pack's bytes, valid during the call only (null when it could not be read). Each read in
  // flight reuses one buffer: a fresh 1 MiB ArrayBuffer per pack (445 at 100k) made reading
  // the image about a quarter slower (every new buffer's pages are faulted in, then freed).
  // Where a browser has no BYOB reader for Blobs, each pack is read whole (arrayBuffer()).
  function copyPacks(packs, copy) {
    var into = readsInto();
    // Also for a pack the reused buffer could not take: a browser's quirk in byte streams must
    // not make sound data look damaged.
    function readWhole(pack) {
      return pack.b.arrayBuffer().then(function (buffer) { copy(pack, new Uint8Array(buffer)); },
                                        function () { copy(pack, null); });
    }
    var next = 0;
    function lane() {
      var scratch = into ? new ArrayBuffer(PACK) : null;
      function one() {
        if (next >= packs.length) return null;
        var pack = packs[next++];
        if (!scratch) return readWhole(pack).then(one);
        var read;
        try {
          read = readInto(pack.b, scratch);
        } catch (e) {
          read = Promise.reject(e);
        }
        return read.then(function (r) {
          scratch = r.scratch;
          return r.bytes ? copy(pack, r.bytes) : readWhole(pack);
        }, function () {
          scratch = new ArrayBuffer(PACK);  // a failed read may have kept it
          return readWhole(pack);
        }).then(one);
      }
      return Promise.resolve().then(one);
    }
    var lanes = [];
    for (var i = 0; i < PACKS_IN_FLIGHT; i++) lanes.push(lane());
    return Promise.all(lanes);
  }

  // Checks a stored image from its meta record, its records and its packs (their Blobs are
  // not read here). Returns {size, generation, recordSize, format, records, packCount,
  // problem, place(view), image()}: records are the numbers of the stored records; problem is
  // '' for a sound image, else plain words on what is wrong (the first bytes are checked once
  // placed, see KervanStorage.placeImage); place() writes the image into view() and image()
  // into a new array (a store without packs only).
  // At 100,000 leads the image is about 464 MB: place() reads the packs a few at a time
  // straight into the module's memory, so the image is never held twice.
  function assemble(meta, records, packs) {
    packs = packs || [];
    var problems = [];
    var R = meta && validRecordSize(meta.blockSize) ? meta.blockSize : (meta || records.length ? BLOCK : RECORD);
    if (!meta && (records.length || packs.length)) {
      problems.push('there are saved blocks but no record of the saved state');
      meta = { generation: 0, size: (records.length ? records[records.length - 1].n + 1 : 0) * R };
    } else if (!meta) {
      meta = { generation: 0, size: 0 };
    } else if ((meta.format !== FORMAT && meta.format !== PACKED_FORMAT) || !validRecordSize(meta.blockSize)) {
      problems.push('the saved data has an unknown format (' + meta.format + '/' + meta.blockSize + ')');
    } else if (packs.length && (meta.format !== PACKED_FORMAT || PACK % R || meta.packSize !== PACK)) {
      problems.push('the saved data holds packs its format does not allow (' + meta.format + '/' + meta.packSize + ')');
    }
    var size = Number(meta.size) || 0;
    var count = Math.ceil(size / R);
    var covered = new Uint8Array(count);
    var extra = 0, newer = 0, wrongLength = 0;
    var usedPacks = [], used = [], numbers = [];
    for (var i = 0; i < packs.length; i++) {
      var p = packs[i];
      var packBytes = p.b.size;
      if (!(p.k * PACK < size)) { extra++; continue; }
      if (p.g > meta.generation) newer++;
      if (packBytes > PACK) { wrongLength++; continue; }
      // The records a pack holds entirely (a file that grew since has records past its end).
      var end = p.k * PACK + packBytes;
      for (var m = p.k * PACK / R; m < count && Math.min(size, (m + 1) * R) <= end; m++) covered[m] = 1;
      usedPacks.push(p);
    }
    for (i = 0; i < records.length; i++) {
      var r = records[i];
      if (!(r.n < count)) { extra++; continue; }
      if (r.g > meta.generation) newer++;
      if (r.d.byteLength !== recordLength(size, r.n, R)) wrongLength++;
      covered[r.n] = 1;
      used.push(r);
      numbers.push(r.n);
    }
    var seen = 0;
    for (i = 0; i < count; i++) seen += covered[i];
    if (seen !== count) problems.push((count - seen) + ' of ' + count + ' blocks are missing');
    if (extra) problems.push(extra + ' blocks lie past the saved size');
    if (newer) problems.push(newer + ' blocks are newer than the saved state (an interrupted write)');
    if (wrongLength) problems.push(wrongLength + ' blocks have the wrong length');

    // Where pack a or record b lies: [start, end) within the image.
    function packSpan(q) { return [q.k * PACK, Math.min(size, q.k * PACK + q.b.size)]; }
    function recordSpan(q) { return [q.n * R, Math.min(size, q.n * R + q.d.byteLength)]; }
    // Zeros wherever neither a pack nor a record lies (both come in key order).
    function zeroGaps(target) {
      var next = 0, a = 0, b = 0;
      while (a < usedPacks.length || b < used.length) {
        var takePack = a < usedPacks.length && (b >= used.length || usedPacks[a].k * PACK <= used[b].n * R);
        var span = takePack ? packSpan(usedPacks[a++]) : recordSpan(used[b++]);
        if (span[0] > next) target.fill(0, next, span[0]);
        next = Math.max(next, span[1]);
      }
      if (next < size) target.fill(0, next, size);
    }
    // The records go over the packs: a record is newer than the pack it falls in.
    function putRecords(target) {
      for (var j = 0; j < used.length; j++) {
        var span = recordSpan(used[j]);
        target.set(new Uint8Array(used[j].d, 0, span[1] - span[0]), span[0]);
      }
    }
    // Writes every byte of the image into view() (size bytes; asked for anew after each wait).
    // Resolves with the number of packs that could not be read (their bytes become zeros).
    function place(view) {
      zeroGaps(view());
      var unreadable = 0;
      return copyPacks(usedPacks, function (pack, bytes) {
        var span = packSpan(pack);
        if (bytes && bytes.length === pack.b.size) view().set(bytes.subarray(0, span[1] - span[0]), span[0]);
        else { unreadable++; view().fill(0, span[0], span[1]); }
      }).then(function () {
        putRecords(view());
        return unreadable;
      });
    }
    return {
      size: size, generation: meta.generation, recordSize: R, format: meta.format || FORMAT,
      records: numbers, packCount: usedPacks.length, problem: problems.join('; '), place: place,
      image: function () {
        if (usedPacks.length) throw new Error('image() of a store with packs');
        var image = new Uint8Array(size);
        putRecords(image);
        return image;
      }
    };
  }

  // Splits the values of the "pages" store into records and packs.
  function split(values) {
    var records = [], packs = [];
    for (var i = 0; i < values.length; i++) (isPack(values[i]) ? packs : records).push(values[i]);
    return { records: records, packs: packs };
  }

  // Reads the whole image in one transaction (the packs' Blobs are read by place()). With
  // `owner`, the same (readwrite) transaction makes that tab the owner when the image is
  // sound, so an older writer can no longer save.
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
      var parts = split(pagesReq.result);
      result = assemble(meta, parts.records, parts.packs);
      if (owner && !result.problem) {
        var claimed = meta ? Object.assign({}, meta) : { format: FORMAT, blockSize: RECORD, generation: 0, size: 0, savedAt: 0 };
        claimed.owner = owner;
        metaStore.put(claimed, 'state');
      }
    };
    return done.then(function () { return result; });
  }

  // What was saved after `generation`, for a reader catching up or a tab taking over (`owner`:
  // claimed in the same transaction). Resolves {generation, size, recordSize, format, records,
  // packs, plain}, where records are {n, d} in the order to apply them: packs first (as
  // records of PACK bytes starting at record n), then the records saved over them; packs and
  // plain are the numbers of the packs and of the records read.
  function readSince(db, generation, owner) {
    var tx = db.transaction(['pages', 'meta'], owner ? 'readwrite' : 'readonly');
    var done = finished(tx, {});
    var metaStore = tx.objectStore('meta');
    var metaReq = metaStore.get('state');
    var pagesReq = tx.objectStore('pages').index('gen').getAll(IDBKeyRange.lowerBound(generation, true));
    var result = null, parts = null;
    pagesReq.onsuccess = function () {
      var meta = metaReq.result || { format: FORMAT, blockSize: RECORD, generation: 0, size: 0, savedAt: 0 };
      var R = validRecordSize(meta.blockSize) ? meta.blockSize : BLOCK;
      parts = split(pagesReq.result);
      result = { generation: meta.generation, size: meta.size, recordSize: R, format: meta.format || FORMAT, records: null };
      if (owner) {
        var claimed = Object.assign({}, meta);
        claimed.owner = owner;
        metaStore.put(claimed, 'state');
      }
    };
    // The packs' Blobs are read a few at a time (readPacks, as place() does) but all kept until
    // the caller applies them with the records in one step: applyBlocks writes into the image
    // SQLite reads, and between two reads that settle the page can draw a frame or answer a
    // window.kervan call, which would see a mix of old and new pages.
    return done.then(function () {
      var failure = null;
      return readPacks(parts.packs, function (p, buffer, error) {
        if (buffer) p.d = buffer;
        else if (!failure) failure = error || new Error('A saved pack cannot be read');
      }).then(function () { if (failure) throw failure; });
    }).then(function () {
      var R = result.recordSize;
      result.records = parts.packs.map(function (p) { return { n: p.k * PACK / R, d: p.d }; }).concat(parts.records);
      result.packs = parts.packs.map(function (p) { return p.k; });
      result.plain = parts.records.map(function (r) { return r.n; });
      return result;
    });
  }

  // Aborts `tx` with `reason` (a failed check, a timeout, a put that threw).
  function abortWith(tx, state, reason) {
    state.reason = reason;
    try { tx.abort(); } catch (e) { /* already over */ }
  }

  // The writer's fence, checked by the first request of every write: the store must still be
  // at `base` and owned by `owner`. Requests queued behind it in the same tick are undone by
  // the abort (the transaction cannot commit before this handler has run). `then(meta)` runs
  // when the check passed.
  function fence(tx, state, metaStore, base, owner, then) {
    var metaReq = metaStore.get('state');
    metaReq.onsuccess = function () {
      var meta = metaReq.result;
      if (!meta || meta.owner !== owner || meta.generation !== base) {
        var e = new Error('Another tab has taken over writing');
        e.superseded = true;
        abortWith(tx, state, e);
      } else if (then) {
        then(meta);
      }
    };
  }

  // Resolves when `tx` committed, rejects when it failed or took longer than `ms`.
  function timed(tx, state, ms) {
    var timer = setTimeout(function () {
      abortWith(tx, state, new Error('The browser storage did not finish writing in time'));
    }, ms);
    return finished(tx, state).then(function () { clearTimeout(timer); }, function (e) { clearTimeout(timer); throw e; });
  }

  // Saves one batch {size, recordSize, format, records: Map(n -> ArrayBuffer), rewrite} as
  // `generation`, only if the store is still at `base` and owned by `owner`. A rewrite batch
  // holds every record of the image and replaces all stored records and packs (a change of
  // record size), in the same single transaction. Rejects with an error whose `superseded` is
  // true when another tab owns the store now.
  function write(db, batch, generation, base, owner) {
    var tx;
    try {
      tx = db.transaction(['pages', 'meta'], 'readwrite', { durability: 'strict' });
    } catch (e) {
      return Promise.reject(e);
    }
    var state = {};
    // A rewrite of the whole store gets one more second per MiB.
    var done = timed(tx, state, WRITE_TIMEOUT_MS + (batch.rewrite ? Math.ceil(batch.size / 1048576) * 1000 : 0));
    var metaStore = tx.objectStore('meta');
    var pages = tx.objectStore('pages');
    // The blocks are queued right behind the fence in the same tick (one main-thread hop
    // less per save).
    fence(tx, state, metaStore, base, owner, null);
    var count = Math.ceil(batch.size / batch.recordSize);
    try {
      if (batch.rewrite) pages.clear();
      batch.records.forEach(function (bytes, n) {
        if (n < count) pages.put({ n: n, g: generation, d: bytes }, n);
      });
      if (!batch.rewrite) {
        // Records past the end (number keys only), then packs past the end (array keys).
        pages.delete(IDBKeyRange.bound(count, Infinity));
        pages.delete(IDBKeyRange.lowerBound([Math.ceil(batch.size / PACK)]));
      }
      metaStore.put({
        format: batch.rewrite ? FORMAT : batch.format || FORMAT, blockSize: batch.recordSize, packSize: PACK,
        generation: generation, size: batch.size, owner: owner, savedAt: Date.now()
      }, 'state');
    } catch (e) {
      // A put can throw (quota, a closing database): nothing of this batch may land.
      abortWith(tx, state, e);
    }
    return done;
  }

  // Folds records into packs: puts `packs` (Map k -> Uint8Array: the image's bytes from
  // k * PACK, as stored at generation `base`) and deletes the records they cover, in one
  // transaction fenced like write(). The stored image does not change, so neither does the
  // generation; the format becomes PACKED_FORMAT.
  function pack(db, packs, recordSize, base, owner) {
    var tx;
    try {
      tx = db.transaction(['pages', 'meta'], 'readwrite');
    } catch (e) {
      return Promise.reject(e);
    }
    var state = {};
    var done = timed(tx, state, WRITE_TIMEOUT_MS);
    var metaStore = tx.objectStore('meta');
    var pages = tx.objectStore('pages');
    fence(tx, state, metaStore, base, owner, function (meta) {
      if (meta.blockSize !== recordSize) { abortWith(tx, state, new Error('The record size changed')); return; }
      metaStore.put(Object.assign({}, meta, { format: PACKED_FORMAT, packSize: PACK }), 'state');
    });
    try {
      packs.forEach(function (bytes, k) {
        var first = k * PACK / recordSize;
        pages.put({ k: k, g: base, b: new Blob([bytes]) }, [k]);
        pages.delete(IDBKeyRange.bound(first, first + PACK / recordSize, false, true));
      });
    } catch (e) {
      abortWith(tx, state, e);
    }
    return done;
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

  return {
    BLOCK: BLOCK, RECORD: RECORD, PACK: PACK, PACKED_FORMAT: PACKED_FORMAT, SQLITE_MAGIC: SQLITE_MAGIC, open: open, load: load, readSince: readSince,
    write: write, pack: pack, readLegacy: readLegacy, assemble: assemble
  };
})();
