/**
 * One stage of a workflow path: the agent it runs and when it may start.
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
   * first stage waits for triage only). `[]`: it may start as soon as triage is done.
   */
  readonly dependsOn?: readonly string[];
}

/** Picks the path from the triage agent's output; a name that is not a path (or a throw) selects `fallback`. */
export type WorkflowClassifier = (triageOutput: unknown) => string | undefined;

/** What `defineWorkflow` accepts. */
export interface WorkflowDefinitionInput {
  /** The workflow's name: `workflowName` of the result and of `workflow_started`. 1 to 128 of `[A-Za-z0-9_.:-]`. */
  id: string;
  /** The agent that runs first and whose output `classify` reads. Default `'triage'`. */
  triage?: string;
  /** Picks the path from triage's output. Synchronous; a returned non-path name or a throw selects `fallback`. */
  classify: WorkflowClassifier;
  /** The paths by name; each is a non-empty list of stages that does not include triage or `finally`. */
  paths: Readonly<Record<string, readonly StageSpec[]>>;
  /** The path used when `classify` returns an unknown name or throws, or when triage failed or timed out. */
  fallback: string;
  /**
   * A stage appended to every path that runs after the path, even after a failure (not after a
   * cancellation), and gets `failedStages` in its input. Default: none.
   */
  finally?: string;
}

/** A validated, deeply frozen workflow made by `defineWorkflow`. */
export interface WorkflowDefinition {
  /** The workflow's name. */
  readonly id: string;
  /** The agent that runs first (defaults applied). */
  readonly triage: string;
  /** Picks the path from triage's output. */
  readonly classify: WorkflowClassifier;
  /** The paths by name, as given (frozen copies). */
  readonly paths: Readonly<Record<string, readonly StageSpec[]>>;
  /** The path used when classification is impossible. */
  readonly fallback: string;
  /** The stage that runs after every path, if any. */
  readonly finally?: string;
}
