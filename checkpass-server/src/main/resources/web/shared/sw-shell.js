// The offline shell both service workers share: the page's files are cached on install and served network-first
// (updates arrive whenever the centre answers, within 3 s), falling back to the cache when it does not. API calls
// are never cached: the pages keep their own data (credential, bundle, queue) in IndexedDB.

export function serveShell(cacheName, files) {
  self.addEventListener('install', (event) => {
    event.waitUntil(caches.open(cacheName).then((cache) => cache.addAll(files)).then(() => self.skipWaiting()));
  });
  self.addEventListener('activate', (event) => {
    event.waitUntil(caches.keys()
      .then((names) => Promise.all(names.filter((n) => n.startsWith(cacheName.split(':')[0] + ':') && n !== cacheName).map((n) => caches.delete(n))))
      .then(() => self.clients.claim()));
  });
  self.addEventListener('fetch', (event) => {
    const url = new URL(event.request.url);
    if (event.request.method !== 'GET' || url.origin !== location.origin || url.pathname.includes('/api/')) return;
    event.respondWith(networkFirst(cacheName, event.request));
  });
}

async function networkFirst(cacheName, req) {
  const cache = await caches.open(cacheName);
  try {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), 3000);
    const response = await fetch(req, { signal: controller.signal });
    clearTimeout(timer);
    if (response.ok) await cache.put(req, response.clone());
    return response;
  } catch (e) {
    const cached = await cache.match(req, { ignoreSearch: true });
    if (cached) return cached;
    throw e;
  }
}
