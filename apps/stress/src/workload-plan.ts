import type { TokenUsageReport } from '@baton/engine-contract';
import { createPrng, type Prng } from './prng.js';

/** The agents `triageWorkflow` calls, in the order a `sufficient` run calls them. */
export const STAGE_AGENTS = ['triage', 'data_helper', 'data', 'optimization', 'actions', 'reporting'] as const;
/** A stage agent of `triageWorkflow`. */
export type StageAgent = (typeof STAGE_AGENTS)[number];
/** The agent that direct `engine.executeAgent` calls run (not part of the workflow). */
export const WORKER_AGENT = 'worker';
/** The `stage` every direct call passes, so the checker can see it carried on every event. */
export const DIRECT_STAGE = 'direct';

/**
 * How a fault agent ends. `throw-*` variants cover Error and non-Error throws (the engine must turn
 * each into a `failed` result, `error.name` `NonError` for the latter); `hang` ignores its signal
 * and settles only after its deadline has passed.
 */
export type AgentOutcome = 'succeed' | 'throw-error' | 'throw-error-sync' | 'throw-string' | 'throw-undefined' | 'throw-object' | 'hang';

/** Outcomes whose thrown value is not an `Error` (reported with `error.name === 'NonError'`). */
export const NON_ERROR_OUTCOMES: ReadonlySet<AgentOutcome> = new Set(['throw-string', 'throw-undefined', 'throw-object']);
/** Outcomes that throw or reject. */
export const THROW_OUTCOMES: ReadonlySet<AgentOutcome> = new Set([
  'throw-error',
  'throw-error-sync',
  'throw-string',
  'throw-undefined',
  'throw-object',
]);

/** Something an agent does to its own run from inside it, after its n-th thought: the "mid-run" faults. */
export interface AgentTrigger {
  /**
   * `cancel`: aborts the signal of the call (or workflow) the trigger targets; `dispose-engine`:
   * disposes the run's engine; `dispose-user`: `factory.disposeUser` for the run's user (every
   * engine of that user, other runs included).
   */
  action: 'cancel' | 'dispose-engine' | 'dispose-user';
  /** What `cancel` aborts: the workflow, or the direct call with this index. */
  target: 'workflow' | number;
  /** Fires right after this many thoughts (0: before the first one). */
  afterThoughts: number;
}

/** A scripted agent: everything it does is decided here, by the plan. */
export interface AgentBehaviour {
  outcome: AgentOutcome;
  /** Pause before ending (ms); 0 yields once through `setImmediate`. */
  delayMs: number;
  /** `ctx.think` calls in a burst. */
  thoughts: number;
  /** `ctx.tool` calls; a failing tool's error is caught by the agent, which carries on. */
  tools: Array<{ fails: boolean; delayMs: number }>;
  /** For `hang`: how long the agent keeps going (ignoring its signal), always past its deadline. */
  hangMs?: number;
  trigger?: AgentTrigger;
  /** `ctx.writeOutput` calls (numbered deltas, see `plannedDelta`), after the thoughts. */
  deltas: number;
  /**
   * Also writes an empty delta after each planned one (the engine must drop it: no event, no seq) and
   * probes a bad delta and a bad usage report (each must throw InvalidConfigError and emit nothing).
   */
  probeEdges: boolean;
  /** `ctx.reportUsage` calls: one before the tool calls, one after each, the rest at the end. */
  usage: TokenUsageReport[];
}

/** When a caller aborts a direct call: never, before calling, while it is queued, or while it runs (from inside the agent). */
export type CallCancel = 'none' | 'before' | 'queued' | 'running';

/** One direct `engine.executeAgent` call. */
export interface PlannedCall {
  behaviour: AgentBehaviour;
  /** Explicit deadline for this call; absent: the factory's `runTimeoutMs`. */
  timeoutMs?: number;
  cancel: CallCancel;
}

/** What triage answers; `bogus` is no path name, so the orchestrator must take `fallback`. */
export type PlannedSufficiency = 'sufficient' | 'partial' | 'insufficient' | 'bogus';

/** One orchestrated workflow run. */
export interface PlannedWorkflow {
  sufficiency: PlannedSufficiency;
  /** `before`: the signal is aborted before `run`; `running`: a stage's trigger aborts it; `none`. */
  cancel: 'none' | 'before' | 'running';
  /** Behaviour per stage agent (stages not on the chosen path are never called). */
  stages: Record<StageAgent, AgentBehaviour>;
}

/** A unit of work of one user: one engine from a fresh user execution context, and what runs on it. */
export interface PlannedRun {
  /** `<userIndex>.<runIndex>`; unique in the plan, carried in every agent input. */
  key: string;
  threadId: string;
  runId: string;
  /** `workflow`: one orchestrator run; `direct`: a batch of direct calls; `mixed`: both at once on one engine. */
  kind: 'workflow' | 'direct' | 'mixed';
  /** Wait before creating the engine (ms), so that runs interleave instead of starting in lock-step. */
  startDelayMs: number;
  /**
   * Before its work, the run feeds its engine bad input (unknown agent, bad timeout, another user's
   * context for the orchestrator, a raw object for createEngine): each must be refused with its typed
   * error and emit nothing.
   */
  probeBadInput: boolean;
  workflow?: PlannedWorkflow;
  /** Issued synchronously one after the other (so that calls beyond the engine's concurrency queue). */
  calls: PlannedCall[];
  /**
   * Reaping: after the work, the run leaves its engine idle this long (longer than the factory's idle
   * timeout plus a reaper interval), then makes `followUp`; a reaped engine refuses it.
   */
  idleGapMs?: number;
  followUp?: PlannedCall;
}

/** One user and their concurrent runs. */
export interface PlannedUser {
  userId: string;
  runs: PlannedRun[];
}

/** The factory limits the workload is designed for (small, so that queueing, timeouts and reaping happen). */
export interface WorkloadLimits {
  maxEnginesPerUser: number;
  maxConcurrentRunsPerEngine: number;
  maxQueuedRunsPerEngine: number;
  runTimeoutMs: number;
  engineIdleTimeoutMs: number;
  reapIntervalMs: number;
  disposeTimeoutMs: number;
}

/** The whole workload: a pure function of `(seed, users, runsPerUser)`, JSON-serialisable. */
export interface WorkloadPlan {
  seed: string;
  runsPerUser: number;
  limits: WorkloadLimits;
  users: PlannedUser[];
}

/** What `createWorkloadPlan` needs. */
export interface WorkloadPlanOptions {
  seed: string;
  users: number;
  /** Concurrent runs (engines) per user. */
  runsPerUser: number;
}

const STAGE_OUTCOMES: Record<AgentOutcome, number> = {
  succeed: 76,
  'throw-error': 5,
  'throw-error-sync': 2,
  'throw-string': 4,
  'throw-undefined': 3,
  'throw-object': 4,
  hang: 6,
};
const CALL_OUTCOMES: Record<AgentOutcome, number> = {
  succeed: 55,
  'throw-error': 9,
  'throw-error-sync': 4,
  'throw-string': 7,
  'throw-undefined': 5,
  'throw-object': 7,
  hang: 13,
};

/** Deadline for direct calls that get an explicit one (small, so that queue waits also time out). */
const CALL_TIMEOUT_MS = { min: 20, max: 50 } as const;

/**
 * The limits the workload runs under. `maxEnginesPerUser` equals `runsPerUser`, so that every run
 * gets its engine; everything else is small so that queueing, timeouts and reaping really happen.
 */
export function workloadLimits(runsPerUser: number): WorkloadLimits {
  return {
    maxEnginesPerUser: runsPerUser,
    maxConcurrentRunsPerEngine: 2,
    maxQueuedRunsPerEngine: 100,
    // On the virtual clock (the default) only scripted work counts against it; on the wall clock,
    // generous, because 2,000 engines saturate both cores and event-loop turns take tens of ms. Short
    // deadlines come from explicit call timeouts.
    runTimeoutMs: 2000,
    engineIdleTimeoutMs: 25,
    reapIntervalMs: 10,
    disposeTimeoutMs: 100,
  };
}

function behaviour(prng: Prng, outcomes: Record<AgentOutcome, number>, deadlineMs: number): AgentBehaviour {
  const outcome = prng.weighted(outcomes);
  // Mostly a few thoughts; now and then a burst, to load the dispatcher and the checker.
  const thoughts = prng.chance(0.05) ? prng.int(20, 60) : prng.int(0, 4);
  const toolCount = prng.chance(0.6) ? prng.int(0, 2) : 0;
  const tools = Array.from({ length: toolCount }, () => ({ fails: prng.chance(0.2), delayMs: prng.int(0, 2) }));
  // Streamed output and usage are drawn later, by `planStreams`, from their own generator.
  const result: AgentBehaviour = { outcome, delayMs: prng.int(0, 5), thoughts, tools, deltas: 0, probeEdges: false, usage: [] };
  // Past the deadline by a margin, so that the engine's deadline timer always fires first.
  if (outcome === 'hang') result.hangMs = deadlineMs + prng.int(5, 20);
  return result;
}

function withTrigger(target: AgentBehaviour, trigger: Omit<AgentTrigger, 'afterThoughts'>, prng: Prng): void {
  // At least one thought, so that the trigger fires while the call is certainly running.
  if (target.thoughts === 0) target.thoughts = 1;
  target.trigger = { ...trigger, afterThoughts: prng.int(1, Math.min(target.thoughts, 4)) };
}

function planWorkflow(prng: Prng, limits: WorkloadLimits): PlannedWorkflow {
  const stages = Object.fromEntries(STAGE_AGENTS.map((agent) => [agent, behaviour(prng, STAGE_OUTCOMES, limits.runTimeoutMs)])) as Record<
    StageAgent,
    AgentBehaviour
  >;
  const sufficiency = prng.weighted<PlannedSufficiency>({ sufficient: 35, partial: 25, insufficient: 25, bogus: 15 });
  const cancel = prng.weighted({ none: 80, before: 6, running: 14 });
  if (cancel === 'running') {
    // Triage and reporting are on every path; the others only on some (then the cancel never fires).
    const stage = prng.weighted<StageAgent>({ triage: 30, data_helper: 15, data: 20, optimization: 10, actions: 10, reporting: 15 });
    const target = stages[stage];
    // A cancel from a throwing or hanging agent still fires; keep its outcome as planned.
    withTrigger(target, { action: 'cancel', target: 'workflow' }, prng);
  }
  return { sufficiency, cancel, stages };
}

function planCalls(prng: Prng, limits: WorkloadLimits, count: number): PlannedCall[] {
  return Array.from({ length: count }, (_, index) => {
    const explicit = prng.chance(0.35);
    const deadline = explicit ? prng.int(CALL_TIMEOUT_MS.min, CALL_TIMEOUT_MS.max) : limits.runTimeoutMs;
    const call: PlannedCall = { behaviour: behaviour(prng, CALL_OUTCOMES, deadline), cancel: 'none' };
    if (explicit) call.timeoutMs = deadline;
    // Only calls beyond the engine's concurrency can be cancelled "while queued".
    const queueable = index >= limits.maxConcurrentRunsPerEngine;
    call.cancel = prng.weighted<CallCancel>({ none: 76, before: 8, queued: queueable ? 8 : 0, running: 8 });
    if (call.cancel === 'running') withTrigger(call.behaviour, { action: 'cancel', target: index }, prng);
    return call;
  });
}

function planRun(prng: Prng, limits: WorkloadLimits, userIndex: number, runIndex: number): PlannedRun {
  const kind = prng.weighted({ workflow: 45, direct: 35, mixed: 20 });
  const run: PlannedRun = {
    key: `${userIndex}.${runIndex}`,
    threadId: `thread-${userIndex}-${runIndex % 3}`,
    runId: `run-${userIndex}-${runIndex}`,
    kind,
    startDelayMs: prng.int(0, 20),
    probeBadInput: prng.chance(0.05),
    calls: [],
  };
  if (kind !== 'direct') run.workflow = planWorkflow(prng, limits);
  if (kind !== 'workflow') run.calls = planCalls(prng, limits, prng.int(kind === 'mixed' ? 1 : 2, 6));

  // Mid-run disposal, fired from inside one of the run's agents (so it really happens mid-run).
  const disruption = prng.weighted({ none: 94, 'dispose-engine': 4.5, 'dispose-user': 1.5 });
  if (disruption !== 'none') {
    const hosts: AgentBehaviour[] = [...run.calls.map((call) => call.behaviour)];
    if (run.workflow) hosts.push(run.workflow.stages.triage, run.workflow.stages.reporting);
    const host = prng.pick(hosts);
    // One trigger per agent: a disposal replaces a planned cancel there (the plan stays consistent).
    if (host.trigger === undefined) withTrigger(host, { action: disruption, target: 'workflow' }, prng);
  }
  if (prng.chance(0.06)) {
    // Idle long enough for the reaper (idle timeout + two reaper ticks + margin), then try again.
    run.idleGapMs = limits.engineIdleTimeoutMs + 2 * limits.reapIntervalMs + prng.int(20, 40);
    run.followUp = { behaviour: behaviour(prng, { ...CALL_OUTCOMES, hang: 0 }, limits.runTimeoutMs), cancel: 'none' };
    delete run.followUp.behaviour.trigger;
  }
  return run;
}

/** One usage report: the shapes providers send (both counts, with or without a larger total, one count, none). */
function usageReport(prng: Prng): TokenUsageReport {
  const inputTokens = prng.int(0, 800);
  const outputTokens = prng.int(0, 300);
  switch (prng.weighted({ both: 40, withTotal: 25, outputOnly: 15, inputOnly: 10, empty: 10 })) {
    case 'both':
      return { inputTokens, outputTokens };
    case 'withTotal':
      // A provider's total may exceed input + output (reasoning or cached tokens).
      return { inputTokens, outputTokens, totalTokens: inputTokens + outputTokens + prng.int(0, 50) };
    case 'outputOnly':
      return { outputTokens };
    case 'inputOnly':
      return { inputTokens };
    default:
      return {};
  }
}

/**
 * Adds streamed output and usage to every behaviour of a user's runs, from a generator of their own,
 * so that the fault decisions above stay what they were before agents streamed (plans of the same
 * seed stay comparable across versions) and user `i` still does not depend on the user count.
 */
function planStreams(prng: Prng, runs: readonly PlannedRun[]): void {
  for (const run of runs) {
    const behaviours = [
      ...run.calls.map((call) => call.behaviour),
      ...(run.followUp === undefined ? [] : [run.followUp.behaviour]),
      ...(run.workflow === undefined ? [] : STAGE_AGENTS.map((agent) => run.workflow!.stages[agent])),
    ];
    for (const behaviour of behaviours) {
      // Mostly a short answer; now and then a long one, to load the dispatcher like a model's stream.
      behaviour.deltas = prng.chance(0.04) ? prng.int(20, 80) : prng.chance(0.6) ? prng.int(1, 8) : 0;
      behaviour.probeEdges = prng.chance(0.1);
      behaviour.usage = prng.chance(0.55) ? Array.from({ length: prng.int(1, 3) }, () => usageReport(prng)) : [];
    }
  }
}

/**
 * Builds the workload from its seed. Each user draws from its own generator (`fork`), so user `i`'s
 * runs do not depend on how many users there are: `--users 2000` extends the `--users 200` workload.
 * @example
 * const plan = createWorkloadPlan({ seed: '42', users: 200, runsPerUser: 10 });
 * plan.users[0].runs[0].kind; // the same for seed '42' on every machine
 */
export function createWorkloadPlan(options: WorkloadPlanOptions): WorkloadPlan {
  const { seed, users, runsPerUser } = options;
  if (!Number.isInteger(users) || users < 1) throw new RangeError('users must be an integer >= 1');
  if (!Number.isInteger(runsPerUser) || runsPerUser < 1) throw new RangeError('runsPerUser must be an integer >= 1');
  const limits = workloadLimits(runsPerUser);
  const root = createPrng(seed);
  return {
    seed,
    runsPerUser,
    limits,
    users: Array.from({ length: users }, (_, userIndex) => {
      const prng = root.fork(`user-${userIndex}`);
      const runs = Array.from({ length: runsPerUser }, (_, runIndex) => planRun(prng, limits, userIndex, runIndex));
      planStreams(root.fork(`user-${userIndex}/streams`), runs);
      return { userId: `user-${userIndex}`, runs };
    }),
  };
}
