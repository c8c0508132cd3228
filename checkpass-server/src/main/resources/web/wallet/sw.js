// The wallet's service worker: the page works offline; the credential itself lives in IndexedDB. It also renews the
// credential in the background (refresh.js), and tells open pages when it did.
import { serveShell } from '/shared/sw-shell.js';
import { REFRESH_TAG, openWalletStore, refreshDue, refreshStored } from './refresh.js';

serveShell('checkpass-wallet:v4', [
  '/wallet/', '/wallet/wallet.js', '/wallet/refresh.js', '/wallet/wallet.css', '/wallet/manifest.webmanifest', '/wallet/icon.svg',
  '/shared/style.css', '/shared/checkpass.js', '/shared/i18n.js', '/shared/clock.js', '/shared/test-hooks.js', '/shared/store.js', '/shared/api.js',
  '/shared/qr.js', '/shared/dates.js', '/shared/problems.js', '/shared/foreign.js', '/shared/status.js', '/shared/vendor/qrcode.mjs',
]);

/** Refreshes if due (always when {@code force}); a failure waits for the next occasion: the pass in hand still works. */
async function backgroundRefresh(force, nowMs) {
  const store = await openWalletStore();
  const credential = await store.get('credential', 'current');
  if (!force && !refreshDue(credential, nowMs)) return;
  try {
    await refreshStored(store, nowMs);
  } catch (e) {
    return;
  }
  for (const client of await self.clients.matchAll({ type: 'window' })) client.postMessage({ type: 'credential-updated' });
}

self.addEventListener('periodicsync', (event) => {
  if (event.tag === REFRESH_TAG) event.waitUntil(backgroundRefresh(false, Date.now()));
});
self.addEventListener('sync', (event) => {
  if (event.tag === REFRESH_TAG) event.waitUntil(backgroundRefresh(false, Date.now()));
});
self.addEventListener('message', (event) => {
  if (event.data && event.data.type === REFRESH_TAG) {
    event.waitUntil(backgroundRefresh(true, typeof event.data.now === 'number' ? event.data.now : Date.now()));
  }
});
