import type { AnyAgentDefinition } from '@baton/engine-contract';
import type { StageApproval } from './workflow-definition.js';

/** An agent, by name or as its definition (stored by name in the frozen workflow). */
export type AgentReference = string | AnyAgentDefinition;

/** A stage of a linear workflow written out: the agent and when it may start. */
export interface LinearStageSpec {
  /** The agent to run, by name or as its definition. */
  readonly agent: AgentReference;
  /** As in `StageSpec`: a failure or timeout of this stage does not stop the workflow. Default false. */
  readonly continueOnError?: boolean;
  /** As in `StageSpec`: the stages this one waits for (omitted: the one listed before it; `[]`: none). */
  readonly dependsOn?: readonly AgentReference[];
  /** As in `StageSpec`: a person must approve before this stage runs (needs an orchestrator with a store). */
  readonly approval?: StageApproval;
}

/** A stage of a linear workflow: an agent (by name or definition), or a `LinearStageSpec`. */
export type LinearStage = AgentReference | LinearStageSpec;

/**
 * What `defineWorkflow` accepts in its linear form: no triage, no classify, no fallback; the stages
 * run in the listed order, or as their `dependsOn` allow.
 */
export interface LinearWorkflowDefinitionInput<
  TStages extends readonly LinearStage[] = readonly LinearStage[],
  TFinally extends AgentReference | undefined = AgentReference | undefined,
> {
  /** The workflow's name: `workflowName` of the result and of `workflow_started`. 1 to 128 of `[A-Za-z0-9_.:-]`. */
  id: string;
  /** The stages, at least one. The last may be the `finally` stage; it then runs once, as `finally`. */
  stages: TStages;
  /** A stage that runs after the others, even after a failure (not after a cancellation), with `failedStages`. */
  finally?: TFinally;
  /** Triage-form options are refused here: the two forms do not mix. */
  triage?: never;
  /** Triage-form options are refused here: the two forms do not mix. */
  classify?: never;
  /** Triage-form options are refused here: the two forms do not mix. */
  paths?: never;
  /** Triage-form options are refused here: the two forms do not mix. */
  fallback?: never;
}

/**
 * The output type of an agent given by definition (`TOutput` of its `AgentDefinition`, which `run`
 * returns, possibly as a promise); `unknown` for one given by name.
 */
export type AgentOutput<TAgent> = TAgent extends { readonly run: (input: never, ctx: never) => infer TResult } ? Awaited<TResult> : unknown;

/** The name type of an agent given by definition (`TName` of its `AgentDefinition`) or by name. */
export type AgentName<TAgent> = TAgent extends string
  ? TAgent
  : TAgent extends { readonly name: infer TName extends string }
    ? TName
    : string;

type StageAgent<TStage> = TStage extends { readonly agent: infer TAgent } ? TAgent : TStage;
type LastStage<TStages extends readonly unknown[]> = TStages extends readonly [...unknown[], infer TLast] ? TLast : TStages[number];
type DependedOn<TStages extends readonly unknown[]> = TStages[number] extends infer TStage
  ? TStage extends { readonly dependsOn: readonly (infer TDependency)[] }
    ? AgentName<TDependency>
    : never
  : never;

/**
 * The type of `WorkflowResult.output` for a linear workflow: the output of `finally` when there is one,
 * else of the last listed stage. `unknown` for an agent given by name, and when another stage depends
 * on the last listed one (it then does not run last).
 */
export type LinearWorkflowOutput<TStages extends readonly LinearStage[], TFinally> = [TFinally] extends [undefined]
  ? [AgentName<StageAgent<LastStage<TStages>>>] extends [DependedOn<TStages>]
    ? unknown
    : AgentOutput<StageAgent<LastStage<TStages>>>
  : AgentOutput<Exclude<TFinally, undefined>>;
