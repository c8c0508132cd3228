// The checkpass native pass in the browser: Base45, a strict CBOR reader and writer, COSE_Sign1, ES256 with
// WebCrypto, the signed trust bundle, the venue rules and the offline verifier of docs/pass-format.md §5.
//
// The verifier follows io.checkpass.core.verify.PassVerifier step by step, with the same reason codes in the same
// order; `checkpass vectors` writes the cases both must agree on (docs/pages.md). It never throws: every input
// ends in a verdict and a reason. Foreign passes (EU DCC, SMART Health Cards, NZ COVID Pass) are read offline too,
// by foreign.js, against the bundle's foreign trust material.

export const PREFIX = 'CP1:';
export const MAX_TEXT_CHARS = 8192;
export const MAX_NATIVE_TEXT_CHARS = 1024;
export const MAX_PRESENTATION_BYTES = 680;
export const MAX_CREDENTIAL_BYTES = 600;
export const MAX_PROTECTED_HEADER_BYTES = 64;
export const MAX_BUNDLE_BYTES = 32 * 1024 * 1024;
/** Foreign formats: verified offline by foreign.js against the bundle's `foreign` trust material. */
export const FOREIGN_PREFIXES = { 'HC1:': 'DCC', 'shc:/': 'SHC', 'NZCP:/1/': 'NZCP' };

/** foreign.js, loaded once a bundle is opened or a foreign pass read: the wallet, which does neither, never loads it. */
let foreignModule = null;
const foreign = () => (foreignModule ||= import('./foreign.js'));

const ascii = (s) => new TextEncoder().encode(s);
const CREDENTIAL_AAD = ascii('checkpass.CP1.credential');
const BUNDLE_AAD = ascii('checkpass.bundle');
const PRESENTATION_TAG = ascii('checkpass.CP1.presentation\0');
const ALG_ES256 = -7;
/** Year 9999: the bound Java puts on every time, so both refuse the same absurd values. */
const MAX_SECONDS = 253402300799;

/** Reason codes with the texts staff see; the first five go with admitting verdicts (io.checkpass.core.verify.Reason). */
export const REASONS = {
  VALID: ['유효한 방역패스', 'Valid pass'],
  CONDITION_APPLIES: ['조건부 입장', 'Admitted under a condition'],
  ID_CHECK_REQUIRED: ['신분증 확인 필요', 'Check an ID card against the name and birth year'],
  PASS_NOT_REQUIRED: ['방역패스 비적용 시설', 'No pass is required at this venue'],
  GUIDANCE_PERIOD: ['계도기간: 입장 가능, 안내 사항 확인', 'Guidance period: admitted; read the notice'],
  MALFORMED: ['QR 코드를 읽을 수 없음', 'Unreadable or damaged code'],
  UNSUPPORTED_FORMAT: ['지원하지 않는 형식', 'Not a pass format this scanner knows'],
  UNKNOWN_KEY: ['알 수 없는 발급 기관 키', 'Issued under a key this scanner does not trust'],
  BAD_SIGNATURE: ['위조 또는 변조된 패스', 'Signature does not verify: forged or altered'],
  NOT_YET_VALID: ['아직 유효하지 않음', 'Not valid yet'],
  CREDENTIAL_EXPIRED: ['패스 만료: 앱에서 새로 받으세요', 'Pass expired: refresh it in the app'],
  STATUS_EXPIRED: ['접종/검사 유효기간 만료', 'Vaccination or test status has expired'],
  REVOKED: ['취소된 패스', 'Revoked pass'],
  STALE_PRESENTATION: ['오래된 QR (캡처 의심)', 'QR code too old (screenshot?)'],
  FUTURE_PRESENTATION: ['기기 시계 오류', 'QR time is in the future: check the phone\'s clock'],
  BAD_DEVICE_PROOF: ['본인 기기가 아님', 'Not presented from the holder\'s device'],
  REPLAYED: ['이미 사용된 QR', 'This QR code was already scanned'],
  NOT_ACCEPTED_HERE: ['이 시설에서 인정되지 않는 상태', 'Status not accepted at this venue'],
  KEY_NOT_AUTHORIZED: ['해당 용도로 승인되지 않은 키', 'The signing key is not authorised for this kind of certificate'],
  STATUS_NOT_PROVEN: ['증명서에 필요한 정보 없음', 'The certificate is genuine but does not prove a status this venue needs'],
  NO_MEDICAL_RULES: ['해외 증명서 판정 기준 없음: 번들을 갱신하세요', "No medical rules to judge a foreign pass by: update this scanner's bundle"],
  ISSUER_KEY_REVOKED: ['폐기된 발급 키로 서명됨: 앱에서 새로 받으세요', 'Signed by a revoked issuer key: refresh the pass in the app'],
};

/** Pass statuses by claim code (io.checkpass.core.pass.PassStatus). */
export const STATUSES = [
  { id: 'unvaccinated', ko: '미접종', en: 'Unvaccinated' },
  { id: 'vaccinated', ko: '접종 완료', en: 'Vaccinated' },
  { id: 'tested', ko: 'PCR 음성', en: 'Tested negative' },
  { id: 'recovered', ko: '완치', en: 'Recovered' },
  { id: 'exempt', ko: '예외(의학적 사유)', en: 'Medically exempt' },
  { id: 'minor', ko: '18세 이하', en: 'Minor (under 19)' },
];

export function statusById(id) {
  return STATUSES.find((s) => s.id === id);
}

export function reasonText(reason) {
  const t = REASONS[reason];
  return t ? { ko: t[0], en: t[1] } : { ko: reason, en: reason };
}

/** A decoding or format error; the verifier turns it into MALFORMED. */
export class FormatError extends Error {}

// ---------------------------------------------------------------------------------------------------------------
// Bytes.

export function hex(bytes) {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export function fromHex(text) {
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(text.substr(i * 2, 2), 16);
  return out;
}

export function base64url(bytes) {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function fromBase64(text) {
  const s = atob(text.replace(/-/g, '+').replace(/_/g, '/').replace(/\s+/g, ''));
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

export function concat(...parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function equalBytes(a, b) {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export async function sha256(bytes) {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
}

// ---------------------------------------------------------------------------------------------------------------
// Base45 (RFC 9285), strict like io.checkpass.core.codec.Base45.

const B45 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:';

export function base45Encode(bytes) {
  let out = '';
  let i = 0;
  for (; i + 1 < bytes.length; i += 2) {
    const n = (bytes[i] << 8) | bytes[i + 1];
    out += B45[n % 45] + B45[Math.floor(n / 45) % 45] + B45[Math.floor(n / 2025)];
  }
  if (i < bytes.length) out += B45[bytes[i] % 45] + B45[Math.floor(bytes[i] / 45)];
  return out;
}

export function base45Decode(text, from = 0) {
  const length = text.length - from;
  if (length % 3 === 1) throw new FormatError('Base45 length leaves a dangling character');
  const value = (c) => {
    const v = B45.indexOf(c);
    if (v < 0 || c.length !== 1) throw new FormatError('character not in the Base45 alphabet');
    return v;
  };
  const out = new Uint8Array(Math.floor(length / 3) * 2 + (length % 3 === 2 ? 1 : 0));
  let o = 0;
  let i = from;
  for (; i + 2 < text.length; i += 3) {
    const n = value(text[i]) + value(text[i + 1]) * 45 + value(text[i + 2]) * 2025;
    if (n > 0xffff) throw new FormatError('Base45 triple exceeds 65535');
    out[o++] = n >> 8;
    out[o++] = n & 0xff;
  }
  if (i < text.length) {
    const n = value(text[i]) + value(text[i + 1]) * 45;
    if (n > 0xff) throw new FormatError('Base45 final pair exceeds 255');
    out[o] = n;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// CBOR (RFC 8949): definite lengths only (pass-format §5 step 2; foreign passes, which Java reads with Jackson, may
// use indefinite ones), at most 16 nested arrays and maps (as Java's reader), exactly one item. Items keep their CBOR
// types, so a reader can tell a byte string from a text string and an integer key from a text key:
//   {t:'int', v: number|bigint}  {t:'bytes', v}  {t:'text', v}  {t:'array', v: [...]}  {t:'map', v: [[k, v], ...]}
//   {t:'tag', tag, v}  {t:'simple', v: true|false|null|undefined}  {t:'float', v}

const MAX_DEPTH = 64;
const MAX_NESTING = 16;

export function decodeCbor(bytes, { indefinite = false } = {}) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 0;
  const need = (n) => {
    if (at + n > bytes.length) throw new FormatError('CBOR item runs past the end');
  };
  const argument = (ai) => {
    if (ai < 24) return ai;
    if (ai === 24) { need(1); return bytes[at++]; }
    if (ai === 25) { need(2); const v = view.getUint16(at); at += 2; return v; }
    if (ai === 26) { need(4); const v = view.getUint32(at); at += 4; return v; }
    if (ai === 27) {
      need(8);
      const v = view.getBigUint64(at);
      at += 8;
      return v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
    }
    throw new FormatError(ai === 31 ? 'indefinite lengths are not accepted' : 'reserved CBOR additional information');
  };
  const isBreak = () => {
    need(1);
    if (bytes[at] !== 0xff) return false;
    at++;
    return true;
  };
  const chunked = (major) => {
    const parts = [];
    let total = 0;
    while (!isBreak()) {
      const head = bytes[at++];
      if (head >> 5 !== major || (head & 31) === 31) throw new FormatError('bad chunk in an indefinite string');
      const n = length(head & 31);
      need(n);
      parts.push(bytes.subarray(at, at + n));
      total += n;
      at += n;
    }
    const out = new Uint8Array(total);
    let o = 0;
    for (const p of parts) {
      out.set(p, o);
      o += p.length;
    }
    return out;
  };
  const length = (ai) => {
    if (ai === 31 && indefinite) return -1;
    const n = argument(ai);
    if (typeof n !== 'number' || n > bytes.length) throw new FormatError('CBOR length exceeds the input');
    return n;
  };
  const item = (depth, nesting) => {
    if (depth > MAX_DEPTH) throw new FormatError('CBOR nesting too deep');
    need(1);
    const initial = bytes[at++];
    const major = initial >> 5;
    const ai = initial & 31;
    switch (major) {
      case 0: return { t: 'int', v: argument(ai) };
      case 1: {
        const n = argument(ai);
        return { t: 'int', v: typeof n === 'number' ? -1 - n : -1n - n };
      }
      case 2: {
        const n = length(ai);
        if (n < 0) return { t: 'bytes', v: chunked(2) };
        need(n);
        const v = bytes.slice(at, at + n);
        at += n;
        return { t: 'bytes', v };
      }
      case 3: {
        const n = length(ai);
        const raw = n < 0 ? chunked(3) : (need(n), bytes.subarray(at, (at += n)));
        let v;
        try {
          v = new TextDecoder('utf-8', { fatal: true }).decode(raw);
        } catch (e) {
          throw new FormatError('text is not UTF-8');
        }
        return { t: 'text', v };
      }
      case 4: {
        if (nesting >= MAX_NESTING) throw new FormatError('more than 16 nested arrays and maps');
        const n = length(ai);
        const v = [];
        if (n < 0) while (!isBreak()) v.push(item(depth + 1, nesting + 1));
        for (let i = 0; i < n; i++) v.push(item(depth + 1, nesting + 1));
        return { t: 'array', v };
      }
      case 5: {
        if (nesting >= MAX_NESTING) throw new FormatError('more than 16 nested arrays and maps');
        const n = length(ai);
        const v = [];
        if (n < 0) while (!isBreak()) v.push([item(depth + 1, nesting + 1), item(depth + 1, nesting + 1)]);
        for (let i = 0; i < n; i++) v.push([item(depth + 1, nesting + 1), item(depth + 1, nesting + 1)]);
        return { t: 'map', v };
      }
      case 6: return { t: 'tag', tag: argument(ai), v: item(depth + 1, nesting) };
      default: {
        if (ai === 20) return { t: 'simple', v: false };
        if (ai === 21) return { t: 'simple', v: true };
        if (ai === 22) return { t: 'simple', v: null };
        if (ai === 23) return { t: 'simple', v: undefined };
        if (ai === 25) { need(2); const v = halfFloat(view.getUint16(at)); at += 2; return { t: 'float', v }; }
        if (ai === 26) { need(4); const v = view.getFloat32(at); at += 4; return { t: 'float', v }; }
        if (ai === 27) { need(8); const v = view.getFloat64(at); at += 8; return { t: 'float', v }; }
        throw new FormatError('unsupported CBOR simple value');
      }
    }
  };
  const result = item(0, 0);
  if (at !== bytes.length) throw new FormatError('trailing data after the CBOR item');
  return result;
}

function halfFloat(h) {
  const exp = (h >> 10) & 0x1f;
  const mant = h & 0x3ff;
  const sign = h & 0x8000 ? -1 : 1;
  if (exp === 0) return sign * 2 ** -14 * (mant / 1024);
  if (exp === 31) return mant ? NaN : sign * Infinity;
  return sign * 2 ** (exp - 15) * (1 + mant / 1024);
}

/** Tags carry no meaning where Java's reader ignores them; big numbers (tags 2, 3) are never in range. */
export function untag(item) {
  let x = item;
  while (x.t === 'tag') {
    if (x.tag === 2 || x.tag === 3) return { t: 'bignum' };
    x = x.v;
  }
  return x;
}

function expectType(item, type, what) {
  const x = untag(item);
  if (x.t !== type) throw new FormatError(`expected ${what}`);
  return x.v;
}

function readInt(item, min, max) {
  const v = expectType(item, 'int', 'an integer');
  if (typeof v !== 'number' || v < min || v > max) throw new FormatError('integer out of range');
  return v;
}

function readBytes(item, maxLength) {
  const v = expectType(item, 'bytes', 'a byte string');
  if (v.length > maxLength) throw new FormatError('byte string too long');
  return v;
}

function readText(item, maxChars) {
  const v = expectType(item, 'text', 'a text string');
  if (v.length > maxChars) throw new FormatError('text too long');
  return v;
}

function readBool(item) {
  const x = untag(item);
  if (x.t !== 'simple' || typeof x.v !== 'boolean') throw new FormatError('expected a boolean');
  return x.v;
}

/** An integer map key; Java reads keys as names, so a text key spelling an int counts as that int. */
function intKey(key) {
  const x = untag(key);
  if (x.t === 'int' && typeof x.v === 'number' && x.v >= -2147483648 && x.v <= 2147483647) return x.v;
  if (x.t === 'text' && /^[+-]?[0-9]+$/.test(x.v)) {
    const n = Number(x.v);
    if (n >= -2147483648 && n <= 2147483647) return n;
  }
  throw new FormatError('map key is not an integer');
}

/**
 * COSE header labels in the unprotected map: an integer (or text spelling one) is a label; other text keys are
 * nobody's and are ignored; keys of any other type are refused, as Java's reader refuses them.
 */
function looseLabel(key) {
  const x = untag(key);
  if (x.t !== 'int' && x.t !== 'text') throw new FormatError('map key is neither an integer nor text');
  try {
    return intKey(x);
  } catch (e) {
    return 0;
  }
}

function cborHead(major, n) {
  if (n < 24) return Uint8Array.of((major << 5) | n);
  if (n < 0x100) return Uint8Array.of((major << 5) | 24, n);
  if (n < 0x10000) return Uint8Array.of((major << 5) | 25, n >> 8, n & 0xff);
  if (n < 0x100000000) return Uint8Array.of((major << 5) | 26, n >>> 24, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff);
  const out = new Uint8Array(9);
  out[0] = (major << 5) | 27;
  new DataView(out.buffer).setBigUint64(1, BigInt(n));
  return out;
}

/** Encodes unsigned integers, byte strings (Uint8Array), text and arrays of those, definite and shortest. */
export function encodeCbor(value) {
  if (value instanceof Uint8Array) return concat(cborHead(2, value.length), value);
  if (typeof value === 'string') {
    const b = new TextEncoder().encode(value);
    return concat(cborHead(3, b.length), b);
  }
  if (Number.isInteger(value) && value >= 0) return cborHead(0, value);
  if (Array.isArray(value)) return concat(cborHead(4, value.length), ...value.map(encodeCbor));
  throw new Error('cannot encode ' + typeof value);
}

/** A CBOR item as plain JavaScript (text-keyed maps as objects), for the venue-rules document. */
function plain(item) {
  const x = untag(item);
  switch (x.t) {
    case 'map': {
      const o = {};
      for (const [k, v] of x.v) o[untag(k).t === 'text' ? untag(k).v : String(untag(k).v)] = plain(v);
      return o;
    }
    case 'array': return x.v.map(plain);
    case 'int': return typeof x.v === 'bigint' ? Number(x.v) : x.v;
    default: return x.v;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// COSE_Sign1 (RFC 9052), as io.checkpass.core.codec.CoseSign1.decode reads it.

export function decodeCoseSign1(bytes, maxHeader, maxPayload, options = {}) {
  let root = decodeCbor(bytes, options);
  const tags = [];
  while (root.t === 'tag') {
    tags.push(root.tag);
    root = root.v;
  }
  const tagsAllowed = tags.length === 0 || (tags.length === 1 && tags[0] === 18) || (tags.length === 2 && tags[0] === 61 && tags[1] === 18);
  if (!tagsAllowed) throw new FormatError('COSE message has an unexpected tag');
  if (root.t !== 'array') throw new FormatError('COSE_Sign1 is not an array');
  const parts = root.v;
  if (parts.length < 1) throw new FormatError('COSE_Sign1 is empty');
  const protectedBytes = readBytes(parts[0], maxHeader);
  let alg = null;
  let kid = null;
  if (protectedBytes.length > 0) {
    const header = decodeCbor(protectedBytes, options);
    for (const [k, v] of expectType(header, 'map', 'a header map')) {
      const label = intKey(k);
      if (label === 1) alg = readInt(v, -2147483647, 2147483647);
      else if (label === 4) kid = readBytes(v, 64);
    }
  }
  if (parts.length < 2) throw new FormatError('COSE_Sign1 lacks its unprotected header');
  let unprotectedAlg = null;
  let unprotectedKid = null;
  for (const [k, v] of expectType(parts[1], 'map', 'the unprotected header')) {
    const label = looseLabel(k);
    if (label === 1) unprotectedAlg = readInt(v, -2147483647, 2147483647);
    else if (label === 4) unprotectedKid = readBytes(v, 64);
    else if (label === 33) readChain(v, maxHeader);
  }
  if (parts.length < 3) throw new FormatError('COSE_Sign1 lacks its payload');
  const payload = readBytes(parts[2], maxPayload);
  if (parts.length < 4) throw new FormatError('COSE_Sign1 lacks its signature');
  const signature = readBytes(parts[3], 1024);
  if (parts.length > 4) throw new FormatError('COSE_Sign1 has more than four parts');
  if (alg === null && unprotectedAlg === null) throw new FormatError('COSE message has no algorithm');
  return { protectedBytes, alg, kid, unprotectedAlg, unprotectedKid, payload, signature };
}

function readChain(item, maxLength) {
  const x = untag(item);
  if (x.t === 'bytes') return [readBytes(x, maxLength)];
  if (x.t !== 'array' || x.v.length === 0 || x.v.length > 8) throw new FormatError('x5chain must be 1..8 byte strings');
  return x.v.map((c) => readBytes(c, maxLength));
}

export function sigStructure(protectedBytes, aad, payload) {
  return encodeCbor(['Signature1', protectedBytes, aad, payload]);
}

// ---------------------------------------------------------------------------------------------------------------
// ES256 with WebCrypto. WebCrypto's ECDSA signatures are raw r ‖ s, as COSE's.

const P256 = { name: 'ECDSA', namedCurve: 'P-256' };
const ECDSA_SHA256 = { name: 'ECDSA', hash: 'SHA-256' };
const P = 0xffffffff00000001000000000000000000000000ffffffffffffffffffffffffn;
const B = 0x5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604bn;

export async function verifyEs256(key, data, signature) {
  if (signature.length !== 64) return false;
  try {
    return await crypto.subtle.verify(ECDSA_SHA256, key, signature, data);
  } catch (e) {
    return false;
  }
}

function modPow(base, exp, mod) {
  let result = 1n;
  let b = base % mod;
  let e = exp;
  while (e > 0n) {
    if (e & 1n) result = (result * b) % mod;
    b = (b * b) % mod;
    e >>= 1n;
  }
  return result;
}

function bigFrom(bytes) {
  return BigInt('0x' + (hex(bytes) || '0'));
}

function bigTo32(n) {
  return fromHex(n.toString(16).padStart(64, '0'));
}

/**
 * The uncompressed point of a compressed P-256 key (WebCrypto imports only uncompressed ones): p ≡ 3 mod 4, so
 * y = (x³ − 3x + b)^((p+1)/4) mod p, checked to square back.
 */
export function decompressP256(x, yOdd) {
  const bx = bigFrom(x);
  if (x.length !== 32 || bx >= P) throw new FormatError('x is not a P-256 field element');
  const rhs = (((bx * bx) % P) * bx - 3n * bx + B) % P;
  const r = ((rhs % P) + P) % P;
  let y = modPow(r, (P + 1n) / 4n, P);
  if ((y * y) % P !== r) throw new FormatError('x is not on P-256');
  if ((y & 1n) !== (yOdd ? 1n : 0n)) y = P - y;
  return concat(Uint8Array.of(4), x, bigTo32(y));
}

export async function importPoint(point65) {
  try {
    return await crypto.subtle.importKey('raw', point65, P256, true, ['verify']);
  } catch (e) {
    throw new FormatError('not a P-256 public key');
  }
}

/** The key id of a 65-byte point: the first 8 bytes of its SHA-256 (§7). */
export async function keyId(point65) {
  return (await sha256(point65)).slice(0, 8);
}

/** The 65-byte point of a PEM public key (SubjectPublicKeyInfo), e.g. the trust anchor. */
export async function pointOfPem(pem) {
  const body = pem.replace(/-----(BEGIN|END) PUBLIC KEY-----/g, '');
  const key = await crypto.subtle.importKey('spki', fromBase64(body), P256, true, ['verify']);
  return new Uint8Array(await crypto.subtle.exportKey('raw', key));
}

// ---------------------------------------------------------------------------------------------------------------
// Credentials (§3), as io.checkpass.core.pass.Credentials.decodeClaims reads them.

/** Java's String.isBlank: every char is whitespace by Character.isWhitespace. */
function javaBlank(s) {
  for (const ch of s) {
    const c = ch.codePointAt(0);
    const ws = (c >= 9 && c <= 13) || (c >= 0x1c && c <= 0x20) || c === 0x1680 || (c >= 0x2000 && c <= 0x2006)
      || (c >= 0x2008 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x205f || c === 0x3000;
    if (!ws) return false;
  }
  return true;
}

function decodeClaims(payload) {
  const root = decodeCbor(payload);
  let exp = null;
  let iat = null;
  let serial = null;
  let devicePoint = null;
  let pass = null;
  for (const [k, v] of expectType(root, 'map', 'the claims map')) {
    switch (intKey(k)) {
      case 4: exp = readInt(v, 0, MAX_SECONDS); break;
      case 6: iat = readInt(v, 0, MAX_SECONDS); break;
      case 7: {
        serial = readBytes(v, 12);
        if (serial.length !== 12) throw new FormatError('a serial is 12 bytes');
        break;
      }
      case 8: devicePoint = readConfirmation(v); break;
      case -65537: pass = readPass(v); break;
      default: break;
    }
  }
  if (exp === null || iat === null || serial === null || pass === null) throw new FormatError('credential lacks a required claim');
  if (exp <= iat) throw new FormatError('credential expiry is not after issued-at');
  if (pass.until !== null && pass.until <= pass.from) throw new FormatError('status until is not after from');
  if (pass.name.length === 0 || javaBlank(pass.name)) throw new FormatError('masked name is blank');
  return { exp, iat, serial: hex(serial), devicePoint, ...pass };
}

function readPass(item) {
  let status = null;
  let from = null;
  let until = null;
  let name = null;
  let birthYear = null;
  for (const [k, v] of expectType(item, 'map', 'the pass map')) {
    switch (intKey(k)) {
      case 1: {
        const code = readInt(v, 0, 255);
        if (code >= STATUSES.length) throw new FormatError('unknown status code');
        status = STATUSES[code].id;
        break;
      }
      case 2: from = readInt(v, 0, MAX_SECONDS); break;
      case 3: until = readInt(v, 0, MAX_SECONDS); break;
      case 4: name = readText(v, 24); break;
      case 5: birthYear = readInt(v, 1900, 2100); break;
      default: break;
    }
  }
  if (status === null || from === null || name === null || birthYear === null) throw new FormatError('pass claim incomplete');
  return { status, from, until, name, birthYear };
}

function readConfirmation(item) {
  let point = null;
  for (const [k, v] of expectType(item, 'map', 'cnf')) {
    if (intKey(k) === 1) point = readCoseKey(v);
  }
  if (point === null) throw new FormatError('cnf has no COSE_Key');
  return point;
}

function readCoseKey(item) {
  let kty = null;
  let crv = null;
  let x = null;
  let yOdd = null;
  for (const [k, v] of expectType(item, 'map', 'a COSE_Key')) {
    switch (intKey(k)) {
      case 1: kty = readInt(v, -Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER); break;
      case -1: crv = readInt(v, -Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER); break;
      case -2: x = readBytes(v, 32); break;
      case -3: yOdd = readBool(v); break;
      default: break;
    }
  }
  if (kty !== 2 || crv !== 1 || x === null || x.length !== 32 || yOdd === null) throw new FormatError('device key is not a compressed P-256 COSE_Key');
  return decompressP256(x, yOdd);
}

/** [credential] or [credential, time, devsig(64)], as io.checkpass.core.pass.Presentation.decode reads it. */
function decodePresentation(bytes) {
  const parts = expectType(decodeCbor(bytes), 'array', 'the presentation array');
  if (parts.length === 0) throw new FormatError('empty presentation');
  const credential = readBytes(parts[0], MAX_CREDENTIAL_BYTES);
  if (parts.length === 1) return { credential, time: null, signature: null };
  const time = readInt(parts[1], 0, MAX_SECONDS);
  if (parts.length < 3) throw new FormatError('presentation lacks the device signature');
  const signature = readBytes(parts[2], 64);
  if (signature.length !== 64) throw new FormatError('device signature must be 64 bytes');
  if (parts.length > 3) throw new FormatError('presentation has more than three elements');
  return { credential, time, signature };
}

function deviceSigningInput(credentialHash, time) {
  const t = new Uint8Array(8);
  new DataView(t.buffer).setBigUint64(0, BigInt(time));
  return concat(PRESENTATION_TAG, credentialHash, t);
}

// ---------------------------------------------------------------------------------------------------------------
// The holder's side: what the wallet puts in its QR.

/** The QR text of a device-bound presentation at {@code time} (seconds), signed by the device's private key. */
export async function presentText(credential, privateKey, time) {
  const input = deviceSigningInput(await sha256(credential), time);
  const signature = new Uint8Array(await crypto.subtle.sign(ECDSA_SHA256, privateKey, input));
  return PREFIX + base45Encode(encodeCbor([credential, time, signature]));
}

/** The QR text of a static (paper) pass. */
export function staticText(credential) {
  return PREFIX + base45Encode(encodeCbor([credential]));
}

// ---------------------------------------------------------------------------------------------------------------
// The trust bundle (§6) and the venue rules (docs/rules.md).

export class BundleError extends Error {}

/**
 * Verifies a signed bundle against the pinned anchor (its 65-byte point) and decodes it. Throws BundleError when
 * it was signed by another key, does not verify, or is malformed: a scanner keeps the bundle it had.
 */
export async function openBundle(signed, anchorPoint) {
  try {
    if (signed.length > MAX_BUNDLE_BYTES) throw new BundleError('bundle too large');
    const cose = decodeCoseSign1(signed, 4096, MAX_BUNDLE_BYTES);
    if (cose.alg !== ALG_ES256 || cose.kid === null || cose.kid.length !== 8) throw new BundleError('bundle must be ES256 with an 8-byte kid');
    if (!equalBytes(cose.kid, await keyId(anchorPoint))) throw new BundleError('bundle is signed by another key than the pinned anchor');
    const anchor = await importPoint(anchorPoint);
    if (!(await verifyEs256(anchor, sigStructure(cose.protectedBytes, BUNDLE_AAD, cose.payload), cose.signature))) {
      throw new BundleError('bundle signature does not verify');
    }
    return await decodeBundlePayload(cose.payload);
  } catch (e) {
    throw e instanceof BundleError ? e : new BundleError('bundle is invalid: ' + e.message);
  }
}

/**
 * What a scanner trusts about bundles (io.checkpass.core.trust.ScannerTrust): the pinned bundle key (hex of its
 * 65-byte point), the newest version accepted, and the next bundle key announced by an accepted bundle.
 * @typedef {{anchor: string, version: number, next: ({point: string, from: number}|null)}} HeldTrust
 */

/**
 * Opens a bundle as a scanner holding {@code held} may: signed by the pinned key, or by the announced next key
 * (which is then pinned instead: the bundle key rolls over without a reinstall), and never older than the version
 * held (no rollback). Throws BundleError otherwise; the scanner keeps what it had.
 * @returns {Promise<{bundle: object, held: HeldTrust}>}
 */
export async function acceptBundle(signed, held) {
  let anchor = held.anchor;
  let bundle;
  try {
    bundle = await openBundle(signed, fromHex(anchor));
  } catch (notPinned) {
    if (!held.next) throw notPinned;
    anchor = held.next.point;
    try {
      bundle = await openBundle(signed, fromHex(anchor));
    } catch (notNext) {
      throw notPinned;
    }
  }
  if (held.version !== null && held.version !== undefined && bundle.version < held.version) {
    throw new BundleError(`bundle version ${bundle.version} is older than the held version ${held.version}: refused`);
  }
  return { bundle, held: { anchor, version: bundle.version, next: bundle.nextBundleKey ? { point: hex(bundle.nextBundleKey.point), from: bundle.nextBundleKey.from } : null } };
}

async function decodeBundlePayload(payload) {
  const fields = new Map();
  for (const [k, v] of expectType(decodeCbor(payload), 'map', 'the bundle payload')) {
    fields.set(expectType(k, 'text', 'a text key'), v);
  }
  const field = (name) => {
    if (!fields.has(name)) throw new FormatError('bundle lacks ' + name);
    return fields.get(name);
  };
  if (readText(field('format'), 64) !== 'checkpass-bundle/1') throw new FormatError('not a checkpass-bundle/1');
  const keys = new Map();
  for (const entry of expectType(field('issuerKeys'), 'array', 'issuerKeys')) {
    const k = new Map(expectType(entry, 'map', 'an issuer key').map(([name, v]) => [expectType(name, 'text', 'a text key'), v]));
    const kid = readBytes(k.get('kid'), 8);
    const point = readBytes(k.get('key'), 65);
    if (!equalBytes(kid, await keyId(point))) throw new FormatError('issuer key id does not match its key');
    if (keys.has(hex(kid))) throw new FormatError('issuer key listed twice');
    const notBefore = readInt(k.get('notBefore'), 0, MAX_SECONDS);
    const notAfter = readInt(k.get('notAfter'), 0, MAX_SECONDS);
    if (notAfter < notBefore) throw new FormatError('issuer key window is inverted');
    keys.set(hex(kid), { issuer: readText(k.get('issuer'), 32), key: await importPoint(point), notBefore, notAfter });
  }
  const revoked = new Set(expectType(field('revoked'), 'array', 'revoked').map((s) => {
    const b = readBytes(s, 12);
    if (b.length !== 12) throw new FormatError('a revoked serial is 12 bytes');
    return hex(b);
  }));
  // Additive (docs/pass-format.md §6): issuer keys revoked after a compromise, and the next bundle key announced.
  const revokedKeys = new Set((fields.has('revokedKeys') ? expectType(fields.get('revokedKeys'), 'array', 'revokedKeys') : []).map((k) => {
    const b = readBytes(k, 8);
    if (b.length !== 8) throw new FormatError('a revoked key id is 8 bytes');
    return hex(b);
  }));
  for (const kid of revokedKeys) if (keys.has(kid)) throw new FormatError('issuer key both listed and revoked');
  let nextBundleKey = null;
  if (fields.has('nextBundleKey')) {
    const n = new Map(expectType(fields.get('nextBundleKey'), 'map', 'nextBundleKey').map(([name, v]) => [expectType(name, 'text', 'a text key'), v]));
    const point = readBytes(n.get('key'), 65);
    if (point.length !== 65 || !equalBytes(readBytes(n.get('kid'), 8), await keyId(point))) throw new FormatError('next bundle key id does not match its key');
    nextBundleKey = { point, from: readInt(n.get('from'), 0, MAX_SECONDS) };
  }
  return {
    revokedKeys,
    nextBundleKey,
    version: readInt(field('version'), 0, Number.MAX_SAFE_INTEGER),
    createdAt: readInt(field('createdAt'), 0, MAX_SECONDS),
    keys,
    revoked,
    rules: parseVenueRules(plain(field('venueRules'))),
    foreign: await (await foreign()).readForeignTrust(fields.has('foreign') ? plain(fields.get('foreign')) : null),
    // The rules that decide a foreign pass's status (docs/pass-format.md §6); absent from older bundles.
    medical: fields.has('medicalRules') ? (await foreign()).readMedicalRules(plain(fields.get('medicalRules'))) : null,
  };
}

/** The venue-rules document as the verifier uses it: rule sets sorted by the instant they take force. */
export function parseVenueRules(doc) {
  const conditions = new Map((doc.conditions || []).map((c) => [c.id, { id: c.id, ko: c.ko, en: c.en }]));
  const sets = (doc.ruleSets || []).map((s) => ({
    id: s.id,
    from: Date.parse(s.effectiveFrom),
    title: s.title,
    passRequired: new Set(s.passRequired),
    admit: new Set(s.admit),
    conditional: new Map((s.conditional || []).map((c) => [c.venueType + '|' + c.status, conditions.get(c.condition)])),
    until: s.until ? Date.parse(s.until) : null,
    guidance: (s.guidance || []).map((g) => ({
      venueTypes: new Set(g.venueTypes || []),
      lapsedOnly: g.appliesTo === 'lapsed',
      until: Date.parse(g.until),
      notice: { ko: g.notice.ko, en: g.notice.en },
    })),
  }));
  if (sets.some((s) => Number.isNaN(s.from) || Number.isNaN(s.until) || s.guidance.some((g) => Number.isNaN(g.until)))) {
    throw new FormatError('a rule set has no valid effectiveFrom, until or guidance until');
  }
  sets.sort((a, b) => a.from - b.from);
  return { jurisdiction: doc.jurisdiction, venueTypes: doc.venueTypes || [], sets };
}

/**
 * The rule set in force at {@code nowMs}: the last one that has started, passing over temporary sets (emergency
 * decrees) whose {@code until} has come, or null.
 */
export function ruleSetAt(rules, nowMs) {
  let found = null;
  for (const set of rules.sets) {
    if (set.from > nowMs) break;
    if (set.until === null || set.until > nowMs) found = set;
  }
  return found;
}

/** As io.checkpass.core.rules.VenueRuleSet#decide: a refusal a guidance period covers is admitted with its notice. */
function decide(rules, venueType, status, lapsed, nowMs) {
  const set = ruleSetAt(rules, nowMs);
  if (set === null || !set.passRequired.has(venueType)) return { kind: 'notRequired' };
  if (set.admit.has(status)) return { kind: 'admit' };
  const condition = set.conditional.get(venueType + '|' + status);
  if (condition) return { kind: 'condition', condition };
  for (const g of set.guidance) {
    if (nowMs < g.until && (g.venueTypes.size === 0 || g.venueTypes.has(venueType)) && (lapsed || !g.lapsedOnly)) {
      return { kind: 'guidance', notice: g.notice, enforcedFrom: g.until };
    }
  }
  return { kind: 'notAccepted' };
}

/**
 * What a holder of {@code status} may do today under the venue rules: the venue types that need a pass and admit
 * them on a condition (e.g. restaurants alone), those that refuse them (or admit them during a guidance period,
 * with its notice), and whether a negative test would admit them. Venue types that need no pass are open to all.
 */
export function whatStatusMayDo(rules, status, nowMs) {
  const set = ruleSetAt(rules, nowMs);
  const names = new Map(rules.venueTypes.map((v) => [v.code, v]));
  const conditional = [];
  const refused = [];
  const guidance = [];
  for (const code of set ? set.passRequired : []) {
    const venueType = names.get(code) || { code, ko: code, en: code };
    const d = decide(rules, code, status, false, nowMs);
    if (d.kind === 'condition') conditional.push({ venueType, condition: d.condition });
    else if (d.kind === 'guidance') guidance.push({ venueType, notice: d.notice });
    else if (d.kind === 'notAccepted') refused.push(venueType);
  }
  return { conditional, refused, guidance, testAdmits: set !== null && set.admit.has('tested') };
}

// ---------------------------------------------------------------------------------------------------------------
// The verifier (§5).

/** Remembers (serial, time) of admitted presentations for window + 2 × skew, as io.checkpass.core.verify.ReplayGuard. */
export class ReplayMemory {
  constructor(retentionMs, capacity = 100000, entries = []) {
    this.retentionMs = retentionMs;
    this.capacity = capacity;
    this.seen = new Map(entries);
  }

  /** Records it; true on the first sighting. */
  firstSighting(serial, time, nowMs) {
    const key = serial + ':' + time;
    const until = this.seen.get(key);
    if (until !== undefined && until > nowMs) return false;
    this.prune(nowMs);
    this.seen.set(key, nowMs + this.retentionMs);
    return true;
  }

  prune(nowMs) {
    for (const [key, until] of this.seen) {
      if (until <= nowMs || this.seen.size >= this.capacity) this.seen.delete(key);
    }
  }

  /** Entries to persist (the scanner keeps them across a reload). */
  entries() {
    return Array.from(this.seen);
  }
}

const isoSeconds = (s) => new Date(s * 1000).toISOString().replace('.000Z', 'Z');

function result(verdict, reason, facts = null, condition = null) {
  const r = { verdict, reason, reasonText: reasonText(reason) };
  if (condition) r.condition = { id: condition.id, ko: condition.ko, en: condition.en };
  if (facts) {
    Object.assign(r, {
      format: 'CP1', issuer: facts.issuer, serial: facts.serial, status: facts.status, statusValidFrom: isoSeconds(facts.from),
      deviceBound: facts.devicePoint !== null,
    });
    if (facts.until !== null) r.statusValidUntil = isoSeconds(facts.until);
    r.expiresAt = isoSeconds(facts.exp);
    if (facts.presentedAt !== undefined) r.presentedAt = isoSeconds(facts.presentedAt);
    r.maskedName = facts.name;
    r.birthYear = facts.birthYear;
  }
  return r;
}

export const deny = (reason) => result('DENY', reason);

export class Verifier {
  /**
   * @param bundle from openBundle
   * @param policy window and skew in seconds (docs/pass-format.md §5 defaults)
   * @param replay a ReplayMemory to reuse (the scanner's persisted one), or none for a fresh one
   */
  constructor(bundle, { windowSeconds = 30, skewSeconds = 30 } = {}, replay = null) {
    this.window = windowSeconds;
    this.skew = skewSeconds;
    this.replay = replay || new ReplayMemory((windowSeconds + 2 * skewSeconds) * 1000);
    this.install(bundle);
  }

  /** Starts using a newer bundle: issuer-signature results are forgotten, replays are not. */
  install(bundle) {
    this.bundle = bundle;
    this.checked = new Map();
  }

  /**
   * Verifies the QR text for a venue type at {@code nowMs} (milliseconds since the epoch). A foreign pass's
   * result also carries foreignFormat: 'DCC' | 'SHC' | 'NZCP'.
   */
  async verify(text, venueType, nowMs) {
    try {
      if (typeof text !== 'string' || text.length > MAX_TEXT_CHARS) return deny('MALFORMED');
      if (text.startsWith(PREFIX)) {
        if (text.length > MAX_NATIVE_TEXT_CHARS) return deny('MALFORMED');
        return await this.verifyNative(text, venueType, nowMs);
      }
      for (const [prefix, format] of Object.entries(FOREIGN_PREFIXES)) {
        if (text.startsWith(prefix)) return await (await foreign()).verifyForeign(this, format, text, venueType, nowMs);
      }
      return deny('UNSUPPORTED_FORMAT');
    } catch (e) {
      // Every expected failure is a reason above; reaching here is a bug. Fail closed.
      console.warn('verifier failed unexpectedly; denying as MALFORMED', e);
      return deny('MALFORMED');
    }
  }

  async verifyNative(text, venueType, nowMs) {
    // 2. Decode, within hard limits.
    let presentation;
    try {
      const bytes = base45Decode(text, PREFIX.length);
      if (bytes.length > MAX_PRESENTATION_BYTES) return deny('MALFORMED');
      presentation = decodePresentation(bytes);
    } catch (e) {
      if (e instanceof FormatError) return deny('MALFORMED');
      throw e;
    }

    // 3. Issuer signature, remembered by credential hash.
    const credentialHash = await sha256(presentation.credential);
    const cacheKey = hex(credentialHash);
    let facts = this.checked.get(cacheKey);
    if (!facts) {
      const outcome = await this.checkIssuer(presentation.credential);
      if (outcome.failure) return deny(outcome.failure);
      facts = outcome.facts;
      if (this.checked.size >= 50000) this.checked.clear();
      this.checked.set(cacheKey, facts);
    }

    // 4. The credential's own validity.
    if (facts.iat * 1000 > nowMs + this.skew * 1000) return deny('NOT_YET_VALID');
    if (nowMs >= facts.exp * 1000) return deny('CREDENTIAL_EXPIRED');

    // 5. Revocation.
    if (this.bundle.revoked.has(facts.serial)) return deny('REVOKED');

    // 6. Device proof: fresh, signed by the key in the credential, not seen before.
    let presented = facts;
    if (facts.devicePoint !== null) {
      if (presentation.signature === null) return deny('BAD_DEVICE_PROOF');
      const age = Math.floor(nowMs / 1000) - presentation.time;
      if (-age > this.skew) return deny('FUTURE_PRESENTATION');
      if (age > this.window + this.skew) return deny('STALE_PRESENTATION');
      const deviceKey = await importPoint(facts.devicePoint);
      if (!(await verifyEs256(deviceKey, deviceSigningInput(credentialHash, presentation.time), presentation.signature))) {
        return deny('BAD_DEVICE_PROOF');
      }
      if (!this.replay.firstSighting(facts.serial, presentation.time, nowMs)) return deny('REPLAYED');
      presented = { ...facts, presentedAt: presentation.time };
    } else if (presentation.signature !== null) {
      return deny('BAD_DEVICE_PROOF');
    }

    // 7. The venue rules in force now.
    return this.decideAtVenue(presented, venueType, nowMs);
  }

  async checkIssuer(credential) {
    let cose;
    try {
      cose = decodeCoseSign1(credential, MAX_PROTECTED_HEADER_BYTES, MAX_CREDENTIAL_BYTES);
    } catch (e) {
      if (e instanceof FormatError) return { failure: 'MALFORMED' };
      throw e;
    }
    if (cose.alg !== ALG_ES256 || cose.kid === null || cose.kid.length !== 8) return { failure: 'MALFORMED' };
    if (this.bundle.revokedKeys.has(hex(cose.kid))) return { failure: 'ISSUER_KEY_REVOKED' };
    const key = this.bundle.keys.get(hex(cose.kid));
    if (!key) return { failure: 'UNKNOWN_KEY' };
    if (!(await verifyEs256(key.key, sigStructure(cose.protectedBytes, CREDENTIAL_AAD, cose.payload), cose.signature))) {
      return { failure: 'BAD_SIGNATURE' };
    }
    let claims;
    try {
      claims = decodeClaims(cose.payload);
    } catch (e) {
      if (e instanceof FormatError) return { failure: 'MALFORMED' };
      throw e;
    }
    if (claims.iat < key.notBefore || claims.iat > key.notAfter) return { failure: 'UNKNOWN_KEY' };
    return { facts: { ...claims, issuer: key.issuer } };
  }

  /** Step 7: a status outside its window counts as unvaccinated. */
  decideAtVenue(facts, venueType, nowMs) {
    const holds = nowMs >= facts.from * 1000 && (facts.until === null || nowMs < facts.until * 1000);
    const effective = holds ? facts.status : 'unvaccinated';
    const lapsed = !holds && facts.status !== 'unvaccinated' && nowMs >= facts.from * 1000;
    const decision = decide(this.bundle.rules, venueType, effective, lapsed, nowMs);
    const bound = facts.devicePoint !== null;
    switch (decision.kind) {
      case 'notRequired': return result('ADMIT', 'PASS_NOT_REQUIRED', facts);
      case 'admit': return bound ? result('ADMIT', 'VALID', facts) : result('CHECK_ID', 'ID_CHECK_REQUIRED', facts);
      case 'condition':
        return bound ? result('ADMIT_LIMITED', 'CONDITION_APPLIES', facts, decision.condition)
          : result('CHECK_ID', 'ID_CHECK_REQUIRED', facts, decision.condition);
      case 'guidance': {
        const r = result(bound ? 'ADMIT' : 'CHECK_ID', 'GUIDANCE_PERIOD', facts);
        r.notice = decision.notice;
        r.enforcedFrom = new Date(decision.enforcedFrom).toISOString();
        return r;
      }
      default: {
        const reason = holds || facts.status === 'unvaccinated' ? 'NOT_ACCEPTED_HERE'
          : nowMs < facts.from * 1000 ? 'NOT_YET_VALID' : 'STATUS_EXPIRED';
        return result('DENY', reason, facts);
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Conformance: runs `checkpass vectors` output through this verifier (the browser test calls it in Chromium).

/**
 * @param cases    the parsed cases.json
 * @param bundles  file name → Uint8Array of each bundle file
 * @returns the list of mismatches (empty when this verifier agrees with every case)
 */
export async function runConformance(cases, bundles) {
  const mismatches = [];
  const anchor = fromHex(cases.anchor.point);
  const opened = new Map();
  for (const b of cases.bundles) {
    let loaded = true;
    try {
      opened.set(b.file, await openBundle(bundles[b.file], anchor));
    } catch (e) {
      loaded = false;
    }
    if (loaded !== b.accepted) mismatches.push(`${b.file}: ${loaded ? 'loaded' : 'refused'}, expected the opposite`);
  }
  const policy = { windowSeconds: cases.policy.windowSeconds, skewSeconds: cases.policy.skewSeconds };
  for (const c of cases.cases) {
    const verifier = new Verifier(opened.get(c.bundle), policy);
    for (let i = 0; i < c.steps.length; i++) {
      const step = c.steps[i];
      const r = await verifier.verify(step.text, c.venueType, Date.parse(step.at));
      const got = [r.verdict, r.reason, r.condition ? r.condition.id : '-', r.serial || '-', r.maskedName || '-', r.birthYear || '-'].join('/');
      const d = step.display || {};
      const want = [step.verdict, step.reason, step.condition || '-', d.serial || '-', d.maskedName || '-', d.birthYear || '-'].join('/');
      if (got !== want) mismatches.push(`${c.name} step ${i + 1}: want ${want}, got ${got}`);
    }
  }
  return mismatches;
}
