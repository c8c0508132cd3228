// How fast the scanner page's verifier (web/shared/checkpass.js) judges a native pass, under Node's WebCrypto.
// Usage: ./checkpass vectors --out /tmp/vectors && node scripts/js-verify-rate.mjs /tmp/vectors
// It takes the first VALID case and verifies its presentation N times with a fresh verifier each time (cold: issuer
// and device signatures) and N times with one verifier (warm: the issuer signature is cached, so one device
// signature, as at a door; the repeats end as REPLAYED, after the same work).
import { openBundle, Verifier, fromHex } from '../checkpass-server/src/main/resources/web/shared/checkpass.js';
import { readFileSync } from 'node:fs';

const dir = process.argv[2];
const n = Number(process.argv[3] || 2000);
const cases = JSON.parse(readFileSync(dir + '/cases.json', 'utf8'));
const c = cases.cases.find((x) => x.steps[0].reason === 'VALID');
const bundle = await openBundle(new Uint8Array(readFileSync(dir + '/' + c.bundle)), fromHex(cases.anchor.point));
const at = Date.parse(c.steps[0].at);

async function rate(label, verifierFor) {
  for (let i = 0; i < 200; i++) await verifierFor().verify(c.steps[0].text, c.venueType, at);
  const started = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await verifierFor().verify(c.steps[0].text, c.venueType, at);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  console.log(`${label}: ${Math.round(n / seconds)} verifications/s (${(1000 * seconds / n).toFixed(3)} ms each)`);
}

await rate('cold (fresh verifier)', () => new Verifier(bundle));
const shared = new Verifier(bundle);
await rate('warm (issuer signature cached)', () => shared);
