import { InvalidConfigError } from '@baton/engine-contract';
import type { StageApproval, StageSpec } from './workflow-definition.js';

/** A stage with its dependencies resolved. @internal */
export interface PlannedStage {
  readonly agent: string;
  readonly continueOnError: boolean;
  readonly approval: StageApproval | undefined;
  /** Resolved: the stages of the same path this one waits for (triage is implicit). */
  readonly dependsOn: readonly string[];
}

/** How messages name the stages being planned: a path of a triage workflow, or a linear workflow. @internal */
export interface PlanLabel {
  /** Starts each message: `Path "p"` or `Workflow "w"`. */
  readonly owner: string;
  /** Where dependencies must come from, for the unknown-dependency message. */
  readonly scope: string;
}

const PATH_SCOPE = 'dependencies must be stages of the same path; triage is implicit';

/**
 * Resolves a path's dependencies and orders its stages so that every stage comes after the ones it
 * depends on (stable: the listed order wherever dependencies allow it).
 * @throws InvalidConfigError for a duplicate stage, an unknown dependency or a cycle, naming the path.
 * @internal
 */
export function planPath(
  pathName: string,
  specs: readonly StageSpec[],
  label: PlanLabel = { owner: `Path "${pathName}"`, scope: PATH_SCOPE },
): readonly PlannedStage[] {
  const names = new Set<string>();
  for (const spec of specs) {
    if (names.has(spec.agent)) throw new InvalidConfigError({ message: `${label.owner} lists stage "${spec.agent}" twice` });
    names.add(spec.agent);
  }
  const stages = specs.map((spec, index): PlannedStage => {
    const previous = index > 0 ? specs[index - 1] : undefined;
    const dependsOn = spec.dependsOn === undefined ? (previous ? [previous.agent] : []) : [...new Set(spec.dependsOn)];
    for (const dependency of dependsOn) {
      if (!names.has(dependency)) {
        throw new InvalidConfigError({
          message: `${label.owner}: stage "${spec.agent}" depends on unknown stage "${dependency}" (${label.scope})`,
        });
      }
    }
    return Object.freeze({
      agent: spec.agent,
      continueOnError: spec.continueOnError === true,
      approval: spec.approval,
      dependsOn: Object.freeze(dependsOn),
    });
  });
  return Object.freeze(orderStages(label.owner, stages));
}

/** Kahn's algorithm, always taking the first listed stage whose dependencies are placed (stable). */
function orderStages(owner: string, stages: readonly PlannedStage[]): PlannedStage[] {
  const ordered: PlannedStage[] = [];
  const placed = new Set<string>();
  const remaining = [...stages];
  while (remaining.length > 0) {
    const index = remaining.findIndex((stage) => stage.dependsOn.every((dependency) => placed.has(dependency)));
    if (index === -1) {
      throw new InvalidConfigError({ message: `${owner} has a dependency cycle: ${findCycle(remaining).join(' → ')}` });
    }
    const [stage] = remaining.splice(index, 1) as [PlannedStage];
    ordered.push(stage);
    placed.add(stage.agent);
  }
  return ordered;
}

/** A cycle among stages none of which can be placed, as `a → b → a`. Every such stage waits on another one of them. */
function findCycle(stuck: readonly PlannedStage[]): string[] {
  const byName = new Map(stuck.map((stage) => [stage.agent, stage]));
  const first = stuck[0] as PlannedStage;
  const seen: string[] = [];
  let current: PlannedStage = first;
  // Each stuck stage has a dependency that is stuck too, so following one always loops back.
  while (!seen.includes(current.agent)) {
    seen.push(current.agent);
    const next = current.dependsOn.find((dependency) => byName.has(dependency)) as string;
    current = byName.get(next) as PlannedStage;
  }
  return [...seen.slice(seen.indexOf(current.agent)), current.agent];
}
