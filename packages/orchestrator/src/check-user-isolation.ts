import { InvalidUserContextError, UserIsolationError } from '@baton/engine-contract';
import type { WorkflowUserIds } from './workflow-run-request.js';

const ISOLATED_FIELDS = ['userId', 'threadId', 'runId'] as const;

/**
 * Refuses a request whose context belongs to another user, thread or run than the engine's.
 * Runs before anything is emitted or executed, so a refused request leaves no trace on the engine.
 * Values are never echoed: ids of another user do not belong in this user's logs.
 * @throws UserIsolationError naming the first differing field (`userId`, `threadId`, `runId`).
 * @throws InvalidUserContextError when `userContext` is given but is not an object.
 * @internal
 */
export function checkUserIsolation(engineContext: WorkflowUserIds, userContext: unknown): void {
  if (userContext === undefined) return;
  if (typeof userContext !== 'object' || userContext === null) {
    throw new InvalidUserContextError({ field: 'userContext', rule: 'must be a user execution context (createUserExecutionContext)' });
  }
  for (const field of ISOLATED_FIELDS) {
    if ((userContext as Partial<WorkflowUserIds>)[field] !== engineContext[field]) {
      throw new UserIsolationError({
        field,
        message:
          `userContext.${field} does not match the ${field} of the orchestrator's engine: an orchestrator runs requests only for ` +
          `the user, thread and run its engine is bound to. Create an engine for this context with ` +
          `createEngineFactory(...).createEngine(userContext) and an orchestrator on it.`,
      });
    }
  }
}
