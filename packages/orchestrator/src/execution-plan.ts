import { type PlanLabel, planPath } from './stage-plan.js';
import { isLinearWorkflow, type StageApproval, type StageSpec, type WorkflowDefinition } from './workflow-definition.js';

/**
 * Everything a run needs to schedule one path, computed once per definition and path: stages by
 * position (plan order), so that a run keeps results in an array and never searches by name.
 * @internal
 */
export interface ExecutionPlan {
  /** The path's name (`LINEAR_WORKFLOW_PATH` for a linear workflow). */
  readonly path: string;
  /** The agent run before the path (triage), whose output every stage's `previous` holds; none for a linear workflow. */
  readonly head: string | undefined;
  /** The path's stages in plan order (dependencies first; the listed order where they allow), `finally` excluded. */
  readonly names: readonly string[];
  /** Per stage: whether a failure or timeout lets its dependents run anyway. */
  readonly continueOnError: readonly boolean[];
  /** Per stage: its approval gate, if it has one. */
  readonly approvals: readonly (StageApproval | undefined)[];
  /** Per stage: how many direct dependencies it waits for. */
  readonly dependencyCounts: readonly number[];
  /** Per stage: the stages that wait for it directly, ascending. */
  readonly dependents: readonly (readonly number[])[];
  /** Per stage: its direct and transitive dependencies, ascending: the outputs its `previous` may hold. */
  readonly sources: readonly (readonly number[])[];
  /** The stages without dependencies, ascending: they start first. */
  readonly roots: readonly number[];
  /**
   * True when every stage depends on the one before it in plan order: then at most one stage runs at
   * a time, and the run takes a plain loop instead of the scheduler.
   */
  readonly sequential: boolean;
  /** The stage that runs after the path, if any. */
  readonly finallyStage: string | undefined;
  /** `stages` of `workflow_planned`: head, the path in plan order, then `finally`. Frozen. */
  readonly plannedStages: readonly string[];
}

/** What `compilePlan` needs besides the stages. @internal */
export interface PlanOptions {
  /** The path's name. */
  readonly path: string;
  /** The agent that runs before the path (triage), or `undefined` (a linear workflow). */
  readonly head: string | undefined;
  /** The definition's `finally` stage, if any. */
  readonly finallyStage: string | undefined;
  /** How validation messages name the stages (defaults to `Path "<path>"`). */
  readonly label?: PlanLabel;
}

/**
 * Validates and compiles a path. A trailing entry naming the `finally` stage is not part of the path:
 * it runs once, as `finally` (`defineWorkflow` refuses it anywhere else).
 * @throws InvalidConfigError for a duplicate stage, an unknown dependency or a cycle.
 * @internal
 */
export function compilePlan(specs: readonly StageSpec[], options: PlanOptions): ExecutionPlan {
  const { path, head, finallyStage } = options;
  const listed = finallyStage !== undefined && specs.at(-1)?.agent === finallyStage ? specs.slice(0, -1) : specs;
  const ordered = planPath(path, listed, options.label);
  const position = new Map(ordered.map((stage, index) => [stage.agent, index]));
  const dependencies = ordered.map((stage) => stage.dependsOn.map((name) => position.get(name) as number).sort((a, b) => a - b));
  const dependents: number[][] = ordered.map(() => []);
  dependencies.forEach((direct, index) => {
    for (const dependency of direct) (dependents[dependency] as number[]).push(index);
  });
  // Plan order puts every dependency first, so one pass builds each closure from its dependencies' closures.
  const sources: (readonly number[])[] = [];
  for (const direct of dependencies) {
    const found = new Set<number>();
    for (const dependency of direct) {
      found.add(dependency);
      for (const transitive of sources[dependency] as readonly number[]) found.add(transitive);
    }
    sources.push(Object.freeze([...found].sort((a, b) => a - b)));
  }
  const names = ordered.map((stage) => stage.agent);
  return Object.freeze({
    path,
    head,
    names: Object.freeze(names),
    continueOnError: Object.freeze(ordered.map((stage) => stage.continueOnError)),
    approvals: Object.freeze(ordered.map((stage) => stage.approval)),
    dependencyCounts: Object.freeze(dependencies.map((direct) => direct.length)),
    dependents: Object.freeze(dependents.map((list) => Object.freeze(list))),
    sources: Object.freeze(sources),
    roots: Object.freeze(dependencies.flatMap((direct, index) => (direct.length === 0 ? [index] : []))),
    sequential: dependencies.every((direct, index) => (index === 0 ? direct.length === 0 : direct.includes(index - 1))),
    finallyStage,
    plannedStages: Object.freeze([...(head === undefined ? [] : [head]), ...names, ...(finallyStage === undefined ? [] : [finallyStage])]),
  });
}

// Keyed by the frozen stage array of a definition: each belongs to exactly one definition, whose head
// and finally never change, so a plan computed once serves every run. Weak: definitions can be collected.
const plans = new WeakMap<readonly StageSpec[], ExecutionPlan>();

/**
 * The plan of `specs`, compiled on first use and cached. `defineWorkflow` calls it for every path, so
 * that a definition is validated once and its runs only look their plan up.
 * @throws InvalidConfigError as `compilePlan`.
 * @internal
 */
export function planFor(specs: readonly StageSpec[], options: PlanOptions): ExecutionPlan {
  let plan = plans.get(specs);
  if (plan === undefined) {
    plan = compilePlan(specs, options);
    plans.set(specs, plan);
  }
  return plan;
}

/** `label` of a linear workflow's plan: its messages name the workflow, not a path. @internal */
export function linearPlanLabel(workflowId: string): PlanLabel {
  return { owner: `Workflow "${workflowId}"`, scope: 'dependencies must be stages of the same workflow' };
}

/**
 * The plan of a path of a definition: a cache lookup, except for a definition made by another copy
 * of this package (the ESM and the CJS build), compiled on its first run here.
 * @internal
 */
export function planOf(workflow: WorkflowDefinition, path: string): ExecutionPlan {
  const linear = isLinearWorkflow(workflow);
  const specs = linear ? workflow.stages : (workflow.paths[path] as readonly StageSpec[]);
  return (
    plans.get(specs) ??
    planFor(specs, {
      path,
      head: linear ? undefined : workflow.triage,
      finallyStage: workflow.finally,
      ...(linear ? { label: linearPlanLabel(workflow.id) } : {}),
    })
  );
}
