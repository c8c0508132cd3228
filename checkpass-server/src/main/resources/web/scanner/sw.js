// The scanner's service worker: the door page loads with the centre down; bundle and queue live in IndexedDB.
import { serveShell } from '/shared/sw-shell.js';

serveShell('checkpass-scanner:v7', [
  '/scanner/', '/scanner/scanner.js', '/scanner/qr-worker.js', '/shared/qr-decode.js', '/scanner/scanner.css', '/scanner/manifest.webmanifest', '/scanner/icon.svg',
  '/shared/style.css', '/shared/checkpass.js', '/shared/foreign.js', '/shared/status.js', '/shared/i18n.js', '/shared/clock.js', '/shared/test-hooks.js', '/shared/store.js', '/shared/api.js',
  '/shared/uuid7.js', '/shared/phone.mjs', '/shared/problems.js', '/shared/vendor/jsQR.js',
]);
