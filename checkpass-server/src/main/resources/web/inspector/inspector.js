// The inspector's page (docs/pages.md): a district officer signs in, picks a venue of their district (a search, or
// the venue's poster QR), reads its door over the last hours, and records an inspection — the findings checklist, a
// user violation (the ID checked on site), an operator violation. The centre sets each fine and order from its
// schedule; the page shows them, prints the notice in Korean, and voids a fine with a reason.
import { setupLanguage, t, pick, lang, both, showText } from '/shared/i18n.js';
import { explain } from '/shared/problems.js';
import { request, getJson, basic, ApiError } from '/shared/api.js';
import { decodeFrame } from '/shared/qr-decode.js';

const $ = (id) => document.getElementById(id);
const SIGNIN = 'checkpass.inspector.signin';
/** A venue's poster QR holds the link /inspector/?venue=ID (any phone camera opens it); a bare venue id reads too. */
const VENUE_ID = /^[a-z0-9][a-z0-9._-]{0,63}$/;
/** The door log's finding codes (docs/compliance.md) the page names in words; another code shows as it is. */
const FINDINGS = new Set(['NO_SCANS_WHILE_OPEN', 'WRONG_VENUE_TYPE', 'SCANNER_OFFLINE', 'CENTRE_DEGRADED']);
let signin = JSON.parse(sessionStorage.getItem(SIGNIN) || 'null');
let schedule = null;
let venue = null;
let door = null;
let person = null;
let users = [];
let recorded = null;

setupLanguage({
  title: ['현장 점검', 'Venue inspection'],
  signinTitle: ['단속 공무원 로그인', 'Inspector sign-in'],
  clientId: ['ID', 'Id'],
  secret: ['비밀번호', 'Secret'],
  signin: ['로그인', 'Sign in'],
  signinFailed: ['ID 또는 비밀번호가 맞지 않습니다.', 'Wrong id or secret.'],
  pickTitle: ['시설 찾기', 'Find the venue'],
  district: ['담당: {name} ({code})', 'District: {name} ({code})'],
  allDistricts: ['모든 시·군·구 (운영 관리자)', 'Every district (issuer admin)'],
  query: ['시설 이름 또는 ID', 'Venue name or id'],
  search: ['찾기', 'Search'],
  noResults: ['찾은 시설이 없습니다.', 'No venue found.'],
  scanStart: ['포스터 QR 찍기', 'Scan the poster QR'],
  scanStop: ['카메라 끄기', 'Stop the camera'],
  notAVenueQr: ['시설 포스터의 QR이 아닙니다.', 'That is not a venue poster QR.'],
  address: ['주소', 'Address'],
  venueType: ['등록 유형', 'Registered type'],
  operator: ['운영자', 'Operator'],
  districtShort: ['시·군·구', 'District'],
  doorTitle: ['최근 {hours}시간 출입 기록', 'The door, last {hours} hours'],
  noDoorLog: ['이 센터에는 아직 출입 기록 요약이 없습니다. 현장에서 확인한 내용만 기록하세요.', 'This centre keeps no door log summary yet: record what you see on site.'],
  centreDegraded: ['이 시간 동안 센터에 장애가 있었습니다. 과태료는 취소가 권고됩니다.', 'The centre was degraded in these hours: fines will be suggested for voiding.'],
  checks: ['확인 건수', 'Checks'],
  denials: ['입장 거부', 'Denials'],
  noChecks: ['기록 없음', 'None recorded'],
  NO_SCANS_WHILE_OPEN: ['QR 확인 없이 안심콜·수기 명부만 있는 시간', 'Hours with calls or manual entries but no scans'],
  WRONG_VENUE_TYPE: ['등록 업종과 다른 업종으로 확인', 'Checked under another venue type than registered'],
  SCANNER_OFFLINE: ['단말기 오프라인', 'Scanner offline'],
  CENTRE_DEGRADED: ['센터 장애 시간대', 'The centre was degraded'],
  inspectionTitle: ['점검 기록', 'Record the inspection'],
  findings: ['점검 결과 (해당 항목 표시)', 'Findings (tick what applies)'],
  userViolation: ['이용자 위반 (현장에서 신분증 확인)', 'User violation (ID checked on site)'],
  personId: ['등록번호', 'Registry id'],
  lookup: ['조회', 'Look up'],
  name: ['이름', 'Name'],
  birthDate: ['생년월일', 'Birth date'],
  idDocument: ['확인한 신분증', 'ID card checked'],
  residentCard: ['주민등록증', 'Resident registration card'],
  driverLicence: ['운전면허증', 'Driver\'s licence'],
  passport: ['여권', 'Passport'],
  alienCard: ['외국인등록증', 'Alien registration card'],
  idMatches: ['신분증의 이름·생년월일이 위와 같습니다', 'The ID card shows the name and birth date above'],
  idNotChecked: ['먼저 신분증을 확인하고 표시하세요.', 'Check the ID card and tick the box first.'],
  addUser: ['이용자 위반 추가', 'Add the user violation'],
  remove: ['빼기', 'Remove'],
  operatorTitle: ['운영자 위반', 'Operator violation'],
  operatorViolation: ['운영자가 방역수칙을 위반했습니다', 'The operator broke the rules'],
  scheduleHint: ['과태료: 이용자 {user}원; 운영자 1차 {op1}원, 이후 {op2}원. 행정처분 1차 {order1}. {counting}', 'Fines: user KRW {user}; operator KRW {op1} first, KRW {op2} after. First order: {order1}. {counting}'],
  note: ['메모', 'Note'],
  record: ['점검 기록 저장', 'Save the inspection'],
  resultTitle: ['처분', 'Sanctions'],
  noViolations: ['위반 없음: 점검 결과만 기록했습니다.', 'No violation: the findings are recorded.'],
  kind_user: ['이용자', 'User'],
  kind_operator: ['운영자', 'Operator'],
  fine: ['과태료 {amount}원', 'Fine KRW {amount}'],
  repeat: ['{n}차 위반', 'Violation no. {n}'],
  order: ['행정처분: {order}', 'Order: {order}'],
  voidReason: ['취소 사유', 'Reason for the void'],
  voidFine: ['과태료 취소', 'Void the fine'],
  voided: ['취소됨: {reason}', 'Void: {reason}'],
  showNotice: ['통지서 보기', 'Show the notice'],
  print: ['인쇄', 'Print'],
  none: ['없음', 'None'],
}, () => { renderDoor(); renderSchedule(); renderUsers(); renderViolations(); renderWho(); });

const won = (n) => Number(n).toLocaleString('ko-KR');
const fmt = (iso) => new Date(iso).toLocaleString(lang() === 'ko' ? 'ko-KR' : 'en-GB', { timeZone: 'Asia/Seoul' });
const auth = () => basic(signin.id, signin.secret);

function facts(el, pairs) {
  el.replaceChildren();
  for (const [k, v, data] of pairs) {
    const dt = document.createElement('dt');
    dt.textContent = k;
    const dd = document.createElement('dd');
    dd.textContent = v;
    if (data) dd.translate = false;
    el.append(dt, dd);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Sign-in.

async function signIn(event) {
  event.preventDefault();
  showText($('signinError'), null);
  signin = { id: $('clientId').value.trim(), secret: $('secret').value };
  try {
    await enter();
    sessionStorage.setItem(SIGNIN, JSON.stringify(signin));
  } catch (e) {
    signin = null;
    showText($('signinError'), e instanceof ApiError && e.status === 401 ? both('signinFailed') : explain(e));
  }
}

async function enter() {
  schedule = await getJson('/api/v1/inspections/schedule', { auth: auth() });
  $('signin').classList.add('hidden');
  $('pick').classList.remove('hidden');
  renderWho();
  renderSchedule();
  const wanted = new URLSearchParams(location.search).get('venue');
  if (wanted) {
    history.replaceState(null, '', location.pathname);
    await openVenue(wanted);
  }
  document.body.dataset.ready = 'true';
}

function renderWho() {
  if (!schedule || !signin) return;
  $('who').textContent = signin.id;
  $('who').classList.remove('hidden');
  $('district').textContent = schedule.district ? t('district', schedule.district) : t('allDistricts');
}

function renderSchedule() {
  if (!schedule) return;
  const list = $('checklist');
  const ticked = new Set([...list.querySelectorAll('input:checked')].map((i) => i.value));
  list.querySelectorAll('label').forEach((l) => l.remove());
  for (const item of schedule.checklist) {
    const label = document.createElement('label');
    label.className = 'check';
    const box = Object.assign(document.createElement('input'), { type: 'checkbox', value: item.code, checked: ticked.has(item.code) });
    const text = Object.assign(document.createElement('span'), { textContent: pick(item) });
    label.append(box, text);
    list.append(label);
  }
  const order1 = schedule.operatorOrders.length ? pick(schedule.operatorOrders[0]) : t('none');
  $('scheduleHint').textContent = t('scheduleHint', { user: won(schedule.userFines[0]), op1: won(schedule.operatorFines[0]),
    op2: won(schedule.operatorFines[schedule.operatorFines.length - 1]), order1, counting: pick(schedule.repeatCounting) });
}

// ---------------------------------------------------------------------------------------------------------------
// Picking a venue: a search, or the poster's QR.

async function search(event) {
  event.preventDefault();
  showText($('pickError'), null);
  try {
    const found = await getJson('/api/v1/inspections/venues?q=' + encodeURIComponent($('query').value.trim()), { auth: auth() });
    const list = $('results');
    list.replaceChildren();
    if (found.venues.length === 0) {
      list.append(Object.assign(document.createElement('li'), { textContent: t('noResults') }));
    }
    for (const v of found.venues) {
      const button = Object.assign(document.createElement('button'), { type: 'button' });
      button.dataset.venue = v.venueId;
      button.append(Object.assign(document.createElement('strong'), { textContent: v.name, translate: false }),
        Object.assign(document.createElement('span'), { className: 'muted', textContent: v.address, translate: false }));
      button.addEventListener('click', () => openVenue(v.venueId));
      const li = document.createElement('li');
      li.append(button);
      list.append(li);
    }
  } catch (e) {
    showText($('pickError'), explain(e));
  }
}

/** The venue id in a poster QR: its link's ?venue=, or a bare id. */
export function venueOfQr(text) {
  try {
    const url = new URL(text);
    const id = url.searchParams.get('venue');
    return id && VENUE_ID.test(id) ? id : null;
  } catch (e) {
    return VENUE_ID.test(text) ? text : null;
  }
}

let stream = null;
let scanTimer = null;
async function toggleCamera() {
  if (stream) {
    stopCamera();
    return;
  }
  showText($('pickError'), null);
  try {
    stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false });
    $('video').srcObject = stream;
    await $('video').play();
    $('camera').classList.remove('hidden');
    showText($('scanToggle'), both('scanStop'));
    let busy = false;
    scanTimer = setInterval(async () => {
      if (busy || !$('video').videoWidth) return;
      busy = true;
      try {
        const text = await decodeFrame($('video'));
        if (text) {
          const id = venueOfQr(text);
          if (id) {
            stopCamera();
            await openVenue(id);
          } else {
            showText($('pickError'), both('notAVenueQr'));
          }
        }
      } catch (e) {
        // a frame that cannot be read is a frame without a code
      } finally {
        busy = false;
      }
    }, 150);
  } catch (e) {
    stopCamera();
    showText($('pickError'), explain(e));
  }
}

function stopCamera() {
  clearInterval(scanTimer);
  if (stream) stream.getTracks().forEach((track) => track.stop());
  stream = null;
  $('video').srcObject = null;
  $('camera').classList.add('hidden');
  showText($('scanToggle'), both('scanStart'));
}

// ---------------------------------------------------------------------------------------------------------------
// The venue and its door.

async function openVenue(venueId) {
  showText($('pickError'), null);
  try {
    door = await getJson('/api/v1/inspections/venues/' + encodeURIComponent(venueId) + '/door?hours=' + schedule.doorWindowHours, { auth: auth() });
    venue = door.venue;
    users = [];
    recorded = null;
    person = null;
    $('inspection').reset();
    facts($('personFacts'), []);
    $('personCheck').classList.add('hidden');
    renderDoor();
    renderUsers();
    renderViolations();
    $('venue').classList.remove('hidden');
    $('inspection').classList.remove('hidden');
    $('result').classList.add('hidden');
    $('notice').classList.add('hidden');
    $('venue').scrollIntoView({ block: 'start' });
  } catch (e) {
    showText($('pickError'), explain(e));
  }
}

function renderDoor() {
  if (!door) return;
  $('venueName').textContent = venue.name;
  const pairs = [[t('address'), venue.address, true], [t('venueType'), venue.venueType, true]];
  if (venue.district) pairs.push([t('districtShort'), `${venue.district.name} (${venue.district.code})`, true]);
  if (venue.operatorName) pairs.push([t('operator'), `${venue.operatorName} ${venue.operatorPhone || ''}`.trim(), true]);
  facts($('venueFacts'), pairs);
  $('doorTitle').textContent = t('doorTitle', { hours: schedule.doorWindowHours });
  const notices = [];
  if (door.doorLog === 'none') notices.push(t('noDoorLog'));
  if (door.centreDegraded) notices.push(t('centreDegraded'));
  $('doorNotice').textContent = notices.join(' ');
  $('doorNotice').classList.toggle('hidden', notices.length === 0);
  $('doorNotice').classList.toggle('urgent', door.centreDegraded);
  const s = door.summary;
  if (s) {
    const checks = Object.entries(s.checksByChannelAndVerdict).map(([k, n]) => `${k} ${n}`).join(', ');
    facts($('doorFacts'), [[t('checks'), checks || t('noChecks'), true], [t('denials'), String(s.denials)]]);
    $('doorFindings').replaceChildren(...s.findings.map((f) => Object.assign(document.createElement('li'), { textContent: `${FINDINGS.has(f.code) ? t(f.code) : f.code}: ${f.detail}` })));
  } else {
    facts($('doorFacts'), []);
    $('doorFindings').replaceChildren();
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The inspection.

async function lookUpPerson() {
  showText($('inspectionError'), null);
  $('personCheck').classList.add('hidden');
  $('idMatches').checked = false;
  try {
    person = await getJson('/api/v1/inspections/persons/' + encodeURIComponent($('personId').value.trim()), { auth: auth() });
    facts($('personFacts'), [[t('personId'), person.personId, true], [t('name'), person.name, true], [t('birthDate'), person.birthDate, true]]);
    $('personCheck').classList.remove('hidden');
  } catch (e) {
    facts($('personFacts'), []);
    showText($('inspectionError'), explain(e));
  }
}

function addUser() {
  if (!$('idMatches').checked) {
    showText($('inspectionError'), both('idNotChecked'));
    return;
  }
  showText($('inspectionError'), null);
  users.push({ personId: person.personId, name: person.name, idDocument: $('idDocument').value });
  person = null;
  $('personId').value = '';
  facts($('personFacts'), []);
  $('personCheck').classList.add('hidden');
  renderUsers();
}

function renderUsers() {
  $('users').replaceChildren(...users.map((u, i) => {
    const li = document.createElement('li');
    li.className = 'row';
    li.append(Object.assign(document.createElement('span'), { textContent: `${u.name} (${u.personId})`, translate: false }));
    const remove = Object.assign(document.createElement('button'), { type: 'button', className: 'narrow', textContent: t('remove') });
    remove.addEventListener('click', () => { users.splice(i, 1); renderUsers(); });
    li.append(remove);
    return li;
  }));
}

async function save(event) {
  event.preventDefault();
  showText($('inspectionError'), null);
  const findings = [...$('checklist').querySelectorAll('input:checked')].map((i) => i.value);
  try {
    const response = await request('/api/v1/inspections', { method: 'POST', auth: auth(), json: {
      venueId: venue.venueId, findings, note: $('note').value,
      operatorViolation: $('operatorViolation').checked,
      userViolations: users.map((u) => ({ personId: u.personId, idDocument: u.idDocument })) } });
    recorded = await response.json();
    recorded.names = Object.fromEntries(users.map((u) => [u.personId, u.name]));
    users = [];
    renderUsers();
    $('inspection').reset();
    renderViolations();
    $('result').classList.remove('hidden');
    $('result').scrollIntoView({ block: 'start' });
  } catch (e) {
    showText($('inspectionError'), explain(e));
  }
}

function orderText(v) {
  return v.order ? pick(v.order) : '';
}

function renderViolations() {
  if (!recorded) return;
  $('resultNone').classList.toggle('hidden', recorded.violations.length > 0);
  $('violations').replaceChildren(...recorded.violations.map((v) => {
    const li = document.createElement('li');
    li.dataset.violation = v.violationId;
    const who = v.kind === 'user' ? `${t('kind_user')}: ${recorded.names[v.personId] || ''} (${v.personId})` : `${t('kind_operator')}: ${recorded.venue.name}`;
    li.append(Object.assign(document.createElement('div'), { textContent: who }),
      Object.assign(document.createElement('div'), { className: 'fine', textContent: t('fine', { amount: won(v.fineKrw) }) }),
      Object.assign(document.createElement('div'), { className: 'muted', textContent: t('repeat', { n: v.repeatNumber }) }));
    if (v.order) li.append(Object.assign(document.createElement('div'), { textContent: t('order', { order: orderText(v) }) }));
    if (v.voided) {
      li.append(Object.assign(document.createElement('p'), { className: 'pill', textContent: t('voided', { reason: v.voided.reason }) }));
    } else {
      if (v.voidSuggested) li.append(Object.assign(document.createElement('p'), { className: 'notice urgent', textContent: pick(v.voidSuggested) }));
      const form = document.createElement('form');
      form.className = 'void';
      const id = 'reason-' + v.violationId;
      const label = Object.assign(document.createElement('label'), { htmlFor: id, className: 'sr-only', textContent: t('voidReason') });
      const input = Object.assign(document.createElement('input'), { id, required: true, maxLength: 500, placeholder: t('voidReason') });
      if (v.voidSuggested) input.value = pick(v.voidSuggested);
      const submit = Object.assign(document.createElement('button'), { type: 'submit', className: 'danger narrow', textContent: t('voidFine') });
      form.append(label, input, submit);
      form.addEventListener('submit', (event) => voidFine(event, v, input.value));
      li.append(form);
    }
    const show = Object.assign(document.createElement('button'), { type: 'button', textContent: t('showNotice') });
    show.addEventListener('click', () => showNotice(v));
    li.append(show);
    return li;
  }));
}

async function voidFine(event, v, reason) {
  event.preventDefault();
  try {
    const response = await request('/api/v1/violations/' + v.violationId + '/void', { method: 'POST', auth: auth(), json: { reason } });
    const voided = await response.json();
    recorded.violations = recorded.violations.map((x) => (x.violationId === v.violationId ? voided : x));
    renderViolations();
    if (!$('notice').classList.contains('hidden') && $('notice').dataset.violation === v.violationId) showNotice(voided);
  } catch (e) {
    showText($('inspectionError'), explain(e));
    $('inspection').scrollIntoView();
  }
}

/** The notice, in Korean (an official document), ready to print. */
function showNotice(v) {
  const notice = $('notice');
  notice.dataset.violation = v.violationId;
  const user = v.kind === 'user';
  $('noticeTitle').textContent = v.order ? '과태료 부과 및 행정처분 사전 통지서' : '과태료 부과 사전 통지서';
  const pairs = [
    ['통지 번호', v.violationId],
    ['대상', user ? `${recorded.names[v.personId] || ''} (등록번호 ${v.personId})` : `${recorded.venue.name} 운영자 ${recorded.venue.operatorName || ''}`.trim()],
    ['위반 장소', `${recorded.venue.name}, ${recorded.venue.address}`],
    ['위반 일시', new Date(v.occurredAt).toLocaleString('ko-KR', { timeZone: 'Asia/Seoul' })],
    ['위반 내용', user ? '방역패스(접종증명·음성확인) 없이 방역패스 적용 시설 이용' : '방역패스 확인 등 방역지침 준수 명령 위반'],
    ['위반 차수', `${v.repeatNumber}차`],
    ['과태료', `${won(v.fineKrw)}원`],
  ];
  if (v.order) pairs.push(['행정처분', v.order.ko]);
  facts($('noticeFacts'), pairs);
  $('noticeBody').textContent = '위와 같이 과태료를 부과하고자 미리 알려 드립니다. 의견이 있으면 통지를 받은 날부터 10일 안에 관할 시·군·구에 의견을 제출할 수 있습니다.';
  $('noticeBasis').textContent = `근거: ${v.basis || ''} (기준 ${v.scheduleVersion})`;
  $('noticeVoid').classList.toggle('hidden', !v.voided);
  $('noticeVoid').textContent = v.voided ? `이 과태료는 취소되었습니다 (${fmt(v.voided.at)}): ${v.voided.reason}` : '';
  notice.classList.remove('hidden');
  notice.scrollIntoView({ block: 'start' });
}

$('signinForm').addEventListener('submit', signIn);
$('searchForm').addEventListener('submit', search);
$('scanToggle').addEventListener('click', toggleCamera);
$('personLookup').addEventListener('click', lookUpPerson);
$('addUser').addEventListener('click', addUser);
$('inspection').addEventListener('submit', save);
$('printNow').addEventListener('click', () => window.print());

if (signin) {
  enter().catch(() => { sessionStorage.removeItem(SIGNIN); signin = null; });
}
