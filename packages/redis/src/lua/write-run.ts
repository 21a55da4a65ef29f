import { RUN_FIELD, STAGE_FIELD_PREFIX, STAGE_INDEX_FIELD_PREFIX } from '../run-record-fields.js';
import { LuaScript } from './lua-script.js';

/** The writes `writeRunScript` knows (ARGV[1]). @internal */
export type RunWrite = 'stage' | 'suspend' | 'running' | 'complete' | 'interrupt';

/**
 * Changes an existing run's hash and refreshes its TTL, in one atomic step: a run that expired or
 * was evicted (or a hash not written by a run store: no `userId`) is never recreated in part.
 *
 * KEYS[1] the run's hash. ARGV[1] the write, ARGV[2] TTL in ms, ARGV[3] updatedAt, then per write:
 * - `stage`: ARGV[4] stage key, ARGV[5] result JSON. Replaces the stage's earlier result, if any,
 *   by one at the next sequence number (so it reads back last).
 * - `suspend`: ARGV[4] suspension JSON; status `suspended`.
 * - `running`: status `running`, suspension removed; with ARGV[4] (a status), only when the run's
 *   status is that one now (compare-and-set: of two racing resumes, one gets through).
 * - `complete`: ARGV[4] status, ARGV[5] result JSON; suspension removed.
 * - `interrupt`: status `interrupted` when `running`; any other status is left as it is (untouched,
 *   TTL included).
 * Returns nil when there is no run, else `{ userId, changed, status }` (changed: 1 or 0; status: the
 * run's status before the write).
 * @internal
 */
export const writeRunScript = new LuaScript(`
local key = KEYS[1]
local userId = redis.call('HGET', key, '${RUN_FIELD.userId}')
if not userId then
  return nil
end
local write = ARGV[1]
local status = redis.call('HGET', key, '${RUN_FIELD.status}')
if write == 'stage' then
  local indexField = '${STAGE_INDEX_FIELD_PREFIX}' .. ARGV[4]
  local previous = redis.call('HGET', key, indexField)
  if previous then
    redis.call('HDEL', key, '${STAGE_FIELD_PREFIX}' .. previous)
  end
  local seq = redis.call('HINCRBY', key, '${RUN_FIELD.stageSeq}', 1)
  redis.call('HSET', key, '${STAGE_FIELD_PREFIX}' .. seq, ARGV[5], indexField, seq)
elseif write == 'suspend' then
  redis.call('HSET', key, '${RUN_FIELD.status}', 'suspended', '${RUN_FIELD.suspension}', ARGV[4])
elseif write == 'running' then
  if ARGV[4] and ARGV[4] ~= status then
    return { userId, 0, status }
  end
  redis.call('HSET', key, '${RUN_FIELD.status}', 'running')
  redis.call('HDEL', key, '${RUN_FIELD.suspension}')
elseif write == 'complete' then
  redis.call('HSET', key, '${RUN_FIELD.status}', ARGV[4], '${RUN_FIELD.result}', ARGV[5])
  redis.call('HDEL', key, '${RUN_FIELD.suspension}')
elseif write == 'interrupt' then
  if status ~= 'running' then
    return { userId, 0, status }
  end
  redis.call('HSET', key, '${RUN_FIELD.status}', 'interrupted')
else
  return redis.error_reply('unknown run write ' .. tostring(write))
end
redis.call('HSET', key, '${RUN_FIELD.updatedAt}', ARGV[3])
redis.call('PEXPIRE', key, ARGV[2])
return { userId, 1, status }
`);
