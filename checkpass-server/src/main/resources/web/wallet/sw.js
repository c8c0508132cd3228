// The wallet's service worker: the page works offline; the credential itself lives in IndexedDB. It also renews the
// credential in the background (refresh.js), and tells open pages when it did.
import { serveShell } from '/shared/sw-shell.js';
import { REFRESH_TAG, openWalletStore, refreshDue, refreshStored } from './refresh.js';

serveShell('checkpass-wallet:v5', [
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

// Web Push (docs/pages.md): the centre sends {title, body, lang, link} encrypted for this browser (RFC 8291); the
// notification is shown in the language the centre rendered it in. A payload that cannot be read still shows a
// notice in both languages: a push must always show something (userVisibleOnly), and the holder learns to open the
// wallet. A tap opens (or focuses) the wallet.
const FALLBACK = {
  ko: { title: '방역패스', body: '새 알림이 있습니다. 지갑을 열어 확인하세요.' },
  en: { title: 'Health pass', body: 'You have a new notice: open the wallet to read it.' },
};

function readPush(data) {
  try {
    const json = data ? data.json() : null;
    if (json && typeof json.title === 'string' && typeof json.body === 'string') {
      return { title: json.title, body: json.body, lang: json.lang === 'en' ? 'en' : 'ko', id: json.id };
    }
  } catch (e) {
    // not JSON: the fallback below
  }
  return { title: FALLBACK.ko.title + ' · ' + FALLBACK.en.title, body: FALLBACK.ko.body + '\n' + FALLBACK.en.body, lang: 'ko' };
}

self.addEventListener('push', (event) => {
  const message = readPush(event.data);
  event.waitUntil((async () => {
    await self.registration.showNotification(message.title, {
      body: message.body,
      lang: message.lang,
      tag: message.id !== undefined ? 'checkpass-' + message.id : 'checkpass-push',
      icon: '/wallet/icon.svg',
      data: { url: '/wallet/' },
    });
    for (const client of await self.clients.matchAll({ type: 'window', includeUncontrolled: true })) {
      client.postMessage({ type: 'push-shown', title: message.title, body: message.body, lang: message.lang });
    }
  })());
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  event.waitUntil((async () => {
    const url = new URL((event.notification.data && event.notification.data.url) || '/wallet/', self.location.origin).href;
    for (const client of await self.clients.matchAll({ type: 'window', includeUncontrolled: true })) {
      if (client.url.startsWith(self.location.origin + '/wallet/') && 'focus' in client) return client.focus();
    }
    return self.clients.openWindow(url);
  })());
});
