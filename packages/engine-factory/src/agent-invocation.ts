import type { UserExecutionContext } from '@baton/engine-contract';
import { type AgentRun, EndCause, RunState } from './agent-run.js';
import type { SafeLogger } from './engine-logger.js';
import { RunContext } from './run-context.js';
import type { RunEnding } from './run-ending.js';
import { toRunError } from './run-error.js';
import type { RunStats } from './run-stats.js';
import { type AgentSchema, checkAgainstSchema } from './schema-check.js';

/** What calling agents needs from its engine. @internal */
export interface AgentInvocationOptions {
  readonly engineId: string;
  readonly userContext: UserExecutionContext;
  readonly logger: SafeLogger;
  readonly stats: RunStats;
  readonly ending: RunEnding;
  /** Reports a failure inside the engine's own asynchronous steps (never expected). */
  readonly onInternalError: (error: unknown) => void;
}

/**
 * Calls a started run's agent and turns what it does into the end of the run: its input checked
 * against the agent's schema first, a value or a thenable awaited, its output checked, a throw or
 * rejection made a `failed` result. It also counts the agents whose promise has not settled yet
 * (those of runs already timed out or cancelled included), which dispose waits for.
 * Synchronous agents and agents without schemas never go through an `async` function: no promise
 * is made for them beyond the run's own.
 * @internal
 */
export class AgentInvocation {
  readonly #engineId: string;
  readonly #userContext: UserExecutionContext;
  readonly #logger: SafeLogger;
  readonly #stats: RunStats;
  readonly #ending: RunEnding;
  readonly #onInternalError: (error: unknown) => void;
  #unsettled = 0;
  #onAllSettled: (() => void) | undefined = undefined;

  constructor(options: AgentInvocationOptions) {
    this.#engineId = options.engineId;
    this.#userContext = options.userContext;
    this.#logger = options.logger;
    this.#stats = options.stats;
    this.#ending = options.ending;
    this.#onInternalError = options.onInternalError;
  }

  /** Agent promises not settled yet. */
  get unsettled(): number {
    return this.#unsettled;
  }

  /** Resolves when no agent promise is left unsettled (at once when none is). */
  allSettled(): Promise<void> {
    if (this.#unsettled === 0) return Promise.resolve();
    return new Promise<void>((resolve) => {
      this.#onAllSettled = resolve;
    });
  }

  /** Stops waking `allSettled` (dispose gave up waiting). */
  stopWaiting(): void {
    this.#onAllSettled = undefined;
  }

  /**
   * Runs the agent of a run that just got its slot (and emitted agent_started). Kept small, like
   * everything executeAgent inlines, so that V8's inlining budget covers the whole call.
   */
  invoke(run: AgentRun): void {
    const agent = run.agent;
    if (agent.input === undefined && agent.output === undefined) this.#call(run, run.input);
    else this.#invokeChecked(run, agent.input).then(undefined, this.#onInternalError);
  }

  async #invokeChecked(run: AgentRun, schema: AgentSchema | undefined): Promise<void> {
    let input = run.input;
    if (schema !== undefined) {
      const checked = await checkAgainstSchema(schema, input, 'input', run.agent.name);
      if (run.state !== RunState.RUNNING) return;
      if (!checked.success) {
        this.#ending.end(run, 'failed', EndCause.NONE, undefined, checked.error);
        return;
      }
      input = checked.data;
    }
    this.#call(run, input);
  }

  #call(run: AgentRun, input: unknown): void {
    let returned: unknown;
    try {
      returned = run.agent.run(input, new RunContext(run, this.#userContext));
      if ((typeof returned === 'object' && returned !== null) || typeof returned === 'function') {
        const then = (returned as PromiseLike<unknown>).then;
        if (typeof then === 'function') {
          this.#unsettled++;
          try {
            then.call(
              returned,
              (value: unknown) => this.#settled(run, true, value),
              (reason: unknown) => this.#settled(run, false, reason),
            );
          } catch (error) {
            // A thenable whose `then` throws: it will never call back.
            run.agentSettled = true;
            this.#unsettled--;
            throw error;
          }
          return;
        }
      }
    } catch (error) {
      this.#ending.end(run, 'failed', EndCause.NONE, undefined, toRunError('AGENT_FAILED', error));
      return;
    }
    this.#succeeded(run, returned);
  }

  #settled(run: AgentRun, fulfilled: boolean, value: unknown): void {
    // Guards against thenables that call back twice.
    if (run.agentSettled) return;
    run.agentSettled = true;
    this.#unsettled--;
    if (run.state !== RunState.RUNNING) {
      // Its result (timed_out / cancelled) was returned already: the late settle changes nothing.
      this.#stats.recordOrphan();
      this.#logger.debug('Baton: an abandoned agent settled after its run ended', {
        engineId: this.#engineId,
        executionId: run.executionId,
        agentName: run.agent.name,
        fulfilled,
      });
      if (this.#unsettled === 0 && this.#onAllSettled !== undefined) this.#onAllSettled();
      return;
    }
    if (fulfilled) this.#succeeded(run, value);
    else this.#ending.end(run, 'failed', EndCause.NONE, undefined, toRunError('AGENT_FAILED', value));
  }

  #succeeded(run: AgentRun, output: unknown): void {
    const schema = run.agent.output;
    if (schema === undefined) {
      this.#ending.end(run, 'succeeded', EndCause.NONE, output, undefined);
      return;
    }
    this.#checkOutput(run, schema, output).then(undefined, this.#onInternalError);
  }

  async #checkOutput(run: AgentRun, schema: AgentSchema, output: unknown): Promise<void> {
    const checked = await checkAgainstSchema(schema, output, 'output', run.agent.name);
    if (run.state !== RunState.RUNNING) return;
    if (checked.success) this.#ending.end(run, 'succeeded', EndCause.NONE, checked.data, undefined);
    else this.#ending.end(run, 'failed', EndCause.NONE, undefined, checked.error);
  }
}
