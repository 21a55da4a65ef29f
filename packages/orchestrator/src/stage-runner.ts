import {
  type AgentRunResult,
  type ExecuteAgentOptions,
  type ExecuteAgentRequest,
  InvalidConfigError,
  type UserExecutionEngine,
} from '@baton/engine-contract';
import { type PendingSuspension, promptOf, refusedStageResult } from './approval-gate.js';
import type { ExecutionPlan } from './execution-plan.js';
import type { RunJournal } from './run-journal.js';
import type { StageInput } from './stage-input.js';
import type { StageApproval } from './workflow-definition.js';

/** The part of an engine a workflow run uses. @internal */
export type WorkflowEnginePort = Pick<UserExecutionEngine, 'executeAgent' | 'emitWorkflowEvent'>;

/** Sets an own property, also for the key `__proto__` (an agent name may be that), which `=` would turn into a prototype change. */
function setOutput(previous: Record<string, unknown>, name: string, output: unknown): void {
  if (name === '__proto__') Object.defineProperty(previous, name, { value: output, enumerable: true, writable: true, configurable: true });
  else previous[name] = output;
}

/**
 * The state of one workflow run and the calls that advance it: the head (triage), the path's stages
 * as their plan allows, then `finally`. Results are kept by plan position, so `stages()` lists them in
 * plan order whatever order they finished in.
 *
 * - A failed or timed-out stage that is not `continueOnError` halts the path: nothing new starts,
 *   running stages finish. A cancelled stage, or the caller's abort seen before a start, cancels the run.
 * - A stage with an approval gate and no decision for it suspends the run: nothing new starts, running
 *   stages finish, `finally` does not run (`suspension`). A failure that halts the path wins over it.
 * - `executeAgent` throwing (a contract violation) is recorded by `fail`: nothing new starts and the
 *   stages still running are aborted (their calls end `cancelled`) and awaited.
 * - A sequential plan (each stage waits for the one before it) runs as a plain loop and passes the
 *   caller's signal straight to the engine: with one stage at a time there is never a running stage
 *   to abort, so no controller or listener is needed. Other plans get a controller that follows the
 *   caller's signal, and each finished stage starts its newly ready dependents.
 * @internal
 */
export class StageRunner {
  readonly #engine: WorkflowEnginePort;
  readonly #request: unknown;
  readonly #callerSignal: AbortSignal | undefined;
  readonly #journal: RunJournal | undefined;
  // One options object for every call of a phase: the engine only reads it.
  #options: ExecuteAgentOptions | undefined;
  #controller: AbortController | undefined;
  #forwardAbort: (() => void) | undefined;
  #plan: ExecutionPlan | undefined;
  #head: AgentRunResult | undefined;
  #headName = '';
  #results: Array<AgentRunResult | undefined> = [];
  #final: AgentRunResult | undefined;
  #waiting: number[] = [];
  #failedStages: string[] = [];
  #succeeded = 0;
  #called = 0;
  #cancelled = false;
  #halted = false;
  #suspension: PendingSuspension | undefined;
  #thrown: { error: unknown } | undefined;

  constructor(engine: WorkflowEnginePort, request: unknown, signal: AbortSignal | undefined, journal?: RunJournal) {
    this.#engine = engine;
    this.#request = request;
    this.#callerSignal = signal;
    this.#journal = journal;
    this.#options = signal === undefined ? undefined : { signal };
  }

  /** True when the run was cancelled: by the caller's signal before a start, or a stage ended `cancelled`. */
  get cancelled(): boolean {
    return this.#cancelled;
  }

  /** The contract violation that ended the run, if any (`{ error }`, since anything can be thrown). */
  get thrown(): { readonly error: unknown } | undefined {
    return this.#thrown;
  }

  /**
   * Where the run waits for a decision: set when a gated stage was reached and nothing since ended the
   * run otherwise (a halting failure, a cancellation, a throw). `finally` does not run then.
   */
  get suspension(): PendingSuspension | undefined {
    if (this.#halted || this.#cancelled || this.#thrown !== undefined) return undefined;
    return this.#suspension;
  }

  /** How many stages (head and finally included) failed or timed out. */
  get failedCount(): number {
    return this.#failedStages.length;
  }

  /** How many stages were called (a call that threw does not count) and how many of them succeeded. */
  get counts(): { readonly called: number; readonly succeeded: number } {
    return { called: this.#called, succeeded: this.#succeeded };
  }

  /** Records a contract violation (the first one wins) and aborts the stages still running. */
  fail(error: unknown): void {
    this.#thrown ??= { error };
    this.#controller?.abort(error);
  }

  /** Runs the head (triage) with an empty `previous`. Resolves its result, `undefined` when cancelled before it or when it threw. */
  async runHead(agentName: string): Promise<AgentRunResult | undefined> {
    this.#headName = agentName;
    if (!this.#mayStart()) return undefined;
    try {
      this.#head = this.#record(agentName, await this.#call(agentName, { request: this.#request, previous: {} }));
    } catch (error) {
      this.fail(error);
    }
    return this.#head;
  }

  /** Runs the path's stages as the plan allows; resolves once no stage is running and none may start. */
  async runPath(plan: ExecutionPlan): Promise<void> {
    this.#plan = plan;
    if (plan.sequential) {
      for (let index = 0; index < plan.names.length && this.#mayStart(); index++) {
        try {
          const name = plan.names[index] as string;
          const approval = plan.approvals[index];
          const result =
            approval === undefined
              ? await this.#call(name, this.#stageInput(plan, index))
              : await this.#callGated(name, this.#stageInput(plan, index), approval);
          if (result !== undefined) this.#recordStage(plan, index, result);
        } catch (error) {
          this.fail(error);
        }
      }
      return;
    }
    this.#useOwnController();
    this.#waiting = plan.dependencyCounts.slice();
    const running: Promise<void>[] = [];
    for (const root of plan.roots) {
      if (!this.#mayStart()) break;
      running.push(this.#runFrom(plan, root));
    }
    await Promise.all(running);
  }

  /** Runs `finally` (with every succeeded output and `failedStages`) unless the run was cancelled or a call threw. */
  async runFinally(plan: ExecutionPlan): Promise<void> {
    const name = plan.finallyStage;
    if (name === undefined) return;
    // A halted path does not stop `finally` (that is what it is for); a cancellation or a throw does.
    // A failed run does not wait for a decision either: the gate it reached is dropped.
    this.#halted = false;
    this.#suspension = undefined;
    if (!this.#mayStart()) return;
    const previous: Record<string, unknown> = {};
    this.#addHead(previous);
    const results = this.#results;
    for (let index = 0; index < results.length; index++) {
      const result = results[index];
      if (result?.status === 'succeeded') setOutput(previous, plan.names[index] as string, result.output);
    }
    try {
      this.#final = this.#record(
        name,
        await this.#call(name, { request: this.#request, previous, failedStages: this.#failedStages.slice() }),
      );
    } catch (error) {
      this.fail(error);
    }
  }

  /** Every stage that was called, in plan order: head, path stages, finally. */
  stages(): AgentRunResult[] {
    const stages: AgentRunResult[] = [];
    if (this.#head !== undefined) stages.push(this.#head);
    for (const result of this.#results) if (result !== undefined) stages.push(result);
    if (this.#final !== undefined) stages.push(this.#final);
    return stages;
  }

  /** The output of the plan's last stage (`finally` where there is one) when it succeeded, else `undefined`. */
  output(): unknown {
    const plan = this.#plan;
    if (plan === undefined) return undefined;
    const last = plan.finallyStage === undefined ? this.#results[plan.names.length - 1] : this.#final;
    return last?.status === 'succeeded' ? last.output : undefined;
  }

  /** Stops following the caller's signal. Call once the run is over. */
  release(): void {
    if (this.#forwardAbort !== undefined) this.#callerSignal?.removeEventListener('abort', this.#forwardAbort);
  }

  /** Starts one stage, then, once it allows, its newly ready dependents; resolves when that whole subtree is done. */
  async #runFrom(plan: ExecutionPlan, index: number): Promise<void> {
    let result: AgentRunResult | undefined;
    try {
      const approval = plan.approvals[index];
      const name = plan.names[index] as string;
      result =
        approval === undefined
          ? await this.#call(name, this.#stageInput(plan, index))
          : await this.#callGated(name, this.#stageInput(plan, index), approval);
    } catch (error) {
      this.fail(error);
      return;
    }
    if (result === undefined) return;
    if (!this.#recordStage(plan, index, result)) return;
    let children: Promise<void>[] | undefined;
    for (const next of plan.dependents[index] as readonly number[]) {
      if (--(this.#waiting[next] as number) > 0) continue;
      if (!this.#mayStart()) break;
      if (children === undefined) children = [];
      children.push(this.#runFrom(plan, next));
    }
    if (children !== undefined) await (children.length === 1 ? children[0] : Promise.all(children));
  }

  /**
   * One `executeAgent` call, the stage named after its agent. Callers await it inside `try`, so that a
   * synchronous throw and a rejection alike reach `fail`, with no promise hop of our own in between.
   * With a journal: a stage that finished before is not called again, and a new result is saved
   * before the caller (and so any dependent stage) sees it.
   */
  #call(agentName: string, input: StageInput): Promise<AgentRunResult> {
    const request: ExecuteAgentRequest = { agentName, input, stage: agentName };
    if (this.#journal === undefined) return this.#engine.executeAgent(request, this.#options);
    return this.#callJournaled(this.#journal, request);
  }

  async #callJournaled(journal: RunJournal, request: ExecuteAgentRequest): Promise<AgentRunResult> {
    const prior = journal.prior.get(request.agentName);
    if (prior !== undefined) return prior;
    const result = await this.#engine.executeAgent(request, this.#options);
    // A save that fails fails the run (through the caller's `fail`): a result the store did not take
    // would run again on resume, which the run must not pretend otherwise about.
    await journal.save(result);
    return result;
  }

  /**
   * A stage behind an approval gate: its stored result if it finished before; else, when this run was
   * resumed at its gate, the stage runs with `approval` in its input (approved) or is saved as failed
   * without a call (rejected, timed out); else the run suspends here and this resolves `undefined`.
   * Gates exist only with a store (the orchestrator refuses them without one).
   */
  async #callGated(name: string, input: StageInput, approval: StageApproval): Promise<AgentRunResult | undefined> {
    const journal = this.#journal;
    if (journal === undefined) throw new InvalidConfigError({ message: `Stage "${name}" has an approval gate: the run needs a store` });
    const prior = journal.prior.get(name);
    if (prior !== undefined) return prior;
    const gate = journal.gate;
    if (gate?.stage === name) {
      const { outcome } = gate;
      if (outcome.kind === 'approved') {
        const decided = {
          ...input,
          approval: outcome.note === undefined ? { approved: true as const } : { approved: true as const, note: outcome.note },
        };
        return this.#callJournaled(journal, { agentName: name, input: decided, stage: name });
      }
      const refused = refusedStageResult(name, outcome, journal.owner);
      await journal.save(refused);
      return refused;
    }
    // The first gate reached is the one the run waits at; a second one (another branch) asks on resume.
    this.#suspension ??= { stage: name, prompt: promptOf(approval, name, input), timeoutMs: approval.timeoutMs };
    return undefined;
  }

  #stageInput(plan: ExecutionPlan, index: number): StageInput {
    const previous: Record<string, unknown> = {};
    this.#addHead(previous);
    const results = this.#results;
    for (const source of plan.sources[index] as readonly number[]) {
      const result = results[source];
      if (result?.status === 'succeeded') setOutput(previous, plan.names[source] as string, result.output);
    }
    return { request: this.#request, previous };
  }

  #addHead(previous: Record<string, unknown>): void {
    if (this.#head?.status === 'succeeded') setOutput(previous, this.#headName, this.#head.output);
  }

  /** Records a path stage; true when its dependents may run (it succeeded, or failed with `continueOnError`). */
  #recordStage(plan: ExecutionPlan, index: number, result: AgentRunResult): boolean {
    this.#results[index] = this.#record(plan.names[index] as string, result);
    if (result.status === 'succeeded') return true;
    if (result.status === 'cancelled') return false;
    if (plan.continueOnError[index]) return true;
    this.#halted = true;
    return false;
  }

  /** Counts a result; a failure or timeout joins `failedStages`, a cancellation cancels the run. */
  #record(agentName: string, result: AgentRunResult): AgentRunResult {
    this.#called++;
    if (result.status === 'succeeded') this.#succeeded++;
    else if (result.status === 'cancelled') this.#cancelled = true;
    else this.#failedStages.push(agentName);
    return result;
  }

  /** Whether a ready stage may start now; seeing the caller's abort here cancels the run. */
  #mayStart(): boolean {
    if (this.#halted || this.#cancelled || this.#thrown !== undefined || this.#suspension !== undefined) return false;
    if (this.#options?.signal?.aborted === true) {
      this.#cancelled = true;
      return false;
    }
    return true;
  }

  /** Several stages may run at once: a controller of our own lets `fail` abort them, and follows the caller's signal. */
  #useOwnController(): void {
    const controller = new AbortController();
    const caller = this.#callerSignal;
    if (caller?.aborted === true) controller.abort(caller.reason);
    else if (caller !== undefined) {
      this.#forwardAbort = () => controller.abort(caller.reason);
      caller.addEventListener('abort', this.#forwardAbort, { once: true });
    }
    this.#controller = controller;
    this.#options = { signal: controller.signal };
  }
}
