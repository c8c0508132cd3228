// The console's two inspection tabs (docs/adr/0020): venue registration by CSV upload (issuer-admin) with a progress
// bar and every refused line with its number and reason, and the district reports (issuer-admin, inspector) as
// charts with a text alternative, a table, and CSV. Texts are {ko, en} pairs shown through showText, so the language
// switch redraws them; the page's own dictionary stays console.js's.
import { pick, showText } from '/shared/i18n.js';
import { explain } from '/shared/problems.js';
import { request, getJson } from '/shared/api.js';
import { lineChart, barChart } from './charts.js';

const $ = (id) => document.getElementById(id);
/** One request of an upload: under the centre's 4 MB per request, whole lines only. */
const PART_BYTES = 3 * 1024 * 1024;
/** Refused lines listed on screen; the count says how many more there were. */
const SHOWN_ERRORS = 500;

const T = {
  uploading: { ko: '{done} / {total} 바이트 보냄', en: '{done} of {total} bytes sent' },
  uploaded: { ko: '완료: 새로 {inserted}곳, 바뀐 {updated}곳, 그대로 {unchanged}곳, 거부 {rejected}줄', en: 'Done: {inserted} new, {updated} changed, {unchanged} unchanged, {rejected} lines refused' },
  moreErrors: { ko: '… 외 {n}줄 더 거부됨', en: '… and {n} more lines refused' },
  line: { ko: '줄', en: 'Line' },
  reason: { ko: '사유', en: 'Reason' },
  noFile: { ko: 'CSV 파일을 고르세요.', en: 'Choose a CSV file.' },
  district: { ko: '시·군·구', en: 'District' },
  day: { ko: '날짜', en: 'Day' },
  inspections: { ko: '점검', en: 'Inspections' },
  userViolations: { ko: '이용자 위반', en: 'User violations' },
  operatorViolations: { ko: '운영자 위반', en: 'Operator violations' },
  fines: { ko: '과태료 (건)', en: 'Fines' },
  finesKrw: { ko: '과태료 (원)', en: 'Fines (KRW)' },
  voided: { ko: '취소', en: 'Voided' },
  voidSuggested: { ko: '취소 권고', en: 'Void suggested' },
  none: { ko: '기록 없음', en: 'Nothing recorded' },
  finesPerDay: { ko: '날짜별 과태료 (원)', en: 'Fines per day (KRW)' },
  finesSummary: { ko: '{from}~{to} 과태료 합계 {krw}원, 가장 많은 날 {peak}원 ({at})', en: 'Fines {from}–{to}: KRW {krw} in all; most on {at} (KRW {peak})' },
};

const fill = (text, vars) => ({
  ko: text.ko.replace(/\{(\w+)\}/g, (m, k) => (k in vars ? vars[k] : m)),
  en: text.en.replace(/\{(\w+)\}/g, (m, k) => (k in vars ? vars[k] : m)),
});

/** Splits CSV text into parts of whole rows (a quoted line break stays inside its row), each under maxBytes. */
export function splitCsv(text, maxBytes) {
  const parts = [];
  let inQuotes = false;
  let rowStart = 0;
  let partStart = -1;
  let partLine = 0;
  let line = 1;
  let rowLine = 1;
  let header = null;
  let partBytes = 0;
  const encoder = new TextEncoder();
  for (let i = 0; i <= text.length; i++) {
    const ch = i < text.length ? text[i] : '\n';
    if (ch === '"') inQuotes = !inQuotes;
    if (ch !== '\n' || (inQuotes && i < text.length)) continue;
    const row = text.slice(rowStart, i + 1);
    if (header === null) {
      header = row;
    } else if (row.trim() !== '' || i < text.length) {
      const size = encoder.encode(row).length;
      if (partStart >= 0 && partBytes + size > maxBytes) {
        parts.push({ firstLine: partLine - 1, body: header + text.slice(partStart, rowStart) });
        partStart = -1;
      }
      if (partStart < 0) {
        partStart = rowStart;
        partLine = rowLine;
        partBytes = encoder.encode(header).length;
      }
      partBytes += size;
    }
    line += (row.match(/\n/g) || []).length;
    rowStart = i + 1;
    rowLine = line;
  }
  if (partStart >= 0) parts.push({ firstLine: partLine - 1, body: header + text.slice(partStart) });
  return parts;
}

async function upload(event, auth) {
  event.preventDefault();
  const file = $('venueFile').files[0];
  showText($('venueError'), null);
  if (!file) {
    showText($('venueError'), T.noFile);
    return;
  }
  const text = (await file.text()).replace(/^\uFEFF/, '');
  const parts = splitCsv(text, PART_BYTES);
  const total = parts.reduce((n, p) => n + p.body.length, 0);
  const totals = { inserted: 0, updated: 0, unchanged: 0, rejected: 0 };
  const errors = [];
  let done = 0;
  $('venueProgress').max = Math.max(1, total);
  $('venueProgress').value = 0;
  $('venueProgressRow').classList.remove('hidden');
  $('venueSubmit').disabled = true;
  try {
    for (const part of parts) {
      const response = await request(`/api/v1/venues/import?firstLine=${part.firstLine}&name=${encodeURIComponent(file.name)}`, {
        method: 'POST', auth: auth(), headers: { 'Content-Type': 'text/csv; charset=utf-8' }, body: part.body, timeoutMs: 120000 });
      const result = await response.json();
      totals.inserted += result.inserted;
      totals.updated += result.updated;
      totals.unchanged += result.unchanged;
      totals.rejected += result.rejected.length;
      errors.push(...result.rejected);
      done += part.body.length;
      $('venueProgress').value = done;
      showText($('venueProgressText'), fill(T.uploading, { done: done.toLocaleString(), total: total.toLocaleString() }));
      renderErrors(errors);
    }
    showText($('venueResult'), fill(T.uploaded, totals));
  } catch (e) {
    showText($('venueError'), explain(e));
  } finally {
    $('venueSubmit').disabled = false;
  }
}

function cell(row, text, data = false) {
  const c = row.insertCell();
  if (typeof text === 'object') showText(c, text);
  else c.textContent = String(text);
  if (data) c.translate = false;
  return c;
}

function head(table, labels) {
  table.replaceChildren();
  const row = table.createTHead().insertRow();
  for (const label of labels) {
    const th = document.createElement('th');
    showText(th, label);
    row.appendChild(th);
  }
  return table.createTBody();
}

function renderErrors(errors) {
  const body = head($('venueErrors'), [T.line, T.reason]);
  for (const e of errors.slice(0, SHOWN_ERRORS)) {
    const row = body.insertRow();
    cell(row, e.line).className = 'num';
    cell(row, { ko: e.ko, en: e.en });
  }
  if (errors.length > SHOWN_ERRORS) cell(body.insertRow(), fill(T.moreErrors, { n: errors.length - SHOWN_ERRORS })).colSpan = 2;
  $('venueErrorsWrap').classList.toggle('hidden', errors.length === 0);
}

function reportQuery() {
  const q = new URLSearchParams({ from: $('reportFrom').value, to: $('reportTo').value });
  if ($('reportDistrict').value.trim()) q.set('district', $('reportDistrict').value.trim());
  return q.toString();
}

async function showReport(event, auth) {
  event.preventDefault();
  showText($('reportError'), null);
  try {
    const { rows } = await getJson('/api/v1/reports/districts?' + reportQuery(), { auth: auth() });
    const sum = (k) => rows.reduce((n, r) => n + r[k], 0);
    const keys = ['inspections', 'userViolations', 'operatorViolations', 'fines', 'voided', 'voidSuggested'];
    const colours = ['#1f5fbf', '#b86e00', '#c0262d', '#0a7d32', '#5b6470', '#8a4fbf'];
    $('reportTotals').innerHTML = barChart(keys.map((k, i) => [pick(T[k]), sum(k), colours[i]]).filter((b) => b[1] > 0), pick(T.none));
    // Fines per day over the period, all districts of the report together.
    const from = Date.parse($('reportFrom').value + 'T00:00:00+09:00');
    const days = Math.max(1, Math.round((Date.parse($('reportTo').value + 'T00:00:00+09:00') - from) / 86400000) + 1);
    const perDay = new Map();
    for (const r of rows) perDay.set(r.day, (perDay.get(r.day) || 0) + r.finesKrw);
    const points = [...perDay.entries()].map(([day, krw]) => [Math.round((Date.parse(day + 'T00:00:00+09:00') - from) / 86400000), krw]).sort((a, b) => a[0] - b[0]);
    const peak = [...perDay.entries()].reduce((best, e) => (e[1] > best[1] ? e : best), ['', 0]);
    const summary = pick(fill(T.finesSummary, { from: $('reportFrom').value, to: $('reportTo').value,
      krw: sum('finesKrw').toLocaleString('ko-KR'), peak: peak[1].toLocaleString('ko-KR'), at: peak[0] || '-' }));
    $('reportPerDay').innerHTML = lineChart(points, { xMax: days, xTicks: [[0, $('reportFrom').value], [days, $('reportTo').value]], label: pick(T.finesPerDay), summary });
    const body = head($('reportRows'), [T.district, T.day, T.inspections, T.userViolations, T.operatorViolations, T.fines, T.finesKrw, T.voided, T.voidSuggested]);
    for (const r of rows) {
      const row = body.insertRow();
      cell(row, `${r.districtName} ${r.districtCode || ''}`.trim(), true);
      cell(row, r.day, true);
      for (const k of keys.slice(0, 4)) cell(row, r[k].toLocaleString()).className = 'num';
      cell(row, r.finesKrw.toLocaleString('ko-KR')).className = 'num';
      cell(row, r.voided.toLocaleString()).className = 'num';
      cell(row, r.voidSuggested.toLocaleString()).className = 'num';
    }
    if (rows.length === 0) cell(body.insertRow(), T.none).colSpan = 9;
  } catch (e) {
    showText($('reportError'), explain(e));
  }
}

async function downloadReport(auth) {
  showText($('reportError'), null);
  try {
    const response = await request('/api/v1/reports/districts.csv?' + reportQuery(), { auth: auth() });
    const url = URL.createObjectURL(await response.blob());
    const a = document.createElement('a');
    a.href = url;
    a.download = `district-report-${$('reportFrom').value}-${$('reportTo').value}.csv`;
    a.click();
    URL.revokeObjectURL(url);
  } catch (e) {
    showText($('reportError'), explain(e));
  }
}

/** Wires the two tabs; auth gives the signed-in client's Authorization, now gives the centre's time (ms). */
export function setupInspections(auth, now) {
  $('venueForm').addEventListener('submit', (e) => upload(e, auth));
  $('reportForm').addEventListener('submit', (e) => showReport(e, auth));
  $('reportCsv').addEventListener('click', () => downloadReport(auth));
  $('reportForm').addEventListener('focusin', () => {
    if ($('reportTo').value) return;
    const today = new Date(now() + 9 * 3600000).toISOString().slice(0, 10);
    $('reportTo').value = today;
    $('reportFrom').value = new Date(now() + 9 * 3600000 - 29 * 86400000).toISOString().slice(0, 10);
  }, { once: true });
}
