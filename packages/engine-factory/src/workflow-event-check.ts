import { WorkflowStatusSchema } from '@baton/engine-contract';

// The statuses come from the contract's schema, so a status added or removed there is never judged
// differently here.
const WORKFLOW_STATUSES: ReadonlySet<unknown> = new Set<unknown>(WorkflowStatusSchema.options);

/** `z.string().min(1)`. */
function isId(value: unknown): boolean {
  return typeof value === 'string' && value.length > 0;
}

/** `z.number().int().nonnegative()`: zod 4's `int()` means a safe integer. */
function isCount(value: unknown): boolean {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}

/** `z.number().nonnegative()`: zod 4's `number()` refuses NaN and ±Infinity. */
function isDuration(value: unknown): boolean {
  return Number.isFinite(value) && (value as number) >= 0;
}

/** `z.array(z.string())`; a hole reads as `undefined`, which zod refuses too. */
function isStringArray(value: unknown): boolean {
  if (!Array.isArray(value)) return false;
  for (let index = 0; index < value.length; index++) if (typeof value[index] !== 'string') return false;
  return true;
}

/**
 * True when `event` (a workflow event the engine just built) matches its schema:
 * `WorkflowStartedEventSchema`, `WorkflowResumedEventSchema`, `WorkflowPlannedEventSchema`,
 * `WorkflowSuspendedEventSchema` or `WorkflowCompletedEventSchema`.
 * A hand-written check of the same rules, because `emitWorkflowEvent` runs on every workflow run and
 * zod's `safeParse` costs several times more. It must never accept what the schema refuses; the
 * engine falls back to the schema whenever this says false (to word the error, and to accept
 * anything this might refuse that the schema does not). Property tests hold the two together.
 * Typed loosely on purpose: the fields are whatever the caller passed, whatever its types claimed.
 * @internal
 */
export function isValidWorkflowEvent(candidate: { readonly [field: string]: unknown }): boolean {
  const envelopeValid =
    isId(candidate.userId) &&
    isId(candidate.threadId) &&
    isId(candidate.runId) &&
    isId(candidate.requestId) &&
    isId(candidate.engineId) &&
    isId(candidate.executionId) &&
    isId(candidate.agentName) &&
    isCount(candidate.seq) &&
    Number.isFinite(candidate.timestamp) &&
    (candidate.stage === undefined || typeof candidate.stage === 'string') &&
    isId(candidate.workflowId);
  if (!envelopeValid) return false;
  switch (candidate.type) {
    case 'workflow_started':
      return isId(candidate.workflowName);
    case 'workflow_resumed':
      return isStringArray(candidate.completedStages);
    case 'workflow_suspended':
      return isId(candidate.stage) && typeof candidate.prompt === 'string';
    case 'workflow_planned':
      return typeof candidate.path === 'string' && isStringArray(candidate.stages);
    case 'workflow_completed':
      return (
        typeof candidate.path === 'string' &&
        WORKFLOW_STATUSES.has(candidate.status) &&
        isDuration(candidate.durationMs) &&
        isCount(candidate.succeededStages) &&
        isCount(candidate.totalStages)
      );
    default:
      return false;
  }
}
