// Kervan service worker: keeps the app usable offline.
// build-wasm.sh replaces the token below with a content hash, so every build gets a new
// cache and a byte-different worker, which is what makes browsers install the update.
'use strict';

const CACHE_PREFIX = 'kervan-';
const CACHE_NAME = CACHE_PREFIX + '__KERVAN_BUILD_ID__';

// Relative to this file, which sits at the scope root: works from any sub-path.
const PRECACHE = [
  './',
  'index.html',
  'kervan.js',
  'kervan.wasm',
  'manifest.webmanifest',
  'icon.svg',
  'icon-192.png',
  'icon-512.png',
];

// Emscripten's --preload-file bundle, when the build has one. Everything the app loads
// at run time must be listed here or above: a file that is only cached on first use is
// gone after the next update (new cache) and then missing offline.
const OPTIONAL_PRECACHE = ['kervan.data'];

const NAVIGATION_TIMEOUT_MS = 3000;

const scope = self.registration.scope;

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE_NAME);
    // 'no-cache' revalidates with the server: a stale HTTP-cached kervan.js must not end
    // up next to a new kervan.wasm under the new build's name.
    await cache.addAll(PRECACHE.map((url) => new Request(url, { cache: 'no-cache' })));
    for (const url of OPTIONAL_PRECACHE) {
      const request = new Request(url, { cache: 'no-cache' });
      const response = await fetch(request); // a network failure fails the install
      if (response.ok) await cache.put(request, response);
      else if (response.status !== 404) throw new Error(`precache ${url}: ${response.status}`);
    }
    await self.skipWaiting();
  })());
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    const ownShell = new URL('index.html', scope).href;
    for (const name of await caches.keys()) {
      if (!name.startsWith(CACHE_PREFIX) || name === CACHE_NAME) continue;
      // Cache storage is per origin: only remove old builds of this deployment, not of
      // another Kervan copy living under a different path on the same host.
      const cache = await caches.open(name);
      const keys = await cache.keys();
      if (keys.length === 0 || (await cache.match(ownShell))) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  if (!request.url.startsWith(scope)) return; // also rules out other origins
  if (request.headers.has('range')) return;   // partial responses cannot be cached
  if (request.mode === 'navigate') {
    event.respondWith(networkFirst(event));
  } else {
    event.respondWith(cacheFirst(event));
  }
});

function isCacheable(response) {
  // Redirected responses must not be replayed for navigations; 206 cannot be stored.
  return response.status === 200 && response.type === 'basic' && !response.redirected;
}

// Fetches and, on success, stores a copy. The clone is taken in a reaction registered
// before anyone else sees the response, so its body is still unread.
function fetchAndStore(event, request) {
  const network = fetch(request);
  event.waitUntil(network.then((response) => {
    if (!isCacheable(response)) return undefined;
    const copy = response.clone();
    return caches.open(CACHE_NAME).then((cache) => cache.put(request, copy));
  }).catch(() => undefined));
  return network;
}

async function cachedShell(request) {
  const cache = await caches.open(CACHE_NAME);
  const options = { ignoreSearch: true, ignoreVary: true };
  return (await cache.match(request, options)) ||
         (await cache.match(new URL('index.html', scope).href, options)) ||
         (await cache.match(scope, options));
}

// Pages: a fresh copy when the server answers quickly, otherwise the cached shell, so a
// reload works offline and a slow network does not hold the app hostage.
async function networkFirst(event) {
  const network = fetchAndStore(event, event.request);
  const timeout = new Promise((resolve) => setTimeout(resolve, NAVIGATION_TIMEOUT_MS, null));
  try {
    const response = await Promise.race([network, timeout]);
    // 5xx typically means a proxy in front of a server that is down.
    if (response && response.status < 500) return response;
  } catch (err) {
    // Network failure: fall through to the cache.
  }
  const cached = await cachedShell(event.request);
  if (cached) return cached;
  return network; // nothing cached: let the network answer (or fail) on its own time
}

// Build assets do not change within a build, so the cache answers first.
async function cacheFirst(event) {
  const cache = await caches.open(CACHE_NAME);
  const cached = await cache.match(event.request, { ignoreVary: true });
  if (cached) return cached;
  return fetchAndStore(event, event.request);
}
