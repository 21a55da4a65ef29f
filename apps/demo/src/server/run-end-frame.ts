import { type AgentEvent, FINAL_RUN_STATUSES, type RunRecord, type RunStore, redact } from '@baton/engine-contract';
import type { RunEndFrame, ServerFrame, WireWorkflowResult } from './protocol.js';

// Redis mode: the instance a socket is on did not run the run (a worker did, anywhere), so the
// `result` frame is rebuilt from the run's record, which the orchestrator writes before it emits the
// run's last event.

/**
 * The `result` frame of a run, as it leaves the server: the result passed through the contract's
 * `redact` (secret-keyed values `[REDACTED]`, credentials in text scrubbed, functions dropped), as its
 * events were, so that a stage's output shows no more in the result than in its `agent_completed`.
 */
export function resultFrame(runId: string, result: WireWorkflowResult): Extract<ServerFrame, { type: 'result' }> {
  return { type: 'result', runId, result: redact(result) };
}

/**
 * The `result` frame a run's record stands for: how it ended (`succeeded`, `failed`, `cancelled`), or
 * `suspended` at the stage waiting for a decision; undefined while it runs or is interrupted. The
 * stages are the record's (in the order they finished; a `WorkflowResult` lists them in plan order).
 * A suspended run's `path` is `''` and its `durationMs` the time since it was created: the record
 * keeps neither, and the page takes both from the run's events.
 */
export function runEndFrameOf(record: RunRecord): RunEndFrame | undefined {
  const common = { workflowId: record.workflowId, workflowName: record.workflowName, stages: [...record.stages] };
  let result: WireWorkflowResult;
  if (record.status === 'suspended' && record.suspension !== undefined) {
    result = {
      ...common,
      status: 'suspended',
      suspendedAt: record.suspension.stage,
      path: '',
      durationMs: Math.max(0, record.updatedAt - record.createdAt),
    };
  } else if (FINAL_RUN_STATUSES.has(record.status) && record.result !== undefined) {
    const { status, path, durationMs, output } = record.result;
    result = { ...common, status, path, durationMs, ...(output === undefined ? {} : { output }) };
  } else {
    return undefined;
  }
  return resultFrame(record.runId, result);
}

/**
 * The `result` frame to send after `event`, the last event of a run for now (`workflow_completed` or
 * `workflow_suspended`): read from `store`. Undefined for other events, an unknown run, or a record
 * of another user than the event's. Rejects when the store does.
 */
export async function runEndFrameAfter(store: Pick<RunStore, 'get'>, event: AgentEvent): Promise<RunEndFrame | undefined> {
  if (event.type !== 'workflow_completed' && event.type !== 'workflow_suspended') return undefined;
  const record = await store.get(event.workflowId);
  if (record === null || record.userId !== event.userId || record.runId !== event.runId) return undefined;
  return runEndFrameOf(record);
}
