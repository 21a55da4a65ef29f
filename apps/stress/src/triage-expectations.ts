import type { AgentRunStatus } from '@baton/engine-contract';
import type { PlannedSufficiency } from './workload-plan.js';

/** The stages `triageWorkflow` plans for each path, triage first and `reporting` (its `finally`) last. */
export const TRIAGE_PATH_STAGES: Readonly<Record<string, readonly string[]>> = Object.freeze({
  sufficient: ['triage', 'data', 'optimization', 'actions', 'reporting'],
  partial: ['triage', 'data_helper', 'data', 'reporting'],
  insufficient: ['triage', 'data_helper', 'reporting'],
  fallback: ['triage', 'data_helper', 'reporting'],
});

/** The path the orchestrator must choose after triage ended with `triageStatus`. */
export function expectedPath(triageStatus: AgentRunStatus, sufficiency: PlannedSufficiency): string {
  if (triageStatus === 'cancelled') return '';
  if (triageStatus !== 'succeeded') return 'fallback';
  return sufficiency === 'bogus' ? 'fallback' : sufficiency;
}

/**
 * Checks the called stages against the path's plan: triage, then the path in order until a stage
 * fails (halt) or is cancelled (stop), then `reporting` unless cancelled. Returns what is wrong, or
 * `undefined`, plus whether the sequence ended early without a failure (an abort between stages).
 */
export function checkStageSequence(
  planned: readonly string[],
  called: ReadonlyArray<{ agentName: string; status: AgentRunStatus }>,
): { problem?: string; cutShort: boolean } {
  const finallyStage = planned[planned.length - 1]!;
  let position = 0;
  let halted = false;
  for (const [index, stage] of called.entries()) {
    if (index > 0 && called[index - 1]!.status === 'cancelled') {
      return { problem: `stage ${stage.agentName} was called after a cancelled stage`, cutShort: false };
    }
    const expected = halted ? finallyStage : planned[position];
    if (stage.agentName !== expected) {
      return {
        problem: `stage #${index} is ${stage.agentName}, expected ${String(expected)} (called ${called.map((s) => s.agentName).join(',')})`,
        cutShort: false,
      };
    }
    if (halted) {
      if (index !== called.length - 1)
        return { problem: `stages after the finally stage: ${called.map((s) => s.agentName).join(',')}`, cutShort: false };
      break;
    }
    position++;
    // Triage's failure picks the fallback path; a path stage's failure halts the path.
    if (index > 0 && (stage.status === 'failed' || stage.status === 'timed_out')) halted = true;
  }
  const last = called[called.length - 1];
  const complete = last !== undefined && last.agentName === finallyStage && (halted || position === planned.length);
  return { cutShort: !complete };
}
