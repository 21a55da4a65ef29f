import type { OpenWorkflow } from './open-span-table.js';

/**
 * The open workflow runs of each engine: where an agent call's span finds its parent. Agent events
 * carry their `stage` and `engineId` but not the workflow id, so a stage call belongs to the open run of
 * its engine. An engine usually runs one workflow at a time; when it runs several, the newest run whose
 * plan lists the stage wins, else the newest run not planned yet (triage runs before the plan is known).
 * @internal
 */
export class WorkflowsByEngine {
  readonly #byEngine = new Map<string, OpenWorkflow[]>();

  /** Registers an open run. */
  add(workflow: OpenWorkflow): void {
    const runs = this.#byEngine.get(workflow.engineId);
    if (runs === undefined) this.#byEngine.set(workflow.engineId, [workflow]);
    else runs.push(workflow);
  }

  /** Forgets a run (ended, suspended or abandoned); nothing happens for an unknown one. */
  remove(workflow: OpenWorkflow): void {
    const runs = this.#byEngine.get(workflow.engineId);
    if (runs === undefined) return;
    const index = runs.indexOf(workflow);
    if (index !== -1) runs.splice(index, 1);
    if (runs.length === 0) this.#byEngine.delete(workflow.engineId);
  }

  /** The open run a call of `stage` on `engineId` belongs to, if any. */
  find(engineId: string, stage: string): OpenWorkflow | undefined {
    const runs = this.#byEngine.get(engineId);
    if (runs === undefined) return undefined;
    if (runs.length === 1) return runs[0];
    for (let index = runs.length - 1; index >= 0; index--) {
      if (runs[index]!.stages?.includes(stage) === true) return runs[index];
    }
    for (let index = runs.length - 1; index >= 0; index--) {
      if (runs[index]!.stages === undefined) return runs[index];
    }
    return runs[runs.length - 1];
  }

  /** How many engines have an open run (for tests: the index must empty with the table). */
  get engines(): number {
    return this.#byEngine.size;
  }
}
