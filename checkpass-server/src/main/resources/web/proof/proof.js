// The proof-link page (/p/<token>, docs/pages.md "Proof links"): states the last valid day as every page does
// (shared/dates.js), marks an ended pass, and keeps the page for offline use: the service worker (/p/sw.js) serves
// it from its cache when the centre cannot be reached, so a pass opened once opens at the door without a signal.
import { formatValidUntil } from '/shared/dates.js';
import { pageClock } from '/shared/clock.js';

const CACHE = 'checkpass-proof:v1';
const SHELL = ['/p/proof.js', '/shared/dates.js', '/shared/clock.js', '/shared/test-hooks.js', '/shared/icon.svg'];
const clock = pageClock('proof');
const body = document.body;
const until = Date.parse(body.dataset.validUntil || '');

function showValidity() {
  if (Number.isNaN(until)) return;
  document.getElementById('until').textContent = formatValidUntil(until, 'ko');
  document.getElementById('untilEn').textContent = formatValidUntil(until, 'en');
  const ended = clock.now() >= until;
  document.getElementById('expired').hidden = !ended;
  document.getElementById('qr').hidden = ended;
  document.getElementById('save').hidden = ended;
  body.dataset.ended = String(ended);
}

async function keepForOffline() {
  if (!('serviceWorker' in navigator) || !('caches' in window)) return;
  await navigator.serviceWorker.register('/p/sw.js', { scope: '/p/' });
  await navigator.serviceWorker.ready;
  const cache = await caches.open(CACHE);
  if (body.dataset.state === 'shown') {
    // This first visit came before the worker ran: the page goes into its cache now, with what it loads.
    await cache.addAll([location.pathname, ...SHELL]);
    body.dataset.offlineReady = 'true';
  } else {
    await cache.delete(location.pathname);
  }
}

showValidity();
setInterval(showValidity, 60000);
keepForOffline().catch((e) => console.warn('no offline copy', e));
