import { fastifyCookie } from '@fastify/cookie';
import { type FastifyInstance, fastify } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { LoginThrottle } from './login-throttle.js';
import { PasswordCheckQueue } from './password-check-queue.js';
import { httpError } from './protocol.js';
import { registerSessionRoutes } from './session-routes.js';
import { SessionStore } from './session-store.js';
import type { UserDirectory } from './user-directory.js';

// The login route with a directory whose checks the test finishes by hand: which logins reach a
// password check, which wait, and which are refused, by order of events rather than by timing.

interface HeldCheck {
  readonly username: string;
  finish(userId: string | null): void;
}

const apps: FastifyInstance[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

async function loginApp(queue: PasswordCheckQueue) {
  const held: HeldCheck[] = [];
  const directory: UserDirectory = {
    userIds: ['alice'],
    verify: (username) => new Promise((resolve) => held.push({ username, finish: resolve })),
  };
  const app = fastify();
  apps.push(app);
  await app.register(fastifyCookie);
  registerSessionRoutes(app, {
    sessions: new SessionStore({ ttlMs: 60_000, now: Date.now }),
    directory,
    throttle: new LoginThrottle({ maxFailuresPerAddress: 3, maxFailuresPerUsername: 10, windowMs: 60_000 }),
    passwordChecks: queue,
    ownOriginOf: () => 'http://localhost:80',
    secureCookies: false,
    sessionOf: async () => undefined,
    sendError: (reply, status, code, message) => reply.code(status).send(httpError(code, message)),
    sessionEnded: async () => undefined,
  });
  const login = (password = 'wrong') =>
    app.inject({ method: 'POST', url: '/api/login', payload: { username: 'alice', password } }).then((response) => response);
  return { held, login };
}

/** Lets every pending I/O callback and promise run, until `condition` holds (event order, not time). */
async function until(condition: () => boolean): Promise<void> {
  for (let turn = 0; !condition(); turn++) {
    if (turn > 1000) throw new Error('the condition never held');
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe('POST /api/login', () => {
  it('answers 503 SERVER_BUSY with Retry-After when the password checks and their queue are full, without counting the login', async () => {
    const queue = new PasswordCheckQueue({ concurrency: 1, maxWaiting: 1 });
    const { held, login } = await loginApp(queue);
    const first = login();
    const second = login();
    await until(() => held.length === 1 && queue.waiting === 1);

    for (let index = 0; index < 5; index++) {
      const busy = await login('alice-demo-pw');
      expect(busy.statusCode).toBe(503);
      expect(busy.headers['retry-after']).toBe('1');
      expect(busy.json().error.code).toBe('SERVER_BUSY');
    }
    expect(held).toHaveLength(1);

    held[0]!.finish(null);
    expect((await first).statusCode).toBe(401);
    await until(() => held.length === 2);
    held[1]!.finish(null);
    expect((await second).statusCode).toBe(401);

    // Two attempts counted (the 503s were not): a right password is checked, and refunded.
    const right = login('alice-demo-pw');
    await until(() => held.length === 3);
    held[2]!.finish('alice');
    expect((await right).statusCode).toBe(200);
    const third = login();
    await until(() => held.length === 4);
    held[3]!.finish(null);
    expect((await third).statusCode).toBe(401);
    expect((await login('alice-demo-pw')).statusCode).toBe(429);
    expect(held).toHaveLength(4);
  });

  it('counts an attempt before its check: while three checks are pending, a fourth login is refused without one', async () => {
    const { held, login } = await loginApp(new PasswordCheckQueue({ concurrency: 4, maxWaiting: 0 }));
    const pending = [login(), login(), login()];
    await until(() => held.length === 3);
    const refused = await login();
    expect(refused.statusCode).toBe(429);
    expect(refused.json().error.message).toContain('from this address');
    expect(held).toHaveLength(3);
    for (const check of held) check.finish(null);
    expect((await Promise.all(pending)).map((response) => response.statusCode)).toEqual([401, 401, 401]);
  });
});
