import { LuaScript } from './lua-script.js';

/**
 * Writes a new run's hash unless the key exists, and sets its TTL, in one atomic step: two
 * instances creating the same workflowId cannot both succeed.
 *
 * KEYS[1] the run's hash. ARGV[1] TTL in ms; ARGV[2..n] field, value, field, value, …
 * Returns 1 when written, 0 when a run with that id is already stored.
 * @internal
 */
export const createRunScript = new LuaScript(`
if redis.call('EXISTS', KEYS[1]) == 1 then
  return 0
end
redis.call('HSET', KEYS[1], unpack(ARGV, 2))
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return 1
`);
