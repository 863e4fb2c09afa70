// Kervan's browser bridge (emcc --pre-js). It owns what only the page can do: mounting
// IndexedDB storage before main() runs, persisting after each write, keyboard/clipboard
// fixes for emscripten's GLFW, waking the main loop on input, and window.kervan.


(function () {
  'use strict';
  var bridge = {
    storage: 'indexeddb',      // or 'memory' when IndexedDB cannot be used
    requested: 0,              // persistence tickets handed out
    durable: 0,                // highest ticket whose write completed
    running: false,
    error: '',
    waiters: [],               // {ticket, resolve}
    clipboard: '',
    readyResolve: null,
    readyReject: null,
    deviceId: ''
  };
  var ready = new Promise(function (resolve, reject) {
    bridge.readyResolve = resolve;
    bridge.readyReject = reject;
  });
  ready.catch(function () {});

  function wake(frames) {
    if (Module._kervan_wake) Module._kervan_wake(frames || 3);
  }

  function settleWaiters() {
    bridge.waiters = bridge.waiters.filter(function (w) {
      if (w.ticket <= bridge.durable) { w.resolve(true); return false; }
      if (bridge.error && !bridge.running && w.ticket <= bridge.failedTicket) { w.resolve(false); return false; }
      return true;
    });
  }

  // One IDBFS sync at a time; a request made during a sync is covered by the next one.
  function schedule() {
    if (bridge.running || bridge.durable >= bridge.requested) return;
    if (bridge.storage !== 'indexeddb') {
      bridge.durable = bridge.requested;
      settleWaiters();
      return;
    }
    var target = bridge.requested;
    bridge.running = true;
    FS.syncfs(false, function (err) {
      bridge.running = false;
      if (err) {
        bridge.error = String((err && (err.message || err.name || err.errno)) || err);
        bridge.failedTicket = target;
        console.warn('kervan: saving to IndexedDB failed:', bridge.error);
      } else {
        bridge.error = '';
        bridge.durable = Math.max(bridge.durable, target);
      }
      settleWaiters();
      wake();
      if (!err) schedule();
    });
  }

  bridge.requestPersist = function () {
    bridge.requested += 1;
    var ticket = bridge.requested;
    schedule();
    return ticket;
  };
  bridge.durableTicket = function () { return bridge.durable; };
  bridge.persistError = function () { return bridge.error; };
  bridge.waitDurable = function (ticket) {
    if (ticket <= bridge.durable) return Promise.resolve(true);
    return new Promise(function (resolve) {
      bridge.waiters.push({ ticket: ticket, resolve: resolve });
      schedule();
    });
  };
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
    bridge.deviceId = deviceId;
    bridge.readyResolve();
  };
  bridge.fatal = function (message) {
    bridge.readyReject(new Error(message));
    if (window.kervanFatal) {
      window.kervanFatal(message, message);
    }
  };
  Module.kervanBridge = bridge;

  function sendText(text) {
    if (!Module._kervan_input_text || !text) return;
    var p = bridge.allocString(text);
    Module._kervan_input_text(p);
    _free(p);
  }

  // Storage: the database file lives under /data, mirrored to IndexedDB by IDBFS. Loading
  // finishes before main() runs (a run dependency holds it back).
  Module.preRun = Module.preRun || [];
  Module.preRun.push(function () {
    FS.mkdir('/data');
    var hasIdb = false;
    try { hasIdb = !!window.indexedDB; } catch (e) { hasIdb = false; }
    if (!hasIdb) {
      bridge.storage = 'memory';
      return;
    }
    FS.mount(IDBFS, {}, '/data');
    addRunDependency('kervan-load-data');
    FS.syncfs(true, function (err) {
      if (err) {
        bridge.storage = 'memory';
        console.warn('kervan: IndexedDB unavailable, working in memory:', err);
      }
      removeRunDependency('kervan-load-data');
    });
  });

  // Input: wake the main loop on anything the user does.
  ['keydown', 'keyup', 'keypress', 'mousedown', 'mouseup', 'mousemove', 'wheel', 'touchstart',
   'touchmove', 'touchend', 'focus', 'blur', 'resize', 'paste'].forEach(function (type) {
    window.addEventListener(type, function () { wake(); }, { capture: true, passive: true });
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
    if (document.visibilityState === 'hidden') schedule();
  });
  window.addEventListener('beforeunload', function (e) {
    if (bridge.durable < bridge.requested) {
      schedule();
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
        return bridge.waitDurable(ticket).then(function (ok) {
          if (ok) return reply;
          return { error: { code: 'not_saved', message: 'The change could not be saved to browser storage: ' + bridge.error } };
        });
      });
    },
    // Resolves when every change so far is durable.
    flush: function () { return bridge.waitDurable(bridge.requested); },
    ready: ready,
    storage: function () { return bridge.storage; },
    ui: {
      // The widgets of the last drawn frame: [{label, id, window, x, y, w, h, active, focused}].
      items: function () { return JSON.parse(UTF8ToString(Module._kervan_ui_items())); },
      frames: function () { return Module._kervan_frames_drawn(); },
      clipboard: function () { return bridge.clipboard; }
    }
  };
})();
