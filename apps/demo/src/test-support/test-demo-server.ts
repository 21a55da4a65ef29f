import { createDemoServer, type DemoServer } from '../server/create-demo-server.js';
import type { DemoServerOptions } from '../server/demo-server-options.js';

/**
 * A Redis command's reply deadline in tests (ms): a hang detector. The demo's 5 s default fails
 * commands Redis has already answered when a loaded machine starves the event loop for that long
 * (ioredis's timer fires before the reply is read), and the run or frame they belonged to is lost.
 */
const TEST_REDIS_COMMAND_TIMEOUT_MS = 60_000;

/**
 * The demo server for tests that are not about deadlines or login limits: the same server, with the
 * per-call deadline (20 s by default, on the wall clock), Redis's command timeout (5 s) and the login
 * limits of one address (10 in flight or failed) out of reach, so that a busy machine slows these
 * tests down but never changes their outcome. The tests of those limits (login-limits,
 * create-demo-server, redis-freeze) use the real defaults; an option given here wins over these.
 */
export function createTestDemoServer(options: DemoServerOptions = {}): Promise<DemoServer> {
  return createDemoServer({
    ...options,
    limits: { runTimeoutMs: 600_000, ...options.limits },
    loginThrottle: options.loginThrottle ?? { maxFailures: 1000 },
    passwordChecks: options.passwordChecks ?? { maxWaiting: 1000 },
    ...(options.redis ? { redis: { commandTimeoutMs: TEST_REDIS_COMMAND_TIMEOUT_MS, ...options.redis } } : {}),
  });
}
