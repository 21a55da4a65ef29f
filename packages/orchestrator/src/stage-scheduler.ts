import type { AgentRunStatus } from '@baton/engine-contract';
import type { PlannedStage } from './stage-plan.js';

/** Where a stage of a run stands: not started, running, or how its call ended. @internal */
export type StageState = 'pending' | 'running' | AgentRunStatus;

/**
 * The stages that may start now: pending, and every dependency either succeeded or ended
 * failed/timed out while marked `continueOnError`. Pure; returned in plan order.
 * A cancelled dependency never satisfies a stage (cancellation stops the workflow).
 * @internal
 */
export function readyStages(plan: readonly PlannedStage[], states: ReadonlyMap<string, StageState>): PlannedStage[] {
  const byName = new Map(plan.map((stage) => [stage.agent, stage]));
  const satisfied = (dependency: string): boolean => {
    const state = states.get(dependency);
    if (state === 'succeeded') return true;
    return (state === 'failed' || state === 'timed_out') && byName.get(dependency)?.continueOnError === true;
  };
  return plan.filter((stage) => (states.get(stage.agent) ?? 'pending') === 'pending' && stage.dependsOn.every(satisfied));
}

/** The stage and every stage it depends on, directly or transitively (excluding itself). @internal */
export function transitiveDependencies(plan: readonly PlannedStage[], agent: string): Set<string> {
  const byName = new Map(plan.map((stage) => [stage.agent, stage]));
  const found = new Set<string>();
  const visit = (name: string): void => {
    for (const dependency of byName.get(name)?.dependsOn ?? []) {
      if (found.has(dependency)) continue;
      found.add(dependency);
      visit(dependency);
    }
  };
  visit(agent);
  return found;
}
