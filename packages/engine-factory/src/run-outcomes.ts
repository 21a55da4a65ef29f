import type { AgentRunError } from '@baton/engine-contract';
import type { AgentRun } from './agent-run.js';

/**
 * The wording of a timeout, shared by the run's `error.message` and the reason its signal carries,
 * so an agent that logs `signal.reason` says the same as the result.
 * @internal
 */
export function timeoutMessage(run: AgentRun): string {
  return `Agent "${run.agent.name}" did not finish within ${run.deadline - run.calledAt} ms`;
}

/** The wording of a cancellation by dispose, shared by the result and the signal's reason. @internal */
export function disposeMessage(engineId: string): string {
  return `The run was cancelled because engine ${engineId} was disposed`;
}

/** The `error` of a call that reached its deadline (queue wait included). @internal */
export function timedOut(run: AgentRun): AgentRunError {
  return { code: 'RUN_TIMEOUT', name: 'TimeoutError', message: timeoutMessage(run) };
}

/** The `error` of a call whose caller's signal fired. @internal */
export function cancelledByCaller(): AgentRunError {
  return { code: 'RUN_CANCELLED', name: 'AbortError', message: "The run was cancelled by the caller's signal" };
}

/** The `error` of a call that was pending when its engine was disposed. @internal */
export function cancelledByDispose(engineId: string): AgentRunError {
  return { code: 'RUN_CANCELLED', name: 'AbortError', message: disposeMessage(engineId) };
}
