import type { AnyAgentDefinition } from '@baton/engine-contract';
import type { AgentName, AgentOutput } from './linear-workflow-input.js';

type AgentsIn<TPrevious> = TPrevious extends readonly unknown[] ? TPrevious[number] : TPrevious;

/**
 * The type of `StageInput<Previous>['previous']`: for agent definitions, their outputs keyed by their
 * names; for a record type, that record; without an argument, any outputs by name.
 */
export type StagePrevious<TPrevious> = string extends keyof TPrevious
  ? Readonly<TPrevious>
  : [AgentsIn<TPrevious>] extends [AnyAgentDefinition]
    ? { readonly [TAgent in AgentsIn<TPrevious> as AgentName<TAgent>]: AgentOutput<TAgent> }
    : Readonly<TPrevious>;

/**
 * What every stage's agent receives as its input.
 *
 * `Previous` types `previous`: an agent definition (`StageInput<typeof research>`), a list of them
 * (`StageInput<[typeof research, typeof sources]>`) or a record (`StageInput<{ research: Facts }>`).
 * Definitions made by `defineAgent` with a literal name and an `output` schema (or a typed `run`) give
 * `previous.research` their output type. It is a promise of the workflow's shape, not a check: an
 * output is present only when its stage succeeded (see `previous` below), so a stage after a
 * `continueOnError` stage, or the `finally` stage, should use a record with optional keys.
 * @example
 * const write = defineAgent({ name: 'write', output: z.string(), run: ({ previous }: StageInput<typeof research>) => previous.research.facts.join(' ') });
 * const reporting = defineAgent({ name: 'reporting', run: (input: StageInput) => summarise(input.previous, input.failedStages) });
 */
export interface StageInput<Previous extends object = Record<string, unknown>> {
  /** The `input` given to `orchestrator.run`, unchanged. */
  readonly request: unknown;
  /**
   * Outputs of the earlier stages this stage builds on, keyed by agent name: triage (when it
   * succeeded) and the stage's succeeded dependencies, direct and transitive. `{}` for triage and
   * for the first stages of a linear workflow. The `finally` stage gets the output of every stage
   * that succeeded.
   */
  readonly previous: StagePrevious<Previous>;
  /**
   * Only for the workflow's `finally` stage: the stages (triage included) that failed or timed out,
   * in the order they finished.
   */
  readonly failedStages?: readonly string[];
  /**
   * Only for a stage with an `approval` gate: the decision that let it run (always `approved: true`;
   * a rejected stage does not run), with the decider's `note` when one was given.
   */
  readonly approval?: { readonly approved: true; readonly note?: string };
}
