import { createDemoServer, type DemoServer } from '../server/create-demo-server.js';
import type { DemoServerOptions } from '../server/demo-server-options.js';

/**
 * The demo server for tests that are not about deadlines or login limits: the same server, with the
 * per-call deadline (20 s by default, on the wall clock) and the login limits of one address (10 in
 * flight or failed) out of reach, so that a busy machine slows these tests down but never changes
 * their outcome. The tests of those limits (login-limits, create-demo-server) use `createDemoServer`
 * with its real defaults; an option given here wins over these.
 */
export function createTestDemoServer(options: DemoServerOptions = {}): Promise<DemoServer> {
  return createDemoServer({
    ...options,
    limits: { runTimeoutMs: 600_000, ...options.limits },
    loginThrottle: options.loginThrottle ?? { maxFailures: 1000 },
    passwordChecks: options.passwordChecks ?? { maxWaiting: 1000 },
  });
}
