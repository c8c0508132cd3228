// fetch() for the pages: JSON in and out, a timeout, problem+json errors as ApiError. Requests carry
// X-Requested-With so the centre does not answer 401 with a Basic challenge (the browser's own dialog).

export class ApiError extends Error {
  constructor(status, problem, retryAfter) {
    super(problem && problem.detail ? problem.detail : 'HTTP ' + status);
    this.status = status;
    this.problem = problem;
    this.retryAfter = retryAfter;
  }
}

export function basic(id, secret) {
  return 'Basic ' + btoa(String.fromCharCode(...new TextEncoder().encode(id + ':' + secret)));
}

/** Sends a request; resolves the Response for 2xx/304, rejects with ApiError otherwise or TypeError when offline. */
export async function request(path, { method = 'GET', json, body, auth, headers = {}, timeoutMs = 10000 } = {}) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    const h = { 'X-Requested-With': 'checkpass-page', ...headers };
    if (auth) h.Authorization = auth;
    if (json !== undefined) h['Content-Type'] = 'application/json';
    const response = await fetch(path, { method, headers: h, body: json === undefined ? body : JSON.stringify(json),
      signal: controller.signal, cache: 'no-store' });
    if (response.ok || response.status === 304) return response;
    let problem = null;
    try {
      problem = await response.json();
    } catch (e) {
      problem = null;
    }
    throw new ApiError(response.status, problem, Number(response.headers.get('Retry-After')) || 0);
  } finally {
    clearTimeout(timer);
  }
}

export async function getJson(path, options) {
  return (await request(path, options)).json();
}
