import { LuaScript } from './lua-script.js';
import { SERVER_NOW_MS_LUA } from './server-time.js';

/**
 * Extends one user's leases held by this process to `now + TTL`. A lease that has already expired
 * is not revived (another instance may have been admitted in its place): it is removed and
 * returned as lost.
 *
 * KEYS[1] the user's lease set; ARGV[1] lease TTL in ms; ARGV[2..n] lease ids.
 * Returns the lost lease ids (empty when every lease was extended).
 * @internal
 */
export const refreshLeasesScript = new LuaScript(`${SERVER_NOW_MS_LUA}
local expiresAt = string.format('%.0f', now + tonumber(ARGV[1]))
local lost = {}
for i = 2, #ARGV do
  local score = redis.call('ZSCORE', KEYS[1], ARGV[i])
  if score and tonumber(score) > now then
    redis.call('ZADD', KEYS[1], 'XX', expiresAt, ARGV[i])
  else
    if score then redis.call('ZREM', KEYS[1], ARGV[i]) end
    lost[#lost + 1] = ARGV[i]
  end
end
local latest = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
if latest[2] then redis.call('PEXPIREAT', KEYS[1], latest[2]) end
return lost
`);
