import { RUN_FIELD } from '../run-record-fields.js';
import { LuaScript } from './lua-script.js';

/**
 * Deletes a run's hash only when it is still the run a user's history pointed at (same `userId`
 * and `createdAt`): a workflowId that expired and was created again, by anyone, is left alone.
 *
 * KEYS[1] the run's hash. ARGV[1] userId, ARGV[2] createdAt (the history entry's score).
 * Returns 1 when deleted, else 0.
 * @internal
 */
export const deleteRunIfScript = new LuaScript(`
local fields = redis.call('HMGET', KEYS[1], '${RUN_FIELD.userId}', '${RUN_FIELD.createdAt}')
if fields[1] == ARGV[1] and fields[2] and tonumber(fields[2]) == tonumber(ARGV[2]) then
  return redis.call('DEL', KEYS[1])
end
return 0
`);
