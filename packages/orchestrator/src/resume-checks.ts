import {
  FINAL_RUN_STATUSES,
  RunNotFoundError,
  RunNotResumableError,
  type RunRecord,
  type RunStore,
  UserIsolationError,
} from '@baton/engine-contract';
import { isActiveRun } from './active-runs.js';

/**
 * The checks of `orchestrator.resume`, in the order the API promises: unknown, another user's, then
 * finished or already running in this process, then made by another workflow. Ids of another user's
 * run are never echoed.
 * @throws RunNotFoundError, UserIsolationError (`field: 'userId'`), RunNotResumableError
 * @internal
 */
export function checkResumable(
  record: RunRecord | null,
  request: { readonly store: RunStore; readonly workflowId: string; readonly userId: string; readonly workflowName: string },
): RunRecord {
  const { store, workflowId } = request;
  if (record === null) {
    throw new RunNotFoundError({ message: `No run ${workflowId} in the store: it was never recorded, or it expired or was evicted` });
  }
  if (record.userId !== request.userId) {
    throw new UserIsolationError({
      field: 'userId',
      message: `Run ${workflowId} belongs to another user than the orchestrator's engine: only its own user's engine may resume it`,
    });
  }
  if (FINAL_RUN_STATUSES.has(record.status)) {
    throw new RunNotResumableError({ message: `Run ${workflowId} has finished (${record.status}): there is nothing left to resume` });
  }
  if (isActiveRun(store, workflowId)) {
    throw new RunNotResumableError({ message: `Run ${workflowId} is already running in this process` });
  }
  if (record.workflowName !== request.workflowName) {
    throw new RunNotResumableError({
      message: `Run ${workflowId} is a run of workflow "${record.workflowName}"; this orchestrator runs "${request.workflowName}"`,
    });
  }
  return record;
}
