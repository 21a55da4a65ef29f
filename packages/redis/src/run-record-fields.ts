import { describeZodIssue, type NewRunRecord, type RunRecord, RunRecordSchema, TransportError } from '@baton/engine-contract';

// One Redis hash per run, `${keyPrefix}run:${workflowId}`. Plain fields, so that the Lua scripts can
// check and change them without decoding JSON (Lua's cjson would re-encode numbers with 14 digits):
//   workflowId, workflowName, userId, threadId, runId   the ids, as given to `create`
//   createdAt, updatedAt                                epoch ms (decimal) from the store's clock
//   status                                              a RunStatus
//   input, suspension?, result?                         JSON, each within maxStageOutputBytes
//   stageSeq                                            counter of stage saves
//   stage:<n>                                           JSON of the stage result saved as the n-th save
//   stageIndex:<stage key>                              <n> of that stage's current result
// A stage saved again gets a new <n> (and its old `stage:<n>` field is deleted), so ordering the
// `stage:<n>` fields by <n> gives the stages in save order with a re-saved stage last, as in memory.

/** Hash field names of a run record. @internal */
export const RUN_FIELD = {
  workflowId: 'workflowId',
  workflowName: 'workflowName',
  userId: 'userId',
  threadId: 'threadId',
  runId: 'runId',
  createdAt: 'createdAt',
  updatedAt: 'updatedAt',
  status: 'status',
  input: 'input',
  suspension: 'suspension',
  result: 'result',
  stageSeq: 'stageSeq',
} as const;

/** Prefix of the field holding the n-th saved stage result. @internal */
export const STAGE_FIELD_PREFIX = 'stage:';
/** Prefix of the field mapping a stage key to its current `stage:<n>`. @internal */
export const STAGE_INDEX_FIELD_PREFIX = 'stageIndex:';

/** The `[field, value, …]` of a new run's hash. @internal */
export function newRunFields(record: NewRunRecord, inputJson: string, createdAt: number): string[] {
  const at = String(createdAt);
  return [
    RUN_FIELD.workflowId,
    record.workflowId,
    RUN_FIELD.workflowName,
    record.workflowName,
    RUN_FIELD.userId,
    record.userId,
    RUN_FIELD.threadId,
    record.threadId,
    RUN_FIELD.runId,
    record.runId,
    RUN_FIELD.createdAt,
    at,
    RUN_FIELD.updatedAt,
    at,
    RUN_FIELD.status,
    'running',
    RUN_FIELD.input,
    inputJson,
    RUN_FIELD.stageSeq,
    '0',
  ];
}

function corrupt(key: string, reason: string, cause?: unknown): TransportError {
  return new TransportError({ message: `Redis run record ${key} is not a Baton run record: ${reason}`, cause });
}

function parseJson(key: string, field: string, json: string): unknown {
  try {
    return JSON.parse(json) as unknown;
  } catch (error) {
    throw corrupt(key, `field ${field} is not JSON`, error);
  }
}

/**
 * The record held by a run hash (`HGETALL` reply); `null` for no hash, or one without `userId` (not
 * written by a run store: the writes treat it as absent too).
 * @throws TransportError when the hash holds a malformed record.
 * @internal
 */
export function decodeRunRecord(key: string, hash: Record<string, string>): RunRecord | null {
  if (hash[RUN_FIELD.userId] === undefined) return null;
  const stages: Array<{ seq: number; json: string }> = [];
  for (const [field, json] of Object.entries(hash)) {
    if (field.startsWith(STAGE_FIELD_PREFIX)) stages.push({ seq: Number(field.slice(STAGE_FIELD_PREFIX.length)), json });
  }
  stages.sort((a, b) => a.seq - b.seq);
  const suspension = hash[RUN_FIELD.suspension];
  const result = hash[RUN_FIELD.result];
  const record = {
    workflowId: hash[RUN_FIELD.workflowId],
    workflowName: hash[RUN_FIELD.workflowName],
    userId: hash[RUN_FIELD.userId],
    threadId: hash[RUN_FIELD.threadId],
    runId: hash[RUN_FIELD.runId],
    input: parseJson(key, RUN_FIELD.input, hash[RUN_FIELD.input] ?? 'null'),
    status: hash[RUN_FIELD.status],
    stages: stages.map(({ seq, json }) => parseJson(key, `${STAGE_FIELD_PREFIX}${seq}`, json)),
    ...(suspension === undefined ? {} : { suspension: parseJson(key, RUN_FIELD.suspension, suspension) }),
    ...(result === undefined ? {} : { result: parseJson(key, RUN_FIELD.result, result) }),
    createdAt: Number(hash[RUN_FIELD.createdAt]),
    updatedAt: Number(hash[RUN_FIELD.updatedAt]),
  };
  const parsed = RunRecordSchema.safeParse(record);
  if (!parsed.success) throw corrupt(key, describeZodIssue(parsed.error, { root: 'record' }));
  return record as RunRecord;
}
