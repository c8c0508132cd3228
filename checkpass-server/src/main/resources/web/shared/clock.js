// The page's clock. Test and replay hook: ?clockOffset=SECONDS shifts it (kept per page in localStorage until
// ?clockOffset=0), so a page can run at a centre's replayed time (serve --clock-start prints the offset) or a test
// can show a scanner a QR as if 90 s had passed. Without the parameter it is the device clock, as at a real door.

export function pageClock(page) {
  const key = 'checkpass.' + page + '.clockOffset';
  const param = new URLSearchParams(location.search).get('clockOffset');
  if (param !== null && /^-?\d+$/.test(param)) {
    if (param === '0') localStorage.removeItem(key);
    else localStorage.setItem(key, param);
  }
  const offsetMs = Number(localStorage.getItem(key) || 0) * 1000;
  return {
    offsetSeconds: offsetMs / 1000,
    now: () => Date.now() + offsetMs,
  };
}
