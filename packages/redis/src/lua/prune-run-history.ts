import { LuaScript } from './lua-script.js';

/**
 * Removes entries from a user's run history only when their score is still the one that was read:
 * an entry that a concurrent `create` of the same workflowId has just re-added (new createdAt) stays.
 *
 * KEYS[1] the user's history (sorted set: member workflowId, score createdAt).
 * ARGV[1..n] workflowId, score, workflowId, score, …
 * Returns how many entries were removed.
 * @internal
 */
export const pruneRunHistoryScript = new LuaScript(`
local removed = 0
for i = 1, #ARGV, 2 do
  local score = redis.call('ZSCORE', KEYS[1], ARGV[i])
  if score and tonumber(score) == tonumber(ARGV[i + 1]) then
    removed = removed + redis.call('ZREM', KEYS[1], ARGV[i])
  end
end
return removed
`);
