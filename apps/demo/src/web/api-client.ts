/** Thrown by the API helpers with the server's error code and message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

async function call(path: string, init?: RequestInit): Promise<unknown> {
  const response = await fetch(path, { credentials: 'same-origin', ...init });
  const body: unknown = await response.json().catch(() => undefined);
  if (!response.ok) {
    const error = (body as { error?: { code?: string; message?: string } } | undefined)?.error;
    throw new ApiError(response.status, error?.code ?? 'HTTP_ERROR', error?.message ?? `Request failed (${response.status})`);
  }
  return body;
}

/** The logged-in user, or null. */
export async function fetchMe(): Promise<string | null> {
  try {
    const body = (await call('/api/me')) as { userId: string };
    return body.userId;
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return null;
    throw error;
  }
}

/** Logs in; the server sets the HttpOnly session cookie. */
export async function login(username: string, password: string): Promise<string> {
  const body = (await call('/api/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  })) as { userId: string };
  return body.userId;
}

/** Ends the session (the server also closes this session's sockets). */
export async function logout(): Promise<void> {
  await call('/api/logout', { method: 'POST' });
}
