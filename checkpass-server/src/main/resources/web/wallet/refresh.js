// The wallet's refresh, shared by the page and its service worker. The worker runs it in the background, so a
// credential or a status that ends overnight is renewed before the holder reaches a door: on periodic background
// sync where the browser offers it (Chromium, installed app), on a one-off sync when the connection returns, and on
// the page's request. Without either API the page refreshes while it is open (docs/pages.md).
import { base64url, fromBase64 } from '/shared/checkpass.js';
import { request, ApiError } from '/shared/api.js';
import { openStore } from '/shared/store.js';

export const REFRESH_TAG = 'checkpass-refresh';
const HOUR_MS = 3600000;

export function openWalletStore() {
  return openStore('checkpass-wallet', ['keys', 'credential']);
}

/**
 * Fetches the credential with the session the page stored, and with it the next one when a published rule change is
 * near (the centre pre-issues it); stores both and returns them. Rejects with ApiError 401 when signed out.
 */
export async function refreshStored(store, nowMs) {
  const session = await store.get('keys', 'session');
  if (!session || Date.parse(session.expiresAt) <= nowMs) throw new ApiError(401, { detail: 'signed out' });
  const device = await store.get('keys', 'device');
  const response = await request('/wallet/api/credential', {
    method: 'POST', json: { devicePublicKey: base64url(device.publicRaw) }, auth: 'Bearer ' + session.token });
  const json = await response.json();
  const credential = { json, bytes: fromBase64(json.credential), fetchedAt: nowMs };
  if (json.next) {
    credential.next = { json: json.next, bytes: fromBase64(json.next.credential), useFrom: Date.parse(json.next.useFrom) };
  }
  await store.put('credential', 'current', credential);
  return credential;
}

/** The credential to present at nowMs: the next one once the rules it was decided under are in force. */
export function inForce(credential, nowMs) {
  if (credential && credential.next && nowMs >= credential.next.useFrom) {
    return { json: credential.next.json, bytes: credential.next.bytes, fetchedAt: credential.fetchedAt };
  }
  return credential;
}

/**
 * Refresh ahead of need: when half the credential's life has passed, or within an hour of the credential or of its
 * status ending, whichever comes first.
 */
export function refreshDue(credential, nowMs) {
  if (!credential) return true;
  const current = inForce(credential, nowMs).json;
  const issued = Date.parse(current.issuedAt);
  const expires = Date.parse(current.expiresAt);
  const statusEnds = current.statusValidUntil ? Date.parse(current.statusValidUntil) : Infinity;
  const soonest = Math.min(expires, statusEnds > nowMs ? statusEnds : Infinity);
  return nowMs > issued + (expires - issued) / 2 || nowMs > soonest - HOUR_MS;
}
