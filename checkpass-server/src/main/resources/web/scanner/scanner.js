// The venue's scanner: verifies CP1: passes and foreign ones (EU DCC, SHC, NZCP) in the page against the cached,
// pinned trust bundle (no server call on the door path), shows a full-screen verdict, and queues check-ins in IndexedDB for batched upload with backoff.
import { Verifier, ReplayMemory, acceptBundle, pointOfPem, hex, fromHex, reasonText, statusById, ruleSetAt } from '/shared/checkpass.js';
import { decodeFrame, qrDecoder } from '/shared/qr-decode.js';
import { setupLanguage, t, pick, lang, both, showText } from '/shared/i18n.js';
import { explain } from '/shared/problems.js';
import { pageClock } from '/shared/clock.js';
import { openStore } from '/shared/store.js';
import { request, getJson, basic, ApiError } from '/shared/api.js';
import { uuid7 } from '/shared/uuid7.js';
import { canonicalPhone } from '/shared/phone.mjs';
import { testHooks } from '/shared/test-hooks.js';

const CREDS = 'checkpass.scanner.signin';
const VENUE_TYPE = 'checkpass.scanner.venueType';
const KIOSK = 'checkpass.scanner.kiosk';
const UNLOCKED_MS = 60000;
const PIN_ITERATIONS = 210000;
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
let speechUnlocked = false;
let scans = 0;
const centre = { reachable: null }; // null until the first answer or failure
const sync = { uploading: false, failures: 0, nextAttempt: 0, lastSync: null, error: null, rejected: 0, duplicates: 0, refusedWhy: null };

setupLanguage({
  title: ['출입 확인', 'Door check'],
  signinTitle: ['또는 스캐너 ID와 비밀번호로', 'Or with a scanner id and secret'],
  pairTitle: ['이 태블릿 연결하기', 'Pair this tablet'],
  pairHelp: ['관리자가 보여 준 연결 QR을 이 태블릿의 카메라로 찍거나, 연결 코드 8자리를 입력하세요.', 'Point this tablet\'s camera at the pairing QR the administrator shows, or type the 8-character code.'],
  pairCode: ['연결 코드', 'Pairing code'],
  pair: ['연결', 'Pair'],
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
  bundle: ['출입 기준', 'Door rules'],
  scans: ['확인 건수', 'Scans'],
  signout: ['로그아웃', 'Sign out'],
  centreUp: ['센터 연결됨', 'Centre reachable'],
  centreDown: ['센터 연결 안 됨 · 계속 확인 가능', 'Centre unreachable · still checking'],
  recordUnreadable: ['센터가 읽을 수 없는 기록', 'a record the centre cannot read'],
  uploading: ['전송 중', 'uploading'],
  alreadyStored: ['{n}건은 이미 저장되어 있었음', '{n} were already stored'],
  refused: ['{n}건은 센터가 거부함 (예: {why})', '{n} refused by the centre (e.g. {why})'],
  retryIn: ['{s}초 후 재시도', 'retry in {s} s'],
  bundleState: ['최신 ({at} 확인)', 'Up to date (checked {at})'],
  bundleKept: ['이 기기에 보관된 기준으로 확인 중 · {why}', 'Checking with the rules kept on this device · {why}'],
  bundleStale: ['{at}에 받은 기준으로 확인 중 · {why}', 'Checking with the rules of {at} · {why}'],
  tapToClose: ['화면을 누르면 닫힙니다', 'Tap to close'],
  lockNone: ['잠금 번호가 없습니다: 누구나 시설 유형을 바꾸고 로그아웃할 수 있습니다.', 'No lock PIN: anyone can change the venue type or sign out.'],
  lockOn: ['잠김: 시설 유형과 로그아웃은 잠금 번호로 엽니다.', 'Locked: the venue type and sign-out need the PIN.'],
  lockOff: ['잠금 해제됨: 1분 뒤 다시 잠깁니다.', 'Unlocked: locks again in a minute.'],
  pinSet: ['잠금 번호 설정', 'Set a lock PIN'],
  unlock: ['잠금 해제', 'Unlock'],
  lockNow: ['지금 잠그기', 'Lock now'],
  pinLabel: ['잠금 번호 (숫자 4~8자리)', 'Lock PIN (4 to 8 digits)'],
  pinAgainLabel: ['잠금 번호 한 번 더', 'The PIN again'],
  confirm: ['확인', 'OK'],
  cancel: ['취소', 'Cancel'],
  pinFormat: ['잠금 번호는 숫자 4~8자리입니다.', 'The PIN is 4 to 8 digits.'],
  pinMismatch: ['두 번호가 다릅니다. 다시 입력하세요.', 'The two PINs differ. Enter them again.'],
  pinWrong: ['잠금 번호가 맞지 않습니다.', 'Wrong PIN.'],
  pinWait: ['잠금 번호를 여러 번 틀렸습니다. {s}초 뒤에 다시 시도하세요.', 'Too many wrong PINs. Try again in {s} s.'],
  tapToKeep: ['확인했으면 화면을 누르세요', 'Tap when checked'],
  soundOff: ['소리가 꺼져 있습니다. 여기를 눌러 켜세요.', 'Sound is off. Tap here to turn it on.'],
  ADMIT: ['통과', 'ADMIT'],
  ADMIT_LIMITED: ['조건 확인', 'ADMIT IF CONDITION MET'],
  CHECK_ID: ['신분증 확인', 'CHECK ID'],
  DENY: ['입장 불가', 'STOP: NOT ADMITTED'],
  say_ADMIT: ['통과입니다', 'Admitted'],
  say_ADMIT_LIMITED: ['조건을 확인하세요', 'Check the condition'],
  say_CHECK_ID: ['신분증을 확인하세요', 'Check the ID card'],
  say_DENY: ['입장할 수 없습니다', 'Not admitted'],
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

/** Keeps what a signed-in door needs (its id, the pinned anchor, its venue), then opens the door. */
async function enterAs(scannerId, anchor, me) {
  creds = { scannerId, anchor: hex(anchor), venue: me.venue || null };
  localStorage.setItem(CREDS, JSON.stringify(creds));
  if (me.venue) localStorage.setItem(VENUE_TYPE, me.venue.venueType);
  await refreshBundle();
  await enterDoor();
}

/**
 * Pairing (docs/pages.md): the code an administrator showed (typed here, or in the ?pair= link the tablet's camera
 * opened) makes this tablet a scanner of the venue; the centre answers with the session cookie, and no secret is
 * ever typed or kept. A new pairing replaces the tablet's earlier sign-in and its lock number.
 */
async function pair(code) {
  showText($('pairError'), null);
  unlockAudio();
  try {
    const pem = await (await request('/api/v1/trust-anchor')).text();
    const anchor = await pointOfPem(pem);
    const paired = await getJson('/api/v1/scanner-pairings', { method: 'POST', json: { code } });
    const me = await getJson('/api/v1/me');
    localStorage.removeItem(KIOSK);
    history.replaceState(null, '', location.pathname);
    await enterAs(paired.scannerId, anchor, me);
  } catch (e) {
    showText($('pairError'), explain(e));
    $('signin').classList.remove('hidden');
  }
}

async function signIn(event) {
  event.preventDefault();
  showText($('signinError'), null);
  unlockAudio();
  const scannerId = $('scannerId').value.trim();
  const secret = $('secret').value;
  try {
    // Pinned once, at sign-in: every later bundle must be signed by this key.
    const pem = await (await request('/api/v1/trust-anchor')).text();
    const anchor = await pointOfPem(pem);
    const me = await getJson('/api/v1/me', { auth: basic(scannerId, secret) });
    if (!me.roles.includes('scanner')) {
      showText($('signinError'), both('notScanner'));
      return;
    }
    await startSession(basic(scannerId, secret));
    await enterAs(scannerId, anchor, me);
  } catch (e) {
    showText($('signinError'), e instanceof ApiError && e.status === 401 ? both('signinFailed') : explain(e));
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
    centre.reachable = true;
  } catch (e) {
    bundleInfo.error = explain(e);
    centre.reachable = e instanceof ApiError && e.status < 500;
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
    showText($('cameraState'), both('cameraOn'));
    showText($('cameraToggle'), both('cameraStop'));
    document.body.dataset.camera = 'on';
    keepAwake();
    scanTimer = setInterval(scanFrame, 120);
  } catch (e) {
    showText($('cameraState'), explain(e));
  }
}

function stopCamera() {
  clearInterval(scanTimer);
  if (stream) stream.getTracks().forEach((track) => track.stop());
  stream = null;
  $('video').srcObject = null;
  showText($('cameraState'), both('cameraOff'));
  showText($('cameraToggle'), both('cameraStart'));
  document.body.dataset.camera = 'off';
  if (wakeLock) wakeLock.release().catch(() => {});
  wakeLock = null;
}

// QR decoding stays off the page's main thread, so the verdict screen never stutters (shared/qr-decode.js).
let scanning = false;

async function decodeWithDecoderNamed(video) {
  document.body.dataset.qrDecoder = await qrDecoder();
  return decodeFrame(video);
}

async function scanFrame() {
  const video = $('video');
  if (scanning || !video.videoWidth) return;
  scanning = true;
  try {
    const text = await decodeWithDecoderNamed(video);
    if (text) await onScanned(text);
  } catch (e) {
    // a frame that cannot be read is a frame without a code; the next one comes in 120 ms
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
  const at = clock.now();
  // Foreign passes too are judged here, offline, against the bundle's foreign trust (result.foreignFormat).
  const result = await verifier.verify(text, venueType, at);
  localStorage.setItem(REPLAYS, JSON.stringify(verifier.replay.entries()));
  scans++;
  show(result);
  // Every verdict goes into the door log, DENY and CHECK_ID too: the log proves the door checked (docs/compliance.md).
  await enqueue(checkIn(result, judgedUnder(venueType, at), at));
}

/**
 * What a verdict was judged under, for the door log: the venue type applied, the rule set in force and the bundle
 * that carried it. An inspector compares the type with the venue's registered one (docs/compliance.md).
 */
function judgedUnder(venueType, at) {
  const under = { venueType };
  if (!verifier) return under;
  const set = ruleSetAt(verifier.bundle.rules, at);
  if (set && set.id) under.ruleSet = set.id;
  under.bundleVersion = verifier.bundle.version;
  return under;
}

function checkIn(result, under, at) {
  const record = { id: uuid7(at), channel: 'QR', verdict: result.verdict, reason: result.reason,
    scannedAt: new Date(at).toISOString(), ...under };
  if (result.foreignFormat) {
    record.format = result.foreignFormat;
    if (result.serial) record.passRef = result.serial;
  } else {
    record.format = 'CP1';
    if (result.serial) record.serial = result.serial;
  }
  return record;
}

// Each verdict reads without colour: its own mark and word, and a background that differs in lightness as well as
// hue (light green, striped amber, mid blue, dark red), so it holds in greyscale and for colour-blind staff. The
// verdicts that ask staff to do something (look at the ID card, check the condition) stay until tapped.
const VERDICTS = {
  ADMIT: { mark: '✓', look: 'admit', color: 'green', sticky: false },
  ADMIT_LIMITED: { mark: '✓!', look: 'limited', color: 'blue', sticky: true },
  CHECK_ID: { mark: '!', look: 'checkid', color: 'amber', sticky: true },
  DENY: { mark: '✕', look: 'deny', color: 'red', sticky: false },
};

function show(result) {
  const v = $('verdict');
  const look = VERDICTS[result.verdict] || VERDICTS.DENY;
  v.dataset.color = look.color;
  v.dataset.look = look.look;
  v.dataset.verdict = result.verdict;
  v.dataset.reason = result.reason;
  v.dataset.scan = String(scans);
  $('verdictMark').textContent = look.mark;
  $('verdictTitle').textContent = t(result.verdict);
  $('verdictReason').textContent = pick(result.reasonText || reasonText(result.reason));
  $('verdictCondition').textContent = result.condition ? pick(result.condition) : result.notice ? pick(result.notice) : '';
  // For staff, in small print: the queue hears and sees the verdict, not who it was.
  const status = result.status ? statusById(result.status) : null;
  $('verdictWho').textContent = result.maskedName ? `${result.maskedName} (${result.birthYear})${status ? ' · ' + pick(status) : ''}` : '';
  $('verdictHint').textContent = look.sticky ? t('tapToKeep') : t('tapToClose');
  v.classList.remove('hidden');
  announce(result.verdict, look.color);
  renderStatus();
  clearTimeout(verdictTimer);
  if (!look.sticky) verdictTimer = setTimeout(() => v.classList.add('hidden'), VERDICT_MS);
}

// Sound. Browsers play it only after a tap on the page; until then (and after every reload) a banner says so.
function unlockAudio() {
  if (!audio && window.AudioContext) audio = new AudioContext();
  if (audio && audio.state === 'suspended') audio.resume().then(renderSound, renderSound);
  // Speech, too, needs a tap before its first sentence: an empty one inside the tap unlocks it.
  if (window.speechSynthesis && !speechUnlocked && navigator.userActivation && navigator.userActivation.isActive) {
    speechSynthesis.speak(new SpeechSynthesisUtterance(''));
    speechUnlocked = true;
  }
  renderSound();
}

function soundOn() {
  return audio !== null && audio.state === 'running';
}

function renderSound() {
  $('soundOff').classList.toggle('hidden', soundOn());
  document.body.dataset.sound = soundOn() ? 'on' : 'off';
}

/** A short tone, then the verdict spoken in the page's language; the tone alone where there is no speech. */
function announce(verdict, color) {
  beep(color);
  if (!window.speechSynthesis) return;
  const sentence = new SpeechSynthesisUtterance(t('say_' + (VERDICTS[verdict] ? verdict : 'DENY')));
  sentence.lang = lang() === 'ko' ? 'ko-KR' : 'en-US';
  sentence.rate = 1.05;
  speechSynthesis.cancel();
  speechSynthesis.speak(sentence);
}

function beep(color) {
  if (!soundOn()) return;
  const tones = { green: [[880, 0.15]], blue: [[660, 0.12], [880, 0.12]], amber: [[660, 0.12], [660, 0.12], [660, 0.12]], red: [[220, 0.5]] }[color];
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
  const at = clock.now();
  await enqueue({ id: uuid7(at), channel: 'MANUAL', contact, checkMethod: $('checkMethod').value,
    scannedAt: new Date(at).toISOString(), ...judgedUnder($('venueType').value, at) });
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
    if (outcome.rejected.length > 0) sync.refusedWhy = { ko: t('recordUnreadable'), en: String(outcome.rejected[0].problem) };
    centre.reachable = true;
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
      sync.refusedWhy = explain(e);
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
    centre.reachable = e instanceof ApiError && e.status < 500;
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
  // Whether the centre answered lately, in plain words: the door keeps working either way.
  const up = navigator.onLine && centre.reachable !== false;
  $('net').textContent = up ? t('centreUp') : t('centreDown');
  $('net').dataset.state = up ? 'up' : 'down';
  // Everything that needs no database first, so a language switch redraws it at once.
  $('scanCount').textContent = String(scans);
  $('bundleState').dataset.version = bundleInfo.version === null ? '' : String(bundleInfo.version);
  $('bundleState').textContent = bundleInfo.version === null ? '-'
    : bundleInfo.error && bundleInfo.checkedAt === null ? t('bundleKept', { why: pick(bundleInfo.error) })
    : bundleInfo.error ? t('bundleStale', { at: formatTime(bundleInfo.checkedAt), why: pick(bundleInfo.error) })
      : t('bundleState', { at: formatTime(bundleInfo.checkedAt) });
  if (!store) return;
  const length = await store.count('queue');
  $('queueLength').textContent = String(length);
  $('queueLength').dataset.length = String(length);
  const waiting = Math.ceil((sync.nextAttempt - Date.now()) / 1000);
  $('syncState').textContent = sync.uploading ? t('uploading') : length > 0 && waiting > 0 ? t('retryIn', { s: waiting }) : '';
  $('lastSync').textContent = formatTime(sync.lastSync) + (sync.duplicates > 0 ? ' · ' + t('alreadyStored', { n: sync.duplicates }) : '');
  $('lastSync').dataset.duplicates = String(sync.duplicates);
  const refused = await store.count('refused');
  $('refused').textContent = refused > 0 ? t('refused', { n: refused, why: sync.refusedWhy ? pick(sync.refusedWhy) : '-' }) : '';
  $('refused').dataset.count = String(refused);
}

// ---------------------------------------------------------------------------------------------------------------

// ---------------------------------------------------------------------------------------------------------------
// Kiosk: the venue type and sign-out behind a PIN the owner sets on the tablet, and a screen that stays awake.
// The PIN never leaves the tablet: only a PBKDF2 hash of it is kept (localStorage). A forgotten PIN is reset by
// clearing the page's data (the browser's site settings) and signing in or pairing again.

let unlockedUntil = 0;
let relockTimer = null;
let pinMode = null; // 'set' | 'unlock'
const pinFailures = { count: 0, until: 0 };

function kiosk() {
  return JSON.parse(localStorage.getItem(KIOSK) || 'null');
}

function locked() {
  return kiosk() !== null && Date.now() >= unlockedUntil;
}

function renderLock() {
  const isLocked = locked();
  $('venueType').disabled = isLocked;
  $('signout').disabled = isLocked;
  document.body.dataset.locked = String(isLocked);
  showText($('lockToggle'), both(kiosk() === null ? 'pinSet' : isLocked ? 'unlock' : 'lockNow'));
  showText($('lockState'), both(kiosk() === null ? 'lockNone' : isLocked ? 'lockOn' : 'lockOff'));
}

async function pinHash(pin, salt, iterations) {
  const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(pin), 'PBKDF2', false, ['deriveBits']);
  return hex(new Uint8Array(await crypto.subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt, iterations }, key, 256)));
}

function openPinForm(mode) {
  pinMode = mode;
  $('pin').value = '';
  $('pinAgain').value = '';
  showText($('pinError'), null);
  $('pinAgainRow').classList.toggle('hidden', mode !== 'set');
  $('pinForm').classList.remove('hidden');
  $('pin').focus();
}

function closePinForm() {
  pinMode = null;
  $('pinForm').classList.add('hidden');
}

function lockToggle() {
  if (kiosk() === null) openPinForm('set');
  else if (locked()) openPinForm('unlock');
  else {
    unlockedUntil = 0;
    renderLock();
  }
}

async function submitPin(event) {
  event.preventDefault();
  const pin = $('pin').value;
  if (!/^[0-9]{4,8}$/.test(pin)) return showText($('pinError'), both('pinFormat'));
  if (pinMode === 'set') {
    if (pin !== $('pinAgain').value) return showText($('pinError'), both('pinMismatch'));
    const salt = crypto.getRandomValues(new Uint8Array(16));
    localStorage.setItem(KIOSK, JSON.stringify({ salt: hex(salt), iterations: PIN_ITERATIONS, hash: await pinHash(pin, salt, PIN_ITERATIONS) }));
    unlockedUntil = 0;
  } else {
    const wait = Math.ceil((pinFailures.until - Date.now()) / 1000);
    if (wait > 0) return showText($('pinError'), both('pinWait', { s: wait }));
    const k = kiosk();
    if ((await pinHash(pin, fromHex(k.salt), k.iterations)) !== k.hash) {
      // A guesser gets five tries, then waits half a minute, and longer each time after.
      pinFailures.count++;
      if (pinFailures.count % 5 === 0) pinFailures.until = Date.now() + 30000 * (pinFailures.count / 5);
      return showText($('pinError'), both('pinWrong'));
    }
    pinFailures.count = 0;
    unlockedUntil = Date.now() + UNLOCKED_MS;
    clearTimeout(relockTimer);
    relockTimer = setTimeout(renderLock, UNLOCKED_MS + 50);
  }
  closePinForm();
  renderLock();
}

let wakeLock = null;

/** Keeps the screen on while the camera runs: a door tablet that sleeps misses the next guest. */
async function keepAwake() {
  if (!('wakeLock' in navigator)) {
    document.body.dataset.wakeLock = 'unsupported';
    return;
  }
  try {
    wakeLock = await navigator.wakeLock.request('screen');
    document.body.dataset.wakeLock = 'on';
    wakeLock.addEventListener('release', () => { document.body.dataset.wakeLock = 'off'; });
  } catch (e) {
    document.body.dataset.wakeLock = 'denied';
  }
}

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
  localStorage.removeItem(KIOSK); // the lock belongs to this sign-in; the next one sets its own
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
  $('pairForm').addEventListener('submit', (event) => { event.preventDefault(); pair($('pairCode').value); });
  $('signout').addEventListener('click', () => { if (!locked()) signOut(); });
  $('lockToggle').addEventListener('click', lockToggle);
  $('pinForm').addEventListener('submit', submitPin);
  $('pinCancel').addEventListener('click', closePinForm);
  // The wake lock ends when the tablet shows another app or its screen goes off; take it again on return.
  document.addEventListener('visibilitychange', () => { if (document.visibilityState === 'visible' && stream) keepAwake(); });
  renderLock();
  $('cameraToggle').addEventListener('click', () => { unlockAudio(); return stream ? stopCamera() : startCamera(); });
  $('manualOpen').addEventListener('click', () => $('manual').classList.toggle('hidden'));
  $('manualClose').addEventListener('click', () => $('manual').classList.add('hidden'));
  $('manual').addEventListener('submit', manualEntry);
  $('venueType').addEventListener('change', () => { if (!locked()) localStorage.setItem(VENUE_TYPE, $('venueType').value); });
  $('verdict').addEventListener('click', () => $('verdict').classList.add('hidden'));
  // Browsers allow sound only after a tap on the page: the first one anywhere turns the verdicts' sound on.
  document.addEventListener('pointerdown', unlockAudio);
  $('soundOff').addEventListener('click', unlockAudio);
  $('soundOff').addEventListener('keydown', (e) => { if (e.key === 'Enter' || e.key === ' ') unlockAudio(); });
  unlockAudio();
  // Test and replay hook (only where the centre turns hooks on): show a verdict as if a pass had been scanned.
  if (testHooks) window.checkpassTest = { show, onScanned };
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
  const pairing = new URLSearchParams(location.search).get('pair');
  if (pairing) {
    $('pairCode').value = pairing;
    await pair(pairing);
    return;
  }
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
