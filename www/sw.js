// Signpost's service worker: keeps the app shell and both WebAssembly files
// so the page opens and works with the network off after the first visit.
// scripts/sw-version.py fills in VERSION (a hash of every file listed) and
// FILES after each build, so a new deployment is a new cache: it installs
// beside the old one, waits, and the page offers to reload into it.
// Same-origin only: nothing here ever contacts another server.
const VERSION = '__SIGNPOST_VERSION__';
const FILES = __SIGNPOST_FILES__;
const CACHE = `signpost-${VERSION}`;

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(FILES.map((f) => `./${f}`))));
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith('signpost-') && name !== CACHE) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

// The page's "Reload" button on the update notice.
self.addEventListener('message', (event) => {
  if (event.data === 'skip-waiting') self.skipWaiting();
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  event.respondWith((async () => {
    const cache = await caches.open(CACHE);
    // Every page address (/, /index.html, /#demo) is the one shell.
    const key = request.mode === 'navigate' ? './index.html' : request;
    const hit = await cache.match(key, { ignoreSearch: true });
    return hit ?? fetch(request);
  })());
});
