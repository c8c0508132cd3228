// What went wrong, in plain Korean and English with the next step, for every error a page can meet: a problem+json
// answer from the centre (by its type), no answer at all (offline, timeout), the camera refused, storage full. The
// centre's own `detail` is English and for operators' logs; a Korean page never shows it, an English one shows it as a
// second line where it helps (bad input). Every page shows errors only through explain().
import { ApiError } from './api.js';

const BY_TYPE = {
  'bad-request': ['입력 내용이 올바르지 않습니다. 빠진 칸이나 잘못된 형식이 있는지 확인하세요.', 'The centre could not read what was sent. Check the fields.'],
  'unauthenticated': ['로그인 정보가 맞지 않습니다. ID와 비밀번호를 확인하세요.', 'The id or secret is wrong. Check them.'],
  'signed-out': ['로그인이 끝났습니다. 다시 로그인하세요.', 'You are signed out. Sign in again.'],
  'sign-in-failed': ['등록번호 또는 생년월일이 맞지 않습니다.', 'No registered person has that id and birth date.'],
  'sign-in-locked': ['로그인에 여러 번 실패해 잠시 잠겼습니다. {minutes}분 뒤에 다시 시도하세요.', 'Too many failed sign-ins: locked. Try again in {minutes} min.'],
  'sign-in-throttled': ['로그인 시도가 너무 잦습니다. {seconds}초 뒤에 다시 시도하세요.', 'Too many sign-in attempts. Try again in {seconds} s.'],
  'forbidden': ['이 계정으로는 할 수 없는 일입니다. 관리자에게 권한을 요청하세요.', 'This account may not do that. Ask an administrator for the role.'],
  'not-a-venue-scanner': ['이 계정은 시설에 연결된 스캐너가 아닙니다. 시설 관리자에게 스캐너 등록을 요청하세요.', 'This account is not a scanner bound to a venue. Ask the venue\'s administrator.'],
  'cross-origin': ['다른 사이트에서 보낸 요청은 받지 않습니다. 이 페이지를 직접 여세요.', 'Requests from another site are refused. Open this page directly.'],
  'unknown-person': ['등록되지 않은 사람입니다. 등록번호를 확인하세요.', 'No such person in the registry. Check the id.'],
  'revoked': ['이 사람의 패스는 취소되었습니다. 보건소에 문의하세요.', 'This person\'s passes are revoked. Contact the health centre.'],
  'not-revoked': ['취소된 적이 없는 패스입니다.', 'Nothing was revoked for this.'],
  'nothing-to-revoke': ['취소할 패스가 없습니다.', 'There is no pass to revoke.'],
  'no-rules-in-force': ['지금 적용되는 방역 수칙이 없습니다. 센터 관리자에게 알리세요.', 'No rules are in force. Tell the centre\'s administrator.'],
  'rules-rejected': ['수칙 문서에 잘못된 곳이 있어 게시하지 않았습니다. 미리보기에서 오류를 확인하세요.', 'The rules document was not published: it has errors. Check them in the preview.'],
  'pairing-code-invalid': ['연결 코드가 맞지 않거나, 이미 쓰였거나, 시간이 지났습니다. 관리자에게 새 코드를 받으세요.', 'This pairing code is wrong, used or expired. Ask for a new one.'],
  'unknown-venue': ['등록되지 않은 시설입니다. 시설을 먼저 등록하세요.', 'No such venue. Register it first.'],
  'client-exists': ['이미 있는 클라이언트 ID입니다. 다른 ID를 쓰세요.', 'That client id is taken. Choose another.'],
  'unknown-client': ['없는 클라이언트입니다. 목록을 새로 고치세요.', 'No such client. Refresh the list.'],
  'client-rejected': ['입력한 클라이언트 정보를 쓸 수 없습니다. 내용을 확인하세요.', 'The client cannot be made as entered. Check the fields.'],
  'venue-exists': ['이미 등록된 시설입니다.', 'This venue is already registered.'],
  'scanner-exists': ['이미 등록된 스캐너입니다.', 'This scanner is already registered.'],
  'trace-too-large': ['조회 범위가 너무 넓습니다. 기간이나 시설을 줄여 다시 조회하세요.', 'The trace is too large. Narrow the time or the venues.'],
  'invalid-device-key': ['이 기기의 키를 읽을 수 없습니다. 앱을 다시 설치하거나 다른 브라우저를 쓰세요.', 'This device\'s key cannot be read. Reinstall the app or use another browser.'],
  'invalid-lab-result': ['검사 결과 형식이 올바르지 않습니다.', 'The lab result is not valid.'],
  'invalid-foreign-trust': ['해외 신뢰 목록의 형식이 올바르지 않습니다.', 'The foreign trust list is not valid.'],
  'too-large': ['보낸 내용이 너무 큽니다. 나누어 보내세요.', 'What was sent is too large. Send it in parts.'],
  'unsupported-media-type': ['센터가 읽을 수 없는 형식입니다. 페이지를 새로 고치세요.', 'The centre cannot read that format. Reload the page.'],
  'request-timeout': ['보내는 데 너무 오래 걸렸습니다. 연결을 확인하고 다시 시도하세요.', 'Sending took too long. Check the connection and retry.'],
  'client-rate-limited': ['요청이 너무 많습니다. {seconds}초 뒤에 다시 시도하세요.', 'Too many requests. Try again in {seconds} s.'],
  'client-concurrency': ['요청이 너무 많습니다. 잠시 뒤에 다시 시도하세요.', 'Too many requests at once. Try again shortly.'],
  'person-device-limit': ['오늘은 이 사람의 기기 수 한도에 이르렀습니다. 내일 다시 시도하세요.', 'This person has reached today\'s device limit. Try again tomorrow.'],
  'overloaded': ['센터가 바쁩니다. {seconds}초 뒤에 자동으로 다시 시도합니다.', 'The centre is busy. Trying again in {seconds} s.'],
  'storage-unavailable': ['센터의 저장소가 잠시 응답하지 않습니다. 아무것도 잃지 않았습니다. 잠시 뒤에 다시 시도하세요.', 'The centre\'s storage is not answering; nothing was lost. Try again shortly.'],
  'not-ready': ['센터가 아직 준비되지 않았습니다. 잠시 뒤에 다시 시도하세요.', 'The centre is not ready yet. Try again shortly.'],
  'out-of-district': ['담당 시·군·구 밖의 시설입니다. 그 지역 담당자에게 넘기세요.', 'This is outside your district. Hand it to that district\'s officer.'],
  'no-district': ['담당 시·군·구가 지정되지 않았습니다. 관리자에게 지정을 요청하세요.', 'No district is assigned to you. Ask an administrator to assign one.'],
  'unknown-violation': ['없는 위반 기록입니다.', 'No such violation.'],
  'already-voided': ['이미 취소된 과태료입니다.', 'This fine is void already.'],
  'no-schedule-in-force': ['그 시각에 시행 중인 과태료 기준이 없습니다.', 'No fine schedule is in force at that time.'],
  'internal': ['센터에 문제가 생겼습니다. 잠시 뒤에 다시 시도하고, 계속되면 센터에 알리세요.', 'Something went wrong at the centre. Try again; if it persists, tell the centre.'],
};

const BY_STATUS = {
  400: 'bad-request', 401: 'unauthenticated', 403: 'forbidden', 413: 'too-large', 415: 'unsupported-media-type',
  408: 'request-timeout', 429: 'client-concurrency', 503: 'overloaded',
};

const OTHER = {
  offline: ['센터에 연결할 수 없습니다. 인터넷 연결을 확인하고 잠시 뒤에 다시 시도하세요.', 'Cannot reach the centre. Check the internet connection and try again shortly.'],
  timeout: ['센터의 응답이 늦습니다. 잠시 뒤에 다시 시도하세요.', 'The centre is slow to answer. Try again shortly.'],
  notFound: ['찾을 수 없습니다. 입력한 값을 확인하세요.', 'Not found. Check what you entered.'],
  conflict: ['이미 있는 항목입니다.', 'That already exists.'],
  unprocessable: ['센터가 받아들일 수 없는 내용입니다. 입력 내용을 확인하세요.', 'The centre cannot accept that. Check what you entered.'],
  cameraDenied: ['카메라 권한이 없습니다. 주소창 옆 자물쇠 아이콘에서 카메라를 허용한 뒤 다시 켜세요.', 'No permission for the camera. Allow it from the lock icon by the address, then start it again.'],
  cameraMissing: ['카메라를 찾을 수 없습니다. 카메라가 있는 기기를 쓰거나 수기 출입 등록을 쓰세요.', 'No camera found. Use a device with a camera, or manual entry.'],
  cameraBusy: ['다른 앱이 카메라를 쓰고 있습니다. 그 앱을 닫고 다시 켜세요.', 'Another app is using the camera. Close it and start again.'],
  insecure: ['이 주소에서는 카메라와 암호 기능을 쓸 수 없습니다. https:// 주소로 여세요.', 'The camera and crypto need a secure address. Open the https:// address.'],
  storageFull: ['기기의 저장 공간이 부족합니다. 공간을 비우고 다시 시도하세요.', 'The device is out of storage. Free some space and retry.'],
  unexpected: ['예상하지 못한 문제가 생겼습니다. 페이지를 새로 고치세요.', 'Something unexpected happened. Reload the page.'],
};

function fill(text, error) {
  const seconds = (error && error.retryAfter) || (error && error.problem && error.problem.retryAfterSeconds) || 5;
  return text.replace('{seconds}', String(seconds)).replace('{minutes}', String(Math.max(1, Math.ceil(seconds / 60))));
}

function entry(pair, error, detail) {
  return { ko: fill(pair[0], error), en: fill(pair[1], error) + (detail ? ' (' + detail + ')' : '') };
}

/**
 * The {ko, en} explanation of an error, for i18n's pick(). An unknown problem type falls back on its status, so a
 * newer centre's problem still reads in Korean.
 */
export function explain(error) {
  if (error instanceof ApiError) {
    const type = error.problem && typeof error.problem.type === 'string' ? error.problem.type.split('/').pop() : null;
    const detail = error.problem && error.problem.detail ? String(error.problem.detail).slice(0, 300) : null;
    if (type && BY_TYPE[type]) return entry(BY_TYPE[type], error, error.status === 400 || error.status === 422 ? detail : null);
    if (BY_STATUS[error.status]) return entry(BY_TYPE[BY_STATUS[error.status]], error, error.status === 400 ? detail : null);
    if (error.status === 404) return entry(OTHER.notFound, error, null);
    if (error.status === 409) return entry(OTHER.conflict, error, detail);
    if (error.status === 422) return entry(OTHER.unprocessable, error, detail);
    return entry(BY_TYPE.internal, error, null);
  }
  const name = error && error.name;
  if (name === 'AbortError' || name === 'TimeoutError') return entry(OTHER.timeout, error, null);
  if (error instanceof TypeError && /fetch|network|load/i.test(error.message)) return entry(OTHER.offline, error, null);
  if (name === 'NotAllowedError' || name === 'SecurityError') return entry(window.isSecureContext ? OTHER.cameraDenied : OTHER.insecure, error, null);
  if (name === 'NotFoundError' || name === 'OverconstrainedError') return entry(OTHER.cameraMissing, error, null);
  if (name === 'NotReadableError') return entry(OTHER.cameraBusy, error, null);
  if (name === 'QuotaExceededError') return entry(OTHER.storageFull, error, null);
  return entry(OTHER.unexpected, error, null);
}
