/**
 * What every stage's agent receives as its input.
 * @example
 * const reporting = defineAgent({ name: 'reporting', run: (input: StageInput) => summarise(input.previous, input.failedStages) });
 */
export interface StageInput {
  /** The `input` given to `orchestrator.run`, unchanged. */
  readonly request: unknown;
  /**
   * Outputs of the earlier stages this stage builds on, keyed by agent name: triage (when it
   * succeeded) and the stage's succeeded dependencies, direct and transitive. `{}` for triage.
   * The `finally` stage gets the output of every stage that succeeded.
   */
  readonly previous: Readonly<Record<string, unknown>>;
  /**
   * Only for the workflow's `finally` stage: the stages (triage included) that failed or timed out,
   * in the order they finished.
   */
  readonly failedStages?: readonly string[];
}
