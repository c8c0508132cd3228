// The wallet's service worker: the page works offline; the credential itself lives in IndexedDB.
import { serveShell } from '/shared/sw-shell.js';

serveShell('checkpass-wallet:v2', [
  '/wallet/', '/wallet/wallet.js', '/wallet/wallet.css', '/wallet/manifest.webmanifest', '/wallet/icon.svg',
  '/shared/style.css', '/shared/checkpass.js', '/shared/i18n.js', '/shared/clock.js', '/shared/test-hooks.js', '/shared/store.js', '/shared/api.js',
  '/shared/qr.js', '/shared/vendor/qrcode.mjs',
]);
