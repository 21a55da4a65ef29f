import { randomUUID } from 'node:crypto';
import {
  assertUserExecutionEngine,
  InvalidConfigError,
  isAbortSignal,
  RunNotResumableError,
  type RunStore,
  type UserExecutionEngine,
} from '@baton/engine-contract';
import { claimActiveRun, releaseActiveRun } from './active-runs.js';
import { approvalStagesOf, checkDecision, gateDecisionOf } from './approval-gate.js';
import { checkUserIsolation } from './check-user-isolation.js';
import { isWorkflowDefinition } from './define-workflow.js';
import { checkResumable } from './resume-checks.js';
import { createRunJournal } from './run-journal.js';
import { checkRunStore } from './run-store-option.js';
import { runWorkflow } from './run-workflow.js';
import { triageWorkflow } from './triage-workflow.js';
import type { WorkflowDefinition } from './workflow-definition.js';
import type { WorkflowResult } from './workflow-result.js';
import type { WorkflowResumeOptions, WorkflowRunOptions, WorkflowRunRequest } from './workflow-run-request.js';

/** What `new WorkflowOrchestrator(options)` accepts. `TOutput`: the workflow's output type. */
export interface WorkflowOrchestratorOptions<TOutput = unknown> {
  /** A genuine engine from `createEngineFactory(...).createEngine(userContext)`; every stage runs on it. */
  engine: UserExecutionEngine;
  /** A definition made by `defineWorkflow` (its output type becomes `run`'s). Default: `triageWorkflow`. */
  workflow?: WorkflowDefinition<TOutput>;
  /**
   * Where runs are recorded, so that they can be resumed after a crash (`resume`) and listed
   * (`store.listRuns`): `new InMemoryRunStore()`, `createRedisRunStore(...)` from `@baton/redis`.
   * Without one, nothing is recorded and a run costs what it always did.
   */
  store?: RunStore;
  /** The clock for `durationMs` (epoch ms). Default: `Date.now`. Injected by tests. */
  now?: () => number;
}

const OPTION_KEYS = new Set(['engine', 'workflow', 'store', 'now']);
// Ids end up in Redis keys, BullMQ job ids and log lines: a bound keeps one request from bloating them.
const MAX_WORKFLOW_ID_LENGTH = 256;

/**
 * Runs a workflow for one user on that user's engine: a linear one's stages, or triage, then the path
 * it chose; then the `finally` stage. Emits `workflow_started`, `workflow_planned` and
 * `workflow_completed` through the engine. `TOutput` is the workflow's output type (inferred from
 * `options.workflow`), the type of `result.output`.
 *
 * The engine is fixed at construction: `orchestrator.engine` is a getter without a setter on a frozen
 * instance, so assigning to it throws a `TypeError` (in strict mode), and runs use a private field,
 * so nothing done to the instance or its prototype can move a stage to another engine.
 * Not meant to be subclassed (the instance is frozen at the end of the constructor).
 * @example
 * const orchestrator = new WorkflowOrchestrator({ engine });
 * const result = await orchestrator.run({ input: { question: 'Why did sales drop?' } });
 * const article = await new WorkflowOrchestrator({ engine, workflow: articleWorkflow }).run({ input: 'tides' });
 * article.output; // typed by the workflow's last stage
 */
export class WorkflowOrchestrator<TOutput = unknown> {
  readonly #engine: UserExecutionEngine;
  readonly #workflow: WorkflowDefinition<TOutput>;
  readonly #now: () => number;
  readonly #store: RunStore | undefined;

  /**
   * @throws InvalidConfigError when `options` is not an object, has an unknown key, `workflow` was not
   * made by `defineWorkflow`, `store` is not a `RunStore`, `now` is not a function, or the workflow
   * has approval stages and there is no `store` (a decision may come after a restart).
   * @throws EngineValidationError when `engine` is anything but an engine made by `@baton/engine-factory`
   * (look-alikes, proxies, legacy engines, `null`); the message says what was received and how to get one.
   */
  constructor(options: WorkflowOrchestratorOptions<TOutput>) {
    if (typeof options !== 'object' || options === null || Array.isArray(options)) {
      throw new InvalidConfigError({ message: 'WorkflowOrchestrator expects an options object { engine, workflow?, store?, now? }' });
    }
    for (const key of Object.keys(options)) {
      if (!OPTION_KEYS.has(key)) {
        throw new InvalidConfigError({ message: `WorkflowOrchestrator: unknown option "${key}" (allowed: engine, workflow, store, now)` });
      }
    }
    const { engine, workflow, store, now } = options;
    // Identity-based brand check in the contract: no look-alike, Proxy or legacy engine passes.
    assertUserExecutionEngine(engine);
    if (workflow !== undefined && !isWorkflowDefinition(workflow)) {
      throw new InvalidConfigError({ message: 'WorkflowOrchestrator: workflow must be a definition made by defineWorkflow(...)' });
    }
    if (now !== undefined && typeof now !== 'function') {
      throw new InvalidConfigError({ message: 'WorkflowOrchestrator: now must be a function returning epoch milliseconds' });
    }
    this.#engine = engine;
    // Without a workflow there is nothing to infer TOutput from: it stays `unknown`, triageWorkflow's type.
    this.#workflow = workflow ?? (triageWorkflow as WorkflowDefinition<TOutput>);
    this.#now = now ?? Date.now;
    this.#store = store === undefined ? undefined : checkRunStore(store);
    const gated = approvalStagesOf(this.#workflow);
    if (this.#store === undefined && gated.length > 0) {
      throw new InvalidConfigError({
        message:
          `WorkflowOrchestrator: workflow "${this.#workflow.id}" has approval stages (${gated.join(', ')}), which wait for a ` +
          'decision across restarts: give it a store (new WorkflowOrchestrator({ engine, workflow, store }))',
      });
    }
    Object.freeze(this);
  }

  /** The engine every stage runs on. Read-only: assigning to it throws a `TypeError`. */
  get engine(): UserExecutionEngine {
    return this.#engine;
  }

  // A getter alone makes assignment throw only in strict-mode code; sloppy scripts would fail silently.
  set engine(_engine: unknown) {
    throw new TypeError('WorkflowOrchestrator.engine is read-only: create a new orchestrator for another engine');
  }

  /** The workflow this orchestrator runs. */
  get workflow(): WorkflowDefinition<TOutput> {
    return this.#workflow;
  }

  /** The store runs are recorded in; `undefined` without one. */
  get store(): RunStore | undefined {
    return this.#store;
  }

  /**
   * Runs the workflow once for `input`. An agent's failure, timeout or cancellation shapes the result
   * (`status`, `stages`), it never throws.
   * @throws InvalidConfigError when `request` is not an object, `options.signal` is not an AbortSignal or
   * `options.workflowId` is not a non-empty string (at most 256 characters).
   * @throws UserIsolationError (`field`: `userId`, `threadId` or `runId`) when `userContext` belongs to
   * another user, thread or run than the engine; nothing is run or emitted then.
   * @throws InvalidUserContextError when `userContext` is given but is not an object.
   * @throws UnknownAgentError, EngineDisposedError, UserLimitExceededError when the engine refuses a stage
   * (a contract violation); the run's `workflow_completed` (status `failed`) is emitted first.
   * @throws RunInterruptedError, with a store, when `options.signal` is aborted with one: the run is
   * recorded `interrupted` (see `resume`) and emits no `workflow_completed`.
   * @throws the store's error (e.g. `RunRecordRejectedError`) when it refuses a write: from `create`,
   * before anything runs or is emitted; later, after `workflow_completed` (status `failed`).
   */
  run(request: WorkflowRunRequest, options: WorkflowRunOptions = {}): Promise<WorkflowResult<TOutput>> {
    // Not `async`: the run's own promise is returned as is (an async wrapper would add promise hops to
    // every run); a refused request still rejects rather than throws.
    let signal: AbortSignal | undefined;
    try {
      signal = this.#checkRequest(request, options);
    } catch (error) {
      return Promise.reject(error);
    }
    const workflowId = options.workflowId ?? randomUUID();
    const result =
      this.#store === undefined
        ? runWorkflow({ engine: this.#engine, workflow: this.#workflow, input: request.input, signal, now: this.#now, workflowId })
        : this.#runRecorded(this.#store, request.input, signal, workflowId);
    // The definition's type parameter is the promise `defineWorkflow` made about its last stage's output.
    return result as Promise<WorkflowResult<TOutput>>;
  }

  /**
   * Continues a run recorded in the store: a `running` one (its process died: the caller vouches for
   * that), an `interrupted` or a `suspended` one. Stages whose stored result finished (`succeeded`,
   * `failed`, `timed_out`) are not called again and their outputs feed `previous`; the rest run as
   * planned: a stage that had started but not finished when its process died runs again
   * (at-least-once per stage, exactly-once per finished stage). The run's first event is
   * `workflow_resumed`; its input is the stored one; `durationMs` counts this process's part.
   *
   * A `suspended` run continues with `options.decision`: approved, the gated stage runs with
   * `approval: { approved: true, note? }` in its input; rejected, it fails with `APPROVAL_REJECTED`
   * without being called. Once the suspension's `expiresAt` has passed (on this orchestrator's clock),
   * the stage fails with `APPROVAL_TIMEOUT` instead, with or without a decision: that is how a sweep
   * of expired runs resumes them. The store's compare-and-set lets exactly one of two racing resumes
   * of a run through.
   * @throws InvalidConfigError without a store, or for a bad `workflowId`, `options` or `decision`.
   * @throws RunNotFoundError when the store has no such run (never recorded, expired, evicted).
   * @throws UserIsolationError when the run belongs to another user than the engine's.
   * @throws RunNotResumableError when the run has finished, is already running in this process, was
   * made by another workflow, was taken by another resume first, `decision` is given for a run that is
   * not suspended, or a suspended run that has not expired is resumed without one.
   * @example
   * const result = await new WorkflowOrchestrator({ engine, workflow, store }).resume(workflowId);
   */
  resume(workflowId: string, options: WorkflowResumeOptions = {}): Promise<WorkflowResult<TOutput>> {
    const store = this.#store;
    if (store === undefined) {
      return Promise.reject(
        new InvalidConfigError({ message: 'orchestrator.resume needs a store: new WorkflowOrchestrator({ engine, workflow, store })' }),
      );
    }
    if (typeof workflowId !== 'string' || workflowId.length === 0) {
      return Promise.reject(new InvalidConfigError({ message: "orchestrator.resume expects the run's workflowId (a non-empty string)" }));
    }
    if (typeof options !== 'object' || options === null) {
      return Promise.reject(new InvalidConfigError({ message: 'orchestrator.resume expects options { decision?, signal? }' }));
    }
    if (options.signal !== undefined && !isAbortSignal(options.signal)) {
      return Promise.reject(new InvalidConfigError({ message: 'orchestrator.resume: signal must be an AbortSignal' }));
    }
    if (options.decision !== undefined) {
      try {
        checkDecision(options.decision);
      } catch (error) {
        return Promise.reject(error);
      }
    }
    return this.#resume(store, workflowId, options) as Promise<WorkflowResult<TOutput>>;
  }

  async #runRecorded(store: RunStore, input: unknown, signal: AbortSignal | undefined, workflowId: string): Promise<WorkflowResult> {
    const { userId, threadId, runId } = this.#engine.userContext;
    // Claimed before the record exists: once `listRuns` can show it, a `resume` in this process is refused.
    claimActiveRun(store, workflowId);
    try {
      // Written before anything is emitted or run: a run the store refuses leaves no trace.
      await store.create({ workflowId, workflowName: this.#workflow.id, userId, threadId, runId, input });
      const journal = createRunJournal(store, { workflowId, runId, requestId: this.#engine.userContext.requestId });
      return await runWorkflow({ engine: this.#engine, workflow: this.#workflow, input, signal, now: this.#now, workflowId, journal });
    } finally {
      releaseActiveRun(store, workflowId);
    }
  }

  async #resume(store: RunStore, workflowId: string, options: WorkflowResumeOptions): Promise<WorkflowResult> {
    const record = checkResumable(await store.get(workflowId), {
      store,
      workflowId,
      userId: this.#engine.userContext.userId,
      workflowName: this.#workflow.id,
    });
    const gate = gateDecisionOf(record, options.decision, this.#now());
    // No await between the check in checkResumable and this claim: no second resume can slip in.
    if (!claimActiveRun(store, workflowId)) {
      throw new RunNotResumableError({ message: `Run ${workflowId} is already running in this process` });
    }
    try {
      // Compare-and-set: of two processes resuming one run (two decisions, a decision and a timeout
      // sweep), the store lets exactly one through; the other gets RunNotResumableError here.
      await store.markRunning(workflowId, { from: record.status });
      const { runId, requestId } = this.#engine.userContext;
      const journal = createRunJournal(store, { workflowId, runId, requestId, stored: record.stages, gate });
      const { signal } = options;
      return await runWorkflow({
        engine: this.#engine,
        workflow: this.#workflow,
        input: record.input,
        signal,
        now: this.#now,
        workflowId,
        journal,
      });
    } finally {
      releaseActiveRun(store, workflowId);
    }
  }

  /** The checks of `run`, before anything runs or is emitted; returns the caller's signal. */
  #checkRequest(request: WorkflowRunRequest, options: WorkflowRunOptions): AbortSignal | undefined {
    if (typeof request !== 'object' || request === null) {
      throw new InvalidConfigError({ message: 'orchestrator.run expects a request object { input, userContext? }' });
    }
    if (typeof options !== 'object' || options === null) {
      throw new InvalidConfigError({ message: 'orchestrator.run expects options { signal?, workflowId? } as its second argument' });
    }
    const { signal, workflowId } = options;
    if (signal !== undefined && !isAbortSignal(signal)) {
      throw new InvalidConfigError({ message: 'orchestrator.run: signal must be an AbortSignal' });
    }
    if (
      workflowId !== undefined &&
      (typeof workflowId !== 'string' || workflowId.length === 0 || workflowId.length > MAX_WORKFLOW_ID_LENGTH)
    ) {
      throw new InvalidConfigError({
        message: `orchestrator.run: workflowId must be a non-empty string of at most ${MAX_WORKFLOW_ID_LENGTH} characters`,
      });
    }
    checkUserIsolation(this.#engine.userContext, request.userContext);
    return signal;
  }
}

/**
 * Same as `new WorkflowOrchestrator(options)`.
 * @throws InvalidConfigError, EngineValidationError as the constructor does.
 * @example
 * const orchestrator = createWorkflowOrchestrator({ engine, workflow: triageWorkflow });
 */
export function createWorkflowOrchestrator<TOutput = unknown>(
  options: WorkflowOrchestratorOptions<TOutput>,
): WorkflowOrchestrator<TOutput> {
  return new WorkflowOrchestrator(options);
}
