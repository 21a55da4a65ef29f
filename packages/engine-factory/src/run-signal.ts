import { type AgentRun, EndCause, RunState } from './agent-run.js';
import { disposeMessage, timeoutMessage } from './run-outcomes.js';

/**
 * The one `AbortSignal` of a run (`ctx.signal`), created on first use: an AbortController costs
 * several µs on Node 20 and most trivial agents never look at their signal. A run that has already
 * been ended from outside gets a signal that is aborted from the start.
 * @internal
 */
export function signalOf(run: AgentRun, engineId: string): AbortSignal {
  let controller = run.controller;
  if (controller === undefined) {
    controller = new AbortController();
    run.controller = controller;
    if (run.state === RunState.DONE && run.endCause !== EndCause.NONE) controller.abort(abortReason(run, engineId));
  }
  return controller.signal;
}

/**
 * Aborts the run's signal, if the agent ever asked for it, when something outside the agent ended
 * the run (a run the agent finished itself keeps a quiet signal).
 * @internal
 */
export function abortRunSignal(run: AgentRun, engineId: string): void {
  if (run.controller !== undefined && run.endCause !== EndCause.NONE) run.controller.abort(abortReason(run, engineId));
}

/** The caller's own reason passes through unchanged; timeouts and disposal get a `DOMException` like `AbortSignal.timeout`'s. */
function abortReason(run: AgentRun, engineId: string): unknown {
  if (run.endCause === EndCause.CALLER) return run.callerReason;
  if (run.endCause === EndCause.TIMEOUT) return new DOMException(timeoutMessage(run), 'TimeoutError');
  return new DOMException(disposeMessage(engineId), 'AbortError');
}
