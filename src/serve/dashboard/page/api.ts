/** Reads from the server's API with the session cookie; a lost session sends the browser to sign in again. */

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Thrown after the browser was sent to /signin: there is nothing left to draw. */
export class SignedOut extends Error {}

async function request(path: string, accept: string): Promise<Response> {
  const response = await fetch(path, { credentials: 'same-origin', headers: { accept } });
  if (response.status === 401) {
    window.location.assign('/signin');
    throw new SignedOut('the session ended: signing in again');
  }
  if (!response.ok) throw new ApiError(response.status, await errorOf(response));
  return response;
}

/** The API's `{error}` message, else the status. */
async function errorOf(response: Response): Promise<string> {
  const text = await response.text();
  const fallback = `${response.status} ${response.statusText}`.trim();
  if (!(response.headers.get('content-type') ?? '').includes('json')) return fallback;
  const body = JSON.parse(text) as { error?: unknown };
  return typeof body.error === 'string' ? body.error : fallback;
}

export async function getJson<T>(path: string): Promise<T> {
  return (await (await request(path, 'application/json')).json()) as T;
}

export async function getText(path: string): Promise<string> {
  return (await request(path, 'text/html')).text();
}

/** A query string from the values given (empty ones left out), for an API path. */
export function query(values: Record<string, string | undefined>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(values)) if (value !== undefined && value !== '') params.set(key, value);
  const text = params.toString();
  return text ? `?${text}` : '';
}
