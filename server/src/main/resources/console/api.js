// Calls to Allot's HTTP API with the console session's cookie (same origin) and CSRF token.

let csrfToken = null;
let unauthorized = () => {};

/** A refused call: the HTTP status and the parsed error body ({error, message, details}). */
export class ApiError extends Error {
  constructor(status, body) {
    super(body && typeof body === 'object' && body.message ? body.message : `HTTP ${status}`);
    this.name = 'ApiError';
    this.status = status;
    this.body = body;
  }
}

/** Remembers the session's CSRF token (or forgets it, given null). */
export function useSession(session) {
  csrfToken = session ? session.csrfToken : null;
}

/** What to do when a call answers 401: the app shows the sign-in form. */
export function onUnauthorized(handler) {
  unauthorized = handler;
}

async function call(method, path, body, { ifMatch, contentType, accept } = {}) {
  const headers = { Accept: accept || 'application/json' };
  if (method !== 'GET' && method !== 'HEAD' && csrfToken) {
    headers['X-CSRF-Token'] = csrfToken;
  }
  if (ifMatch !== undefined && ifMatch !== null) {
    headers['If-Match'] = `"${ifMatch}"`;
  }
  let payload;
  if (body !== undefined && body !== null) {
    const type = contentType || 'application/json';
    headers['Content-Type'] = type;
    payload = typeof body === 'string' ? body : JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, { method, headers, body: payload, credentials: 'same-origin' });
  } catch (e) {
    throw new ApiError(0, { error: 'network', message: `The server could not be reached (${e.message}).` });
  }
  const text = await response.text();
  const type = response.headers.get('Content-Type') || '';
  let parsed = text;
  if (text && type.includes('json')) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = text;
    }
  }
  if (!response.ok) {
    const errorBody = parsed && typeof parsed === 'object'
      ? parsed
      : { error: 'http_' + response.status, message: text || `HTTP ${response.status}` };
    if (response.status === 401 && !path.startsWith('/console/session')) {
      unauthorized();
    }
    throw new ApiError(response.status, errorBody);
  }
  return { status: response.status, body: text ? parsed : null, etag: response.headers.get('ETag') };
}

/** GET a JSON answer (or text, with {accept}); throws ApiError. */
export async function get(path, options = {}) {
  return (await call('GET', path, null, options)).body;
}

/** GET with the answer's status and ETag too: {status, body, etag}. */
export function getFull(path, options = {}) {
  return call('GET', path, null, options);
}

/**
 * POST, PUT, PATCH or DELETE: body is an object (sent as JSON) or a string (sent as contentType);
 * ifMatch a resourceVersion. Answers the parsed body; throws ApiError.
 */
export async function send(method, path, body, options = {}) {
  return (await call(method, path, body, options)).body;
}
