import { type RunRecord, type RunStore, TransportError } from '@baton/engine-contract';
import type { DemoErrorCode } from './protocol.js';
import type { Session } from './session-store.js';

/** The message of `UNKNOWN_RUN` for a decision: the same for an unknown and another user's workflowId. */
export const UNKNOWN_WORKFLOW_MESSAGE = 'No run of yours has this workflowId.';
/** The message of `NOT_SUSPENDED`: the run was decided already, timed out, or another decision won. */
export const NOT_SUSPENDED_MESSAGE = 'This run is not waiting for a decision: it was decided already, or its approval timed out.';
/** The end of a `TRANSPORT_ERROR` message when the store or Redis is away. */
export const STORE_AWAY_MESSAGE = 'the shared store is temporarily unavailable. Please try again shortly.';

/**
 * The checks every `decide` frame gets, in memory and Redis mode alike: the run's record must exist
 * and be the session user's (an unknown and a foreign workflowId get the same `UNKNOWN_RUN`, revealing
 * nothing) and be suspended (`NOT_SUSPENDED`). Resolves the record, or `undefined` after `fail` was
 * called with the reason. Never rejects.
 */
export async function readDecidableRun(
  store: Pick<RunStore, 'get'>,
  session: Session,
  workflowId: string,
  fail: (code: DemoErrorCode, message: string) => void,
  log: { error(details: object, message: string): void },
): Promise<RunRecord | undefined> {
  let record: RunRecord | null;
  try {
    record = await store.get(workflowId);
  } catch (error) {
    if (TransportError.isInstance(error)) {
      fail('TRANSPORT_ERROR', `The decision could not be applied: ${STORE_AWAY_MESSAGE}`);
    } else {
      log.error({ err: error, workflowId }, 'could not read a run to decide');
      fail('INTERNAL_ERROR', 'The decision could not be applied.');
    }
    return undefined;
  }
  if (record === null || record.userId !== session.userId) {
    fail('UNKNOWN_RUN', UNKNOWN_WORKFLOW_MESSAGE);
    return undefined;
  }
  if (record.status !== 'suspended') {
    fail('NOT_SUSPENDED', NOT_SUSPENDED_MESSAGE);
    return undefined;
  }
  return record;
}
