// The page's clock. Test and replay hook: ?clockOffset=SECONDS shifts it (kept per page in localStorage until
// ?clockOffset=0), so a page can run at a centre's replayed time (serve --clock-start prints the offset) or a test
// can show a scanner a QR as if 90 s had passed. The hook exists only where the centre says so (test-hooks.js, made
// by the server: on under serve --demo or --clock-start): at a real door a crafted link must not move the clock, so
// there the parameter is ignored and any offset an earlier visit stored is dropped.
import { testHooks } from '/shared/test-hooks.js';

export function pageClock(page) {
  const key = 'checkpass.' + page + '.clockOffset';
  if (!testHooks) {
    localStorage.removeItem(key);
    return { offsetSeconds: 0, now: () => Date.now() };
  }
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
