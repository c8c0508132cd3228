// The operators' console: sign in with an API client, then the views its roles allow — check-in pictures
// (per minute, verdict mix, upload lag), person lookup, traces with CSV download, the purge, the audit log and, for
// issuer-admins, the API clients (secrets shown once).
import { setupLanguage, t, pick, lang, both, showText } from '/shared/i18n.js';
import { explain } from '/shared/problems.js';
import { request, getJson, basic, ApiError } from '/shared/api.js';
import { fromBase64, staticText, statusById } from '/shared/checkpass.js';
import { drawQr } from '/shared/qr.js';
import { earliest, formatValidUntil } from '/shared/dates.js';
import { lineChart, barChart } from './charts.js';
import { setupInspections } from './inspections.js';

const $ = (id) => document.getElementById(id);
const SIGNIN = 'checkpass.console.signin';
let signin = JSON.parse(sessionStorage.getItem(SIGNIN) || 'null');
let me = null;
let dashboardTimer = null;

setupLanguage({
  title: ['운영 콘솔', 'Operations console'],
  signinTitle: ['운영자 로그인', 'Operator sign-in'],
  clientId: ['운영자 ID', 'Operator id'],
  secret: ['비밀번호', 'Secret'],
  signin: ['로그인', 'Sign in'],
  signinFailed: ['ID 또는 비밀번호가 맞지 않습니다.', 'Wrong id or secret.'],
  signout: ['로그아웃', 'Sign out'],
  dashboard: ['현황', 'Dashboard'],
  person: ['인물 조회', 'Person lookup'],
  trace: ['역학조사', 'Trace'],
  purge: ['보존기간 삭제', 'Retention purge'],
  audit: ['감사 기록', 'Audit log'],
  checkinsPerMinute: ['분당 출입 건수', 'Check-ins per minute'],
  verdictMix: ['판정 비율', 'Verdict mix'],
  uploadLag: ['전송 지연 (스캔→수신)', 'Upload lag (scanned → received)'],
  lagFigures: ['중앙값 {p50}초 · 90% {p90}초 · 99% {p99}초 · 최대 {max}초', 'median {p50} s · p90 {p90} s · p99 {p99} s · max {max} s'],
  lagP95: ['분별 95% 지연 (초)', 'p95 lag per minute (s)'],
  total: ['합계 {n}건', '{n} check-ins'],
  lookup: ['조회', 'Look up'],
  audited: ['조회 내역은 감사 기록에 남습니다.', 'Every lookup is written to the audit log.'],
  caseId: ['사건 번호', 'Case id'],
  subject: ['대상', 'Subject'],
  personIdOption: ['등록번호', 'Registry id'],
  serialOption: ['패스 일련번호', 'Pass serial'],
  phoneOption: ['전화번호', 'Phone'],
  from: ['시작', 'From'],
  to: ['끝', 'To'],
  dwell: ['체류 시간 (분)', 'Dwell (minutes)'],
  reason: ['사유', 'Reason'],
  traceAudited: ['신원 확인 하나하나가 감사 기록에 남습니다.', 'Every identity resolved is written to the audit log.'],
  runTrace: ['조사 실행', 'Run trace'],
  downloadCsv: ['CSV 내려받기', 'Download CSV'],
  caseVisits: ['확진자 방문 기록', 'The case\'s visits'],
  contacts: ['접촉자', 'Contacts'],
  venue: ['시설', 'Venue'],
  at: ['시각', 'At'],
  channel: ['경로', 'Channel'],
  identity: ['신원', 'Identity'],
  name: ['이름', 'Name'],
  birthDate: ['생년월일', 'Birth date'],
  records: ['접종 / 검사 / 완치 / 예외 기록', 'Doses / tests / recoveries / exemptions'],
  statusNow: ['현재 상태', 'Status now'],
  phone: ['전화', 'Phone'],
  encounters: ['접촉', 'Encounters'],
  purgeHelp: ['28일이 지난 출입 기록과 발급 원장을 지웁니다. 매시간 자동으로도 실행됩니다.', 'Deletes visits and ledger rows older than 28 days. It also runs every hour.'],
  purgeNow: ['지금 삭제 실행', 'Purge now'],
  purgeConfirm: ['보존기간이 지난 기록을 지금 삭제할까요?', 'Delete everything past retention now?'],
  pastPurges: ['지난 삭제', 'Past purges'],
  actor: ['실행자', 'Actor'],
  action: ['작업', 'Action'],
  detail: ['내용', 'Detail'],
  show: ['보기', 'Show'],
  none: ['없음', 'None'],
  pairingTitle: ['출입구 태블릿 연결', 'Pair a door tablet'],
  pairingHelp: ['태블릿 카메라로 아래 QR을 찍거나, 태블릿의 스캐너 화면에 연결 코드를 입력하면 그 시설의 스캐너가 됩니다. 비밀번호를 입력할 필요가 없습니다. 코드는 10분 동안 한 번만 쓸 수 있습니다.',
    'Point the tablet\'s camera at the QR below, or type the code on its scanner page: it becomes a scanner of the venue, with no secret to type. The code works once, for 10 minutes.'],
  pairingVenue: ['시설', 'Venue'],
  pairingCreate: ['연결 코드 만들기', 'Make a pairing code'],
  pairingExpires: ['{at}까지 한 번 쓸 수 있습니다.', 'Works once, until {at}.'],
  actions: ['작업', 'Actions'],
  day: ['날짜', 'Day'],
  subjectValue: ['조회할 값', 'Value to look up'],
  auditFrom: ['시작', 'From'],
  auditTo: ['끝', 'To'],
  auditAction: ['작업 코드', 'Action code'],
  perMinuteSummary: ['합계 {n}건, 가장 많은 분 {peak}건 ({at})', '{n} check-ins; busiest minute {peak} ({at})'],
  verdict_ADMIT: ['통과', 'Admit'],
  verdict_ADMIT_LIMITED: ['조건부 통과', 'Admit with condition'],
  verdict_CHECK_ID: ['신분증 확인', 'Check ID'],
  verdict_DENY: ['입장 불가', 'Deny'],
  verdict_NONE: ['판정 없음 (전화·수기)', 'No verdict (call, manual)'],
  counter: ['종이 패스 발급', 'Paper pass'],
  counterHelp: ['주민센터·보건소 창구: 등록번호로 조회하고, 신분증의 이름과 생년월일을 확인한 뒤 종이 패스를 인쇄합니다. 조회와 확인은 감사 기록에 남습니다.',
    'Community or health centre counter: look the person up, check their ID card against the name and birth date, then print the paper pass. Lookups and checks are written to the audit log.'],
  idDocument: ['확인한 신분증', 'ID card checked'],
  residentCard: ['주민등록증', 'Resident registration card'],
  driverLicence: ['운전면허증', 'Driver\'s licence'],
  passport: ['여권', 'Passport'],
  alienCard: ['외국인등록증', 'Alien registration card'],
  idCheckedLabel: ['신분증의 이름·생년월일이 위와 같음을 확인했습니다', 'The ID card shows the name and birth date above'],
  idNotChecked: ['먼저 신분증을 확인하고 표시하세요.', 'Check the ID card and tick the box first.'],
  issuePaper: ['종이 패스 발급', 'Issue the paper pass'],
  printNow: ['인쇄', 'Print'],
  clients: ['API 클라이언트', 'API clients'],
  newClient: ['새 클라이언트', 'New client'],
  newClientId: ['클라이언트 ID', 'Client id'],
  clientIdShort: ['ID', 'Id'],
  displayName: ['표시 이름', 'Display name'],
  roles: ['역할', 'Roles'],
  scannerVenue: ['스캐너가 설치된 시설', 'Venue the scanner serves'],
  createClient: ['만들기', 'Create'],
  secretOnce: ['비밀번호 (한 번만 표시됩니다)', 'Secret (shown this once)'],
  secretOnceHelp: ['지금 복사해 안전하게 전달하세요. 다시 볼 수 없으며, 잃어버리면 재발급해야 합니다.',
    'Copy it now and hand it over safely. It cannot be shown again; if it is lost, rotate it.'],
  copy: ['복사', 'Copy'],
  copied: ['복사했습니다', 'Copied'],
  done: ['확인, 닫기', 'Done, hide it'],
  state: ['상태', 'State'],
  enabled: ['사용 중', 'Enabled'],
  disabled: ['사용 중지', 'Disabled'],
  rotate: ['비밀번호 재발급', 'Rotate secret'],
  disable: ['사용 중지', 'Disable'],
  enable: ['다시 사용', 'Enable'],
  rotateConfirm: ['{id}의 비밀번호를 재발급할까요? 지금 쓰는 비밀번호는 바로 쓸 수 없게 됩니다.', 'Rotate the secret of {id}? The secret in use stops working at once.'],
  disableConfirm: ['{id}을(를) 사용 중지할까요? 이 클라이언트는 더 이상 인증할 수 없습니다.', 'Disable {id}? It will no longer be able to authenticate.'],
  roleWalletProvider: ['지갑 앱 사업자', 'Wallet provider'],
  roleScanner: ['출입 스캐너', 'Scanner'],
  roleLab: ['검사 기관', 'Laboratory'],
  roleIssuerAdmin: ['운영 관리자', 'Issuer admin'],
  roleTracer: ['역학조사관', 'Tracer'],
  roleAuditor: ['감사자', 'Auditor'],
  roleMonitoring: ['모니터링', 'Monitoring'],
  roleCounterClerk: ['창구 담당자', 'Counter clerk'],
  roleInspector: ['단속 공무원', 'Inspector'],
  openEnded: ['기한 없음', 'No end date'],
  notifications: ['알림', 'Notifications'],
  notifyDead: ['전송 실패 (재시도 종료)', 'Dead letters (retries exhausted)'],
  notifyKind: ['종류', 'Kind'],
  notifyChannel: ['경로', 'Channel'],
  notify_queued: ['대기', 'Queued'],
  notify_sending: ['보내는 중', 'Sending'],
  notify_sent: ['보냄', 'Sent'],
  notify_delivered: ['전달됨', 'Delivered'],
  notify_failed: ['실패', 'Failed'],
  notify_dead: ['재시도 종료', 'Dead letter'],
  notify_suppressed: ['보내지 않음', 'Suppressed'],
  notify_expiry_reminder: ['만료 알림', 'Expiry reminder'],
  notify_booster_due: ['추가 접종 안내', 'Booster due'],
  notify_lab_result: ['검사 결과', 'Lab result'],
  notify_decree: ['공지', 'Decree'],
  notify_sms: ['문자', 'SMS'],
  notify_push: ['푸시', 'Push'],
  broadcast: ['전체 공지 보내기', 'Broadcast a notice'],
  broadcastKo: ['공지 (한국어)', 'Notice (Korean)'],
  broadcastEn: ['공지 (영어)', 'Notice (English)'],
  broadcastQueued: ['{n}명에게 보낼 공지를 대기열에 넣었습니다 (야간 제한 시간 이후 발송).', 'Queued for {n} people (sent outside quiet hours).'],
  send: ['보내기', 'Send'],
}, () => { if (me) route(); renderWho(); renderTrace(); });

const fmt = (iso) => new Date(iso).toLocaleString(lang() === 'ko' ? 'ko-KR' : 'en-GB', { timeZone: 'Asia/Seoul' });

/** A datetime-local value (KST) for an instant, and back. */
function localValue(ms) {
  return new Date(ms + 9 * 3600000).toISOString().slice(0, 16);
}

function fromLocal(value) {
  return value + ':00+09:00';
}

function auth() {
  return basic(signin.id, signin.secret);
}

function has(...roles) {
  return me && roles.some((r) => me.roles.includes(r));
}

/** dataColumns: the columns that hold records as stored (ids, codes, JSON), shown as they are, not translated. */
function table(el, headers, rows, dataColumns = []) {
  el.innerHTML = '';
  const head = el.createTHead().insertRow();
  headers.forEach((h) => { const th = document.createElement('th'); th.textContent = h; head.appendChild(th); });
  const body = el.createTBody();
  if (rows.length === 0) body.insertRow().insertCell().textContent = t('none');
  rows.forEach((cells) => {
    const row = body.insertRow();
    cells.forEach((c, i) => {
      const cell = row.insertCell();
      cell.textContent = c === undefined ? '' : String(c);
      if (dataColumns.includes(i)) cell.translate = false;
    });
  });
}

function facts(el, pairs) {
  el.innerHTML = '';
  for (const [k, v] of pairs) {
    const dt = document.createElement('dt');
    dt.textContent = k;
    const dd = document.createElement('dd');
    dd.textContent = v;
    el.append(dt, dd);
  }
}

// ---------------------------------------------------------------------------------------------------------------

async function signIn(event) {
  event.preventDefault();
  showText($('signinError'), null);
  try {
    signin = { id: $('clientId').value.trim(), secret: $('secret').value };
    me = await getJson('/api/v1/me', { auth: auth() });
    sessionStorage.setItem(SIGNIN, JSON.stringify(signin));
    enter();
  } catch (e) {
    signin = null;
    showText($('signinError'), e instanceof ApiError && e.status === 401 ? both('signinFailed') : explain(e));
  }
}

function enter() {
  $('signin').classList.add('hidden');
  $('tabs').classList.remove('hidden');
  $('who').classList.remove('hidden');
  renderWho();
  document.querySelectorAll('#tabs [data-tab]').forEach((b) => b.classList.toggle('hidden', !has(...b.dataset.roles.split(' '))));
  const first = document.querySelector('#tabs [data-tab]:not(.hidden)');
  // The centre's day, not this computer's: operators read the centre's records (and a replayed centre runs in 2021).
  const now = Date.parse(me.serverTime) || Date.now();
  $('day').value = localValue(now).slice(0, 10);
  $('from').value = localValue(now).slice(0, 10) + 'T00:00';
  $('to').value = localValue(now + 86400000).slice(0, 10) + 'T00:00';
  $('auditFrom').value = localValue(now - 86400000);
  $('auditTo').value = localValue(now + 60000);
  // A tab this operator's roles do not allow (a bookmark, or the previous operator's) gives way to their first.
  const allowed = document.querySelector(`#tabs [data-tab="${location.hash.slice(1)}"]:not(.hidden)`);
  if (first && !allowed) location.hash = first.dataset.tab;
  route();
}

/** Who is signed in: the client id as it is (an identifier, not text to translate) and its roles in words. */
function renderWho() {
  if (!me) return;
  const id = Object.assign(document.createElement('span'), { textContent: me.clientId, translate: false });
  $('who').replaceChildren(id, document.createTextNode(' · ' + me.roles.map(roleName).join(', ')));
}

function route() {
  const tab = location.hash.slice(1);
  document.querySelectorAll('.tab').forEach((s) => s.classList.toggle('hidden', s.id !== tab));
  document.querySelectorAll('#tabs [data-tab]').forEach((b) => b.classList.toggle('active', b.dataset.tab === tab));
  clearInterval(dashboardTimer);
  if (tab === 'dashboard') {
    dashboard();
    dashboardTimer = setInterval(dashboard, 30000);
  } else if (tab === 'purge') {
    purges();
  } else if (tab === 'clients') {
    showClients();
  } else if (tab === 'notifications') {
    showNotifications();
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Notifications (issuer-admin, auditor): the outbox by kind and channel, the dead letters, and a broadcast.

const NOTIFY_STATES = ['queued', 'sending', 'sent', 'delivered', 'failed', 'dead', 'suppressed'];

async function showNotifications() {
  $('broadcastForm').classList.toggle('hidden', !has('issuer-admin'));
  const r = await getJson('/api/v1/notifications/summary', { auth: auth() });
  const rows = new Map();
  for (const c of r.counts) {
    const key = `${t(`notify_${c.kind}`)} / ${t(`notify_${c.channel}`)}`;
    if (!rows.has(key)) rows.set(key, Object.fromEntries(NOTIFY_STATES.map((s) => [s, 0])));
    rows.get(key)[c.state] = c.count;
  }
  table($('notifySummary'), [`${t('notifyKind')} / ${t('notifyChannel')}`, ...NOTIFY_STATES.map((s) => t(`notify_${s}`))],
    [...rows.entries()].map(([key, n]) => [key, ...NOTIFY_STATES.map((s) => String(n[s]))]));
  const dead = await getJson('/api/v1/notifications?state=dead&limit=100', { auth: auth() });
  table($('notifyDead'), [t('at'), t('identity'), t('notifyKind'), t('notifyChannel'), t('detail')],
    dead.notifications.map((n) => [fmt(n.createdAt), n.personId, t(`notify_${n.kind}`), t(`notify_${n.channel}`), n.lastError || '']), [1, 4]);
}

async function sendBroadcast(event) {
  event.preventDefault();
  showText($('broadcastResult'), null);
  try {
    const r = await request('/api/v1/notifications/broadcasts', { method: 'POST', auth: auth(),
      json: { textKo: $('broadcastKo').value, textEn: $('broadcastEn').value } });
    const body = await r.json();
    showText($('broadcastResult'), both('broadcastQueued', { n: body.queued }));
    showNotifications();
  } catch (e) {
    showText($('broadcastResult'), explain(e));
  }
}

function signOut() {
  sessionStorage.removeItem(SIGNIN);
  location.hash = '';
  location.reload();
}

// ---------------------------------------------------------------------------------------------------------------
// Dashboard.

function hhmm(iso) {
  return new Date(iso).toLocaleTimeString(lang() === 'ko' ? 'ko-KR' : 'en-GB', { timeZone: 'Asia/Seoul', hour: '2-digit', minute: '2-digit' });
}

async function dashboard() {
  const day = $('day').value;
  const stats = await getJson('/api/v1/stats/checkins?day=' + encodeURIComponent(day), { auth: auth() });
  $('total').textContent = t('total', { n: stats.total.toLocaleString() });
  const dayStart = Date.parse(stats.from);
  const minuteOf = (m) => (Date.parse(m.minute) - dayStart) / 60000;
  const peak = stats.perMinute.reduce((best, m) => (m.count > best.count ? m : best), { count: 0, minute: null });
  const perMinuteSummary = peak.minute === null ? t('none')
    : t('perMinuteSummary', { n: stats.total.toLocaleString(), peak: peak.count.toLocaleString(), at: hhmm(peak.minute) });
  $('perMinute').innerHTML = lineChart(stats.perMinute.map((m) => [minuteOf(m), m.count]), { xMax: 1440, xTicks: hourTicks(), summary: perMinuteSummary });
  const order = ['ADMIT', 'ADMIT_LIMITED', 'CHECK_ID', 'DENY', 'NONE'];
  const colours = { ADMIT: '#0a7d32', ADMIT_LIMITED: '#b86e00', CHECK_ID: '#d99a1e', DENY: '#c0262d', NONE: '#8a939e' };
  $('verdicts').innerHTML = barChart(order.filter((v) => stats.verdicts[v]).map((v) => [t('verdict_' + v), stats.verdicts[v], colours[v]]), t('none'));
  const r = (x) => (Math.round(x * 10) / 10).toString();
  const lagFigures = t('lagFigures', { p50: r(stats.lag.p50Seconds), p90: r(stats.lag.p90Seconds), p99: r(stats.lag.p99Seconds), max: r(stats.lag.maxSeconds) });
  $('lag').innerHTML = lineChart(stats.perMinute.map((m) => [minuteOf(m), m.lagP95Seconds]), { xMax: 1440, xTicks: hourTicks(), label: t('lagP95'), summary: t('lagP95') + ': ' + lagFigures });
  $('lagFigures').textContent = lagFigures;
}

function hourTicks() {
  return [0, 3, 6, 9, 12, 15, 18, 21, 24].map((h) => [h * 60, String(h).padStart(2, '0') + ':00']);
}

// ---------------------------------------------------------------------------------------------------------------
// Person, trace, purge, audit.

async function lookUpPerson(event) {
  event.preventDefault();
  showText($('personError'), null);
  try {
    const p = await getJson('/api/v1/persons/' + encodeURIComponent($('personQuery').value.trim()), { auth: auth() });
    const pairs = [[t('personIdOption'), p.personId], [t('name'), p.name], [t('birthDate'), p.birthDate],
      [t('records'), `${p.immunizations} / ${p.tests} / ${p.recoveries} / ${p.exemptions}`]];
    if (p.statusNow) {
      const s = statusById(p.statusNow.status);
      pairs.push([t('statusNow'), `${s ? pick(s) : p.statusNow.status} (${fmt(p.statusNow.validFrom)} – ${p.statusNow.validUntil ? fmt(p.statusNow.validUntil) : '∞'})`]);
      pairs.push(['', pick(p.statusNow.explanation)]);
    }
    facts($('personResult'), pairs);
  } catch (e) {
    showText($('personError'), explain(e));
  }
}

let counterPerson = null;

async function lookUpAtCounter(event) {
  event.preventDefault();
  showText($('counterError'), null);
  $('counterCheck').classList.add('hidden');
  $('counterPaper').classList.add('hidden');
  $('idChecked').checked = false;
  try {
    const p = await getJson('/api/v1/counter/persons/' + encodeURIComponent($('counterQuery').value.trim()), { auth: auth() });
    counterPerson = p.personId;
    const pairs = [[t('personIdOption'), p.personId], [t('name'), p.name], [t('birthDate'), p.birthDate]];
    if (p.statusNow) {
      const s = statusById(p.statusNow.status);
      pairs.push([t('statusNow'), `${s ? pick(s) : p.statusNow.status} (${p.statusNow.validUntil ? fmt(p.statusNow.validUntil) : t('openEnded')})`]);
      pairs.push(['', pick(p.statusNow.explanation)]);
    }
    facts($('counterPerson'), pairs);
    $('counterCheck').classList.remove('hidden');
  } catch (e) {
    showText($('counterError'), explain(e));
  }
}

/** Records the ID check and shows the paper pass, in Korean with English, ready to print. */
async function printAtCounter() {
  showText($('counterError'), null);
  if (!$('idChecked').checked) {
    showText($('counterError'), both('idNotChecked'));
    return;
  }
  try {
    const response = await request('/api/v1/counter/passes', { method: 'POST', auth: auth(),
      json: { personId: counterPerson, idDocument: $('idDocument').value, idChecked: true } });
    const pass = await response.json();
    drawQr($('counterQr'), staticText(fromBase64(pass.credential)), 360);
    $('counterPaperName').textContent = pass.maskedName;
    $('counterPaperBirthYear').textContent = String(pass.birthYear);
    const s = statusById(pass.status);
    $('counterPaperStatus').textContent = s ? `${s.ko} · ${s.en}` : pass.status;
    // The printed pass holds while both its status and the credential do; it states the earlier, as its last valid day.
    const until = earliest(pass.statusValidUntil, pass.expiresAt);
    $('counterPaperUntil').textContent = formatValidUntil(until, 'ko');
    $('counterPaperUntil').dataset.until = new Date(until).toISOString();
    $('counterPaper').dataset.serial = pass.serial;
    $('counterPaper').classList.remove('hidden');
  } catch (e) {
    showText($('counterError'), explain(e));
  }
}

let lastTrace = null; // kept so a language switch redraws the tables in the new language

/** The trace's tables; a person met several times (or by QR and by phone) is one row with every encounter. */
function renderTrace() {
  const r = lastTrace;
  if (!r) return;
  $('traceResult').classList.remove('hidden');
  $('traceResult').dataset.traceId = r.traceId;
  table($('caseVisits'), [t('venue'), t('at'), t('channel')], r.caseVisits.map((v) => [`${v.venueName || ''} (${v.venueId})`, fmt(v.at), v.channel]));
  const people = new Map();
  for (const c of r.contacts) {
    const key = c.identity || c.phone || c.name;
    const person = people.get(key) || { ...c, encounters: [] };
    person.encounters.push(...c.encounters);
    people.set(key, person);
  }
  table($('contacts'), [t('identity'), t('name'), t('phone'), t('encounters')], [...people.values()].map((c) => [c.identity, c.name, c.phone,
    c.encounters.map((e) => `${e.venueName || e.venueId} ${fmt(e.contactVisitAt)} (${e.channel})`).join('; ')]));
}

function traceBody() {
  const body = { caseId: $('caseId').value.trim(), reason: $('reason').value.trim(), from: fromLocal($('from').value),
    to: fromLocal($('to').value), dwellMinutes: Number($('dwell').value) };
  body[$('subjectKind').value] = $('subject').value.trim();
  return body;
}

async function runTrace(event) {
  event.preventDefault();
  showText($('traceError'), null);
  try {
    const r = await getJson('/api/v1/traces', { method: 'POST', json: traceBody(), auth: auth(), timeoutMs: 60000 });
    lastTrace = r;
    renderTrace();
  } catch (e) {
    showText($('traceError'), explain(e));
  }
}

async function downloadCsv() {
  showText($('traceError'), null);
  try {
    const response = await request('/api/v1/traces', { method: 'POST', json: traceBody(), auth: auth(), headers: { Accept: 'text/csv' }, timeoutMs: 60000 });
    const url = URL.createObjectURL(await response.blob());
    const a = document.createElement('a');
    a.href = url;
    a.download = 'trace-' + $('caseId').value.trim().replace(/[^A-Za-z0-9._-]/g, '_') + '.csv';
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  } catch (e) {
    showText($('traceError'), explain(e));
  }
}

async function purgeNow() {
  if (!confirm(t('purgeConfirm'))) return;
  showText($('purgeError'), null);
  try {
    const r = await getJson('/api/v1/retention/purge', { method: 'POST', auth: auth(), timeoutMs: 120000 });
    facts($('purgeResult'), Object.entries(r));
    await purges();
  } catch (e) {
    showText($('purgeError'), explain(e));
  }
}

async function purges() {
  const r = await getJson('/api/v1/retention/purges', { auth: auth() });
  table($('purges'), [t('at'), t('actor'), t('detail')], r.purges.map((p) => [fmt(p.at), p.actor, JSON.stringify(p.detail)]), [1, 2]);
}

async function showAudit(event) {
  event.preventDefault();
  showText($('auditError'), null);
  try {
    const q = new URLSearchParams({ from: fromLocal($('auditFrom').value), to: fromLocal($('auditTo').value), limit: '500' });
    if ($('auditAction').value.trim()) q.set('action', $('auditAction').value.trim());
    const r = await getJson('/api/v1/audit?' + q, { auth: auth() });
    table($('auditEntries'), [t('at'), t('actor'), t('action'), t('identity'), t('detail')],
      r.entries.map((e) => [fmt(e.at), e.actor, e.action, e.subject, JSON.stringify(e.detail)]), [1, 2, 3, 4]);
  } catch (e) {
    showText($('auditError'), explain(e));
  }
}

// ---------------------------------------------------------------------------------------------------------------
// API clients (issuer-admin): list, create with the secret shown once, rotate, disable, enable.

const ROLES = [['wallet-provider', 'roleWalletProvider'], ['scanner', 'roleScanner'], ['lab', 'roleLab'],
  ['issuer-admin', 'roleIssuerAdmin'], ['tracer', 'roleTracer'], ['auditor', 'roleAuditor'],
  ['monitoring', 'roleMonitoring'], ['counter-clerk', 'roleCounterClerk'], ['inspector', 'roleInspector']];

/** A role in words (the role ids are the API's, not text for people). */
function roleName(id) {
  const key = new Map(ROLES).get(id);
  return key ? t(key) : id;
}

function roleBoxes() {
  const box = $('newClientRoles');
  if (box.querySelector('input')) return;
  for (const [id, key] of ROLES) {
    const label = document.createElement('label');
    const input = document.createElement('input');
    input.type = 'checkbox';
    input.value = id;
    input.id = 'role-' + id;
    const text = document.createElement('span');
    text.dataset.i18n = key;
    text.textContent = t(key);
    label.append(input, text);
    box.appendChild(label);
  }
  box.addEventListener('change', scannerVenueRow);
}

function chosenRoles() {
  return [...$('newClientRoles').querySelectorAll('input:checked')].map((i) => i.value);
}

async function venueOptions(select) {
  if (select.options.length) return;
  const r = await getJson('/api/v1/venues', { auth: auth() });
  for (const v of r.venues) {
    const o = document.createElement('option');
    o.value = v.venueId;
    o.textContent = `${v.name} (${v.venueId})`;
    select.appendChild(o);
  }
}

/** A one-time code that makes a door tablet a scanner of the venue: shown large, and as a QR its camera opens. */
async function makePairing(event) {
  event.preventDefault();
  showText($('pairingError'), null);
  try {
    const venueId = $('pairingVenue').value;
    const made = await getJson('/api/v1/venues/' + encodeURIComponent(venueId) + '/pairings', { method: 'POST', json: {}, auth: auth() });
    drawQr($('pairingQr'), location.origin + made.pairPath, 320, 'Byte');
    $('pairingCode').textContent = made.code;
    showText($('pairingExpires'), both('pairingExpires', { at: new Date(made.expiresAt).toLocaleTimeString('ko-KR', { timeZone: 'Asia/Seoul', hour: '2-digit', minute: '2-digit' }) }));
    $('pairingResult').classList.remove('hidden');
  } catch (e) {
    showText($('pairingError'), explain(e));
  }
}

async function scannerVenueRow() {
  const scanner = chosenRoles().includes('scanner');
  $('newClientVenueRow').classList.toggle('hidden', !scanner);
  if (scanner) await venueOptions($('newClientVenue'));
}

async function showClients() {
  roleBoxes();
  venueOptions($('pairingVenue')).catch((e) => showText($('pairingError'), explain(e)));
  showText($('clientError'), null);
  try {
    const r = await getJson('/api/v1/clients', { auth: auth() });
    const el = $('clientList');
    el.innerHTML = '';
    const head = el.createTHead().insertRow();
    [t('clientIdShort'), t('displayName'), t('roles'), t('venue'), t('state'), t('actions')].forEach((h) => {
      const th = document.createElement('th');
      th.textContent = h;
      head.appendChild(th);
    });
    const body = el.createTBody();
    for (const c of r.clients) {
      const row = body.insertRow();
      row.dataset.clientId = c.clientId;
      row.dataset.disabled = String(c.disabled);
      [c.clientId, c.displayName, c.roles.map(roleName).join(', '), c.venueId || '', c.disabled ? t('disabled') : t('enabled')]
        .forEach((v, i) => {
          const cell = row.insertCell();
          cell.textContent = v;
          if (i <= 1 || i === 3) cell.translate = false; // identifiers and names: data, not words to translate
        });
      const actions = row.insertCell();
      const button = (key, action, cls) => {
        const b = document.createElement('button');
        b.type = 'button';
        b.textContent = t(key);
        b.dataset.action = action;
        if (cls) b.className = cls;
        b.addEventListener('click', () => clientAction(c.clientId, action));
        actions.appendChild(b);
      };
      button('rotate', 'rotate');
      if (c.disabled) button('enable', 'enable');
      else if (c.clientId !== me.clientId) button('disable', 'disable', 'danger');
    }
  } catch (e) {
    showText($('clientError'), explain(e));
  }
}

function showSecret(issued) {
  $('clientSecretId').textContent = issued.clientId;
  $('clientSecretValue').textContent = issued.secret;
  $('clientSecret').classList.remove('hidden');
  $('clientSecretCopy').textContent = t('copy');
  $('clientSecret').scrollIntoView();
}

function hideSecret() {
  $('clientSecretValue').textContent = '';
  $('clientSecretId').textContent = '';
  $('clientSecret').classList.add('hidden');
}

async function copySecret() {
  const secret = $('clientSecretValue').textContent;
  try {
    await navigator.clipboard.writeText(secret);
  } catch (e) {
    // No clipboard permission (plain http, an old browser): select it for Ctrl-C instead.
    const range = document.createRange();
    range.selectNodeContents($('clientSecretValue'));
    const selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }
  $('clientSecretCopy').textContent = t('copied');
}

async function createClient(event) {
  event.preventDefault();
  showText($('clientError'), null);
  hideSecret();
  const roles = chosenRoles();
  const body = { clientId: $('newClientId').value.trim(), roles };
  if ($('newClientName').value.trim()) body.displayName = $('newClientName').value.trim();
  if (roles.includes('scanner')) body.venueId = $('newClientVenue').value;
  try {
    const issued = await getJson('/api/v1/clients', { method: 'POST', json: body, auth: auth() });
    $('clientForm').reset();
    $('newClientVenueRow').classList.add('hidden');
    showSecret(issued);
    await showClients();
  } catch (e) {
    showText($('clientError'), explain(e));
  }
}

async function clientAction(clientId, action) {
  if (action === 'rotate' && !confirm(t('rotateConfirm', { id: clientId }))) return;
  if (action === 'disable' && !confirm(t('disableConfirm', { id: clientId }))) return;
  showText($('clientError'), null);
  hideSecret();
  try {
    const r = await getJson(`/api/v1/clients/${encodeURIComponent(clientId)}/${action}`, { method: 'POST', json: {}, auth: auth() });
    if (action === 'rotate') {
      showSecret(r);
      // Our own secret: keep this sign-in working with the new one.
      if (clientId === signin.id) {
        signin = { id: signin.id, secret: r.secret };
        sessionStorage.setItem(SIGNIN, JSON.stringify(signin));
      }
    }
    await showClients();
  } catch (e) {
    showText($('clientError'), explain(e));
  }
}

async function start() {
  $('signinForm').addEventListener('submit', signIn);
  $('signout').addEventListener('click', signOut);
  document.querySelectorAll('#tabs [data-tab]').forEach((b) => b.addEventListener('click', () => { location.hash = b.dataset.tab; }));
  window.addEventListener('hashchange', () => me && route());
  $('day').addEventListener('change', dashboard);
  $('personForm').addEventListener('submit', lookUpPerson);
  $('traceForm').addEventListener('submit', runTrace);
  $('traceCsv').addEventListener('click', downloadCsv);
  $('purgeRun').addEventListener('click', purgeNow);
  $('auditForm').addEventListener('submit', showAudit);
  $('counterForm').addEventListener('submit', lookUpAtCounter);
  $('broadcastForm').addEventListener('submit', sendBroadcast);
  $('counterPrint').addEventListener('click', printAtCounter);
  $('counterPrintNow').addEventListener('click', () => window.print());
  $('clientForm').addEventListener('submit', createClient);
  $('pairingForm').addEventListener('submit', makePairing);
  $('clientSecretCopy').addEventListener('click', copySecret);
  $('clientSecretDone').addEventListener('click', hideSecret);
  setupInspections(auth, () => Date.parse(me && me.serverTime) || Date.now());
  if (signin) {
    try {
      me = await getJson('/api/v1/me', { auth: auth() });
      enter();
    } catch (e) {
      sessionStorage.removeItem(SIGNIN);
      signin = null;
    }
  }
}

start();
