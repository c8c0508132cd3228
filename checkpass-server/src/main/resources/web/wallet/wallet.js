// The holder's wallet: a demo provider sign-in, a non-extractable P-256 device key in IndexedDB, the credential
// from the centre, and a QR re-signed every 15 s. Works offline until the credential expires (docs/pages.md).
import { fromBase64, openBundle, pointOfPem, presentText, staticText, statusById, whatStatusMayDo } from '/shared/checkpass.js';
import { setupLanguage, t, pick, lang, both, showText } from '/shared/i18n.js';
import { explain } from '/shared/problems.js';
import { pageClock } from '/shared/clock.js';
import { request, ApiError } from '/shared/api.js';
import { REFRESH_TAG, inForce, openWalletStore, refreshDue as due, refreshStored } from './refresh.js';
import { drawQr } from '/shared/qr.js';
import { daysLeft as daysLeftUntil, earliest, formatDay, formatValidUntil, lastValidDay } from '/shared/dates.js';

const RESIGN_SECONDS = 15;
const REMINDER_DAYS = [14, 7, 1];
const SESSION = 'checkpass.wallet.session';
const REMINDED = 'checkpass.wallet.reminded';
const PUSH = 'checkpass.wallet.push'; // the id the centre gave this browser's push subscription

const $ = (id) => document.getElementById(id);
const clock = pageClock('wallet');
let store;
let stored = null; // {json, bytes, fetchedAt, next?: {json, bytes, useFrom}}
let credential = null; // what is presented now: the stored one, or its next once that is in force
let device = null; // {privateKey, publicRaw}
let signedAt = 0; // seconds of the QR on screen
let refreshing = false;

setupLanguage({
  title: ['방역패스', 'Health pass'],
  signinTitle: ['본인 확인', 'Sign in'],
  signinHelp: ['데모 제공자: 등록번호와 생년월일로 로그인합니다.', 'Demo provider: sign in with your registry id and birth date.'],
  personId: ['등록번호', 'Registry id'],
  birthDate: ['생년월일', 'Birth date'],
  birthDateHelp: ['8자리 숫자로 입력하세요 (예: 19850301)', 'Eight digits, year month day (e.g. 19850301)'],
  badBirthDate: ['생년월일을 8자리 숫자로 입력하세요 (예: 19850301).', 'Enter the birth date as eight digits (e.g. 19850301).'],
  statusEndedBadge: ['유효기간 지남', 'Status ended'],
  todayTitle: ['오늘 이용할 수 있는 곳', 'Where you may go today'],
  todayOpen: ['방역패스가 필요 없는 시설은 모두 이용할 수 있습니다.', 'Every venue that needs no pass is open to you.'],
  todayConditional: ['{venue}: {condition}', '{venue}: {condition}'],
  todayGuidance: ['{venue}: {notice}', '{venue}: {notice}'],
  todayRefused: ['이용할 수 없는 곳: {venues}', 'Not open to you: {venues}'],
  todayTest: ['PCR 검사 음성 결과가 있으면 그 유효기간 동안 모두 이용할 수 있습니다.', 'A negative PCR test admits you everywhere while it is valid.'],
  todayUnknown: ['오늘의 방역 수칙을 아직 받지 못했습니다. 인터넷에 연결하면 보여 드립니다.', 'Today\'s rules have not arrived yet; they show once you are online.'],
  signoutQuestion: ['로그아웃하면 이 기기에서 패스가 지워집니다. 로그아웃할까요?', 'Signing out deletes the pass from this phone. Sign out?'],
  signoutYes: ['로그아웃하고 패스 지우기', 'Sign out and delete the pass'],
  cancel: ['취소', 'Cancel'],
  signin: ['로그인', 'Sign in'],
  signinFailed: ['등록번호 또는 생년월일이 맞지 않습니다.', 'No registered person has that id and birth date.'],
  credentialExpired: ['패스가 만료되었습니다. 인터넷에 연결하면 새로 받습니다.', 'This pass has expired. Connect to the internet to get a new one.'],
  refreshIn: ['새 QR까지', 'New QR in'],
  seconds: ['초', 's'],
  resign: ['새로고침', 'Refresh'],
  status: ['상태', 'Status'],
  statusUntil: ['유효기간', 'Valid until'],
  credentialUntil: ['패스 갱신 기한', 'Pass renews by'],
  fetchedAt: ['마지막 갱신', 'Last fetched'],
  openEnded: ['기한 없음', 'No end date'],
  notify: ['만료 알림 켜기', 'Turn on expiry reminders'],
  notifyOn: ['만료 알림 켜짐', 'Expiry reminders on'],
  print: ['종이 패스 인쇄', 'Print a paper pass'],
  signout: ['로그아웃', 'Sign out'],
  paperTitle: ['방역패스 (종이)', 'Health pass (paper)'],
  name: ['이름', 'Name'],
  birthYearLabel: ['출생연도', 'Birth year'],
  paperHelp: ['이 종이 패스는 신분증과 함께 제시하세요. 출입구에서 이름과 출생연도를 신분증과 대조합니다.',
    'Show this paper pass with an ID card: the door compares the name and birth year with it.'],
  printNow: ['인쇄', 'Print'],
  close: ['닫기', 'Close'],
  online: ['온라인', 'Online'],
  offline: ['오프라인', 'Offline'],
  reminder: ['{what} 유효기간 마지막 날은 {day}입니다 ({days}일 남음). 추가 접종이나 검사를 예약하세요.',
    'Your {what} status holds until {day} ({days} days left). Book a booster or a test.'],
  reminderTomorrow: ['{what} 유효기간은 내일({day})까지입니다. 추가 접종이나 검사를 예약하세요.',
    'Your {what} status holds until tomorrow, {day}. Book a booster or a test.'],
  reminderToday: ['{what} 유효기간은 오늘({day})까지입니다. 내일부터는 미접종자로 확인됩니다.',
    'Your {what} status holds until today, {day}: from tomorrow doors treat you as unvaccinated.'],
  statusEnded: ['{what} 유효기간이 끝났습니다. 출입 시 미접종자로 확인됩니다.', 'Your {what} status has ended: doors treat you as unvaccinated.'],
  noConnection: ['연결할 수 없습니다. 잠시 후 다시 시도하세요.', 'Cannot reach the centre; try again shortly.'],
  signInAgain: ['패스를 갱신하려면 다시 로그인하세요. 지금 패스는 만료 전까지 쓸 수 있습니다.',
    'Sign in again to renew your pass; the one you have works until it expires.'],
}, render);

function formatTime(ms) {
  return new Date(ms).toLocaleString(lang() === 'ko' ? 'ko-KR' : 'en-GB', { timeZone: 'Asia/Seoul', dateStyle: 'medium', timeStyle: 'short' });
}


function session() {
  const s = JSON.parse(localStorage.getItem(SESSION) || 'null');
  return s && Date.parse(s.expiresAt) > clock.now() ? s : null;
}

async function deviceKey() {
  let stored = await store.get('keys', 'device');
  if (!stored) {
    // Non-extractable: the private key never leaves this browser; IndexedDB keeps the CryptoKey object itself.
    const pair = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']);
    const publicRaw = new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey));
    stored = { privateKey: pair.privateKey, publicRaw };
    await store.put('keys', 'device', stored);
  }
  return stored;
}

async function fetchCredential(body) {
  const s = session();
  if (!s) throw new ApiError(401, { detail: 'signed out' });
  const response = await request('/wallet/api/credential', { method: 'POST', json: body, auth: 'Bearer ' + s.token });
  return response.json();
}

/** Presents the next credential once the rules it was decided under take force (docs/rules.md, pre-issuance). */
function switchIfDue() {
  const now = inForce(stored, clock.now());
  if (now !== credential) {
    if (credential && now && now.json.serial !== credential.json.serial) signedAt = 0;
    credential = now;
    render();
  }
}

async function refreshCredential() {
  if (refreshing) return;
  refreshing = true;
  try {
    stored = await refreshStored(store, clock.now());
    credential = null;
    switchIfDue();
    signedAt = 0;
    showText($('passError'), null);
    render();
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) {
      // The session ended; the pass in hand stays usable until it expires, and the form asks to sign in again.
      localStorage.removeItem(SESSION);
      await store.del('keys', 'session');
      showText($('passError'), both('signInAgain'));
      render();
    } else {
      showText($('passError'), both('noConnection'));
    }
  } finally {
    refreshing = false;
  }
}

function refreshDue() {
  if (!navigator.onLine) return !stored;
  return due(stored, clock.now());
}

function scheduleRefresh() {
  if (refreshDue() && session()) setTimeout(refreshCredential, Math.random() * 60000);
}

async function resign(force) {
  if (!credential || !device) return;
  const nowSeconds = Math.floor(clock.now() / 1000);
  const expired = clock.now() >= Date.parse(credential.json.expiresAt);
  $('qr').classList.toggle('hidden', expired);
  $('qrExpired').classList.toggle('hidden', !expired);
  if (expired) return;
  if (force || nowSeconds - signedAt >= RESIGN_SECONDS) {
    if (nowSeconds === signedAt) return; // one presentation per second: (serial, time) is what scanners remember
    const text = await presentText(credential.bytes, device.privateKey, nowSeconds);
    drawQr($('qr'), text, Math.min(340, window.innerWidth * 0.82));
    signedAt = nowSeconds;
    $('qr').dataset.time = String(nowSeconds);
  }
  const left = Math.max(0, RESIGN_SECONDS - (nowSeconds - signedAt));
  $('countdown').textContent = String(left);
  $('bar15').style.width = (100 * left / RESIGN_SECONDS) + '%';
}

function reminder(json) {
  if (!json.statusValidUntil || json.status === 'unvaccinated') return null;
  const until = Date.parse(json.statusValidUntil);
  const what = pick(statusById(json.status));
  // Counted in Korean calendar days to the last valid day, the same day the status line and the paper pass show.
  const daysLeft = daysLeftUntil(until, clock.now());
  if (daysLeft < 0) return { level: 0, text: t('statusEnded', { what }) };
  const level = REMINDER_DAYS.filter((d) => daysLeft <= d).pop();
  if (level === undefined) return null;
  const day = formatDay(lastValidDay(until), lang());
  const key = daysLeft === 0 ? 'reminderToday' : daysLeft === 1 ? 'reminderTomorrow' : 'reminder';
  return { level, text: t(key, { what, day, days: daysLeft }), until };
}

/** In-page notice always; a system notification once per threshold (14, 7, 1 days) when the holder allowed it. */
function remind() {
  const r = credential && reminder(credential.json);
  $('reminder').classList.toggle('hidden', !r);
  if (!r) return;
  $('reminder').textContent = r.text;
  $('reminder').dataset.level = String(r.level);
  $('reminder').classList.toggle('urgent', r.level <= 1);
  const key = credential.json.statusValidUntil + '@' + r.level;
  if (r.level > 0 && 'Notification' in window && Notification.permission === 'granted' && localStorage.getItem(REMINDED) !== key) {
    localStorage.setItem(REMINDED, key);
    navigator.serviceWorker.ready.then((reg) => reg.showNotification(t('title'), { body: r.text, tag: 'checkpass-expiry' }));
  }
}

function render() {
  $('signin').classList.toggle('hidden', session() !== null);
  $('pass').classList.toggle('hidden', !credential);
  $('net').textContent = navigator.onLine ? t('online') : t('offline');
  $('net').dataset.state = navigator.onLine ? 'up' : 'down';
  if (!credential) return;
  const json = credential.json;
  $('name').textContent = json.maskedName;
  $('birthYear').textContent = '(' + json.birthYear + ')';
  $('status').textContent = pick(statusById(json.status));
  $('status').dataset.status = json.status;
  const ended = json.statusValidUntil && clock.now() >= Date.parse(json.statusValidUntil);
  const refused = json.status === 'unvaccinated' || ended;
  $('statusBadge').dataset.look = refused ? 'refused' : 'admitted';
  $('statusBadge').dataset.status = json.status;
  $('statusMark').textContent = refused ? '✕' : '✓';
  $('statusBadgeText').textContent = ended ? t('statusEndedBadge') : pick(statusById(json.status));
  renderToday(refused);
  $('statusUntil').textContent = json.statusValidUntil ? formatValidUntil(Date.parse(json.statusValidUntil), lang()) : t('openEnded');
  $('statusUntil').dataset.until = json.statusValidUntil || '';
  $('expiresAt').textContent = formatTime(Date.parse(json.expiresAt));
  $('fetchedAt').textContent = formatTime(credential.fetchedAt);
  $('explanation').textContent = pick(json.explanation);
  $('notify').textContent = 'Notification' in window && Notification.permission === 'granted' ? t('notifyOn') : t('notify');
  remind();
}

async function signIn(event) {
  event.preventDefault();
  showText($('signinError'), null);
  const birthDate = parseBirthDate($('birthDate').value);
  if (birthDate === null) {
    showText($('signinError'), both('badBirthDate'));
    return;
  }
  try {
    const response = await request('/wallet/api/session', { method: 'POST',
      json: { personId: $('personId').value.trim(), birthDate } });
    const s = await response.json();
    localStorage.setItem(SESSION, JSON.stringify(s));
    // The service worker renews the credential in the background with this session (it cannot read localStorage).
    await store.put('keys', 'session', s);
    await refreshCredential();
    render();
    tick();
  } catch (e) {
    showText($('signinError'), e instanceof ApiError && e.status === 401 ? both('signinFailed') : explain(e));
  }
}

/** 생년월일 as people type it: eight digits (19850301), with or without separators (1985-03-01, 1985.3.1). */
function parseBirthDate(text) {
  const parts = text.trim().match(/^(\d{4})[-./ ]?(\d{1,2})[-./ ]?(\d{1,2})$/);
  if (!parts || (!/[-./ ]/.test(text) && text.trim().length !== 8)) return null;
  const [y, m, d] = parts.slice(1).map(Number);
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d || y < 1900) return null;
  return date.toISOString().slice(0, 10);
}

async function signOut() {
  $('signoutConfirm').classList.add('hidden');
  await unsubscribePush();
  localStorage.removeItem(SESSION);
  credential = null;
  stored = null;
  await store.del('keys', 'session');
  await store.del('credential', 'current');
  render();
}

async function printPaper() {
  try {
    const json = await fetchCredential({ static: true });
    drawQr($('paperQr'), staticText(fromBase64(json.credential)), 420);
    $('paperName').textContent = json.maskedName;
    $('paperBirthYear').textContent = String(json.birthYear);
    $('paperStatus').textContent = pick(statusById(json.status));
    // The paper pass holds while both the status and the credential do: it states the earlier, once.
    const until = earliest(json.statusValidUntil, json.expiresAt);
    $('paperUntil').textContent = formatValidUntil(until, lang());
    $('paperUntil').dataset.until = new Date(until).toISOString();
    $('paper').classList.remove('hidden');
    $('pass').classList.add('hidden');
  } catch (e) {
    showText($('passError'), explain(e));
  }
}

/** The VAPID key (RFC 8292) as pushManager.subscribe takes it: base64url to bytes. */
function keyBytes(base64url) {
  const raw = atob(base64url.replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(raw, (c) => c.charCodeAt(0));
}

/**
 * Reminders and results from the centre while the page is closed (Web Push, docs/pages.md): subscribes this browser
 * with the centre's VAPID key and registers the subscription for the signed-in holder. Where the browser or the centre
 * has no push, the in-page reminders above still work, so a failure here is only logged.
 */
async function subscribePush() {
  const s = session();
  if (!s || !('serviceWorker' in navigator) || !('PushManager' in window)) return;
  try {
    const { applicationServerKey } = await (await request('/api/v1/push/application-server-key')).json();
    const reg = await navigator.serviceWorker.ready;
    const subscription = await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(applicationServerKey) });
    const response = await request('/wallet/api/push-subscriptions', { method: 'POST', auth: 'Bearer ' + s.token,
      json: { subscription: subscription.toJSON(), language: lang() } });
    localStorage.setItem(PUSH, (await response.json()).id);
    document.body.dataset.push = 'subscribed';
  } catch (e) {
    document.body.dataset.push = 'unavailable';
    console.warn('no Web Push; reminders show while the page is open', e);
  }
}

/** On sign-out: this browser stops receiving the holder's notifications (a shared phone). */
async function unsubscribePush() {
  const id = localStorage.getItem(PUSH);
  if (!id) return; // never subscribed here (and the worker may never have become ready: do not wait for it)
  localStorage.removeItem(PUSH);
  try {
    const reg = 'serviceWorker' in navigator ? await navigator.serviceWorker.ready : null;
    const subscription = reg && reg.pushManager ? await reg.pushManager.getSubscription() : null;
    if (subscription) await subscription.unsubscribe();
    const s = session();
    if (s) await request('/wallet/api/push-subscriptions/' + encodeURIComponent(id), { method: 'DELETE', auth: 'Bearer ' + s.token });
  } catch (e) {
    // Offline or already gone: the push service answers 410 to the centre's next message, which removes it there.
  }
}

let rules = null; // the venue rules from the trust bundle, for what an unvaccinated holder may do today
let rulesLoading = false;

/** Fetches the public trust bundle (verified against the centre's anchor) for its venue rules; keeps the last one. */
async function loadRules() {
  if (rulesLoading) return;
  rulesLoading = true;
  try {
    try {
      const pem = await (await request('/api/v1/trust-anchor')).text();
      const bytes = new Uint8Array(await (await request('/api/v1/trust-bundle')).arrayBuffer());
      await store.put('credential', 'bundle', { pem, bytes });
    } catch (e) {
      // offline or the centre down: the last bundle kept
    }
    const kept = await store.get('credential', 'bundle');
    if (kept) rules = (await openBundle(kept.bytes, await pointOfPem(kept.pem))).rules;
  } catch (e) {
    rules = null;
  } finally {
    rulesLoading = false;
    render();
  }
}

/** For a holder the doors treat as unvaccinated: where they may go today, from the rules in force. */
function renderToday(refused) {
  $('today').classList.toggle('hidden', !refused);
  if (!refused) return;
  if (rules === null) {
    showText($('todayIntro'), both('todayUnknown'));
    $('todayList').replaceChildren();
    if (!rulesLoading) loadRules();
    return;
  }
  const may = whatStatusMayDo(rules, 'unvaccinated', clock.now());
  showText($('todayIntro'), both('todayOpen'));
  const items = [
    ...may.conditional.map((c) => t('todayConditional', { venue: pick(c.venueType), condition: pick(c.condition) })),
    ...may.guidance.map((g) => t('todayGuidance', { venue: pick(g.venueType), notice: pick(g.notice) })),
  ];
  if (may.refused.length > 0) items.push(t('todayRefused', { venues: may.refused.map(pick).join(', ') }));
  if (may.testAdmits) items.push(t('todayTest'));
  $('todayList').replaceChildren(...items.map((text) => Object.assign(document.createElement('li'), { textContent: text })));
}

function tick() {
  switchIfDue();
  resign(false).catch((e) => showText($('passError'), explain(e)));
}

/** Asks the browser to run the worker's refresh in the background; where it cannot, the page's timers do. */
async function registerBackgroundRefresh(reg) {
  try {
    if ('periodicSync' in reg) {
      await reg.periodicSync.register(REFRESH_TAG, { minInterval: 6 * 3600000 });
      document.body.dataset.backgroundRefresh = 'periodic-sync';
      return;
    }
  } catch (e) {
    // Not granted (periodic sync needs an installed app): fall back.
  }
  document.body.dataset.backgroundRefresh = 'sync' in reg ? 'on-reconnect' : 'while-open';
}

async function start() {
  store = await openWalletStore();
  device = await deviceKey();
  stored = (await store.get('credential', 'current')) || null;
  credential = inForce(stored, clock.now());
  const s = session();
  if (s) await store.put('keys', 'session', s);
  $('signinForm').addEventListener('submit', signIn);
  $('signout').addEventListener('click', () => $('signoutConfirm').classList.remove('hidden'));
  $('signoutYes').addEventListener('click', signOut);
  $('signoutNo').addEventListener('click', () => $('signoutConfirm').classList.add('hidden'));
  $('resign').addEventListener('click', () => resign(true));
  $('print').addEventListener('click', printPaper);
  $('paperPrint').addEventListener('click', () => window.print());
  $('paperClose').addEventListener('click', () => { $('paper').classList.add('hidden'); render(); });
  $('notify').addEventListener('click', async () => {
    if ('Notification' in window) await Notification.requestPermission();
    if ('Notification' in window && Notification.permission === 'granted') await subscribePush();
    render();
  });
  window.addEventListener('online', () => { render(); scheduleRefresh(); });
  window.addEventListener('offline', () => {
    // When the connection returns, the browser runs the worker's refresh even if the page is closed by then.
    navigator.serviceWorker.ready.then((reg) => reg.sync && reg.sync.register(REFRESH_TAG)).catch(() => {});
  });
  window.addEventListener('offline', render);
  if ('serviceWorker' in navigator) {
    navigator.serviceWorker.register('sw.js', { type: 'module', scope: '/wallet/' })
      .then(() => navigator.serviceWorker.ready)
      .then(async (reg) => {
        await registerBackgroundRefresh(reg);
        document.body.dataset.offlineReady = 'true';
      })
      .catch((e) => console.warn('no offline support', e));
  }
  if ('serviceWorker' in navigator) {
    navigator.serviceWorker.addEventListener('message', async (event) => {
      if (event.data && event.data.type === 'credential-updated') {
        stored = (await store.get('credential', 'current')) || null;
        credential = null;
        switchIfDue();
        signedAt = 0;
        render();
      }
    });
  }
  render();
  if (session() && (!stored || refreshDue())) await refreshCredential();
  tick();
  setInterval(tick, 1000);
  setInterval(scheduleRefresh, 5 * 60000);
  setInterval(remind, 60 * 60000);
}

start();
