// The status engine for foreign passes, offline: what a DCC, SMART Health Card or NZ COVID Pass proves (doses, tests,
// recoveries, year of birth) decided under the medical rules the signed bundle carries, as the door does in Java
// (io.checkpass.core.verify.ForeignEvidence, io.checkpass.core.status.StatusEngine#decideAtDoor and StatusWindows).
// The rules' numbers are data; none is here. Days are counted in the rules' zone: "N days from day D" runs through
// 24:00 of day D + N. Instants are milliseconds since the epoch; days are whole days since 1970-01-01.
//
// Only what the door uses is computed: the status and its window. The explanation texts stay in Java.

const DAY_MS = 86400000;
/** Statuses in the engine's order of precedence on the same end (StatusEngine.RANK). */
const RANK = ['minor', 'vaccinated', 'recovered', 'exempt', 'tested'];
const MAX_DAYS = 3660;
const MAX_TEST_HOURS = 24 * 31;
const UNKNOWN_BIRTH_YEAR = 1900;

/**
 * Reads the bundle's `medicalRules` document (io.checkpass.core.rules.MedicalRules#fromDocument) and its accepted
 * vaccines (io.checkpass.core.rules.VaccineProducts). Throws on anything Java would refuse to read, so that the page
 * refuses the bundles Java refuses.
 */
export function readMedicalRules(doc) {
  if (!isObject(doc) || typeof doc.zone !== 'string' || !Array.isArray(doc.ruleSets)) throw new Error('medical rules need a zone and ruleSets');
  const zone = doc.zone;
  new Intl.DateTimeFormat('en-US', { timeZone: zone }); // a RangeError for a zone that is none
  const sets = doc.ruleSets.map((s) => {
    const p = isObject(s.parameters) ? s.parameters : {};
    const tests = new Map();
    for (const [name, t] of Object.entries(isObject(p.tests) ? p.tests : {})) {
      tests.set(testKind(name), { hours: int(t.hours, 1, MAX_TEST_HOURS), untilMidnight: bool(t.untilMidnight) });
    }
    return {
      id: String(s.id),
      from: instant(s.effectiveFrom),
      daysAfterPrimary: int(p.daysAfterPrimary, 0, MAX_DAYS),
      validityDays: nullableInt(p.validityDays),
      boosterDaysAfter: nullableInt(p.boosterDaysAfter),
      boosterValidityDays: nullableInt(p.boosterValidityDays),
      recoveryRemovesExpiry: bool(p.recoveryRemovesExpiry),
      adultAge: int(p.adultAge, 1, 150),
      tests,
      recoveryDays: int(p.recoveryDays, 0, MAX_DAYS),
      guidanceUntil: p.validityGuidanceUntil === undefined || p.validityGuidanceUntil === null ? null : instant(p.validityGuidanceUntil),
    };
  });
  sets.sort((a, b) => a.from - b.from);
  const products = { dcc: new Map(), cvx: new Map() };
  if (doc.vaccineProducts !== undefined && doc.vaccineProducts !== null) {
    if (!isObject(doc.vaccineProducts) || !Array.isArray(doc.vaccineProducts.products)) throw new Error('vaccineProducts needs products');
    for (const p of doc.vaccineProducts.products) {
      const product = { id: String(p.product), primaryDoses: int(p.primaryDoses, 1, 9) };
      for (const code of p.dcc) products.dcc.set(String(code), product);
      for (const code of p.cvx) products.cvx.set(String(code), product);
    }
  }
  return { zone, sets, products, offsets: offsetReader(zone) };
}

/** The set in force at {@code ms}: the last that has started (MedicalRules#inForceAt), or null. */
function inForceAt(rules, ms) {
  let found = null;
  for (const set of rules.sets) {
    if (set.from > ms) break;
    found = set;
  }
  return found;
}

/**
 * The record the engine decides on, from what a pass proves (ForeignEvidence#healthRecord): doses of accepted
 * vaccines (the others left out, and said in `unproven`), numbered in date order where the format does not number
 * them; tests; recoveries; the year of birth, or an adult's when unknown.
 *
 * @param evidence {birthYear, doses: [{day, system: 'dcc'|'cvx', code, doseNumber|null}], tests: [{at, kind, positive}],
 *                 recoveries: [{day}], unproven: [text]}
 */
export function healthRecord(evidence, products) {
  const unproven = [...evidence.unproven];
  const doses = [];
  let counted = 0;
  // A stable sort by day, as Java's.
  const ordered = evidence.doses.map((d, i) => ({ d, i })).sort((a, b) => a.d.day - b.d.day || a.i - b.i).map((x) => x.d);
  for (const dose of ordered) {
    const product = (dose.system === 'dcc' ? products.dcc : products.cvx).get(dose.code);
    if (product === undefined) {
      unproven.push(`the vaccine '${dose.code}' is not one the rules accept`);
      continue;
    }
    counted++;
    const number = dose.doseNumber !== null ? dose.doseNumber : counted;
    if (number >= 1 && number <= 9) doses.push({ day: dose.day, primaryDoses: product.primaryDoses, doseNumber: number });
    else unproven.push(`dose number ${number} is outside 1..9`);
  }
  const year = evidence.birthYear !== null && evidence.birthYear >= 1900 && evidence.birthYear <= 2100 ? evidence.birthYear : UNKNOWN_BIRTH_YEAR;
  return {
    record: { birthDay: epochDay(year, 1, 1), doses, tests: evidence.tests, recoveries: evidence.recoveries },
    unproven,
  };
}

/**
 * StatusEngine#decideAtDoor: the status holding at {@code ms} by the engine's precedence; else, in the validity
 * guidance week, a lapsed vaccination with its ended window; else the status still to come, else the one that ended
 * last; else unvaccinated. Null when no rule set is in force.
 *
 * @returns {status, from, until} in milliseconds, until null when open-ended
 */
export function decideAtDoor(rules, record, ms) {
  const set = inForceAt(rules, ms);
  if (set === null) return null;
  const windows = statusWindows(rules, set, record);
  const holding = windows.filter((w) => holds(w, ms)).sort(precedence);
  if (holding.length > 0) return pick(holding[0]);
  if (set.guidanceUntil !== null && ms < set.guidanceUntil) {
    const lapsed = windows.filter((w) => w.status === 'vaccinated' && endedBy(w, ms)).sort((a, b) => end(b) - end(a));
    if (lapsed.length > 0) return pick(lapsed[0]);
  }
  const pending = windows.filter((w) => w.status !== 'minor' && w.from > ms)
    .sort((a, b) => a.from - b.from || RANK.indexOf(a.status) - RANK.indexOf(b.status));
  if (pending.length > 0) return pick(pending[0]);
  const ended = windows.filter((w) => w.status !== 'minor' && endedBy(w, ms)).sort((a, b) => end(b) - end(a));
  if (ended.length > 0) return pick(ended[0]);
  return { status: 'unvaccinated', from: ms, until: null };
}

/** MINOR first; then the window that ends last (open-ended last of all); then VACCINATED > ... > TESTED; then the earliest. */
function precedence(a, b) {
  if ((a.status === 'minor') !== (b.status === 'minor')) return a.status === 'minor' ? -1 : 1;
  return end(b) - end(a) || RANK.indexOf(a.status) - RANK.indexOf(b.status) || a.from - b.from;
}

function pick(w) {
  return { status: w.status, from: w.from, until: w.until };
}

function holds(w, ms) {
  return ms >= w.from && (w.until === null || ms < w.until);
}

function endedBy(w, ms) {
  return w.until !== null && w.until <= ms;
}

function end(w) {
  return w.until === null ? Number.MAX_VALUE : w.until;
}

/** StatusWindows#of, for what a foreign pass can hold (no exemptions). */
function statusWindows(rules, set, record) {
  const startOf = (day) => startOfDay(rules, day);
  const endAfter = (day, days) => (days === null ? null : startOf(day + days + 1));
  const windows = [];
  const birthYear = yearOf(record.birthDay);
  windows.push({ status: 'minor', from: startOf(record.birthDay), until: startOf(epochDay(birthYear + set.adultAge, 1, 1)) });

  let completing = null;
  for (const d of record.doses) {
    if (d.doseNumber >= d.primaryDoses && (completing === null || d.day < completing.day || (d.day === completing.day && d.doseNumber < completing.doseNumber))) {
      completing = d;
    }
  }
  if (completing !== null) {
    const from = startOf(completing.day + set.daysAfterPrimary);
    const until = endAfter(completing.day, set.validityDays);
    windows.push({ status: 'vaccinated', from, until });
    if (set.recoveryRemovesExpiry && until !== null) {
      for (const r of record.recoveries) {
        const released = startOf(r.day);
        windows.push({ status: 'vaccinated', from: released > from ? released : from, until: null });
      }
    }
  }
  if (set.boosterDaysAfter !== null) {
    for (const d of record.doses) {
      if (d.doseNumber > d.primaryDoses || (completing !== null && d.doseNumber > completing.doseNumber)) {
        windows.push({ status: 'vaccinated', from: startOf(d.day + set.boosterDaysAfter), until: endAfter(d.day, set.boosterValidityDays) });
      }
    }
  }
  for (const t of record.tests) {
    const validity = set.tests.get(t.kind);
    if (t.positive || validity === undefined) continue;
    const hoursEnd = t.at + validity.hours * 3600000;
    // The day on which the hours end is the day of their last moment: a result at 00:00 ends at 00:00 sharp.
    const until = validity.untilMidnight ? startOf(dayOf(rules, hoursEnd - 1) + 1) : hoursEnd;
    windows.push({ status: 'tested', from: t.at, until });
  }
  for (const r of record.recoveries) {
    windows.push({ status: 'recovered', from: startOf(r.day), until: endAfter(r.day, set.recoveryDays) });
  }
  return windows;
}

// ---------------------------------------------------------------------------------------------------------------
// Days in the rules' zone.

/** Whole days since 1970-01-01 of a calendar date. */
export function epochDay(year, month, day) {
  return Date.UTC(year, month - 1, day) / DAY_MS;
}

function yearOf(day) {
  return new Date(day * DAY_MS).getUTCFullYear();
}

/** The zone's offset from UTC at an instant, in milliseconds. */
function offsetReader(zone) {
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
  });
  return (ms) => {
    const whole = Math.floor(ms / 1000) * 1000;
    const p = Object.fromEntries(format.formatToParts(new Date(whole)).map((x) => [x.type, x.value]));
    return Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute), Number(p.second)) - whole;
  };
}

/** 00:00 of a day in the zone (LocalDate#atStartOfDay(zone)): the local midnight, offset as it is at that moment. */
function startOfDay(rules, day) {
  const local = day * DAY_MS;
  const guess = local - rules.offsets(local);
  return local - rules.offsets(guess);
}

/** The day in the zone of an instant. */
function dayOf(rules, ms) {
  return Math.floor((ms + rules.offsets(ms)) / DAY_MS);
}

// ---------------------------------------------------------------------------------------------------------------
// Reading the document.

function isObject(v) {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function testKind(name) {
  const n = String(name).trim().toUpperCase().replace(/-/g, '_');
  if (n === 'PCR' || n === 'NAAT') return 'pcr';
  if (n === 'RAPID_ANTIGEN' || n === 'RAT' || n === 'ANTIGEN') return 'rapid_antigen';
  throw new Error(`unknown test kind '${name}'`);
}

function int(v, min, max) {
  if (!Number.isInteger(v) || v < min || v > max) throw new Error(`medical rules: ${v} is not an integer in ${min}..${max}`);
  return v;
}

function nullableInt(v) {
  return v === undefined || v === null ? null : int(v, 0, MAX_DAYS);
}

function bool(v) {
  if (typeof v !== 'boolean') throw new Error('medical rules: expected true or false');
  return v;
}

function instant(v) {
  const ms = typeof v === 'string' ? Date.parse(v) : NaN;
  if (Number.isNaN(ms)) throw new Error(`medical rules: '${v}' is not an instant`);
  return ms;
}
