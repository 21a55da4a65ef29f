import { randomUUID } from 'node:crypto';
import { InvalidConfigError, assertUserExecutionEngine, type UserExecutionEngine } from '@baton/engine-contract';
import { checkUserIsolation } from './check-user-isolation.js';
import { isWorkflowDefinition } from './define-workflow.js';
import { runWorkflow } from './run-workflow.js';
import { triageWorkflow } from './triage-workflow.js';
import type { WorkflowDefinition } from './workflow-definition.js';
import type { WorkflowResult } from './workflow-result.js';
import type { WorkflowRunOptions, WorkflowRunRequest } from './workflow-run-request.js';

/** What `new WorkflowOrchestrator(options)` accepts. */
export interface WorkflowOrchestratorOptions {
  /** A genuine engine from `createEngineFactory(...).createEngine(userContext)`; every stage runs on it. */
  engine: UserExecutionEngine;
  /** A definition made by `defineWorkflow`. Default: `triageWorkflow`. */
  workflow?: WorkflowDefinition;
  /** The clock for `durationMs` (epoch ms). Default: `Date.now`. Injected by tests. */
  now?: () => number;
}

const OPTION_KEYS = new Set(['engine', 'workflow', 'now']);

/**
 * Runs a triage-driven workflow for one user on that user's engine: triage, then the path it chose,
 * then the `finally` stage; emits `workflow_started`, `workflow_planned` and `workflow_completed`
 * through the engine.
 *
 * The engine is fixed at construction: `orchestrator.engine` is a getter without a setter on a frozen
 * instance, so assigning to it throws a `TypeError` (in strict mode), and runs use a private field,
 * so nothing done to the instance or its prototype can move a stage to another engine.
 * Not meant to be subclassed (the instance is frozen at the end of the constructor).
 * @example
 * const orchestrator = new WorkflowOrchestrator({ engine });
 * const result = await orchestrator.run({ input: { question: 'Why did sales drop?' } });
 */
export class WorkflowOrchestrator {
  readonly #engine: UserExecutionEngine;
  readonly #workflow: WorkflowDefinition;
  readonly #now: () => number;

  /**
   * @throws InvalidConfigError when `options` is not an object, has an unknown key, `workflow` was not
   * made by `defineWorkflow`, or `now` is not a function.
   * @throws EngineValidationError when `engine` is anything but an engine made by `@baton/engine-factory`
   * (look-alikes, proxies, legacy engines, `null`); the message says what was received and how to get one.
   */
  constructor(options: WorkflowOrchestratorOptions) {
    if (typeof options !== 'object' || options === null || Array.isArray(options)) {
      throw new InvalidConfigError({ message: 'WorkflowOrchestrator expects an options object { engine, workflow?, now? }' });
    }
    for (const key of Object.keys(options)) {
      if (!OPTION_KEYS.has(key)) {
        throw new InvalidConfigError({ message: `WorkflowOrchestrator: unknown option "${key}" (allowed: engine, workflow, now)` });
      }
    }
    const { engine, workflow, now } = options;
    // Identity-based brand check in the contract: no look-alike, Proxy or legacy engine passes.
    assertUserExecutionEngine(engine);
    if (workflow !== undefined && !isWorkflowDefinition(workflow)) {
      throw new InvalidConfigError({ message: 'WorkflowOrchestrator: workflow must be a definition made by defineWorkflow(...)' });
    }
    if (now !== undefined && typeof now !== 'function') {
      throw new InvalidConfigError({ message: 'WorkflowOrchestrator: now must be a function returning epoch milliseconds' });
    }
    this.#engine = engine;
    this.#workflow = workflow ?? triageWorkflow;
    this.#now = now ?? Date.now;
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
  get workflow(): WorkflowDefinition {
    return this.#workflow;
  }

  /**
   * Runs the workflow once for `input`. An agent's failure, timeout or cancellation shapes the result
   * (`status`, `stages`), it never throws.
   * @throws InvalidConfigError when `request` is not an object or `options.signal` is not an AbortSignal.
   * @throws UserIsolationError (`field`: `userId`, `threadId` or `runId`) when `userContext` belongs to
   * another user, thread or run than the engine; nothing is run or emitted then.
   * @throws InvalidUserContextError when `userContext` is given but is not an object.
   * @throws UnknownAgentError, EngineDisposedError, UserLimitExceededError when the engine refuses a stage
   * (a contract violation); the run's `workflow_completed` (status `failed`) is emitted first.
   */
  async run(request: WorkflowRunRequest, options: WorkflowRunOptions = {}): Promise<WorkflowResult> {
    if (typeof request !== 'object' || request === null) {
      throw new InvalidConfigError({ message: 'orchestrator.run expects a request object { input, userContext? }' });
    }
    if (typeof options !== 'object' || options === null) {
      throw new InvalidConfigError({ message: 'orchestrator.run expects options { signal? } as its second argument' });
    }
    const { signal } = options;
    if (signal !== undefined && !(signal instanceof AbortSignal)) {
      throw new InvalidConfigError({ message: 'orchestrator.run: signal must be an AbortSignal' });
    }
    checkUserIsolation(this.#engine.userContext, request.userContext);
    return runWorkflow({
      engine: this.#engine,
      workflow: this.#workflow,
      input: request.input,
      signal,
      now: this.#now,
      workflowId: randomUUID(),
    });
  }
}

/**
 * Same as `new WorkflowOrchestrator(options)`.
 * @throws InvalidConfigError, EngineValidationError as the constructor does.
 * @example
 * const orchestrator = createWorkflowOrchestrator({ engine, workflow: triageWorkflow });
 */
export function createWorkflowOrchestrator(options: WorkflowOrchestratorOptions): WorkflowOrchestrator {
  return new WorkflowOrchestrator(options);
}
