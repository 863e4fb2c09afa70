// Kervan's persistence (emcc --pre-js, after page_store.js, before web_bridge.js): which tab
// writes (a Web Lock, fenced by the owner field of the store), the ordered queue of saves,
// tickets that turn durable only when their IndexedDB transaction completed, retries after a
// failure, compaction of saved records into packs, read-only tabs that follow the writer
// (BroadcastChannel + changed blocks), storage estimates and the banner that tells the user
// what state the data is in.

var KervanStorage = (function () {
  'use strict';
  var BLOCK = KervanPageStore.BLOCK;
  // How long a drawn frame waits for a save in flight (see holdFrame).
  var HOLD_FRAME_MS = 100;
  // The largest store rewritten in RECORD-sized records at start (see rewriteAll).
  var REWRITE_LIMIT = 64 * 1048576;
  var PACK = KervanPageStore.PACK;
  // Compaction folds saved records into packs once this many lie outside them (each costs
  // about 0.45 ms at start-up, a pack's worth about 0.03 ms), after this long without a
  // commit, a few packs per transaction so that a save never waits long behind one.
  var COMPACT_AT = 64;
  var COMPACT_QUIET_MS = 2000;
  var COMPACT_STEP_PACKS = 8;
  var COMPACT_STEP_GAP_MS = 50;
  // One Kervan per site path: two copies on one host keep separate data.
  var scope = location.pathname.replace(/[^\/]*$/, '');
  var DB_NAME = 'kervan-pages:' + scope;
  var LOCK_NAME = 'kervan-writer:' + scope;
  var CHANNEL_NAME = 'kervan-pages:' + scope;
  var TAKE_OVER_KEY = 'kervan-take-over';

  var st = {
    mode: 'indexeddb',   // 'memory' (no IndexedDB) or 'damaged' (the stored image failed its checks)
    writer: false,
    stale: false,        // lost writing with changes unsaved: must reload before writing again
    diverged: false,     // a read-only tab whose image changed locally while opening
    owner: Math.random().toString(36).slice(2) + Date.now().toString(36),
    db: null,
    image: null,         // the loaded image (a Uint8Array or assemble()'s answer), until placeImage()
    stored: 0,           // the IndexedDB generation our image and writes are based on
    recordSize: KervanPageStore.RECORD,  // bytes per stored record: the store's, or RECORD
    format: 1,           // the store's format (KervanPageStore.PACKED_FORMAT once it has packs)
    storedSize: 0,       // the image size at generation `stored`
    records: new Set(),  // numbers of the stored records not folded into a pack (as far as known)
    packing: false,      // a compaction transaction in flight
    compactTimer: 0,
    inFlightSince: 0,
    ticket: 0,           // one per commit handed over by the VFS
    lastSize: -1,        // the image size at the last commit (-1: not known)
    durable: 0,          // highest ticket whose transaction completed
    failedTicket: 0,
    pending: null,       // {ticket, size, recordSize, records: Map(n -> ArrayBuffer), rewrite} not yet sent
    inFlight: null,
    retryTimer: 0,
    failures: 0,
    error: '',
    problem: '',
    persisted: false,
    usage: -1,
    quota: -1,
    lastSavedAt: 0,
    migrated: false,
    catchingUp: false,
    catchUpAgain: false,
    waitingForLock: false,
    estimateTimer: 0
  };
  var waiters = [];
  var channel = null;
  // Filled in by web_bridge.js: wake(), ready(), isIdle(), applyBlocks(size, records),
  // setReadOnly(flag), banner(kind, status).
  var hooks = {};

  function describeError(e) {
    var name = (e && e.name) || '';
    if (name === 'QuotaExceededError' || /quota/i.test(String(e && e.message))) {
      return 'The browser storage is full (quota exceeded); the last saved state is kept';
    }
    var text = String((e && (e.message || e.name)) || e || 'unknown error');
    return 'Saving to browser storage failed (' + (name ? name + ': ' : '') + text + '); the last saved state is kept';
  }

  function covered(ticket) {
    if (st.inFlight && st.inFlight.ticket >= ticket) return true;
    return !!(st.pending && st.pending.ticket >= ticket && st.writer && !st.retryTimer);
  }

  function settle() {
    waiters = waiters.filter(function (w) {
      if (w.ticket <= st.durable || st.mode === 'memory') { w.resolve(true); return false; }
      if (!covered(w.ticket) && (st.error || !st.writer)) { w.resolve(false); return false; }
      return true;
    });
  }

  // Something about saving changed: settle waiters, redraw (the status line) unless told
  // that nothing drawn depends on it, refresh the banner.
  function changed(quiet) {
    settle();
    if (hooks.wake && !quiet) hooks.wake();
    if (hooks.banner) hooks.banner(status());
  }

  function refreshEstimate() {
    st.estimateTimer = 0;
    if (!navigator.storage || !navigator.storage.estimate) return;
    navigator.storage.estimate().then(function (e) {
      st.usage = typeof e.usage === 'number' ? e.usage : -1;
      st.quota = typeof e.quota === 'number' ? e.quota : -1;
    }).catch(function () {});
  }
  function refreshEstimateSoon() {
    if (!st.estimateTimer) st.estimateTimer = setTimeout(refreshEstimate, 3000);
  }

  function requestPersistence() {
    if (!navigator.storage || !navigator.storage.persist) return;
    navigator.storage.persist().then(function (granted) {
      st.persisted = !!granted;
      changed(true);
    }).catch(function () {});
  }

  // Sends the pending blocks as one transaction; one at a time, in order.
  function kick() {
    if (st.inFlight || !st.pending || !st.writer || st.mode !== 'indexeddb' || st.retryTimer) return;
    var batch = st.pending;
    var generation = st.stored + 1;
    st.pending = null;
    batch.format = st.format;
    st.inFlight = batch;
    st.inFlightSince = performance.now();
    KervanPageStore.write(st.db, batch, generation, st.stored, st.owner).then(function () {
      st.inFlight = null;
      st.stored = generation;
      st.storedSize = batch.size;
      noteRecords(batch);
      st.durable = Math.max(st.durable, batch.ticket);
      st.error = '';
      st.failures = 0;
      st.lastSavedAt = Date.now();
      if (channel) channel.postMessage({ type: 'saved', generation: generation });
      refreshEstimateSoon();
      kick();
      compactLater(COMPACT_QUIET_MS);
      changed();
    }, function (err) {
      st.inFlight = null;
      // Keep every unsaved record: newer pending records go over the failed ones (a failed
      // rewrite stays a rewrite: it still holds every record).
      if (st.pending) {
        st.pending.records.forEach(function (bytes, n) { batch.records.set(n, bytes); });
        batch.size = st.pending.size;
        batch.ticket = st.pending.ticket;
      }
      st.pending = batch;
      st.error = err && err.superseded ? 'Another tab has taken over writing; the last changes of this tab were not saved' : describeError(err);
      st.failedTicket = batch.ticket;
      st.failures += 1;
      console.warn('kervan: save failed:', st.error);
      if ((err && err.superseded) || !st.writer) {
        // Another tab writes now; these changes can never be stored on top of its own.
        st.stale = true;
        st.pending = null;
        demote();
      } else {
        st.retryTimer = setTimeout(function () { st.retryTimer = 0; kick(); },
                                   Math.min(60000, 2000 * Math.pow(2, st.failures - 1)));
      }
      changed();
    });
  }

  // The stored records after `batch` landed: its own, none past its end.
  function noteRecords(batch) {
    var count = Math.ceil(batch.size / batch.recordSize);
    if (batch.rewrite) st.records = new Set();
    batch.records.forEach(function (bytes, n) { if (n < count) st.records.add(n); });
    st.records.forEach(function (n) { if (n >= count) st.records.delete(n); });
  }

  // Compaction may run: this tab writes, nothing is queued, in flight or waiting for a retry,
  // and SQLite holds no lock, so the image in memory is exactly the stored state.
  function canCompact() {
    return st.writer && st.mode === 'indexeddb' && !st.stale && !st.pending && !st.inFlight && !st.retryTimer &&
      !st.packing && !!hooks.ready && hooks.ready() && hooks.isIdle() && PACK % st.recordSize === 0;
  }

  function compactLater(ms) {
    if (st.compactTimer) clearTimeout(st.compactTimer);
    st.compactTimer = setTimeout(function () {
      st.compactTimer = 0;
      if (st.records.size >= COMPACT_AT) compact();
    }, ms);
  }

  // Folds records into packs, a few packs per transaction, the packs holding the most records
  // first. Resolves true when no record is left outside a pack, false when it had to stop (a
  // commit came, this tab stopped writing, a transaction failed): the next save starts it
  // again. The packs are cut from the image, which equals the stored state while canCompact().
  function compact() {
    if (!canCompact()) return Promise.resolve(false);
    if (!st.records.size) return Promise.resolve(true);
    var image = hooks.imageView();
    if (image.length !== st.storedSize) return Promise.resolve(false);
    var perPack = PACK / st.recordSize;
    var counts = new Map();
    st.records.forEach(function (n) {
      var k = Math.floor(n / perPack);
      counts.set(k, (counts.get(k) || 0) + 1);
    });
    var chosen = Array.from(counts.keys()).sort(function (a, b) {
      return counts.get(b) - counts.get(a) || a - b;
    }).slice(0, COMPACT_STEP_PACKS);
    var packs = new Map();
    // Views into the module's memory: pack() copies them into Blobs before anything can run.
    chosen.forEach(function (k) { packs.set(k, image.subarray(k * PACK, Math.min(image.length, (k + 1) * PACK))); });
    // Saves queued from now on say the store may hold packs (harmless if this one fails).
    st.format = KervanPageStore.PACKED_FORMAT;
    st.packing = true;
    return KervanPageStore.pack(st.db, packs, st.recordSize, st.stored, st.owner).then(function () {
      st.packing = false;
      chosen.forEach(function (k) {
        for (var n = k * perPack; n < (k + 1) * perPack; n++) st.records.delete(n);
      });
      if (!st.records.size) return true;
      return new Promise(function (resolve) { setTimeout(resolve, COMPACT_STEP_GAP_MS); }).then(compact);
    }, function (e) {
      st.packing = false;
      console.warn('kervan: compacting the browser storage failed:', e);
      return false;
    });
  }

  // Called by the VFS (through C++) at the end of every write transaction: copies the records
  // holding the changed 4 KiB blocks out of the image now and queues them. Returns the
  // commit's ticket.
  function commit(imagePtr, size, blocksPtr, count) {
    st.ticket += 1;
    if (st.compactTimer) compactLater(COMPACT_QUIET_MS);
    if (st.mode === 'memory') {
      st.durable = st.ticket;
      return st.ticket;
    }
    if (!st.writer) {
      st.diverged = true;  // never stored: this tab's image now differs from the store
      st.failedTicket = st.ticket;
      return st.ticket;
    }
    var R = st.recordSize;
    var batch = st.pending || (st.pending = { ticket: 0, size: 0, recordSize: R, records: new Map(), rewrite: false });
    var first = blocksPtr >> 2;
    var last = -1;
    for (var i = 0; i < count; i++) {
      // The VFS hands the blocks out in ascending order: one copy per record.
      var k = Math.floor(HEAPU32[first + i] * BLOCK / R);
      if (k === last) continue;
      last = k;
      var start = imagePtr + k * R;
      var length = Math.min(R, size - k * R);
      if (length > 0) batch.records.set(k, HEAPU8.slice(start, start + length).buffer);
      else batch.records.delete(k);
    }
    // A new size can end inside a record no changed block touches (a file shrunk to a point
    // within a 64 KiB record): that record is copied too, so its stored length always matches
    // the size. Otherwise the next start would find it too long and call the store damaged.
    if (size !== st.lastSize && size > 0) {
      var end = Math.floor((size - 1) / R);
      batch.records.set(end, HEAPU8.slice(imagePtr + end * R, imagePtr + size).buffer);
    }
    st.lastSize = size;
    batch.size = size;
    batch.ticket = st.ticket;
    retryNow();
    return st.ticket;
  }

  // The main loop skips drawing while a save is in flight, for at most HOLD_FRAME_MS: the
  // save's completion events need this thread, and a frame (slow in software rendering, and
  // the first after a change reloads the views) would otherwise delay every save by its length.
  // Not once input arrived after the save started: skipped frames broke dragging a deal card
  // onto Won in the browser tests (the drop was never seen), so input is drawn at once.
  var lastInputAt = 0;
  function noteInput() { lastInputAt = performance.now(); }
  function holdFrame() {
    return !!st.inFlight && lastInputAt < st.inFlightSince && performance.now() - st.inFlightSince < HOLD_FRAME_MS;
  }

  function retryNow() {
    if (st.retryTimer) { clearTimeout(st.retryTimer); st.retryTimer = 0; }
    kick();
  }

  function waitDurable(ticket) {
    retryNow();
    return new Promise(function (resolve) {
      waiters.push({ ticket: ticket, resolve: resolve });
      settle();
    });
  }

  // Runs reads of the store one after another, each from the generation the previous one
  // reached: two overlapping reads could otherwise put older blocks over newer ones.
  var readChain = Promise.resolve();
  function serially(fn) {
    var run = readChain.then(fn);
    readChain = run.catch(function () {});
    return run;
  }

  // Puts blocks read from the store into the image once SQLite holds no lock.
  function applyWhenIdle(since) {
    return new Promise(function (resolve) {
      (function attempt() {
        if (!hooks.ready || !hooks.ready() || !hooks.isIdle()) { setTimeout(attempt, 20); return; }
        if (since.generation < st.stored) { resolve(); return; }  // already past it
        if (since.generation !== st.stored || since.records.length) hooks.applyBlocks(since.size, since.records, since.recordSize);
        since.packs.forEach(function (k) {
          for (var n = k * PACK / since.recordSize; n < (k + 1) * PACK / since.recordSize; n++) st.records.delete(n);
        });
        since.plain.forEach(function (n) { st.records.add(n); });
        st.stored = since.generation;
        st.storedSize = since.size;
        st.recordSize = since.recordSize;
        st.format = since.format;
        resolve();
      })();
    });
  }

  // A read-only tab follows the writer: the blocks saved since our generation.
  function catchUp() {
    if (st.writer || st.stale || st.diverged || st.mode !== 'indexeddb' || !st.db) return;
    if (st.catchingUp) { st.catchUpAgain = true; return; }
    st.catchingUp = true;
    serially(function () {
      if (st.writer || st.stale) return null;
      return KervanPageStore.readSince(st.db, st.stored, null).then(applyWhenIdle);
    }).catch(function (e) {
      console.warn('kervan: reading the other tab\'s changes failed:', e);
    }).then(function () {
      st.catchingUp = false;
      changed();
      if (st.catchUpAgain) { st.catchUpAgain = false; catchUp(); }
    });
  }

  function reloadToTakeOver() {
    try { sessionStorage.setItem(TAKE_OVER_KEY, '1'); } catch (e) { /* the reload still helps */ }
    location.reload();
    return new Promise(function () {});
  }

  // Holds the writer lock until the page goes away (or releaseLock()); `grant` runs when it is
  // ours.
  var releaseLock = function () {};
  function holdLock(options, grant) {
    return navigator.locks.request(LOCK_NAME, options, function (lock) {
      if (!lock || st.mode === 'memory') return grant(false);
      return Promise.resolve(grant(true)).then(function () {
        return new Promise(function (resolve) { releaseLock = resolve; });
      });
    }).catch(function () { demote(); });
  }

  // The writer lock is ours (or a tab without Web Locks): become the writer from our image.
  function promote() {
    if (st.writer) return Promise.resolve();
    if (st.stale || st.diverged) return reloadToTakeOver();
    return serially(function () {
      return KervanPageStore.readSince(st.db, st.stored, st.owner).then(applyWhenIdle);
    }).then(function () {
      st.writer = true;
      st.error = '';
      if (hooks.setReadOnly) hooks.setReadOnly(false);
      requestPersistence();
      compactLater(COMPACT_QUIET_MS);
      changed();
    });
  }

  // Another tab writes now: read-only from here on.
  function demote() {
    if (!st.writer) return;
    st.writer = false;
    if (hooks.setReadOnly) hooks.setReadOnly(true);
    if (st.pending) {
      st.stale = true;
      st.failedTicket = st.pending.ticket;
      st.pending = null;
    }
    changed();
    waitForWriterRole();
  }

  // A read-only tab queues for the lock: when the writer tab closes, this one takes over.
  function waitForWriterRole() {
    if (!navigator.locks || st.waitingForLock || st.stale || st.mode !== 'indexeddb') return;
    st.waitingForLock = true;
    holdLock({}, function () {
      st.waitingForLock = false;
      return promote();
    });
  }

  function takeOver() {
    if (st.writer) return Promise.resolve(true);
    if (st.mode !== 'indexeddb') return Promise.resolve(false);
    if (st.stale || st.diverged || !navigator.locks) return reloadToTakeOver();
    return new Promise(function (resolve) {
      holdLock({ steal: true }, function () {
        return promote().then(function () { resolve(true); }, function (e) {
          st.error = describeError(e);
          resolve(false);
          throw e;
        });
      });
    });
  }

  // Decides this tab's role: the writer lock if it is free (or stolen after "use here").
  function decideRole() {
    if (!navigator.locks) return Promise.resolve(true);
    var steal = false;
    try {
      steal = sessionStorage.getItem(TAKE_OVER_KEY) === '1';
      sessionStorage.removeItem(TAKE_OVER_KEY);
    } catch (e) { steal = false; }
    return new Promise(function (resolve) {
      holdLock(steal ? { steal: true } : { ifAvailable: true }, function (granted) { resolve(granted); });
    });
  }

  function toMemory(reason) {
    st.mode = 'memory';
    st.writer = false;
    releaseLock();  // taken while the store was being opened: another tab may use the store
    st.problem = reason;
    st.image = null;
    st.durable = st.ticket;
    console.warn('kervan: working in memory:', reason);
  }

  function openChannel() {
    if (typeof BroadcastChannel !== 'function') return;
    channel = new BroadcastChannel(CHANNEL_NAME);
    channel.onmessage = function (e) {
      if (e.data && e.data.type === 'saved') catchUp();
    };
  }

  // Before main(): opens the store, decides the role, loads (and checks) the image.
  function start() {
    var hasIdb = false;
    try { hasIdb = !!window.indexedDB; } catch (e) { hasIdb = false; }
    if (!hasIdb) {
      toMemory('IndexedDB is not available in this browser mode');
      changed();
      return Promise.resolve();
    }
    // One retry: right after a crash the old browser may still hold the files for a moment.
    // The writer lock is asked for meanwhile (both wait on the browser, one after the other
    // took 20-60 ms more of every start).
    var role = decideRole();
    return KervanPageStore.open(DB_NAME).catch(function () {
      return new Promise(function (resolve) { setTimeout(resolve, 500); }).then(function () {
        return KervanPageStore.open(DB_NAME);
      });
    }).then(function (db) {
      st.db = db;
      return role;
    }).then(function (writer) {
      st.writer = writer;
      return KervanPageStore.load(st.db, writer ? st.owner : null);
    }).then(function (loaded) {
      performance.mark('kervan:store-read');
      st.image = loaded;
      st.stored = loaded.generation;
      st.storedSize = loaded.size;
      st.recordSize = loaded.recordSize;
      st.format = loaded.format;
      st.records = new Set(loaded.records);
      if (loaded.problem) {
        damaged(loaded.problem);
        return null;
      }
      if (st.writer && loaded.generation === 0 && loaded.size === 0) return migrate();
      if (st.writer && loaded.recordSize !== KervanPageStore.RECORD && loaded.size <= REWRITE_LIMIT && !loaded.packCount) {
        rewriteAll(loaded.image());
      }
      return null;
    }).then(function () {
      openChannel();
      refreshEstimate();
      changed();
      if (st.writer) {
        requestPersistence();
        compactLater(COMPACT_QUIET_MS);
      } else if (st.mode === 'indexeddb') {
        waitForWriterRole();
      }
    }, function (e) {
      toMemory('IndexedDB cannot be used (' + String((e && (e.message || e.name)) || e) + ')');
      changed();
    });
  }

  // The stored image failed its checks: read-only from here on, nothing written.
  function damaged(problem) {
    st.problem = st.mode === 'damaged' ? st.problem + '; ' + problem : problem;
    st.mode = 'damaged';
    st.writer = false;
    console.warn('kervan: the saved data looks damaged:', problem);
  }

  // Before main(): puts the image start() loaded into the module's memory. `reserve(size)`
  // makes room and returns a function giving the target bytes (null without the memory).
  // Resolves false when the memory cannot be had. Packs that cannot be read, or first bytes
  // that are not a database, make the store damaged.
  function placeImage(reserve) {
    var image = st.image;
    st.image = null;
    if (!image) return Promise.resolve(true);
    var whole = image instanceof Uint8Array;  // a migrated file
    var size = whole ? image.length : image.size;
    if (!size) return Promise.resolve(true);
    var view = reserve(size);
    if (!view) return Promise.resolve(false);
    if (whole) {
      view().set(image);
      return Promise.resolve(true);
    }
    return image.place(view).then(function (unreadable) {
      if (unreadable) damaged(unreadable + ' saved packs cannot be read');
      var head = String.fromCharCode.apply(null, view().subarray(0, 15));
      if (head !== KervanPageStore.SQLITE_MAGIC) damaged('the data does not start like a database');
      if (unreadable || head !== KervanPageStore.SQLITE_MAGIC) changed();
      return true;
    }, function (e) {
      damaged('the saved data cannot be read (' + String((e && (e.message || e.name)) || e) + ')');
      changed();
      return true;
    });
  }

  // An earlier version's IDBFS file becomes the first saved generation (the old copy stays).
  function migrate() {
    return KervanPageStore.readLegacy().then(function (bytes) {
      if (!bytes) return;
      st.image = bytes;
      st.migrated = true;
      st.ticket += 1;
      st.recordSize = KervanPageStore.RECORD;
      st.pending = wholeImage(bytes, st.recordSize, false);
      kick();
    });
  }

  // Every record of `image` as one batch (the current ticket).
  function wholeImage(image, R, rewrite) {
    var batch = { ticket: st.ticket, size: image.length, recordSize: R, records: new Map(), rewrite: rewrite };
    for (var n = 0; n * R < image.length; n++) {
      batch.records.set(n, image.slice(n * R, Math.min(image.length, (n + 1) * R)).buffer);
    }
    return batch;
  }

  // A store written with another record size (4 KiB by builds before 64 KiB records) is
  // rewritten once in RECORD-sized records: one transaction that clears the old records and
  // puts the new ones with the new size in the meta record, so a crash or a failure leaves
  // the old store as it was (the next start tries again). Commits made meanwhile use the new
  // size and are saved after it (or merged into it if it fails and is retried).
  // Only up to REWRITE_LIMIT: at 464 MB the one transaction did not finish in 20 s on the
  // test machine, every save behind it waited, and the image was held twice more in memory.
  // A larger store keeps its record size (it is read and written as it is).
  function rewriteAll(image) {
    if (!image || !image.length || image.length > REWRITE_LIMIT) return;
    st.recordSize = KervanPageStore.RECORD;
    st.pending = wholeImage(image, st.recordSize, true);
    kick();
  }

  function status() {
    return {
      mode: st.mode,
      readOnly: st.mode === 'damaged' || (st.mode === 'indexeddb' && !st.writer),
      canTakeOver: st.mode === 'indexeddb' && !st.writer,
      stale: st.stale,
      persisted: st.persisted,
      usage: st.usage,
      quota: st.quota,
      lastSavedAt: st.lastSavedAt,
      generation: st.stored,
      unsaved: !!(st.pending || st.inFlight),
      error: st.error,
      problem: st.problem,
      migrated: st.migrated,
      unpacked: st.records.size
    };
  }

  // The page is going away or hidden: send what is queued now.
  function flushNow() { retryNow(); }

  return {
    hooks: hooks,
    start: start,
    commit: commit,
    holdFrame: holdFrame,
    noteInput: noteInput,
    placeImage: placeImage,
    isWriter: function () { return st.writer; },
    latestTicket: function () { return st.ticket; },
    durableTicket: function () { return st.durable; },
    error: function () { return st.error; },
    hasUnsaved: function () { return !!(st.pending || st.inFlight); },
    waitDurable: waitDurable,
    flush: function () { return waitDurable(st.ticket); },
    flushNow: flushNow,
    catchUp: catchUp,
    takeOver: takeOver,
    compact: compact,
    status: status,
    refreshEstimate: refreshEstimate
  };
})();
