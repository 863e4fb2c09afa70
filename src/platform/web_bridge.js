// Kervan's browser bridge (emcc --pre-js, after page_store.js and page_sync.js). It owns what
// only the page can do: loading the stored database image before main() runs (KervanStorage),
// keyboard/clipboard fixes for emscripten's GLFW, waking the main loop on input, the storage
// banner, and window.kervan.


(function () {
  'use strict';
  var storage = KervanStorage;
  var bridge = {
    clipboard: '',
    readyResolve: null,
    readyReject: null,
    deviceId: '',
    started: false
  };
  var ready = new Promise(function (resolve, reject) {
    bridge.readyResolve = resolve;
    bridge.readyReject = reject;
  });
  ready.catch(function () {});

  // Storage reports can come before the module is instantiated (the store is read while it
  // loads): it is called only once its runtime is up (emscripten's runtimeInitialized); main()
  // reads the storage state itself when it starts.
  function wake(frames) {
    if (runtimeInitialized && Module._kervan_wake) Module._kervan_wake(frames || 3);
  }

  // What KervanStorage needs from the module.
  storage.hooks.wake = wake;
  storage.hooks.ready = function () { return bridge.started; };
  storage.hooks.isIdle = function () { return Module._kervan_image_idle() !== 0; };
  // The image in the module's memory, for compaction (valid until the next module call).
  storage.hooks.imageView = function () {
    var at = Module._kervan_image_data();
    return HEAPU8.subarray(at, at + Module._kervan_image_size());
  };
  storage.hooks.setReadOnly = function (flag) { if (runtimeInitialized) Module._kervan_set_read_only(flag ? 1 : 0); };
  storage.hooks.applyBlocks = function (size, records, recordSize) {
    var base = Module._kervan_image_reserve(size, 0);
    if (!base) throw new Error('There is not enough memory for the saved data (' + Math.round(size / 1048576) + ' MB)');
    for (var i = 0; i < records.length; i++) {
      var r = records[i];
      var bytes = new Uint8Array(r.d);
      var room = Math.max(0, Math.min(bytes.length, size - r.n * recordSize));
      if (room) HEAPU8.set(bytes.subarray(0, room), base + r.n * recordSize);
    }
    Module._kervan_image_replaced();
  };
  storage.hooks.banner = function (status) {
    if (window.kervanStorageBanner) window.kervanStorageBanner(status, storage.takeOver);
  };

  // Tickets are commits: latestTicket() is the last write transaction handed to storage.
  bridge.requestPersist = function () { return storage.latestTicket(); };
  bridge.durableTicket = function () { return storage.durableTicket(); };
  bridge.persistError = function () { return storage.error(); };
  bridge.statusJson = function () { return JSON.stringify(storage.status()); };
  bridge.waitDurable = storage.waitDurable;
  // Whether the stored image is in the module's memory (placed before main() ran, below);
  // false when the module could not get the memory for it. Read by main_web.cpp.
  bridge.imagePlaced = true;
  bridge.loadImage = function () { return bridge.imagePlaced; };
  bridge.allocString = function (text) {
    var size = lengthBytesUTF8(text) + 1;
    var p = _malloc(size);
    stringToUTF8(text, p, size);
    return p;
  };
  bridge.setClipboard = function (text) {
    bridge.clipboard = text;
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(text).catch(function () {});
    }
  };
  bridge.ready = function (deviceId) {
    performance.mark('kervan:main-ready');
    bridge.deviceId = deviceId;
    bridge.started = true;
    bridge.readyResolve();
    storage.hooks.banner(storage.status());
    storage.catchUp();
  };
  bridge.fatal = function (message) {
    bridge.readyReject(new Error(message));
    if (!window.kervanFatal) return;
    var status = storage.status();
    if (status.mode === 'damaged') {
      // Say what is wrong with the data in plain words; SQLite's message goes to the details.
      window.kervanFatal(
        'Kayıtlı veriler hasarlı ve açılamıyor (' + status.problem + '). Hiçbir şey değiştirilmedi veya silinmedi.',
        'The saved data is damaged and cannot be opened (' + status.problem + '). Nothing was changed or deleted.',
        message);
      return;
    }
    window.kervanFatal(message, message);
  };
  Module.kervanBridge = bridge;

  function sendText(text) {
    if (!Module._kervan_input_text || !text) return;
    var p = bridge.allocString(text);
    Module._kervan_input_text(p);
    _free(p);
  }

  // Storage: the stored image is read (and checked) before main() runs; a run dependency
  // holds main() back until then. The read starts now, while the module is still being
  // downloaded and compiled, not after (preRun runs only once the module is instantiated).
  var storageStarted = storage.start();
  Module.preRun = Module.preRun || [];
  Module.preRun.push(function () {
    addRunDependency('kervan-load-data');
    storageStarted.then(function () { removeRunDependency('kervan-load-data'); });
  });
  // The image goes into the module's memory after the runtime started (the VFS's buffer
  // exists) and before main() opens it: main() is held back (noInitialRun) until then, and
  // every pack is copied straight into place as it is read.
  Module.noInitialRun = true;
  // performance marks "kervan:<step>" time the start (read by the benchmark).
  Module.onRuntimeInitialized = function () {
    performance.mark('kervan:runtime-ready');
    storage.placeImage(function (size) {
      // Every byte is written by place() (holes become zeros), so none is zeroed first.
      var base = Module._kervan_image_reserve(size, 1);
      // HEAPU8 is read anew each time: growing the memory replaces it.
      return base ? function () { return HEAPU8.subarray(base, base + size); } : null;
    }).then(function (placed) {
      performance.mark('kervan:image-placed');
      bridge.imagePlaced = placed;
      callMain();
    });
  };

  // Input: wake the main loop on anything the user does.
  ['keydown', 'keyup', 'keypress', 'mousedown', 'mouseup', 'mousemove', 'wheel', 'touchstart',
   'touchmove', 'touchend', 'focus', 'blur', 'resize', 'paste'].forEach(function (type) {
    window.addEventListener(type, function () { storage.noteInput(); wake(); }, { capture: true, passive: true });
  });
  window.addEventListener('resize', function () { wake(4); });

  // Ctrl/Cmd shortcuts belong to the app (Ctrl+F search, Ctrl+S save...), not the browser.
  // Copy, cut and paste keep their default so the clipboard events still fire; reload too.
  window.addEventListener('keydown', function (e) {
    if ((e.ctrlKey || e.metaKey) && !e.altKey) {
      var key = (e.key || '').toLowerCase();
      if (key !== 'c' && key !== 'v' && key !== 'x' && key !== 'r' && key.length === 1) e.preventDefault();
    }
  }, true);

  // AltGr arrives as Ctrl+Alt on Windows, and GLFW drops characters typed with Ctrl held:
  // pass them on ourselves so @, €, ₺, {, } can be typed on a Turkish-Q keyboard.
  window.addEventListener('keypress', function (e) {
    if (e.ctrlKey && e.altKey && !e.metaKey && e.charCode >= 32) {
      sendText(String.fromCharCode(e.charCode));
    }
  }, true);

  window.addEventListener('paste', function (e) {
    var text = e.clipboardData ? e.clipboardData.getData('text/plain') : '';
    if (text) {
      sendText(text);
      e.preventDefault();
    }
  }, true);

  // Flush when the page is hidden; warn before leaving with a write still in flight.
  document.addEventListener('visibilitychange', function () {
    if (document.visibilityState === 'hidden') storage.flushNow();
  });
  window.addEventListener('pagehide', function () { storage.flushNow(); });
  window.addEventListener('beforeunload', function (e) {
    if (storage.hasUnsaved()) {
      storage.flushNow();
      e.preventDefault();
      e.returnValue = '';
    }
  });

  // emscripten's stringToUTF8 pairs a lone surrogate with whatever follows it, silently
  // turning bad text into a different character: refuse such text before it gets there.
  var loneSurrogate = /[\ud800-\udbff](?![\udc00-\udfff])|(?:^|[^\ud800-\udbff])[\udc00-\udfff]/;
  function isWellFormed(text) {
    return typeof text.isWellFormed === 'function' ? text.isWellFormed() : !loneSurrogate.test(text);
  }

  function callText(name, argsText) {
    if (!isWellFormed(name) || !isWellFormed(argsText)) {
      return JSON.stringify({ error: { code: 'invalid_utf8', message: 'The text is not valid Unicode (a lone surrogate)', field: isWellFormed(name) ? 'args' : 'command' } });
    }
    var nameSize = lengthBytesUTF8(name) + 1;
    var argsSize = lengthBytesUTF8(argsText) + 1;
    var namePtr = _malloc(nameSize);
    var argsPtr = _malloc(argsSize);
    stringToUTF8(name, namePtr, nameSize);
    stringToUTF8(argsText, argsPtr, argsSize);
    try {
      return UTF8ToString(Module._kervan_call(namePtr, argsPtr));
    } finally {
      _free(namePtr);
      _free(argsPtr);
    }
  }

  window.kervan = {
    // Resolves with the command's JSON reply once a change is durable in IndexedDB.
    // args: an object, or JSON text. Errors come back as {error: {code, message, field}}.
    call: function (name, args) {
      return ready.then(function () {
        var text;
        if (typeof args === 'string') text = args;
        else if (args === undefined || args === null) text = '{}';
        else {
          try { text = JSON.stringify(args); } catch (e) {
            return { error: { code: 'invalid_args', message: 'The arguments cannot be turned into JSON: ' + e.message, field: 'args' } };
          }
          if (text === undefined) text = 'null';
        }
        var replyText = callText(String(name), text);
        var reply = JSON.parse(replyText);
        var ticket = reply.error ? 0 : Module._kervan_last_ticket();
        if (!ticket) return reply;
        return storage.waitDurable(ticket).then(function (ok) {
          if (ok) return reply;
          // Done in this tab's memory but not stored: the reply rides along for the caller.
          return { error: { code: 'not_saved', message: 'The change was not saved to browser storage: ' + (storage.error() || 'this tab is read-only') }, result: reply };
        });
      });
    },
    // sync.export streamed out of the module: resolves with sync.export's reply (without
    // "document") plus `blob`, the file as a Blob built from the chunks (the text is never
    // whole in the wasm heap). args as sync.export's: {}, {since_peer}, {peer}, {since}.
    exportSync: function (args) {
      return ready.then(function () {
        var argsPtr = bridge.allocString(JSON.stringify(args || {}));
        Module.kervanExportParts = [];
        var replyText;
        try {
          replyText = UTF8ToString(Module._kervan_export_sync(argsPtr));
        } finally {
          _free(argsPtr);
        }
        var parts = Module.kervanExportParts;
        Module.kervanExportParts = null;
        var reply = JSON.parse(replyText);
        if (reply.error) return reply;
        reply.blob = new Blob(parts, { type: 'application/json' });
        var ticket = Module._kervan_last_ticket();
        if (!ticket) return reply;
        return storage.waitDurable(ticket).then(function (ok) {
          return ok ? reply : { error: { code: 'not_saved', message: 'The export was made but not recorded in browser storage: ' + (storage.error() || 'this tab is read-only') }, result: reply };
        });
      });
    },
    // sync.import of a sync file given as a Blob/File, ArrayBuffer, Uint8Array or text, read
    // record by record in the module; options {dry_run}. Resolves with the report.
    importSync: function (file, options) {
      var dryRun = !!(options && options.dry_run);
      return ready.then(function () {
        if (typeof file === 'string') return new TextEncoder().encode(file);
        if (file instanceof Uint8Array) return file;
        if (file instanceof ArrayBuffer) return new Uint8Array(file);
        return file.arrayBuffer().then(function (b) { return new Uint8Array(b); });
      }).then(function (bytes) {
        var ptr = _malloc(Math.max(bytes.length, 1));
        if (!ptr) return { error: { code: 'out_of_memory', message: 'The file is too large to load' } };
        var replyText;
        try {
          HEAPU8.set(bytes, ptr);
          replyText = UTF8ToString(Module._kervan_import_sync(ptr, bytes.length, dryRun ? 1 : 0));
        } finally {
          _free(ptr);
        }
        var reply = JSON.parse(replyText);
        var ticket = reply.error ? 0 : Module._kervan_last_ticket();
        if (!ticket) return reply;
        return storage.waitDurable(ticket).then(function (ok) {
          return ok ? reply : { error: { code: 'not_saved', message: 'The change was not saved to browser storage: ' + (storage.error() || 'this tab is read-only') }, result: reply };
        });
      });
    },
    // Resolves true when every change so far is durable (false when a save failed).
    flush: function () { return storage.flush(); },
    ready: ready,
    // {mode: indexeddb|memory|damaged, readOnly, canTakeOver, stale, persisted, usage, quota,
    //  lastSavedAt, generation, unsaved, error, problem, migrated}
    storage: function () { return storage.status(); },
    // Makes this tab the writer (the other tab turns read-only). Resolves true when done.
    takeOver: function () { return storage.takeOver(); },
    // Folds every saved record into packs now (normally done a while after saves): resolves
    // true when done, false when it could not run (a read-only tab, a save under way).
    compactStorage: function () {
      return ready.then(function () { return storage.flush(); }).then(function () { return storage.compact(); });
    },
    // PRAGMA integrity_check over the open image: {ok, problems: [...]}.
    checkIntegrity: function () {
      return ready.then(function () { return JSON.parse(UTF8ToString(Module._kervan_integrity_check())); });
    },
    ui: {
      // The widgets of the last drawn frame: [{label, id, window, x, y, w, h, active, focused}].
      items: function () { return JSON.parse(UTF8ToString(Module._kervan_ui_items())); },
      frames: function () { return Module._kervan_frames_drawn(); },
      // Summed ms of all drawn frames: {app: the app's own work, gl: handing them to WebGL}.
      frameTimes: function () { return { app: Module._kervan_frame_ms(0), gl: Module._kervan_frame_ms(1) }; },
      clipboard: function () { return bridge.clipboard; }
    }
  };
})();
