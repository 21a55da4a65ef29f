import { LuaScript } from './lua-script.js';
import { SERVER_NOW_MS_LUA } from './server-time.js';

/**
 * Admits one more lease for a user when fewer than the limit are live, in one atomic step: drop the
 * expired leases, count the live ones, add the new one. Being one script, two instances racing for
 * the last slot cannot both see room for it.
 *
 * KEYS[1] the user's lease set (member: lease id, score: expiry in server ms).
 * ARGV[1] lease id, ARGV[2] limit (integer), ARGV[3] lease TTL in ms.
 * Returns 1 when admitted, 0 when the user is at the limit.
 * @internal
 */
export const acquireLeaseScript = new LuaScript(`${SERVER_NOW_MS_LUA}
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then
  return 0
end
redis.call('ZADD', KEYS[1], string.format('%.0f', now + tonumber(ARGV[3])), ARGV[1])
-- The key lives exactly as long as its latest lease, so an abandoned user leaves nothing behind.
local latest = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
redis.call('PEXPIREAT', KEYS[1], latest[2])
return 1
`);
