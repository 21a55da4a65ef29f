import { z } from 'zod';
import { type RunsPage, RunsPageSchema } from '../shared/runs-api.js';

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

/** The body did not have the shape the API promises (a server of another version, a proxy's error page). */
function malformed(path: string): ApiError {
  return new ApiError(200, 'MALFORMED_RESPONSE', `Unexpected answer from ${path}`);
}

/** `POST /api/login` and `GET /api/me`. */
const UserBodySchema = z.object({ userId: z.string() });

/** The logged-in user, or null. */
export async function fetchMe(): Promise<string | null> {
  try {
    const body = UserBodySchema.safeParse(await call('/api/me'));
    if (!body.success) throw malformed('/api/me');
    return body.data.userId;
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return null;
    throw error;
  }
}

/** Logs in; the server sets the HttpOnly session cookie. */
export async function login(username: string, password: string): Promise<string> {
  const body = UserBodySchema.safeParse(
    await call('/api/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    }),
  );
  if (!body.success) throw malformed('/api/login');
  return body.data.userId;
}

/** Ends the session (the server also closes this session's sockets). */
export async function logout(): Promise<void> {
  await call('/api/logout', { method: 'POST' });
}

/** One page of the user's runs, newest first (`before`: the previous page's `nextBefore`). Validated with zod. */
export async function fetchRuns(options: { limit?: number; before?: number } = {}): Promise<RunsPage> {
  const query = new URLSearchParams();
  if (options.limit !== undefined) query.set('limit', String(options.limit));
  if (options.before !== undefined) query.set('before', String(options.before));
  const search = query.toString();
  const parsed = RunsPageSchema.safeParse(await call(`/api/runs${search === '' ? '' : `?${search}`}`));
  if (!parsed.success) throw malformed('/api/runs');
  return parsed.data;
}
