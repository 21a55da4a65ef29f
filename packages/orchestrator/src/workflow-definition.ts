/**
 * One stage of a workflow: the agent it runs and when it may start.
 * @see defineWorkflow
 */
export interface StageSpec {
  /** The agent to run; also the stage's name (unique within its path, and the key of its output in `previous`). */
  readonly agent: string;
  /**
   * When true, a failure or timeout of this stage does not stop the workflow: its dependents still run
   * (without its output in `previous`). The workflow's `status` is still `'failed'`. Default false.
   */
  readonly continueOnError?: boolean;
  /**
   * The stages of the same path this one waits for. Omitted: the stage before it in the path (the
   * first stage waits for triage only). `[]`: it may start as soon as triage is done (at once in a
   * linear workflow).
   */
  readonly dependsOn?: readonly string[];
  /**
   * A person must approve before this stage runs (needs an orchestrator with a `store`). When the stage
   * is ready, the run emits `workflow_suspended`, records the suspension and resolves with
   * `status: 'suspended'`; `orchestrator.resume(workflowId, { decision })` continues it.
   */
  readonly approval?: StageApproval;
}

/** What a stage with an approval gate asks, and for how long. */
export interface StageApproval {
  /** The question for the person deciding; a function gets the stage's input (`{ request, previous }`). */
  readonly prompt: string | ((input: { request: unknown; previous: Record<string, unknown> }) => string);
  /** How long the decision may take (ms); later, the stage fails with `APPROVAL_TIMEOUT`. Default: no limit. */
  readonly timeoutMs?: number;
}

/** Picks the path from the triage agent's output; a name that is not a path (or a throw) selects `fallback`. */
export type WorkflowClassifier = (triageOutput: unknown) => string | undefined;

/** What `defineWorkflow` accepts in its triage form (its linear form: `LinearWorkflowDefinitionInput`). */
export interface WorkflowDefinitionInput {
  /** The workflow's name: `workflowName` of the result and of `workflow_started`. 1 to 128 of `[A-Za-z0-9_.:-]`. */
  id: string;
  /** The agent that runs first and whose output `classify` reads. Default `'triage'`. */
  triage?: string;
  /** Picks the path from triage's output. Synchronous; a returned non-path name or a throw selects `fallback`. */
  classify: WorkflowClassifier;
  /**
   * The paths by name; each is a non-empty list of stages that does not include triage. It may end
   * with the `finally` stage (as the table of `triageWorkflow` reads); that stage still runs once, as
   * the `finally` stage. Listed anywhere else, it is refused.
   */
  paths: Readonly<Record<string, readonly StageSpec[]>>;
  /** The path used when `classify` returns an unknown name or throws, or when triage failed or timed out. */
  fallback: string;
  /**
   * A stage appended to every path that runs after the path, even after a failure (not after a
   * cancellation), and gets `failedStages` in its input. Default: none.
   */
  finally?: string;
  /** The linear form's option is refused here: the two forms do not mix. */
  stages?: never;
}

/** The path name of every run of a linear workflow (`path` in `workflow_planned`, `workflow_completed` and the result). */
export const LINEAR_WORKFLOW_PATH = 'main';

// Type-only: carries a definition's output type to `WorkflowOrchestrator.run`. Never set at run time.
declare const workflowOutput: unique symbol;

/** What every workflow definition has, whatever its form. */
export interface WorkflowDefinitionBase<TOutput = unknown> {
  /** The workflow's name. */
  readonly id: string;
  /** The stage that runs after every path (or after the stages of a linear workflow), if any. */
  readonly finally?: string;
  /**
   * Type-level only, never present: the type of `WorkflowResult.output` for runs of this definition.
   * @internal
   */
  readonly [workflowOutput]?: TOutput;
}

/** A validated, deeply frozen triage-form workflow made by `defineWorkflow({ id, classify, paths, fallback })`. */
export interface TriageWorkflowDefinition<TOutput = unknown> extends WorkflowDefinitionBase<TOutput> {
  /** The agent that runs first (defaults applied). */
  readonly triage: string;
  /** Picks the path from triage's output. */
  readonly classify: WorkflowClassifier;
  /** The paths by name, as given (frozen copies). */
  readonly paths: Readonly<Record<string, readonly StageSpec[]>>;
  /** The path used when classification is impossible. */
  readonly fallback: string;
}

/**
 * A validated, deeply frozen linear workflow made by `defineWorkflow({ id, stages, finally? })`: no
 * triage, one path (`LINEAR_WORKFLOW_PATH`). Agents given as definitions are stored by name.
 */
export interface LinearWorkflowDefinition<TOutput = unknown> extends WorkflowDefinitionBase<TOutput> {
  /** The stages, as given (frozen copies, agents by name). */
  readonly stages: readonly StageSpec[];
}

/**
 * A validated, deeply frozen workflow made by `defineWorkflow`, in either form. `TOutput` is the type
 * of `WorkflowResult.output` (typed for linear workflows whose last stage, or `finally`, is an agent
 * definition; `unknown` otherwise). Tell the forms apart with `'stages' in definition`.
 */
export type WorkflowDefinition<TOutput = unknown> = TriageWorkflowDefinition<TOutput> | LinearWorkflowDefinition<TOutput>;

/** True for the linear form. @internal */
export function isLinearWorkflow(workflow: WorkflowDefinition): workflow is LinearWorkflowDefinition {
  return Object.hasOwn(workflow, 'stages');
}
