// UUIDv7 (RFC 9562): 48 bits of Unix milliseconds, version 7, 74 random bits. The scanner mints check-in ids, so
// a batch sent twice is stored once (the centre is idempotent on the id).

export function uuid7(ms) {
  const b = crypto.getRandomValues(new Uint8Array(16));
  let t = Math.floor(ms);
  for (let i = 5; i >= 0; i--) {
    b[i] = t % 256;
    t = Math.floor(t / 256);
  }
  b[6] = 0x70 | (b[6] & 0x0f);
  b[8] = 0x80 | (b[8] & 0x3f);
  const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
