// Foreign passes in the browser, offline: the EU Digital COVID Certificate (HC1:), SMART Health Cards (shc:/) and
// NZ COVID Passes (NZCP:/1/), verified against the signed bundle's `foreign` trust material (docs/foreign-passes.md).
//
// The readers follow io.checkpass.core.foreign (HcertVerifier and Dgc, ShcVerifier, NzcpVerifier) step by step and
// give the same reasons: strict on the encoding layers, the signature, the trust and the validity; lenient on the
// shape of a DCC's payload (empty value-set fields, partial dates, several entries), as the Java reader is. Every size
// is bounded before work is done, and nothing in a payload is believed before its signature holds. WebCrypto checks
// ES256 (raw r‖s) and PS256; DecompressionStream inflates zlib (DCC) and raw DEFLATE (SHC), read in chunks and cut at
// the limit, so a zip bomb costs no memory.
//
// checkpass.js loads this module on first use (import()): the wallet page fetches it only to read a trust bundle's
// rules for a holder the doors treat as unvaccinated.
import {
  FormatError, base45Decode, concat, decodeCbor, decodeCoseSign1, deny, fromBase64 as decodeBase64, hex, importPoint,
  reasonText, sha256, sigStructure, untag, verifyEs256,
} from './checkpass.js';
import { decideAtDoor, epochDay, healthRecord, readMedicalRules } from './status.js';

export { readMedicalRules };

const DCC_MAX_TEXT_CHARS = 4096;
const DCC_MAX_COSE_BYTES = 64 * 1024;
const DCC_MAX_HEADER_BYTES = 1024;
const DCC_MAX_TEXT = 256;
const DCC_MAX_CERTIFICATE_BYTES = 2 * 8192;
const SHC_MAX_SINGLE_JWS_CHARS = 1195;
const SHC_MAX_CHUNK_JWS_CHARS = 1191;
const SHC_MAX_JWS_CHARS = 3 * SHC_MAX_CHUNK_JWS_CHARS;
const SHC_MAX_PAYLOAD_BYTES = 128 * 1024;
const SHC_MAX_FHIR_ENTRIES = 256;
const SHC_HEALTH_CARD = 'https://smarthealth.cards#health-card';
const NZCP_PREFIX = 'NZCP:/1/';
const NZCP_MAX_TEXT_CHARS = 2048;
const NZCP_CONTEXT = 'https://www.w3.org/2018/credentials/v1';
const ALG_ES256 = -7;
const ALG_PS256 = -37;
/** Java reads foreign CBOR with Jackson, which takes indefinite lengths (Jackson also writes them). */
const LENIENT = { indefinite: true };
const MAX_SECONDS_EXCLUSIVE = 253402300800;
const DAY = 86400;
/** SNOMED CT "not detected". */
const TEST_NOT_DETECTED = '260415000';
/** SNOMED CT "detected". */
const TEST_DETECTED = '260373001';
/** DCC test types (LOINC) and the medical rules' test kinds. */
const DCC_TEST_KINDS = { 'LP6464-4': 'pcr', 'LP217198-3': 'rapid_antigen' };
/** DCC key-usage OIDs by type, in both encodings issuers used (HCERT spec §5.1). */
const DCC_KEY_USAGE = {
  t: ['1.3.6.1.4.1.1847.2021.1.1', '1.3.6.1.4.1.0.1847.2021.1.1'],
  v: ['1.3.6.1.4.1.1847.2021.1.2', '1.3.6.1.4.1.0.1847.2021.1.2'],
  r: ['1.3.6.1.4.1.1847.2021.1.3', '1.3.6.1.4.1.0.1847.2021.1.3'],
};

/** A failure with its reason (never an admitting one); the dispatcher turns it into a DENY. */
class Refused {
  constructor(reason) {
    this.reason = reason;
  }
}

const refuse = (reason) => new Refused(reason);

// ---------------------------------------------------------------------------------------------------------------
// The dispatcher: read, then validity and venue rules as for every pass (io.checkpass.core.verify.PassVerifier).

/**
 * Verifies a foreign pass for the verifier (checkpass.js Verifier): its bundle's foreign trust, its clock skew and
 * its venue decision. Foreign passes are not device-bound: a valid one is CHECK_ID, or what the venue rules say.
 */
export async function verifyForeign(verifier, format, text, venueType, nowMs) {
  const r = await judgeForeign(verifier, format, text, venueType, nowMs);
  r.foreignFormat = format;
  return r;
}

async function judgeForeign(verifier, format, text, venueType, nowMs) {
  const trust = verifier.bundle.foreign || emptyTrust();
  let outcome;
  try {
    if (format === 'DCC') outcome = await readDcc(trust, text);
    else if (format === 'SHC') outcome = await readShc(trust, text);
    else outcome = await readNzcp(trust, text);
  } catch (e) {
    if (!(e instanceof FormatError)) console.warn('foreign reader failed unexpectedly; denying as MALFORMED', e);
    outcome = refuse('MALFORMED');
  }
  if (outcome instanceof Refused) return deny(outcome.reason);
  const facts = outcome;
  if (facts.iat !== null && facts.iat * 1000 > nowMs + verifier.skew * 1000) return deny('NOT_YET_VALID');
  // A DCC is still valid at its exp instant (as upstream's own tests read it); other formats expire at theirs.
  const expired = facts.exp !== null && (format === 'DCC' ? nowMs > facts.exp * 1000 : nowMs >= facts.exp * 1000);
  if (expired) return deny('CREDENTIAL_EXPIRED');
  const judged = judgeStatus(verifier.bundle.medical, facts, nowMs);
  if (judged === null) return deny('NO_MEDICAL_RULES');
  const r = verifier.decideAtVenue({ ...judged, devicePoint: null }, venueType, nowMs);
  // A genuine pass that proves no usable status reads as unvaccinated; say why it is refused.
  if (!judged.statusProven && r.verdict === 'DENY' && r.reason === 'NOT_ACCEPTED_HERE') {
    r.reason = 'STATUS_NOT_PROVEN';
    r.reasonText = reasonText(r.reason);
  }
  if (r.serial !== undefined) {
    r.format = format;
    if (facts.exp === null) delete r.expiresAt;
    if (facts.name === null) {
      delete r.maskedName;
      delete r.birthYear;
    }
  }
  return r;
}

// ---------------------------------------------------------------------------------------------------------------
// Status mapping (docs/foreign-passes.md §3): each reader states what its pass proves (`evidence`); the bundle's
// medical rules decide the status at the door, by the engine in status.js (io.checkpass.core.verify.PassVerifier).

/** The facts with the status the medical rules give them at {@code nowMs}; null without rules in force. */
function judgeStatus(rules, facts, nowMs) {
  if (rules === null || rules === undefined) return null;
  const mapped = healthRecord(facts.evidence, rules.products);
  const decided = decideAtDoor(rules, mapped.record, nowMs);
  if (decided === null) return null;
  return {
    ...facts,
    status: decided.status,
    from: decided.from / 1000,
    until: decided.until === null ? null : decided.until / 1000,
    statusProven: facts.statusProven !== false && mapped.unproven.length === 0,
  };
}

/**
 * What a read DCC proves (io.checkpass.core.foreign.dcc.Dgc#evidence): its dose (product code, day, dose number),
 * its test (kind, result, sample time) or its recovery (valid-from day), and the year of birth.
 */
function dccEvidence(dgc) {
  const evidence = { birthYear: dgc.birthYear, doses: [], tests: [], recoveries: [], unproven: [] };
  if (!dgc.proven) {
    // As Dgc.evidence: an entry that cannot prove its status proves nothing.
    evidence.unproven.push(dgc.e === null ? 'the certificate holds no v, t or r entry' : 'the entry cannot prove a status');
    return evidence;
  }
  const e = dgc.e;
  // Dates are the days the certificate writes (a partial date read at the end of the period it names), in UTC.
  const day = (seconds) => Math.floor(seconds / DAY);
  if (dgc.type === 'v') {
    evidence.doses.push({ day: day(lenientInstant(e.dt, true)), system: 'dcc', code: javaText(e.mp), doseNumber: doseValue(e.dn) });
  } else if (dgc.type === 't') {
    const tt = javaText(e.tt);
    const kind = tt === null ? undefined : DCC_TEST_KINDS[tt];
    if (kind === undefined) evidence.unproven.push('the test type is neither NAAT (PCR) nor a rapid antigen test');
    else evidence.tests.push({ at: lenientInstant(e.sc, true) * 1000, kind, positive: javaText(e.tr) !== TEST_NOT_DETECTED });
  } else {
    evidence.recoveries.push({ day: day(lenientInstant(e.df, true)) });
  }
  return evidence;
}

/** An NZ COVID Pass states a status under New Zealand's rules, not the doses and dates Korea's rules need. */
function statusOnly(birthYear) {
  return { birthYear, doses: [], tests: [], recoveries: [], unproven: ['an NZ COVID Pass states a status, not the doses and dates the rules need'] };
}

// ---------------------------------------------------------------------------------------------------------------
// Trust material (docs/foreign-passes.md §2), read leniently as a scanner reads a signed bundle: an entry that does
// not parse is left out (and logged), so its keys stay untrusted while the rest keeps working.

export function emptyTrust() {
  return { dcc: new Map(), dccRevocations: new Map(), shc: new Map(), nzcp: new Map() };
}

/** The bundle's `foreign` map as plain JavaScript, or null. */
export async function readForeignTrust(doc) {
  const trust = emptyTrust();
  if (doc === null || doc === undefined) return trust;
  if (typeof doc !== 'object' || Array.isArray(doc)) {
    console.warn('bundle foreign trust is not a map; ignoring it');
    return trust;
  }
  await each(doc.dcc, 'dcc', async (entry) => {
    const signer = readDccSigner(entry);
    if (signer.kid === null) signer.kid = (await sha256(signer.der)).slice(0, 8); // the HCERT key id
    const key = hex(signer.kid);
    if (!trust.dcc.has(key)) trust.dcc.set(key, []);
    trust.dcc.get(key).push(signer);
  });
  await each(doc.dccRevocations, 'dccRevocations', async (entry) => {
    const list = readDccRevocationList(entry);
    if (!trust.dccRevocations.has(list.kid)) trust.dccRevocations.set(list.kid, []);
    trust.dccRevocations.get(list.kid).push(list);
  });
  await each(doc.shc, 'shc', async (entry) => {
    for (const key of await readShcIssuer(entry)) {
      if (!trust.shc.has(key.kid)) trust.shc.set(key.kid, []);
      trust.shc.get(key.kid).push(key);
    }
  });
  await each(doc.nzcp, 'nzcp', async (entry) => {
    const issuer = readNzcpIssuer(entry);
    trust.nzcp.set(issuer.did, issuer.keys);
  });
  return trust;
}

/** Ends the current task so the page can paint and handle input (a long task is what makes a page feel stuck). */
function yieldToPage() {
  return globalThis.scheduler && typeof globalThis.scheduler.yield === 'function'
    ? globalThis.scheduler.yield()
    : new Promise((resolve) => setTimeout(resolve, 0));
}

async function each(list, section, read) {
  if (list === undefined || list === null) return;
  if (!Array.isArray(list)) {
    console.warn(`bundle foreign trust '${section}' is not a list; ignoring it`);
    return;
  }
  for (let i = 0; i < list.length; i++) {
    // Hundreds of signer certificates are parsed on the page's thread: let it paint and answer taps in between.
    if (i % 8 === 7) await yieldToPage();
    try {
      await read(list[i]);
    } catch (e) {
      console.warn(`bundle foreign trust ${section}[${i}] cannot be used; ignoring it: ${e.message}`);
    }
  }
}

function readDccSigner(entry) {
  if (!entry || typeof entry !== 'object') throw new FormatError('a DCC signer is an object');
  if (typeof entry.certificate !== 'string') throw new FormatError('DCC signer has no base64 certificate');
  const der = fromBase64(entry.certificate);
  if (der.length > DCC_MAX_CERTIFICATE_BYTES) throw new FormatError('certificate too large');
  const certificate = parseCertificate(der);
  const kid = typeof entry.kid === 'string' ? fromBase64(entry.kid) : null;
  if (kid !== null && (kid.length === 0 || kid.length > 64)) throw new FormatError('a DCC key id is 1..64 bytes');
  const country = typeof entry.country === 'string' ? entry.country.toUpperCase() : '';
  if (country !== '' && !/^[A-Z]{2}$/.test(country)) throw new FormatError('country is not ISO 3166 alpha-2');
  let algorithm;
  if (certificate.keyAlgorithm === OID_EC_PUBLIC_KEY && certificate.keyCurve === OID_P256) algorithm = ALG_ES256;
  else if (certificate.keyAlgorithm === OID_RSA) algorithm = ALG_PS256;
  else throw new FormatError('the certificate key is neither P-256 nor RSA');
  const signer = {
    kid: kid || null, der, country, algorithm, notBefore: certificate.notBefore, notAfter: certificate.notAfter,
    authorized: authorizedTypes(certificate), spki: certificate.spki, key: null,
  };
  return signer;
}

/** A DCC revocation list (io.checkpass.core.foreign.dcc.DccRevocationList.fromJson): kid, hashType, 16-byte hashes. */
function readDccRevocationList(entry) {
  if (!isObject(entry)) throw new FormatError('a DCC revocation list is an object');
  const base64 = (v, field) => {
    if (typeof v !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(v)) throw new FormatError(`no base64 '${field}'`);
    return fromBase64(v);
  };
  const kid = base64(entry.kid, 'kid');
  if (kid.length === 0 || kid.length > 64) throw new FormatError('a DCC revocation list key id is 1..64 bytes');
  const type = typeof entry.hashType === 'string' ? entry.hashType.toUpperCase() : '';
  if (!['UCI', 'COUNTRYCODEUCI', 'SIGNATURE'].includes(type)) throw new FormatError('unknown DCC revocation hashType');
  if (!Array.isArray(entry.hashes) || entry.hashes.length > 1000000) throw new FormatError('no list of hashes');
  const hashes = new Set();
  for (const text of entry.hashes) {
    const hash = base64(text, 'hashes');
    if (hash.length !== 16) throw new FormatError('a DCC revocation hash is 16 bytes');
    if (hashes.has(hex(hash))) throw new FormatError('a DCC revocation hash is listed twice');
    hashes.add(hex(hash));
  }
  return { kid: hex(kid), type, hashes };
}

/**
 * Whether a revocation list of the signing key id holds the certificate (io.checkpass.core.foreign.dcc.DccRevocations):
 * any entry's UCI, any country (the CWT iss, then the entries' co) with any UCI, or the signature (ES256: its r).
 */
async function dccRevoked(trust, kid, hcert, types, iss, alg, signature) {
  const lists = kid === null ? undefined : trust.dccRevocations.get(hex(kid));
  if (lists === undefined) return false;
  const allOf = (field) => {
    const values = [];
    for (const type of types) {
      if (!Array.isArray(hcert[type])) continue;
      for (const e of hcert[type]) {
        const v = isObject(e) ? javaText(e[field]) : null;
        if (v !== null && !values.includes(v)) values.push(v);
      }
    }
    return values;
  };
  const hash = async (bytes) => hex((await sha256(bytes)).slice(0, 16));
  const utf8 = (text) => new TextEncoder().encode(text);
  const cis = allOf('ci');
  const countries = javaBlank(iss) ? [] : [iss];
  for (const co of allOf('co')) if (!countries.includes(co)) countries.push(co);
  for (const list of lists) {
    if (list.type === 'UCI') {
      for (const ci of cis) if (list.hashes.has(await hash(utf8(ci)))) return true;
    } else if (list.type === 'COUNTRYCODEUCI') {
      for (const ci of cis) for (const country of countries) if (list.hashes.has(await hash(utf8(country + ci)))) return true;
    } else {
      const signed = alg === ALG_ES256 ? signature.slice(0, Math.floor(signature.length / 2)) : signature;
      if (list.hashes.has(await hash(signed))) return true;
    }
  }
  return false;
}

/** The DCC types a signer may sign: all unless its extended key usage names DCC OIDs (io.checkpass.core.foreign.dcc.DccSigner). */
function authorizedTypes(certificate) {
  if (certificate.keyUsages === 'unreadable') return new Set();
  const all = Object.values(DCC_KEY_USAGE).flat();
  if (certificate.keyUsages === null || !certificate.keyUsages.some((oid) => all.includes(oid))) return new Set(['v', 't', 'r']);
  return new Set(Object.keys(DCC_KEY_USAGE).filter((type) => certificate.keyUsages.some((oid) => DCC_KEY_USAGE[type].includes(oid))));
}

async function dccKey(signer) {
  if (signer.key === null) {
    signer.key = signer.algorithm === ALG_ES256
      ? crypto.subtle.importKey('spki', signer.spki, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['verify'])
      : crypto.subtle.importKey('spki', signer.spki, { name: 'RSA-PSS', hash: 'SHA-256' }, false, ['verify']);
  }
  try {
    return await signer.key;
  } catch (e) {
    return null;
  }
}

async function readShcIssuer(entry) {
  if (!entry || typeof entry !== 'object') throw new FormatError('an SHC issuer is an object');
  const iss = entry.iss;
  if (typeof iss !== 'string' || !iss.startsWith('https://') || iss.endsWith('/')) throw new FormatError('SHC iss must be https:// without a trailing slash');
  const keys = entry.jwks && Array.isArray(entry.jwks.keys) ? entry.jwks.keys : null;
  if (keys === null || keys.length > 64) throw new FormatError('SHC issuer has no key set');
  const crls = new Map();
  for (const crl of Array.isArray(entry.crls) ? entry.crls : []) {
    const parsed = readCrl(crl);
    crls.set(parsed.kid, parsed);
  }
  const out = [];
  for (const jwk of keys) {
    const point = jwkPoint(jwk);
    if (jwk.alg !== 'ES256' || jwk.use !== 'sig') throw new FormatError('SHC key must be ES256 for signing');
    if (jwk.kid !== await thumbprint(jwk)) throw new FormatError('SHC key id is not its RFC 7638 thumbprint');
    out.push({ kid: jwk.kid, iss, key: await importPoint(point), crl: crls.get(jwk.kid) || null });
  }
  return out;
}

function readCrl(crl) {
  if (!crl || typeof crl !== 'object' || typeof crl.kid !== 'string' || crl.kid === '') throw new FormatError('a CRL has a kid');
  if (crl.method !== 'rid') throw new FormatError('CRL method must be rid');
  if (!Array.isArray(crl.rids) || crl.rids.length > 1000000) throw new FormatError('CRL has no rids');
  const revoked = new Map();
  for (const text of crl.rids) {
    if (typeof text !== 'string') throw new FormatError('CRL rid is not text');
    const dot = text.indexOf('.');
    const rid = dot < 0 ? text : text.substring(0, dot);
    if (!/^[A-Za-z0-9_-]{1,24}$/.test(rid)) throw new FormatError('CRL rid is not base64url of 1..24 characters');
    let before = null;
    if (dot >= 0) {
      if (!/^[+-]?[0-9]+$/.test(text.substring(dot + 1))) throw new FormatError('CRL rid timestamp is not a number');
      before = Number(text.substring(dot + 1));
    }
    revoked.set(rid, before);
  }
  return { kid: crl.kid, revoked };
}

function readNzcpIssuer(entry) {
  if (!entry || typeof entry !== 'object') throw new FormatError('an NZCP issuer is an object');
  const did = entry.did;
  const doc = entry.didDocument;
  if (typeof did !== 'string' || !did.startsWith('did:web:') || did.length > 255) throw new FormatError('not a did:web issuer');
  if (!doc || typeof doc !== 'object' || doc.id !== did) throw new FormatError('DID document id is not the DID');
  const assertion = new Set(Array.isArray(doc.assertionMethod) ? doc.assertionMethod.filter((m) => typeof m === 'string') : []);
  const keys = new Map();
  for (const method of Array.isArray(doc.verificationMethod) ? doc.verificationMethod : []) {
    const id = method && typeof method.id === 'string' ? method.id : '';
    if (!id.startsWith(did + '#') || !assertion.has(id)) continue;
    if (method.type !== 'JsonWebKey2020') throw new FormatError('verification method is not a JsonWebKey2020');
    keys.set(id.substring(did.length + 1), { point: jwkPoint(method.publicKeyJwk), key: null });
  }
  if (keys.size === 0) throw new FormatError('DID document has no P-256 assertion key');
  return { did, keys };
}

/** The 65-byte point of a public EC P-256 JWK (io.checkpass.core.foreign.EcJwk). */
function jwkPoint(jwk) {
  if (!jwk || typeof jwk !== 'object' || jwk.kty !== 'EC' || jwk.crv !== 'P-256') throw new FormatError('not an EC P-256 JWK');
  if (jwk.d !== undefined) throw new FormatError('JWK holds a private key');
  if (typeof jwk.x !== 'string' || typeof jwk.y !== 'string') throw new FormatError('JWK lacks x or y');
  const x = fromBase64(jwk.x);
  const y = fromBase64(jwk.y);
  if (x.length !== 32 || y.length !== 32) throw new FormatError('JWK coordinates are not 32 bytes');
  return concat(Uint8Array.of(4), x, y);
}

async function thumbprint(jwk) {
  const canonical = `{"crv":"P-256","kty":"EC","x":"${jwk.x}","y":"${jwk.y}"}`;
  return base64url(await sha256(new TextEncoder().encode(canonical)));
}

/** Base64 or base64url, padded or not; anything else is a FormatError. */
function fromBase64(text) {
  try {
    return decodeBase64(text);
  } catch (e) {
    throw new FormatError('not base64');
  }
}

function base64url(bytes) {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

// ---------------------------------------------------------------------------------------------------------------
// EU DCC (docs/foreign-passes.md §1): HC1: + Base45 + zlib + COSE_Sign1 + CWT + payload.

async function readDcc(trust, text) {
  const body = text.substring(4);
  if (body.length > DCC_MAX_TEXT_CHARS) return refuse('MALFORMED');
  const cose = decodeCoseSign1(await inflate(base45Decode(body), 'deflate', DCC_MAX_COSE_BYTES), DCC_MAX_HEADER_BYTES, DCC_MAX_COSE_BYTES, LENIENT);

  // Signature: ES256 or PS256, by any trusted certificate with the key id (protected header first).
  const alg = cose.alg !== null ? cose.alg : cose.unprotectedAlg;
  if (alg !== ALG_ES256 && alg !== ALG_PS256) return refuse('MALFORMED');
  const kid = cose.kid !== null ? cose.kid : cose.unprotectedKid;
  const candidates = kid === null ? [] : (trust.dcc.get(hex(kid)) || []);
  if (candidates.length === 0) return refuse('UNKNOWN_KEY');
  const signed = sigStructure(cose.protectedBytes, new Uint8Array(0), cose.payload);
  let verified = [];
  for (const signer of candidates) {
    if (signer.algorithm === alg && await verifyDcc(signer, signed, cose.signature)) verified.push(signer);
  }
  if (verified.length === 0) return refuse('BAD_SIGNATURE');

  // CWT claims: iat, exp, the hcert claim; iss text if present.
  const claims = toJson(decodeCbor(cose.payload, LENIENT));
  if (!isObject(claims)) return refuse('MALFORMED');
  const hcert = isObject(claims['-260']) ? claims['-260']['1'] : undefined;
  if (hcert === undefined) return refuse('MALFORMED');
  const iat = epochClaim(claims['6']);
  const exp = epochClaim(claims['4']);
  if (iat === null || exp === null) return refuse('MALFORMED');
  // iss is optional and informational (hcert §3.3.3): one that is not text is left aside, as Java warns and does.

  // The verifying certificate was valid at iat.
  verified = verified.filter((s) => iat * 1000 >= s.notBefore && iat * 1000 <= s.notAfter);
  if (verified.length === 0) return refuse('UNKNOWN_KEY');

  const dgc = readDgc(hcert);
  if (dgc === null) return refuse('MALFORMED');
  // Strict on trust: the key usage must allow every kind of entry the payload holds.
  if (!verified.some((s) => dgc.types.every((type) => s.authorized.has(type)))) return refuse('KEY_NOT_AUTHORIZED');
  const cwtIssuer = typeof claims['1'] === 'string' ? claims['1'] : '';
  if (await dccRevoked(trust, kid, hcert, dgc.types, cwtIssuer, alg, cose.signature)) return refuse('REVOKED');

  let issuer = cwtIssuer;
  const country = dgc.e === null ? null : javaText(dgc.e.co);
  if (javaBlank(issuer) || issuer.length > 32) issuer = verified[0].country !== '' ? verified[0].country : (country || '');
  // The pass id is the certificate id (UVCI); without one, a hash of the signature (HcertVerifier.signatureId).
  const ci = dgc.e === null ? null : javaText(dgc.e.ci);
  const serial = ci !== null ? ci : 'sig:' + hex((await sha256(cose.signature)).slice(0, 16));
  return { issuer, serial, iat, exp, evidence: dccEvidence(dgc), ...display(dgc.name, dgc.birthYear) };
}

async function verifyDcc(signer, data, signature) {
  const key = await dccKey(signer);
  if (key === null) return false;
  if (signer.algorithm === ALG_ES256) return verifyEs256(key, data, signature);
  try {
    return await crypto.subtle.verify({ name: 'RSA-PSS', saltLength: 32 }, key, signature, data);
  } catch (e) {
    return false;
  }
}

/** A CWT time: a number of seconds in range (fractions cut), else null. */
function epochClaim(value) {
  if (typeof value !== 'number' || !(value >= 0 && value < MAX_SECONDS_EXCLUSIVE)) return null;
  return Math.floor(value);
}

/**
 * The DCC payload, read as leniently as the Java reader (io.checkpass.core.foreign.dcc.Dgc): only a payload that is
 * not a map cannot be read (null, MALFORMED). Every entry of every kind is a candidate; the first kind in v, t, r
 * order that has one is read, and of its entries the most recent (latest date, then highest dose; the first on a
 * tie). Value-set fields may be empty, dates partial, numbers strings. What the status needs but cannot be read
 * (no entry, no product, dose or date, a test without a known result) leaves the status unproven: UNVACCINATED
 * from iat, which the dispatcher refuses as STATUS_NOT_PROVEN where the venue would refuse the unvaccinated.
 * Schema deviations are Java's warnings; the page shows the verdict only, so they are not collected here.
 */
function readDgc(dgc) {
  if (!isObject(dgc)) return null;
  let name = '';
  if (isObject(dgc.nam)) {
    const nam = dgc.nam;
    const fn = javaText(nam.fn);
    const gn = javaText(nam.gn);
    name = fn !== null || gn !== null ? join(gn, fn) : join(javaText(nam.gnt), javaText(nam.fnt)).replace(/</g, ' ');
  }
  // The year dob starts with, whatever follows it (Dgc reads it from any form issuers used).
  const dobMatch = LENIENT_DATE.exec(dgc.dob === undefined || dgc.dob === null ? '' : javaAsText(dgc.dob));
  const birthYear = dobMatch ? Number(dobMatch[1]) : null;

  const types = [];
  const candidates = [];
  for (const type of ['v', 't', 'r']) {
    const entries = dgc[type];
    if (entries === undefined || entries === null) continue;
    types.push(type);
    if (!Array.isArray(entries)) continue;
    for (const e of entries) if (isObject(e)) candidates.push({ type, e });
  }
  const base = { types, name: name.trim(), birthYear };
  if (candidates.length === 0) return { ...base, type: null, e: null, ...unproven() };
  const type = candidates[0].type;
  let chosen = null;
  let chosenKey = null;
  for (const c of candidates) {
    if (c.type !== type) continue;
    const at = lenientInstant(c.e[{ v: 'dt', t: 'sc', r: 'df' }[type]], true);
    const key = [at === null ? -Infinity : at, javaAsInt(c.e.dn)];
    if (chosen === null || key[0] > chosenKey[0] || (key[0] === chosenKey[0] && key[1] > chosenKey[1])) {
      chosen = c;
      chosenKey = key;
    }
  }
  return { ...base, type, e: chosen.e, ...dgcStatus(type, chosen.e) };
}

/** A status that is not proven: UNVACCINATED, from iat (filled in by readDcc), with no end. */
function unproven() {
  return { proven: false, status: 'unvaccinated', from: null, until: null };
}

/** The status one entry proves (Dgc.status, statusValidFrom, statusValidUntil), or unproven(). */
function dgcStatus(type, e) {
  if (type === 'v') {
    const dn = doseValue(e.dn);
    const sd = doseValue(e.sd);
    const dt = e.dt === undefined || e.dt === null ? null : lenientInstant(e.dt, true);
    if (javaText(e.mp) === null || dn === null || sd === null || dt === null) return unproven();
    const complete = dn >= sd;
    return { proven: true, status: complete ? 'vaccinated' : 'unvaccinated', from: complete && dn === sd ? dt + 14 * DAY : dt, until: null };
  }
  if (type === 't') {
    const tr = javaText(e.tr);
    const sc = lenientInstant(e.sc, true);
    if (tr === null || (tr !== TEST_NOT_DETECTED && tr !== TEST_DETECTED) || sc === null) return unproven();
    const negative = tr === TEST_NOT_DETECTED;
    return { proven: true, status: negative ? 'tested' : 'unvaccinated', from: sc, until: negative ? sc + 48 * 3600 : null };
  }
  const df = lenientInstant(e.df, true);
  const du = lenientInstant(e.du, false);
  if (df === null || du === null) return unproven();
  return { proven: true, status: 'recovered', from: df, until: du + DAY };
}

function join(first, last) {
  return ((first || '') + ' ' + (last || '')).trim();
}

/** Jackson's asText of a CBOR scalar (numbers, booleans, byte strings as base64); '' for a map or a list. */
function javaAsText(v) {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v instanceof Uint8Array) {
    let s = '';
    for (const b of v) s += String.fromCharCode(b);
    return btoa(s);
  }
  return '';
}

/** A text field as Dgc reads it: any scalar as its text, null when missing, empty, too long or not a scalar. */
function javaText(v) {
  if (v === undefined || v === null || typeof v === 'object' && !(v instanceof Uint8Array)) return null;
  const text = javaAsText(v);
  return text === '' || text.length > DCC_MAX_TEXT ? null : text;
}

/** Jackson's asInt(0), as Dgc orders entries of the same date by dose. */
function javaAsInt(v) {
  if (typeof v === 'number') return Number.isFinite(v) ? Math.trunc(v) : 0;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v !== 'string') return 0;
  const t = v.trim();
  if (/^[+-]?\d{1,9}$/.test(t)) return Number(t);
  const n = Number(t);
  return t !== '' && Number.isFinite(n) ? Math.trunc(n) : 0;
}

/** A dose number of 1 to 99: an integer, an integral float or a string of up to 4 digits; else null. */
function doseValue(v) {
  let n;
  if (typeof v === 'number') n = v;
  else if (typeof v === 'string' && /^\d{1,4}$/.test(v)) n = Number(v);
  else return null;
  return Number.isInteger(n) && n >= 1 && n <= 99 ? n : null;
}

/** Dgc's LENIENT_DATE: a year, then an optional month and day, then anything. */
const LENIENT_DATE = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?(.*)$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(?:([Zz])|([+-])(\d{2})(:?)(\d{2})?(?::(\d{2}))?)?$/;

function daysIn(year, month) {
  return new Date(utc(year, month + 1, 1) - DAY * 1000).getUTCDate();
}

function utc(year, month, day) {
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  return d.getTime();
}

/**
 * A DCC date or date-time as seconds, read as Dgc.lenientInstant reads it: epoch seconds; a date-time with an offset
 * (Z, +HH:MM, +HHMM, +HH) or without one (UTC); else a date, possibly partial (a year, a year-month, or a 00 month or
 * day), read at the end of the period it names when it starts a status ({@code start}) and at its beginning when it
 * ends one. Null if unreadable.
 */
function lenientInstant(v, start) {
  if (v === undefined || v === null) return null;
  if (typeof v === 'number') return v >= 0 && v < MAX_SECONDS_EXCLUSIVE ? Math.floor(v) : null;
  if (typeof v !== 'string') return null;
  const text = v.trim();
  if (text.length > 64) return null;
  const t = DATE_TIME.exec(text);
  if (t) {
    const [year, month, day, hour, minute] = [1, 2, 3, 4, 5].map((i) => Number(t[i]));
    const second = t[6] === undefined ? 0 : Number(t[6]);
    const fraction = t[7] === undefined ? 0 : Number(t[7]);
    const colon = t[11] === ':';
    const offsetMinutes = t[9] === undefined ? 0 : (t[9] === '-' ? -1 : 1) * (Number(t[10]) * 60 + Number(t[12] || 0));
    // Java's forms: none; Z or ±HH:MM[:SS] (strict, colons); ±HHMM or ±HH (and Z) with day and 24:00 made valid.
    const form = t[8] !== undefined ? 'z' : t[9] === undefined ? 'none' : colon ? 'colon' : t[13] !== undefined ? 'bad' : 'compact';
    const offsetOk = form !== 'bad' && (t[9] === undefined || (Number(t[10]) <= 18 && Number(t[12] || 0) <= 59
      && (form !== 'colon' || t[12] !== undefined) && (form !== 'compact' || t[12] !== undefined || t[11] === '')
      && Math.abs(offsetMinutes) <= 18 * 60 && Number(t[13] || 0) <= 59));
    const timeOk = minute <= 59 && second <= 59;
    const dateOk = month >= 1 && month <= 12 && day >= 1;
    if (offsetOk && timeOk && dateOk) {
      const smart = form === 'z' || form === 'compact';
      let valid = day <= daysIn(year, month) && hour <= 23;
      let d = day;
      let h = hour;
      if (!valid && smart && day <= 31 && (hour <= 23 || (hour === 24 && minute === 0 && second === 0 && fraction === 0))) {
        d = Math.min(day, daysIn(year, month));
        valid = true;
      }
      if (valid) {
        const seconds = (t[13] === undefined ? 0 : (t[9] === '-' ? -1 : 1) * Number(t[13]));
        return Math.floor(utc(year, month, d) / 1000) + h * 3600 + minute * 60 + second - offsetMinutes * 60 - seconds;
      }
    }
  }
  const m = LENIENT_DATE.exec(text);
  if (!m) return null;
  const rest = m[4];
  if (rest !== '' && !rest.startsWith('T') && !rest.startsWith(' ')) return null;
  const year = Number(m[1]);
  const month = m[2] === undefined ? 0 : Number(m[2]);
  const day = m[3] === undefined ? 0 : Number(m[3]);
  if (month > 12 || day > 31) return null;
  let ms;
  if (month === 0) ms = start ? utc(year, 12, 31) : utc(year, 1, 1);
  else if (day === 0) ms = start ? utc(year, month, daysIn(year, month)) : utc(year, month, 1);
  else ms = utc(year, month, Math.min(day, daysIn(year, month)));
  return Math.floor(ms / 1000);
}

/** A full date (a date-time is cut to its date) as seconds at UTC midnight, or null: SHC and NZCP dates. */
function dccDate(v) {
  if (typeof v !== 'string') return null;
  const m = /^(\d{4})-(\d{2})-(\d{2})(T.*)?$/.exec(v);
  if (!m) return null;
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  const back = new Date(ms);
  if (back.getUTCMonth() !== Number(m[2]) - 1 || back.getUTCDate() !== Number(m[3])) return null;
  return ms / 1000;
}

/** A date-time with an offset, or epoch seconds, as seconds; else null: SHC dates. */
function dccInstant(v) {
  if (typeof v === 'number') return Number.isFinite(v) ? Math.floor(v) : null;
  if (typeof v !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(v)) return null;
  const ms = Date.parse(v);
  return Number.isNaN(ms) ? null : Math.floor(ms / 1000);
}

// ---------------------------------------------------------------------------------------------------------------
// SMART Health Cards: numeric QR, compact JWS (ES256, raw r‖s), raw DEFLATE, a verifiable credential with FHIR.

async function readShc(trust, text) {
  const jws = shcNumeric(text.split(/[\r\n ]+/));
  if (jws.length > SHC_MAX_JWS_CHARS) return refuse('MALFORMED');
  const parts = jws.split('.');
  if (parts.length !== 3 || !parts.every((p) => /^[A-Za-z0-9_-]+$/.test(p))) return refuse('MALFORMED');
  const header = parseJson(fromBase64(parts[0]));
  if (!isObject(header)) return refuse('MALFORMED');
  const candidates = trust.shc.get(typeof header.kid === 'string' ? header.kid : '') || [];
  if (candidates.length === 0) return refuse('UNKNOWN_KEY');

  // ES256 is the only algorithm, whatever the header says; its alg is checked once the signature holds.
  const signature = fromBase64(parts[2]);
  const signed = new TextEncoder().encode(parts[0] + '.' + parts[1]);
  let signer = null;
  for (const candidate of candidates) {
    if (await verifyEs256(candidate.key, signed, signature)) {
      signer = candidate;
      break;
    }
  }
  if (signer === null) return refuse('BAD_SIGNATURE');
  if (header.alg !== 'ES256' || header.zip !== 'DEF') return refuse('MALFORMED');

  const bytes = await inflate(fromBase64(parts[1]), 'deflate-raw', SHC_MAX_PAYLOAD_BYTES);
  if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return refuse('MALFORMED');
  const payload = parseJson(bytes);
  if (!isObject(payload)) return refuse('MALFORMED');
  if (payload.iss !== signer.iss) return refuse('UNKNOWN_KEY');
  const nbf = shcTime(payload.nbf);
  if (nbf === null) return refuse('MALFORMED');
  const exp = payload.exp === undefined ? null : shcTime(payload.exp);
  if (payload.exp !== undefined && exp === null) return refuse('MALFORMED');
  const vc = isObject(payload.vc) ? payload.vc : {};
  if (!Array.isArray(vc.type) || !vc.type.includes(SHC_HEALTH_CARD)) return refuse('MALFORMED');
  if (vc.rid !== undefined && vc.rid !== null && signer.crl !== null) {
    const rid = typeof vc.rid === 'string' ? vc.rid : String(vc.rid);
    if (signer.crl.revoked.has(rid)) {
      const before = signer.crl.revoked.get(rid);
      if (before === null || nbf < before) return refuse('REVOKED');
    }
  }
  const subject = isObject(vc.credentialSubject) ? vc.credentialSubject : {};
  const fhir = readFhir(subject.fhirBundle);
  const serial = hex((await sha256(new TextEncoder().encode(jws))).slice(0, 16));
  return { issuer: signer.iss, serial, iat: nbf, exp, evidence: fhir.evidence, ...display(fhir.name, fhir.birthYear) };
}

/** One numeric QR text, or all chunks of a chunked card in any order (io.checkpass.core.foreign.shc.ShcNumeric). */
function shcNumeric(texts) {
  if (texts.length === 1) {
    const single = /^shc:\/([0-9]+)$/.exec(texts[0]);
    if (single) return digitsToJws(single[1], SHC_MAX_SINGLE_JWS_CHARS);
  }
  const chunks = new Array(texts.length).fill(null);
  let total = 0;
  for (const text of texts) {
    const chunk = /^shc:\/([1-9][0-9]?)\/([1-9][0-9]?)\/([0-9]+)$/.exec(text);
    if (!chunk) throw new FormatError('not a numeric SHC QR');
    const index = Number(chunk[1]);
    const count = Number(chunk[2]);
    if (count < 2 || count !== texts.length || index > count) throw new FormatError('chunk header does not fit');
    if (chunks[index - 1] !== null) throw new FormatError('chunk appears twice');
    chunks[index - 1] = digitsToJws(chunk[3], SHC_MAX_CHUNK_JWS_CHARS);
    total += chunks[index - 1].length;
  }
  if (chunks.length > Math.ceil(total / SHC_MAX_CHUNK_JWS_CHARS)) throw new FormatError('more chunks than the size needs');
  return chunks.join('');
}

function digitsToJws(digits, maxChars) {
  if (digits.length % 2 !== 0) throw new FormatError('odd number of digits');
  if (digits.length / 2 > maxChars) throw new FormatError('numeric SHC data too long');
  let out = '';
  for (let i = 0; i < digits.length; i += 2) {
    const value = Number(digits.substring(i, i + 2));
    if (value > 77) throw new FormatError('numeric SHC pair above 77');
    out += String.fromCharCode(value + 45);
  }
  return out;
}

function shcTime(v) {
  return typeof v === 'number' && v >= 0 && v < MAX_SECONDS_EXCLUSIVE ? v : null;
}

/** io.checkpass.core.foreign.shc.FhirImmunizations: completed coded doses, the patient's name and year. */
function readFhir(bundle) {
  if (!isObject(bundle) || bundle.resourceType !== 'Bundle') throw new FormatError('fhirBundle is not a FHIR Bundle');
  if (!Array.isArray(bundle.entry) || bundle.entry.length > SHC_MAX_FHIR_ENTRIES) throw new FormatError('FHIR Bundle has no entry array');
  const evidence = { birthYear: null, doses: [], tests: [], recoveries: [], unproven: [] };
  let name = '';
  let birthYear = null;
  for (const entry of bundle.entry) {
    const resource = isObject(entry) ? entry.resource : undefined;
    if (!isObject(resource)) throw new FormatError('FHIR entry has no resource');
    if (resource.resourceType === 'Patient') {
      const n = Array.isArray(resource.name) && isObject(resource.name[0]) ? resource.name[0] : {};
      const given = Array.isArray(n.given) ? n.given.map(jsonText) : [];
      name = [...given, typeof n.family === 'string' ? n.family : ''].join(' ').trim();
      const date = typeof resource.birthDate === 'string' ? resource.birthDate : '';
      birthYear = /^[0-9]{4}/.test(date) ? Number(date.substring(0, 4)) : null;
    } else if (resource.resourceType === 'Immunization' && resource.status === 'completed') {
      const coded = fhirDose(resource);
      if (coded !== null) evidence.doses.push(coded);
    }
  }
  evidence.birthYear = birthYear;
  return { evidence, name, birthYear };
}

/**
 * A completed dose with its CVX code and day, whatever the vaccine (FhirImmunizations#coded): which vaccines count is
 * the rules' to say. A date-time counts by the day it writes.
 */
function fhirDose(resource) {
  let code = null;
  const codings = isObject(resource.vaccineCode) && Array.isArray(resource.vaccineCode.coding) ? resource.vaccineCode.coding : [];
  for (const coding of codings) {
    if (isObject(coding) && coding.system === 'http://hl7.org/fhir/sid/cvx' && code === null) code = jsonText(coding.code);
  }
  const v = resource.occurrenceDateTime;
  if (code === null || typeof v !== 'string') return null;
  const date = v.length === 10 ? dccDate(v) : dccInstant(v) !== null ? dccDate(v.substring(0, 10)) : null;
  return date === null ? null : { day: date / DAY, system: 'cvx', code, doseNumber: null };
}

function jsonText(v) {
  return v === null || v === undefined ? '' : typeof v === 'object' ? '' : String(v);
}


// ---------------------------------------------------------------------------------------------------------------
// NZ COVID Pass: NZCP:/1/ + Base32 + COSE_Sign1 (ES256, kid in the protected header) over CWT claims.

async function readNzcp(trust, text) {
  if (text.length > NZCP_MAX_TEXT_CHARS) return refuse('MALFORMED');
  const cose = decodeCoseSign1(base32Decode(text.substring(NZCP_PREFIX.length)), 256, NZCP_MAX_TEXT_CHARS, LENIENT);
  if (cose.alg !== ALG_ES256) return refuse('MALFORMED');
  if (cose.kid === null) return refuse('UNKNOWN_KEY');
  const claims = toJson(decodeCbor(cose.payload, LENIENT));
  if (!isObject(claims)) throw new FormatError('CWT claims are not a map');
  const iss = typeof claims['1'] === 'string' ? claims['1'] : '';
  const keys = trust.nzcp.get(iss);
  let kid;
  try {
    kid = new TextDecoder('utf-8', { fatal: true }).decode(cose.kid);
  } catch (e) {
    return refuse('UNKNOWN_KEY');
  }
  const entry = keys ? keys.get(kid) : undefined;
  if (!entry) return refuse('UNKNOWN_KEY');
  if (entry.key === null) entry.key = importPoint(entry.point);
  const key = await entry.key;
  if (!(await verifyEs256(key, sigStructure(cose.protectedBytes, new Uint8Array(0), cose.payload), cose.signature))) {
    return refuse('BAD_SIGNATURE');
  }
  const nbf = nzcpTime(claims['5']);
  const exp = nzcpTime(claims['4']);
  const cti = claims['7'];
  if (!(cti instanceof Uint8Array) || cti.length !== 16) return refuse('MALFORMED');
  const vc = isObject(claims.vc) ? claims.vc : {};
  const at = (v, i) => (Array.isArray(v) ? jsonText(v[i]) : '');
  if (at(vc['@context'], 0) !== NZCP_CONTEXT || jsonText(vc.version) !== '1.0.0'
    || at(vc.type, 0) !== 'VerifiableCredential' || at(vc.type, 1) !== 'PublicCovidPass') {
    return refuse('MALFORMED');
  }
  const subject = isObject(vc.credentialSubject) ? vc.credentialSubject : {};
  const given = jsonText(subject.givenName);
  const dob = jsonText(subject.dob);
  if (javaBlank(given) || javaBlank(dob)) return refuse('MALFORMED');
  if (dccDate(dob) === null || dob.length !== 10) throw new FormatError('dob is not a date');
  const name = (given + ' ' + jsonText(subject.familyName)).trim();
  const id = hex(cti);
  const jti = `urn:uuid:${id.substring(0, 8)}-${id.substring(8, 12)}-${id.substring(12, 16)}-${id.substring(16, 20)}-${id.substring(20)}`;
  return { issuer: iss, serial: jti, iat: nbf, exp, evidence: statusOnly(Number(dob.substring(0, 4))), ...display(name, Number(dob.substring(0, 4))) };
}

function nzcpTime(v) {
  if (!Number.isInteger(v) || v < 0) throw new FormatError('CWT time missing or not an integer');
  return v;
}

const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** Strict RFC 4648 Base32 without padding (io.checkpass.core.codec.Base32). */
export function base32Decode(text) {
  const tail = text.length % 8;
  if (tail === 1 || tail === 3 || tail === 6) throw new FormatError('Base32 length is not that of any byte string');
  const out = new Uint8Array(Math.floor((text.length * 5) / 8));
  let o = 0;
  let buffer = 0;
  let bits = 0;
  for (let i = 0; i < text.length; i++) {
    const v = B32.indexOf(text[i]);
    if (v < 0) throw new FormatError('character not in the Base32 alphabet');
    buffer = (buffer << 5) | v;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (buffer >> bits) & 0xff;
      buffer &= (1 << bits) - 1;
    }
  }
  if (buffer !== 0) throw new FormatError('Base32 ends with non-zero padding bits');
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Shared pieces.

/** The masked name and birth year, when the pass gives both (io.checkpass.core.pass.DisplayHint). */
function display(fullName, birthYear) {
  if (!fullName || javaBlank(fullName) || birthYear === null || !(birthYear >= 1900 && birthYear <= 2100)) {
    return { name: null, birthYear: null };
  }
  const cps = Array.from(fullName.trim());
  const masked = cps.length === 1 ? '*' : cps[0] + '*' + (cps.length > 2 ? cps[cps.length - 1] : '');
  return { name: masked, birthYear };
}

function javaBlank(s) {
  return s.trim() === '';
}

function isObject(v) {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Uint8Array);
}

function parseJson(bytes) {
  let text;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
    return JSON.parse(text);
  } catch (e) {
    throw new FormatError('not JSON');
  }
}

/** A CBOR item as JSON-like JavaScript, as Jackson's CBOR tree reads it: map keys as text, tags dropped. */
function toJson(item) {
  const x = untag(item);
  switch (x.t) {
    case 'map': {
      const o = Object.create(null);
      for (const [k, v] of x.v) {
        const key = untag(k);
        o[key.t === 'int' || key.t === 'text' ? String(key.v) : '?'] = toJson(v);
      }
      return o;
    }
    case 'array': return x.v.map(toJson);
    case 'int': return typeof x.v === 'bigint' ? Number(x.v) : x.v;
    case 'bignum': return NaN;
    default: return x.v;
  }
}

/** Inflates zlib ('deflate') or raw DEFLATE ('deflate-raw'), complete and at most {@code max} bytes. */
async function inflate(bytes, format, max) {
  const stream = new DecompressionStream(format);
  const writer = stream.writable.getWriter();
  writer.write(bytes).catch(() => {});
  writer.close().catch(() => {});
  const reader = stream.readable.getReader();
  const chunks = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.length;
      if (total > max) {
        reader.cancel().catch(() => {});
        throw new FormatError('data inflates beyond the limit');
      }
      chunks.push(value);
    }
  } catch (e) {
    if (e instanceof FormatError) throw e;
    throw new FormatError('not complete DEFLATE data');
  }
  return chunks.length === 1 ? chunks[0] : concat(...chunks);
}

// ---------------------------------------------------------------------------------------------------------------
// X.509, as little as a DSC needs: the SubjectPublicKeyInfo (for importKey('spki')), the validity period and the
// extended key usage. A small DER walk, bounded by the certificate's length.

const OID_EC_PUBLIC_KEY = '1.2.840.10045.2.1';
const OID_P256 = '1.2.840.10045.3.1.7';
const OID_RSA = '1.2.840.113549.1.1.1';
const OID_EXTENDED_KEY_USAGE = '2.5.29.37';

function derItem(bytes, at, end) {
  if (at + 2 > end) throw new FormatError('DER item runs past the end');
  const tag = bytes[at];
  let length = bytes[at + 1];
  let start = at + 2;
  if (length & 0x80) {
    const n = length & 0x7f;
    if (n === 0 || n > 4 || start + n > end) throw new FormatError('bad DER length');
    length = 0;
    for (let i = 0; i < n; i++) length = length * 256 + bytes[start + i];
    start += n;
  }
  if (start + length > end) throw new FormatError('DER item runs past the end');
  return { tag, at, start, end: start + length };
}

function derChildren(bytes, item) {
  const out = [];
  for (let at = item.start; at < item.end;) {
    const child = derItem(bytes, at, item.end);
    out.push(child);
    at = child.end;
  }
  return out;
}

function derOid(bytes, item) {
  if (item.tag !== 0x06 || item.end === item.start) throw new FormatError('expected an OID');
  const parts = [];
  let value = 0;
  for (let i = item.start; i < item.end; i++) {
    value = value * 128 + (bytes[i] & 0x7f);
    if (!(bytes[i] & 0x80)) {
      if (parts.length === 0) parts.push(value < 80 ? Math.floor(value / 40) : 2, value < 80 ? value % 40 : value - 80);
      else parts.push(value);
      value = 0;
    }
  }
  return parts.join('.');
}

function derTime(bytes, item) {
  const s = String.fromCharCode(...bytes.subarray(item.start, item.end));
  let m;
  if (item.tag === 0x17 && (m = /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(s))) {
    const year = Number(m[1]) < 50 ? 2000 + Number(m[1]) : 1900 + Number(m[1]);
    return Date.UTC(year, Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
  }
  if (item.tag === 0x18 && (m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(s))) {
    return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
  }
  throw new FormatError('certificate time is neither UTCTime nor GeneralizedTime');
}

/** The parts of a DER X.509 certificate a DCC reader needs. */
export function parseCertificate(der) {
  const certificate = derItem(der, 0, der.length);
  if (certificate.tag !== 0x30 || certificate.end !== der.length) throw new FormatError('not a DER certificate');
  const tbs = derChildren(der, certificate)[0];
  if (!tbs || tbs.tag !== 0x30) throw new FormatError('certificate has no TBSCertificate');
  const fields = derChildren(der, tbs);
  let i = fields[0] && fields[0].tag === 0xa0 ? 1 : 0; // [0] version
  i += 2; // serial number, signature algorithm
  i += 1; // issuer
  const validity = fields[i++];
  i += 1; // subject
  const spki = fields[i++];
  if (!validity || validity.tag !== 0x30 || !spki || spki.tag !== 0x30) throw new FormatError('certificate lacks validity or key');
  const [notBefore, notAfter] = derChildren(der, validity).map((t) => derTime(der, t));
  const algorithm = derChildren(der, derChildren(der, spki)[0]);
  const keyAlgorithm = derOid(der, algorithm[0]);
  const keyCurve = algorithm[1] && algorithm[1].tag === 0x06 ? derOid(der, algorithm[1]) : null;
  let keyUsages = null;
  for (; i < fields.length; i++) {
    if (fields[i].tag !== 0xa3) continue;
    try {
      for (const extension of derChildren(der, derChildren(der, fields[i])[0])) {
        const parts = derChildren(der, extension);
        if (derOid(der, parts[0]) !== OID_EXTENDED_KEY_USAGE) continue;
        const octets = parts[parts.length - 1];
        const usages = derItem(der, octets.start, octets.end);
        keyUsages = derChildren(der, usages).map((oid) => derOid(der, oid));
      }
    } catch (e) {
      keyUsages = 'unreadable';
    }
  }
  return { spki: der.slice(spki.at, spki.end), notBefore, notAfter, keyAlgorithm, keyCurve, keyUsages };
}
