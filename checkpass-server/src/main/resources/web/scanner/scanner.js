// The venue's scanner: verifies CP1: passes and foreign ones (EU DCC, SHC, NZCP) in the page against the cached,
// pinned trust bundle (no server call on the door path), shows a full-screen verdict, and queues check-ins in IndexedDB for batched upload with backoff.
import { Verifier, ReplayMemory, acceptBundle, pointOfPem, hex, reasonText, statusById } from '/shared/checkpass.js';
import { setupLanguage, t, pick, lang } from '/shared/i18n.js';
import { pageClock } from '/shared/clock.js';
import { openStore } from '/shared/store.js';
import { request, getJson, basic, ApiError } from '/shared/api.js';
import { uuid7 } from '/shared/uuid7.js';
import { canonicalPhone } from '/shared/phone.mjs';

const CREDS = 'checkpass.scanner.signin';
const VENUE_TYPE = 'checkpass.scanner.venueType';
const REPLAYS = 'checkpass.scanner.replays';
const BATCH = 1000;
const VERDICT_MS = 3000;
const BUNDLE_REFRESH_MS = 60000;

const $ = (id) => document.getElementById(id);
const clock = pageClock('scanner');
let store;
let creds = JSON.parse(localStorage.getItem(CREDS) || 'null');
let verifier = null;
let bundleInfo = { version: null, checkedAt: null, error: null };
let stream = null;
let scanTimer = null;
let judged = { text: null, at: 0, lastSeen: 0 };
let verdictTimer = null;
let audio = null;
let scans = 0;
const sync = { uploading: false, failures: 0, nextAttempt: 0, lastSync: null, error: null, rejected: 0, duplicates: 0, refusedWhy: null };

setupLanguage({
  title: ['출입 확인', 'Door check'],
  signinTitle: ['스캐너 로그인', 'Scanner sign-in'],
  scannerId: ['스캐너 ID', 'Scanner id'],
  secret: ['비밀번호', 'Secret'],
  signin: ['로그인', 'Sign in'],
  signinFailed: ['스캐너 ID 또는 비밀번호가 맞지 않습니다.', 'Wrong scanner id or secret.'],
  notScanner: ['이 계정은 스캐너가 아닙니다.', 'This client is not a scanner.'],
  venueType: ['시설 유형', 'Venue type'],
  cameraStart: ['카메라 켜기', 'Start camera'],
  cameraStop: ['카메라 끄기', 'Stop camera'],
  cameraOn: ['QR 코드를 비춰 주세요', 'Show a QR code'],
  cameraOff: ['카메라 꺼짐', 'Camera off'],
  cameraDenied: ['카메라를 쓸 수 없습니다: {why}', 'No camera: {why}'],
  manual: ['수기 출입 등록', 'Manual entry'],
  manualTitle: ['수기 출입 등록', 'Manual entry'],
  manualHelp: ['휴대폰이 없는 방문자: 연락처를 받고 확인 방법을 고르세요.', 'Visitors without a phone app: take a contact number and say how you checked their pass.'],
  phone: ['전화번호', 'Phone number'],
  visitorName: ['이름', 'Name'],
  checkMethod: ['확인 방법', 'How the pass was checked'],
  paper_certificate: ['종이 증명서', 'Paper certificate'],
  id_sticker: ['신분증 스티커', 'ID-card sticker'],
  verbal: ['구두 확인', 'Asked verbally'],
  app: ['앱 화면', 'App screen'],
  record: ['등록', 'Record'],
  close: ['닫기', 'Close'],
  badPhone: ['전화번호를 확인하세요 (예: 010-1234-5678).', 'Check the phone number (e.g. 010-1234-5678).'],
  recorded: ['등록되었습니다.', 'Recorded.'],
  queue: ['전송 대기', 'Waiting to upload'],
  lastSync: ['마지막 전송', 'Last upload'],
  bundle: ['신뢰 목록', 'Trust bundle'],
  scans: ['확인 건수', 'Scans'],
  signout: ['로그아웃', 'Sign out'],
  online: ['온라인', 'Online'],
  offline: ['오프라인', 'Offline'],
  uploading: ['전송 중', 'uploading'],
  alreadyStored: ['{n}건은 이미 저장되어 있었음', '{n} were already stored'],
  refused: ['{n}건은 센터가 거부함 (예: {why})', '{n} refused by the centre (e.g. {why})'],
  retryIn: ['{s}초 후 재시도', 'retry in {s} s'],
  bundleState: ['버전 {v} · {at} 확인', 'version {v} · checked {at}'],
  bundleStale: ['버전 {v} · 갱신 실패 ({why})', 'version {v} · refresh failed ({why})'],
  tapToClose: ['화면을 누르면 닫힙니다', 'Tap to close'],
  ADMIT: ['입장', 'ADMIT'],
  ADMIT_LIMITED: ['조건부 입장', 'ADMIT, WITH CONDITION'],
  CHECK_ID: ['신분증 확인', 'CHECK ID'],
  DENY: ['입장 불가', 'DENY'],
}, () => { renderStatus(); fillVenueTypes(); });

function formatTime(ms) {
  return ms === null ? '-' : new Date(ms).toLocaleTimeString(lang() === 'ko' ? 'ko-KR' : 'en-GB', { timeZone: 'Asia/Seoul' });
}

// The scanner's secret is never kept: sign-in trades it for an HttpOnly session cookie the browser sends with every
// API call and no script on this origin can read. A sign-in kept by an older page version still holds its secret:
// it is traded the same way once the centre answers, then forgotten.
function auth() {
  return creds && creds.secret ? basic(creds.scannerId, creds.secret) : undefined;
}

async function startSession(authorization) {
  await request('/api/v1/scanner-sessions', { method: 'POST', auth: authorization });
}

async function forgetKeptSecret() {
  if (!creds || !creds.secret) return;
  try {
    await startSession(auth());
    delete creds.secret;
    localStorage.setItem(CREDS, JSON.stringify(creds));
  } catch (e) {
    // offline, or the centre down: the next start tries again
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Sign-in and the trust bundle.

async function signIn(event) {
  event.preventDefault();
  $('signinError').textContent = '';
  unlockAudio();
  const scannerId = $('scannerId').value.trim();
  const secret = $('secret').value;
  try {
    // Pinned once, at sign-in: every later bundle must be signed by this key.
    const pem = await (await request('/api/v1/trust-anchor')).text();
    const anchor = await pointOfPem(pem);
    const me = await getJson('/api/v1/me', { auth: basic(scannerId, secret) });
    if (!me.roles.includes('scanner')) {
      $('signinError').textContent = t('notScanner');
      return;
    }
    await startSession(basic(scannerId, secret));
    creds = { scannerId, anchor: hex(anchor), venue: me.venue || null };
    localStorage.setItem(CREDS, JSON.stringify(creds));
    if (me.venue) localStorage.setItem(VENUE_TYPE, me.venue.venueType);
    await refreshBundle();
    await enterDoor();
  } catch (e) {
    $('signinError').textContent = e instanceof ApiError && e.status === 401 ? t('signinFailed') : e.message;
  }
}

/**
 * Accepts a bundle signed by the pinned key or by the next key a bundle announced (then pinned instead), never one
 * older than the version held (docs/adr/0014-key-rotation.md); what is held survives restarts with the credentials.
 */
async function installBundle(bytes) {
  const { bundle, held } = await acceptBundle(bytes, creds.trust || { anchor: creds.anchor, version: null, next: null });
  creds = { ...creds, anchor: held.anchor, trust: held };
  localStorage.setItem(CREDS, JSON.stringify(creds));
  if (verifier) verifier.install(bundle);
  else verifier = new Verifier(bundle, {}, new ReplayMemory(90000, 100000, JSON.parse(localStorage.getItem(REPLAYS) || '[]')));
  bundleInfo.version = bundle.version;
  fillVenueTypes();
}

/** If-None-Match with the cached ETag: 304 costs nothing; a new bundle is verified against the anchor before use. */
async function refreshBundle() {
  const stored = await store.get('bundle', 'current');
  try {
    // Without a verifier (the cached bundle was refused), ask for the bundle in full rather than for a 304.
    const response = await request('/api/v1/trust-bundle', { headers: verifier && stored && stored.etag ? { 'If-None-Match': stored.etag } : {} });
    if (response.status === 200) {
      const bytes = new Uint8Array(await response.arrayBuffer());
      await installBundle(bytes);
      await store.put('bundle', 'current', { bytes, etag: response.headers.get('ETag') });
    }
    bundleInfo.checkedAt = clock.now();
    bundleInfo.error = null;
  } catch (e) {
    bundleInfo.error = e.message;
  }
  renderStatus();
}

function fillVenueTypes() {
  if (!verifier) return;
  const select = $('venueType');
  const chosen = localStorage.getItem(VENUE_TYPE) || 'restaurant_cafe';
  select.innerHTML = '';
  for (const v of verifier.bundle.rules.venueTypes) {
    const option = document.createElement('option');
    option.value = v.code;
    option.textContent = pick(v);
    option.selected = v.code === chosen;
    select.appendChild(option);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Camera and verdicts.

async function startCamera() {
  try {
    stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment', width: { ideal: 640 }, height: { ideal: 480 } }, audio: false });
    $('video').srcObject = stream;
    await $('video').play();
    $('cameraState').textContent = t('cameraOn');
    $('cameraToggle').textContent = t('cameraStop');
    document.body.dataset.camera = 'on';
    scanTimer = setInterval(scanFrame, 120);
  } catch (e) {
    $('cameraState').textContent = t('cameraDenied', { why: e.message });
  }
}

function stopCamera() {
  clearInterval(scanTimer);
  if (stream) stream.getTracks().forEach((track) => track.stop());
  stream = null;
  $('video').srcObject = null;
  $('cameraState').textContent = t('cameraOff');
  $('cameraToggle').textContent = t('cameraStart');
  document.body.dataset.camera = 'off';
}

const frame = document.createElement('canvas');
let scanning = false;

async function scanFrame() {
  const video = $('video');
  if (scanning || !video.videoWidth) return;
  scanning = true;
  try {
    frame.width = video.videoWidth;
    frame.height = video.videoHeight;
    const g = frame.getContext('2d', { willReadFrequently: true });
    g.drawImage(video, 0, 0);
    const image = g.getImageData(0, 0, frame.width, frame.height);
    const code = self.jsQR(image.data, image.width, image.height, { inversionAttempts: 'dontInvert' });
    if (code && code.data) await onScanned(code.data);
  } finally {
    scanning = false;
  }
}

/**
 * A QR held in front of the camera is judged once: frames of the same text are ignored while it stays in view
 * (and for at most the 90 s a presentation can matter). Shown again after leaving the view, it is judged again.
 */
async function onScanned(text) {
  const now = Date.now();
  if (text === judged.text && now - judged.lastSeen < 2000 && now - judged.at < 90000) {
    judged.lastSeen = now;
    return;
  }
  judged = { text, at: now, lastSeen: now };
  await judge(text);
}

async function judge(text) {
  const venueType = $('venueType').value;
  // Foreign passes too are judged here, offline, against the bundle's foreign trust (result.foreignFormat).
  const result = await verifier.verify(text, venueType, clock.now());
  localStorage.setItem(REPLAYS, JSON.stringify(verifier.replay.entries()));
  scans++;
  show(result);
  await enqueue(checkIn(result));
}

function checkIn(result) {
  const record = { id: uuid7(clock.now()), channel: 'QR', verdict: result.verdict, reason: result.reason,
    scannedAt: new Date(clock.now()).toISOString() };
  if (result.foreignFormat) {
    record.format = result.foreignFormat;
    if (result.serial) record.passRef = result.serial;
  } else {
    record.format = 'CP1';
    if (result.serial) record.serial = result.serial;
  }
  return record;
}

const COLORS = { ADMIT: 'green', ADMIT_LIMITED: 'amber', CHECK_ID: 'amber', DENY: 'red' };

function show(result) {
  const v = $('verdict');
  v.dataset.color = COLORS[result.verdict] || 'red';
  v.dataset.verdict = result.verdict;
  v.dataset.reason = result.reason;
  v.dataset.scan = String(scans);
  $('verdictTitle').textContent = t(result.verdict);
  $('verdictReason').textContent = pick(result.reasonText || reasonText(result.reason));
  $('verdictCondition').textContent = result.condition ? pick(result.condition) : result.notice ? pick(result.notice) : '';
  const status = result.status ? statusById(result.status) : null;
  $('verdictWho').textContent = result.maskedName ? `${result.maskedName} (${result.birthYear})${status ? ' · ' + pick(status) : ''}` : '';
  v.classList.remove('hidden');
  beep(v.dataset.color);
  renderStatus();
  clearTimeout(verdictTimer);
  verdictTimer = setTimeout(() => v.classList.add('hidden'), VERDICT_MS);
}

function unlockAudio() {
  if (!audio && window.AudioContext) audio = new AudioContext();
}

function beep(color) {
  if (!audio) return;
  const tones = { green: [[880, 0.15]], amber: [[660, 0.12], [880, 0.12]], red: [[220, 0.5]], grey: [[440, 0.2]] }[color];
  let at = audio.currentTime;
  for (const [frequency, seconds] of tones) {
    const osc = audio.createOscillator();
    const gain = audio.createGain();
    osc.frequency.value = frequency;
    gain.gain.value = 0.2;
    osc.connect(gain).connect(audio.destination);
    osc.start(at);
    osc.stop(at + seconds);
    at += seconds + 0.05;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The queue: IndexedDB, keyed by the UUIDv7 (time order), uploaded in batches of up to 1000.

async function enqueue(record) {
  await store.put('queue', record.id, record);
  renderStatus();
}

async function manualEntry(event) {
  event.preventDefault();
  const phone = $('phone').value.trim();
  if (canonicalPhone(phone) === null) { // the centre's own rule: what passes here is never rejected on upload
    $('manualError').textContent = t('badPhone');
    $('manualError').classList.remove('ok');
    return;
  }
  const contact = { phone };
  if ($('visitorName').value.trim()) contact.name = $('visitorName').value.trim();
  await enqueue({ id: uuid7(clock.now()), channel: 'MANUAL', contact, checkMethod: $('checkMethod').value,
    scannedAt: new Date(clock.now()).toISOString() });
  $('manual').reset();
  $('manualError').textContent = t('recorded');
  $('manualError').classList.add('ok'); // a confirmation, not an error: shown in green
}

/**
 * Sends the oldest batch. On success every record of it is settled (accepted, duplicate or rejected for good);
 * on a network failure, a timeout or 503 the same batch is sent again later, after an exponential backoff with
 * full jitter (2 s doubling to 30 s), never sooner than Retry-After. The centre is idempotent on the id.
 */
async function upload() {
  if (sync.uploading || Date.now() < sync.nextAttempt || !creds) return;
  const batch = await store.entries('queue', BATCH);
  if (batch.length === 0) return;
  sync.uploading = true;
  renderStatus();
  try {
    const response = await request('/api/v1/checkins', { method: 'POST', json: { checkins: batch.map(([, r]) => r) }, auth: auth(), timeoutMs: 15000 });
    const outcome = await response.json();
    // Records the centre rejected will never be stored: set aside with the reason, for staff to see, not lost.
    for (const r of outcome.rejected) {
      const entry = batch[r.index];
      if (entry) await store.put('refused', entry[0], { record: entry[1], problem: r.problem });
    }
    await store.deleteAll('queue', batch.map(([id]) => id));
    sync.rejected += outcome.rejected.length;
    if (outcome.rejected.length > 0) sync.refusedWhy = outcome.rejected[0].problem;
    // A batch whose answer was lost is sent again; the centre stores nothing twice and says so.
    sync.duplicates += outcome.duplicates;
    sync.failures = 0;
    sync.nextAttempt = 0;
    sync.lastSync = clock.now();
    sync.error = null;
  } catch (e) {
    if (refusedForGood(e)) {
      // The centre will never take this batch as it is (malformed, too large): sending it again would block every
      // record behind it. Set it aside, tell staff, and move on to the next.
      for (const [id, record] of batch) await store.put('refused', id, { record, problem: e.message });
      await store.deleteAll('queue', batch.map(([id]) => id));
      sync.refusedWhy = e.message;
      sync.failures = 0;
      sync.nextAttempt = 0;
      sync.error = null;
      return;
    }
    sync.failures++;
    const ceiling = Math.min(30000, 2000 * 2 ** (sync.failures - 1));
    let wait = Math.random() * ceiling;
    if (e instanceof ApiError && e.retryAfter) wait = Math.max(wait, e.retryAfter * 1000 + Math.random() * 1000);
    sync.nextAttempt = Date.now() + wait;
    sync.error = e.message;
  } finally {
    sync.uploading = false;
    renderStatus();
  }
}

/** A 4xx that no retry can cure; 401/403 (credentials), 408 (too slow) and 429 (too many) can be. */
function refusedForGood(e) {
  return e instanceof ApiError && e.status >= 400 && e.status < 500 && ![401, 403, 408, 429].includes(e.status);
}

async function renderStatus() {
  $('net').textContent = navigator.onLine ? t('online') : t('offline');
  if (!store) return;
  const length = await store.count('queue');
  $('queueLength').textContent = String(length);
  $('queueLength').dataset.length = String(length);
  const waiting = Math.ceil((sync.nextAttempt - Date.now()) / 1000);
  $('syncState').textContent = sync.uploading ? t('uploading') : length > 0 && waiting > 0 ? t('retryIn', { s: waiting }) : '';
  $('lastSync').textContent = formatTime(sync.lastSync) + (sync.duplicates > 0 ? ' · ' + t('alreadyStored', { n: sync.duplicates }) : '');
  $('lastSync').dataset.duplicates = String(sync.duplicates);
  const refused = await store.count('refused');
  $('refused').textContent = refused > 0 ? t('refused', { n: refused, why: sync.refusedWhy || '-' }) : '';
  $('refused').dataset.count = String(refused);
  $('scanCount').textContent = String(scans);
  $('bundleState').textContent = bundleInfo.version === null ? '-'
    : bundleInfo.error ? t('bundleStale', { v: bundleInfo.version, why: bundleInfo.error })
      : t('bundleState', { v: bundleInfo.version, at: formatTime(bundleInfo.checkedAt) });
}

// ---------------------------------------------------------------------------------------------------------------

async function enterDoor() {
  $('signin').classList.add('hidden');
  $('door').classList.remove('hidden');
  $('venueName').textContent = creds.venue ? `${creds.venue.name} (${creds.venue.venueId})` : creds.scannerId;
  document.body.dataset.ready = 'true';
  renderStatus();
  await startCamera();
}

function signOut() {
  stopCamera();
  request('/api/v1/scanner-sessions', { method: 'DELETE' }).catch(() => {}); // the cookie ends at the centre too
  localStorage.removeItem(CREDS);
  creds = null;
  verifier = null;
  document.body.dataset.ready = 'false';
  $('door').classList.add('hidden');
  $('signin').classList.remove('hidden');
}

async function start() {
  // Version 2 adds 'refused': records the centre will never take, set aside with why, kept for staff to see.
  store = await openStore('checkpass-scanner', ['bundle', 'queue', 'refused'], 2);
  $('signinForm').addEventListener('submit', signIn);
  $('signout').addEventListener('click', signOut);
  $('cameraToggle').addEventListener('click', () => { unlockAudio(); return stream ? stopCamera() : startCamera(); });
  $('manualOpen').addEventListener('click', () => $('manual').classList.toggle('hidden'));
  $('manualClose').addEventListener('click', () => $('manual').classList.add('hidden'));
  $('manual').addEventListener('submit', manualEntry);
  $('venueType').addEventListener('change', () => localStorage.setItem(VENUE_TYPE, $('venueType').value));
  $('verdict').addEventListener('click', () => $('verdict').classList.add('hidden'));
  // Browsers allow sound only after a tap on the page: the first one anywhere enables the verdict beeps.
  document.addEventListener('pointerdown', unlockAudio);
  window.addEventListener('online', renderStatus);
  window.addEventListener('offline', renderStatus);
  if ('serviceWorker' in navigator) {
    navigator.serviceWorker.register('sw.js', { type: 'module', scope: '/scanner/' })
      .then(() => navigator.serviceWorker.ready)
      .then(() => { document.body.dataset.offlineReady = 'true'; })
      .catch((e) => console.warn('no offline support', e));
  }
  setInterval(upload, 2000);
  setInterval(refreshBundle, BUNDLE_REFRESH_MS);
  setInterval(renderStatus, 1000);
  if (!creds) {
    $('signin').classList.remove('hidden');
    return;
  }
  await forgetKeptSecret();
  // Signed in before: the cached bundle is enough to work at the door, whether or not the centre answers.
  const stored = await store.get('bundle', 'current');
  try {
    if (stored) await installBundle(stored.bytes);
  } catch (e) {
    // Older than the version held (the page stopped between accepting a bundle and caching it): fetch the newest.
    console.warn('cached bundle refused', e);
  }
  await refreshBundle();
  if (!verifier) {
    signOut();
    return;
  }
  await enterDoor();
}

start();
