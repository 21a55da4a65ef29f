import { createHash } from 'node:crypto';
import { InvalidConfigError } from '@baton/engine-contract';

// `wf-` keeps the id from ever looking like an integer (BullMQ refuses integer-like custom ids) and
// makes it recognisable in Redis; 32 hex digits (128 bits of SHA-256) keep collisions out of reach
// while bounding the length whatever the ids' lengths. Hex never contains ':', which BullMQ refuses.
const WORKFLOW_ID_PATTERN = /^wf-[0-9a-f]{32}$/;

/**
 * The workflow id of a run: deterministic from `userId` and `runId`, so that the same run always maps
 * to the same BullMQ job (which is how `enqueue` refuses a duplicate) and any instance can compute it
 * without asking Redis. Also the run's `workflowId` in its events and its store record.
 * @throws InvalidConfigError when `userId` or `runId` is not a non-empty string.
 * @example
 * const workflowId = workflowIdFor('u_42', 'r_1'); // 'wf-…' (35 characters)
 */
export function workflowIdFor(userId: string, runId: string): string {
  if (typeof userId !== 'string' || userId.length === 0 || typeof runId !== 'string' || runId.length === 0) {
    throw new InvalidConfigError({ message: 'workflowIdFor(userId, runId) expects two non-empty strings' });
  }
  // The JSON of the pair: a plain separator could be part of an id, so ('a|b', 'c') and ('a', 'b|c') would collide.
  const digest = createHash('sha256')
    .update(JSON.stringify([userId, runId]))
    .digest('hex');
  return `wf-${digest.slice(0, 32)}`;
}

/** True for a string shaped like the ids `workflowIdFor` makes. @internal */
export function isWorkflowId(value: unknown): value is string {
  return typeof value === 'string' && WORKFLOW_ID_PATTERN.test(value);
}
