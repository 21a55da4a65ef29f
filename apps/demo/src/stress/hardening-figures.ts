/**
 * The hardening figures of issue 18 in one command (`pnpm --filter @baton/demo figures`): the login
 * figures (200 parallel wrong guesses from one address; `GET /` during 60 parallel logins) against an
 * in-process demo, then the replay figures (40 sockets replaying 10,000 events; `GET /healthz` during
 * them) against a private redis-server. Exits 1 when a target is missed, so it can gate a change.
 */
import { findRedisServerBinary, startRedisServer } from '@baton/test-redis';
import { formatLoginFigures, measureLoginFigures, missedLoginTargets } from './login-figures.js';
import { formatReplayFigures, measureReplayFigures, missedReplayTargets } from './replay-figures.js';

const login = await measureLoginFigures();
console.log(formatLoginFigures(login));

const binary = findRedisServerBinary();
if (binary === undefined) throw new Error('redis-server is not installed (apt-get install redis-server)');
const redis = await startRedisServer(binary);
let missed: string[];
try {
  const replay = await measureReplayFigures({ redisUrl: redis.url });
  console.log(formatReplayFigures(replay));
  missed = [...missedLoginTargets(login), ...missedReplayTargets(replay)];
} finally {
  await redis.stop();
}
if (missed.length > 0) {
  console.error(`missed: ${missed.join('; ')}`);
  process.exitCode = 1;
} else {
  console.log('every target met');
}
