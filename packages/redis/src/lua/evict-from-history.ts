import { LuaScript } from './lua-script.js';

/**
 * Removes candidates, in the order given, from a user's run history while it holds more than the
 * bound, each only if its score is still the one that was read. The bound is checked here, at the
 * moment of each removal, so that trims racing on stale counts never take the history below it.
 *
 * KEYS[1] the user's history (sorted set: member workflowId, score createdAt).
 * ARGV[1] the bound; ARGV[2..n] workflowId, score, workflowId, score, …
 * Returns `[workflowId, score, …]` of the entries removed (their records are then deleted).
 * @internal
 */
export const evictFromHistoryScript = new LuaScript(`
local bound = tonumber(ARGV[1])
local removed = {}
for i = 2, #ARGV, 2 do
  if redis.call('ZCARD', KEYS[1]) <= bound then
    break
  end
  local score = redis.call('ZSCORE', KEYS[1], ARGV[i])
  if score and tonumber(score) == tonumber(ARGV[i + 1]) then
    redis.call('ZREM', KEYS[1], ARGV[i])
    removed[#removed + 1] = ARGV[i]
    removed[#removed + 1] = ARGV[i + 1]
  end
end
return removed
`);
