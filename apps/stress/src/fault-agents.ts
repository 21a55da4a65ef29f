import { type AgentContext, type AnyAgentDefinition, defineAgent, InvalidConfigError } from '@baton/engine-contract';
import { LATE_DELTA, LATE_USAGE, plannedDelta } from './streamed-output.js';
import {
  type AgentBehaviour,
  type AgentTrigger,
  DIRECT_STAGE,
  type PlannedRun,
  STAGE_AGENTS,
  type StageAgent,
  WORKER_AGENT,
} from './workload-plan.js';

/**
 * A value the agents put under secret-looking keys (tool input `apiKey`, output `token`, a thrown
 * object's `token`): the checker asserts it never appears in an event, only in results.
 */
export const STRESS_SECRET = 'stress-secret-4f1c9a';

/** What the fault agents need from the stress driver. */
export interface FaultAgentHooks {
  /** The planned run behind a run key and the user it belongs to. */
  lookup(runKey: string): { userId: string; run: PlannedRun } | undefined;
  /** Performs a trigger's action (cancel, dispose the engine, dispose the user) for that run. */
  fire(runKey: string, trigger: AgentTrigger): void;
  /** An agent saw something it must never see (another user's context, a malformed stage input). */
  violation(rule: string, message: string): void;
  /** Waits `ms` on the run's clock (`0`: lets the work already queued run first); every pause and hang uses it. */
  sleep(ms: number): Promise<void>;
}

/** Input of a direct call: which run and which of its calls (`-1`: the follow-up after an idle gap). */
export interface DirectCallInput {
  runKey: string;
  call: number;
}

/** The workflow input: the orchestrator hands it to every stage as `request`. */
export interface WorkflowInput {
  runKey: string;
}

function thrownFor(outcome: AgentBehaviour['outcome'], name: string): unknown {
  switch (outcome) {
    case 'throw-string':
      return `${name} failed with a string`;
    case 'throw-undefined':
      return undefined;
    case 'throw-object':
      // A secret-bearing object: the engine must redact it when it renders the failure.
      return { code: 'E_STRESS', token: STRESS_SECRET };
    default:
      return new Error(`${name} failed on purpose`);
  }
}

interface Resolved {
  runKey: string;
  behaviour: AgentBehaviour;
  stage: string;
}

/** Finds the scripted behaviour for this call and checks what the engine handed the agent. */
function resolveCall(name: string, input: unknown, ctx: AgentContext, hooks: FaultAgentHooks): Resolved | undefined {
  const isWorker = name === WORKER_AGENT;
  const request = isWorker ? input : (input as { request?: unknown } | undefined)?.request;
  const runKey = (request as { runKey?: unknown } | undefined)?.runKey;
  const found = typeof runKey === 'string' ? hooks.lookup(runKey) : undefined;
  if (found === undefined || typeof runKey !== 'string') {
    hooks.violation('agent-input', `${name} got an input without a known runKey: ${JSON.stringify(input)?.slice(0, 200)}`);
    return undefined;
  }
  const { userId, run } = found;
  const context = ctx.userContext;
  // The agent runs with the context of the engine it was called on: it must be this run's user.
  if (context.userId !== userId || context.runId !== run.runId || context.threadId !== run.threadId) {
    hooks.violation(
      'agent-context',
      `${name} of run ${runKey} (user ${userId}) ran with the context of user ${context.userId}, run ${context.runId}`,
    );
  }
  if (isWorker) {
    const index = (input as DirectCallInput).call;
    const call = index === -1 ? run.followUp : run.calls[index];
    if (call === undefined) {
      hooks.violation('agent-input', `worker of run ${runKey} got an unknown call index ${String(index)}`);
      return undefined;
    }
    if (ctx.stage !== DIRECT_STAGE) hooks.violation('agent-stage', `worker of run ${runKey} got stage ${String(ctx.stage)}`);
    return { runKey, behaviour: call.behaviour, stage: DIRECT_STAGE };
  }
  const workflow = run.workflow;
  if (workflow === undefined) {
    hooks.violation('agent-input', `${name} ran for run ${runKey}, which has no workflow`);
    return undefined;
  }
  if (ctx.stage !== name) hooks.violation('agent-stage', `${name} of run ${runKey} got stage ${String(ctx.stage)}`);
  checkStageInput(name as StageAgent, input, runKey, workflow.sufficiency, hooks);
  return { runKey, behaviour: workflow.stages[name as StageAgent], stage: name };
}

/** The stage input the API promises: `{ request, previous }`, triage's output in `previous`, `failedStages` for reporting. */
function checkStageInput(name: StageAgent, input: unknown, runKey: string, sufficiency: string, hooks: FaultAgentHooks): void {
  const { previous, failedStages } = (input ?? {}) as { previous?: unknown; failedStages?: unknown };
  if (typeof previous !== 'object' || previous === null) {
    hooks.violation('stage-input', `${name} of run ${runKey} got no previous object`);
    return;
  }
  const outputs = previous as Record<string, unknown>;
  if (name === 'triage' && Object.keys(outputs).length > 0)
    hooks.violation('stage-input', `triage of run ${runKey} got a non-empty previous`);
  const triage = outputs.triage as { dataSufficiency?: unknown } | undefined;
  if (triage !== undefined && triage.dataSufficiency !== sufficiency) {
    hooks.violation('stage-input', `${name} of run ${runKey} saw triage output ${JSON.stringify(triage)} (planned ${sufficiency})`);
  }
  if (name === 'reporting' && !Array.isArray(failedStages))
    hooks.violation('stage-input', `reporting of run ${runKey} got no failedStages array`);
}

function outputFor(name: string, runKey: string, runPlan: PlannedRun | undefined): unknown {
  if (name === 'triage') return { dataSufficiency: runPlan?.workflow?.sufficiency, token: STRESS_SECRET };
  return { agent: name, runKey, token: STRESS_SECRET };
}

/**
 * The planned deltas, numbered from 0 (with an empty one after each when the plan probes edges, and
 * a bad delta and a bad usage report, which must throw InvalidConfigError synchronously).
 */
function writeDeltas(name: string, runKey: string, behaviour: AgentBehaviour, ctx: AgentContext, hooks: FaultAgentHooks): void {
  for (let index = 0; index < behaviour.deltas; index++) {
    ctx.writeOutput(plannedDelta(index));
    if (behaviour.probeEdges) ctx.writeOutput('');
  }
  if (!behaviour.probeEdges) return;
  const refused = (what: string, attempt: () => void): void => {
    try {
      attempt();
      hooks.violation('bad-input', `${name} of run ${runKey}: ${what} was accepted`);
    } catch (error) {
      if (!InvalidConfigError.isInstance(error)) hooks.violation('bad-input', `${name} of run ${runKey}: ${what} threw ${String(error)}`);
    }
  };
  refused('a delta that is not a string', () => ctx.writeOutput(42 as unknown as string));
  refused('a negative token count', () => ctx.reportUsage({ inputTokens: -1 }));
  refused('a fractional token count', () => ctx.reportUsage({ outputTokens: 0.5 }));
}

/** Reports the planned usage one report at a time (`next`) or all that is left (`rest`). */
function usageReporter(behaviour: AgentBehaviour, ctx: AgentContext): { next(): void; rest(): void } {
  let reported = 0;
  const next = (): void => {
    const report = behaviour.usage[reported];
    if (report === undefined) return;
    reported++;
    ctx.reportUsage(report);
  };
  return {
    next,
    rest: () => {
      while (reported < behaviour.usage.length) next();
    },
  };
}

async function runScripted(name: string, resolved: Resolved, ctx: AgentContext, hooks: FaultAgentHooks): Promise<unknown> {
  const { behaviour, runKey } = resolved;
  await hooks.sleep(0);
  for (let index = 0; index < behaviour.thoughts; index++) {
    ctx.think(`${name} thought ${index + 1} of ${behaviour.thoughts}`);
    if (behaviour.trigger !== undefined && index + 1 === behaviour.trigger.afterThoughts) hooks.fire(runKey, behaviour.trigger);
  }
  writeDeltas(name, runKey, behaviour, ctx, hooks);
  const usage = usageReporter(behaviour, ctx);
  usage.next();
  for (const [index, tool] of behaviour.tools.entries()) {
    try {
      await ctx.tool(`lookup_${index}`, { step: index, apiKey: STRESS_SECRET }, async () => {
        await hooks.sleep(tool.delayMs);
        if (tool.fails) throw new Error(`tool lookup_${index} failed on purpose`);
        return { rows: index + 1, token: STRESS_SECRET };
      });
    } catch {
      // A failing tool is part of the workload; the agent carries on, as real agents often do.
    }
    usage.next();
  }
  usage.rest();
  if (behaviour.outcome === 'hang') {
    // Ignores ctx.signal on purpose (never reads it): settles only after its deadline has passed.
    await hooks.sleep(behaviour.hangMs ?? 0);
    // All must be dropped by the engine: the run already ended.
    ctx.think(`${name} thinking after its deadline`);
    ctx.writeOutput(LATE_DELTA);
    ctx.reportUsage(LATE_USAGE);
    await ctx.tool('late_tool', { apiKey: STRESS_SECRET }, () => 'late');
    return outputFor(name, runKey, hooks.lookup(runKey)?.run);
  }
  await hooks.sleep(behaviour.delayMs);
  if (behaviour.outcome === 'succeed') return outputFor(name, runKey, hooks.lookup(runKey)?.run);
  throw thrownFor(behaviour.outcome, name);
}

function createFaultAgent(name: string, hooks: FaultAgentHooks): AnyAgentDefinition {
  return defineAgent({
    name,
    description: `Scripted stress agent "${name}": its behaviour comes from the workload plan.`,
    // Not `async`: `throw-error-sync` must throw synchronously out of `run`.
    run(input: unknown, ctx: AgentContext): unknown {
      const resolved = resolveCall(name, input, ctx, hooks);
      if (resolved === undefined) return Promise.reject(new Error(`${name}: no script for this call`));
      const { behaviour, runKey } = resolved;
      if (behaviour.outcome === 'throw-error-sync') {
        // Thoughts (and a trigger) happen synchronously inside executeAgent, then the throw.
        for (let index = 0; index < behaviour.thoughts; index++) {
          ctx.think(`${name} sync thought ${index + 1}`);
          if (behaviour.trigger !== undefined && index + 1 === behaviour.trigger.afterThoughts) hooks.fire(runKey, behaviour.trigger);
        }
        writeDeltas(name, runKey, behaviour, ctx, hooks);
        usageReporter(behaviour, ctx).rest();
        throw new Error(`${name} threw synchronously on purpose`);
      }
      return runScripted(name, resolved, ctx, hooks);
    },
  });
}

/**
 * The six agents `triageWorkflow` calls plus `worker` (direct calls), all scripted by the plan:
 * they succeed, throw (Error, string, undefined, secret-bearing object; sync or async), hang past
 * their deadline ignoring the signal, emit thought and tool bursts, stream numbered output deltas,
 * report token usage (and, when hanging, write and report again after their deadline), and fire
 * mid-run triggers. They
 * also check that they run with their own user's context and get the stage input the API promises.
 */
export function createFaultAgents(hooks: FaultAgentHooks): AnyAgentDefinition[] {
  return [...STAGE_AGENTS, WORKER_AGENT].map((name) => createFaultAgent(name, hooks));
}
