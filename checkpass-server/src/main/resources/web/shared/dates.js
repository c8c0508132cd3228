// Dates a holder reads: one meaning of "valid until" for every page. The centre states a status or a credential
// as valid up to an exclusive instant (e.g. 2022-05-14T00:00+09:00); a person reads the last day it still holds
// (13 May). The status line, the reminders and the paper pass all go through these functions, so they agree.

const ZONE = 'Asia/Seoul';
const DAY_MS = 86400000;

/** The Korean calendar day (days since 1970-01-01) that contains the instant ms. */
export function seoulDay(ms) {
  const [y, m, d] = new Intl.DateTimeFormat('en-CA', { timeZone: ZONE, year: 'numeric', month: '2-digit', day: '2-digit' })
    .format(new Date(ms)).split('-').map(Number);
  return Math.floor(Date.UTC(y, m - 1, d) / DAY_MS);
}

/** Whether the instant ms is midnight in Korea: a validity ending there ends with the day before. */
function atSeoulMidnight(ms) {
  return seoulDay(ms) !== seoulDay(ms - 1);
}

/** The last Korean calendar day on which something valid until the exclusive instant untilMs still holds. */
export function lastValidDay(untilMs) {
  return seoulDay(untilMs - 1);
}

/** Whole days from today (Korea) to the last valid day: 0 on the last day, 1 the day before, negative after it. */
export function daysLeft(untilMs, nowMs) {
  return nowMs >= untilMs ? -1 : lastValidDay(untilMs) - seoulDay(nowMs);
}

/** The last valid day as a person writes it: "2022년 5월 13일" / "13 May 2022". */
export function formatDay(epochDay, language) {
  return new Date(epochDay * DAY_MS).toLocaleDateString(language === 'ko' ? 'ko-KR' : 'en-GB', { timeZone: 'UTC', dateStyle: 'long' });
}

/**
 * "Valid until" as a person reads it: the last valid day when the validity ends at midnight ("2022년 5월 13일까지"),
 * the day and time when it ends within a day (a test result: "2022년 1월 22일 오후 2:30까지").
 */
export function formatValidUntil(untilMs, language) {
  const ko = language === 'ko';
  const text = atSeoulMidnight(untilMs)
    ? formatDay(lastValidDay(untilMs), language)
    : new Date(untilMs).toLocaleString(ko ? 'ko-KR' : 'en-GB', { timeZone: ZONE, dateStyle: 'long', timeStyle: 'short' });
  return ko ? text + '까지' : 'until ' + text;
}

/** The earlier of two ISO instants, either of which may be missing: a paper pass holds while both hold. */
export function earliest(...isoInstants) {
  const times = isoInstants.filter(Boolean).map(Date.parse);
  return times.length === 0 ? null : Math.min(...times);
}
