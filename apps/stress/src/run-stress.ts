import {
  type AgentRunResult,
  createUserExecutionContext,
  EngineDisposedError,
  FactoryShutdownError,
  InvalidConfigError,
  InvalidUserContextError,
  UnknownAgentError,
  type UserExecutionContext,
  type UserExecutionEngine,
  UserIsolationError,
  UserLimitExceededError,
} from '@baton/engine-contract';
import { createEngineFactory, type EngineFactory, type EngineFactoryMetrics } from '@baton/engine-factory';
import { WorkflowOrchestrator, type WorkflowResult } from '@baton/orchestrator';
import { createFaultAgents, type DirectCallInput, type FaultAgentHooks, STRESS_SECRET, type WorkflowInput } from './fault-agents.js';
import { type CallExpectation, type CheckReport, IsolationChecker, type WorkflowExpectation } from './isolation-checker.js';
import { createWallClock, type StressClock } from './stress-clock.js';
import type { ViolationRule } from './violation.js';
import { VirtualClock } from './virtual-clock.js';
import {
  type AgentTrigger,
  createWorkloadPlan,
  DIRECT_STAGE,
  type PlannedCall,
  type PlannedRun,
  STAGE_AGENTS,
  WORKER_AGENT,
  type WorkloadPlan,
} from './workload-plan.js';

/** What `runStress` needs. */
export interface StressOptions {
  users: number;
  /** Concurrent runs (each on its own engine) per user. */
  runsPerUser: number;
  seed: string;
  /**
   * Where deadlines, pauses and idle gaps take their time from (see `StressClock`). Default
   * `virtual`: the outcome of every call is then a function of the seed, whatever the machine's load.
   */
  clock?: 'virtual' | 'wall';
  /**
   * If the workload has not settled after this long (on its clock), report `never-settled` and stop.
   * On the virtual clock, a workload that waits with no timer left is reported at once. Default 10 min.
   */
  watchdogMs?: number;
}

/** What a stress run did and what the checker found. */
export interface StressReport {
  seed: string;
  /** The clock the run used. */
  clock: 'virtual' | 'wall';
  users: number;
  runs: number;
  /** Direct calls planned (workflow stage calls are in `report.counts.executions`). */
  plannedDirectCalls: number;
  /** Bad-input probes that were run (each is four refused calls). */
  badInputProbes: number;
  /** Wall time the run took (whatever its clock). */
  seconds: number;
  metrics: EngineFactoryMetrics;
  report: CheckReport;
}

interface LiveRun {
  engine: UserExecutionEngine | undefined;
  workflowController: AbortController | undefined;
  readonly callControllers: AbortController[];
}

interface RunEntry {
  readonly userId: string;
  readonly run: PlannedRun;
  readonly live: LiveRun;
}

function idsOf(context: UserExecutionContext) {
  return { userId: context.userId, threadId: context.threadId, runId: context.runId, requestId: context.requestId };
}

/**
 * Runs the seeded workload against ONE factory: every user's runs at once, each on its own engine
 * (fresh user execution context), as workflows through real `WorkflowOrchestrator`s, direct
 * `executeAgent` batches that queue, or both; agents succeed, throw, hang past their deadline and
 * fire mid-run cancels and disposals; some engines are left idle for the reaper. The
 * `IsolationChecker` listens on every engine (subscribed before first use) and on the factory's
 * `onEvent` tap, gets every result, and at the end the factory's metrics and engine stats.
 * Unhandled rejections and uncaught exceptions during the run are violations.
 * @example
 * const { report } = await runStress({ users: 200, runsPerUser: 10, seed: '42' });
 * report.violationCount; // 0
 */
export async function runStress(options: StressOptions): Promise<StressReport> {
  const startedAt = performance.now();
  const clock: StressClock = options.clock === 'wall' ? createWallClock() : new VirtualClock();
  const watchdogMs = options.watchdogMs ?? 600_000;
  const plan: WorkloadPlan = createWorkloadPlan({ seed: options.seed, users: options.users, runsPerUser: options.runsPerUser });
  const checker = new IsolationChecker({ maxConcurrentRunsPerEngine: plan.limits.maxConcurrentRunsPerEngine, secret: STRESS_SECRET });
  const entries = new Map<string, RunEntry>();
  for (const user of plan.users) {
    for (const run of user.runs)
      entries.set(run.key, { userId: user.userId, run, live: { engine: undefined, workflowController: undefined, callControllers: [] } });
  }
  // The user's engines we hold (for disposeUser bookkeeping) and how often a user was disposed.
  const userEngines = new Map<string, Set<UserExecutionEngine>>();
  const userDisposals = new Map<string, number>();
  let badInputProbes = 0;

  const hooks: FaultAgentHooks = {
    lookup: (runKey) => entries.get(runKey),
    fire: (runKey, trigger) => fire(runKey, trigger),
    violation: (rule, message) => checker.violation(rule as ViolationRule, message),
    sleep: (ms) => clock.sleep(ms),
  };
  const factory: EngineFactory = createEngineFactory({
    agents: createFaultAgents(hooks),
    limits: plan.limits,
    now: clock.now,
    timers: clock.timers,
    onEvent: (event) => checker.onTapEvent(event),
  });

  function fire(runKey: string, trigger: AgentTrigger): void {
    const entry = entries.get(runKey);
    const engine = entry?.live.engine;
    if (entry === undefined || engine === undefined) return;
    if (trigger.action === 'cancel') {
      const controller = trigger.target === 'workflow' ? entry.live.workflowController : entry.live.callControllers[trigger.target];
      controller?.abort(new Error(`cancelled by the stress plan (run ${runKey})`));
      return;
    }
    if (trigger.action === 'dispose-engine') {
      // A late trigger (from an agent that outlived its run) may find the engine reaped already.
      if (!engine.isActive()) return;
      checker.noteDisposeStarted(engine.engineId, 'engine');
      const disposal = engine.dispose();
      checker.noteDisposeReturned(engine.engineId);
      disposal.catch((error: unknown) => checker.violation('unexpected-error', `dispose() rejected: ${String(error)}`));
      return;
    }
    // disposeUser: every engine of the user, the other runs' too.
    const { userId } = entry;
    userDisposals.set(userId, (userDisposals.get(userId) ?? 0) + 1);
    const affected = [...(userEngines.get(userId) ?? [])].filter((candidate) => candidate.isActive());
    for (const candidate of affected) checker.noteDisposeStarted(candidate.engineId, 'user');
    const disposal = factory.disposeUser(userId);
    // disposeUser disposes synchronously (then waits for the agents): nothing may be emitted afterwards.
    for (const candidate of affected) checker.noteDisposeReturned(candidate.engineId);
    disposal.catch((error: unknown) => checker.violation('unexpected-error', `disposeUser rejected: ${String(error)}`));
  }

  function callAgent(engine: UserExecutionEngine, entry: RunEntry, call: PlannedCall, index: number): Promise<void> {
    const controller = new AbortController();
    if (index >= 0) entry.live.callControllers[index] = controller;
    if (call.cancel === 'before') controller.abort(new Error('cancelled before the call'));
    const expectation: CallExpectation = {
      outcome: call.behaviour.outcome,
      cancelIntent: call.cancel !== 'none',
      preAborted: call.cancel === 'before',
      timeoutMs: call.timeoutMs ?? plan.limits.runTimeoutMs,
      deltas: call.behaviour.deltas,
      usageReports: call.behaviour.usage,
    };
    const input: DirectCallInput = { runKey: entry.run.key, call: index };
    const { engineId } = engine;
    let pending: Promise<AgentRunResult>;
    try {
      pending = engine.executeAgent(
        { agentName: WORKER_AGENT, input, stage: DIRECT_STAGE },
        call.timeoutMs === undefined ? { signal: controller.signal } : { signal: controller.signal, timeoutMs: call.timeoutMs },
      );
    } catch (error) {
      checker.violation('unexpected-error', `executeAgent threw synchronously instead of rejecting: ${String(error)}`);
      return Promise.resolve();
    }
    return pending.then(
      (result) => checker.recordCallSettled(engineId, { result }, expectation),
      (error: unknown) => {
        // After an idle gap the reaper may have taken the engine: that is what the gap is for.
        if (index === -1 && EngineDisposedError.isInstance(error) && !engine.isActive() && !checker.wasDisposedMidRun(engineId)) {
          checker.noteReaped(engineId, true);
        }
        if (UserLimitExceededError.isInstance(error)) checker.noteLimitError();
        checker.recordCallSettled(engineId, { error }, expectation);
      },
    );
  }

  function runWorkflow(engine: UserExecutionEngine, entry: RunEntry): Promise<void> {
    const workflow = entry.run.workflow!;
    const controller = new AbortController();
    entry.live.workflowController = controller;
    if (workflow.cancel === 'before') controller.abort(new Error('cancelled before the run'));
    const expectation: WorkflowExpectation = {
      sufficiency: workflow.sufficiency,
      cancelIntent: workflow.cancel !== 'none',
      preAborted: workflow.cancel === 'before',
      stageOutcomes: Object.fromEntries(STAGE_AGENTS.map((agent) => [agent, workflow.stages[agent].outcome])),
      stageTimeoutMs: plan.limits.runTimeoutMs,
      stageStreams: Object.fromEntries(
        STAGE_AGENTS.map((agent) => [agent, { deltas: workflow.stages[agent].deltas, usageReports: workflow.stages[agent].usage }]),
      ),
    };
    const { engineId } = engine;
    const input: WorkflowInput = { runKey: entry.run.key };
    let pending: Promise<WorkflowResult>;
    try {
      const orchestrator = new WorkflowOrchestrator({ engine, now: clock.now });
      pending = orchestrator.run({ input, userContext: engine.userContext }, { signal: controller.signal });
    } catch (error) {
      pending = Promise.reject(error);
    }
    return pending.then(
      (result) => checker.recordWorkflowSettled(engineId, { result }, expectation),
      (error: unknown) => checker.recordWorkflowSettled(engineId, { error }, expectation),
    );
  }

  /** Bad input on a fresh engine: each must be refused with its typed error, and nothing emitted. */
  async function probeBadInput(engine: UserExecutionEngine, entry: RunEntry, context: UserExecutionContext): Promise<void> {
    badInputProbes++;
    const before = checker.engineEventCount(engine.engineId);
    const expectRefusal = async (what: string, attempt: () => Promise<unknown>, isExpected: (error: unknown) => boolean) => {
      try {
        await attempt();
        checker.violation('bad-input', `${what} was accepted`);
      } catch (error) {
        if (!isExpected(error)) checker.violation('bad-input', `${what} was refused with ${String(error)}`);
      }
    };
    await expectRefusal(
      'an unknown agent',
      () => engine.executeAgent({ agentName: 'no-such-agent' }),
      (error) => UnknownAgentError.isInstance(error),
    );
    await expectRefusal(
      'a negative timeoutMs',
      () => engine.executeAgent({ agentName: WORKER_AGENT, input: { runKey: entry.run.key, call: 0 } }, { timeoutMs: -1 }),
      (error) => InvalidConfigError.isInstance(error),
    );
    const otherUser = `${entry.userId}-other`;
    const foreign = createUserExecutionContext({ userId: otherUser, threadId: context.threadId, runId: context.runId });
    await expectRefusal(
      "another user's context for the orchestrator",
      () => new WorkflowOrchestrator({ engine, now: clock.now }).run({ input: { runKey: entry.run.key }, userContext: foreign }),
      (error) => UserIsolationError.isInstance(error),
    );
    await expectRefusal(
      'a raw object as a user context',
      () => factory.createEngine({ ...context } as UserExecutionContext),
      (error) => InvalidUserContextError.isInstance(error),
    );
    const after = checker.engineEventCount(engine.engineId);
    if (after !== before) checker.violation('bad-input', `refused bad input emitted ${after - before} events on engine ${engine.engineId}`);
  }

  async function executeRun(entry: RunEntry): Promise<void> {
    const { run, userId, live } = entry;
    if (run.startDelayMs > 0) await clock.sleep(run.startDelayMs);
    const context = createUserExecutionContext({ userId, threadId: run.threadId, runId: run.runId, metadata: { runKey: run.key } });
    let engine: UserExecutionEngine;
    try {
      engine = await factory.createEngine(context);
    } catch (error) {
      if (UserLimitExceededError.isInstance(error)) checker.noteLimitError();
      checker.violation('unexpected-error', `createEngine for ${userId} (run ${run.key}) threw: ${String(error)}`);
      return;
    }
    const { engineId } = engine;
    checker.registerEngine({ engineId, ...idsOf(engine.userContext) }, idsOf(context));
    live.engine = engine;
    let held = userEngines.get(userId);
    if (held === undefined) {
      held = new Set();
      userEngines.set(userId, held);
    }
    held.add(engine);
    if (!engine.isActive()) {
      // A disposeUser of this user may have run between createEngine's return and here.
      if ((userDisposals.get(userId) ?? 0) > 0) {
        checker.noteDisposeStarted(engineId, 'user');
        checker.noteDisposeReturned(engineId);
      } else {
        checker.violation('unexpected-reap', `engine ${engineId} was inactive as soon as createEngine returned`);
      }
    }
    const unsubscribe = engine.subscribe((event) => checker.onEngineEvent(engineId, event));
    try {
      if (run.probeBadInput) await probeBadInput(engine, entry, context);
      const tasks: Array<Promise<void>> = [];
      if (run.workflow !== undefined) tasks.push(runWorkflow(engine, entry));
      // Issued synchronously one after the other: calls beyond the engine's concurrency are queued.
      for (const [index, call] of run.calls.entries()) tasks.push(callAgent(engine, entry, call, index));
      for (const [index, call] of run.calls.entries()) {
        if (call.cancel === 'queued') live.callControllers[index]?.abort(new Error('cancelled while queued'));
      }
      await Promise.all(tasks);
      if (run.idleGapMs !== undefined && run.followUp !== undefined) {
        await clock.sleep(run.idleGapMs);
        await callAgent(engine, entry, run.followUp, -1);
      }
      if (!engine.isActive() && !checker.wasDisposedMidRun(engineId)) checker.noteReaped(engineId, run.idleGapMs !== undefined);
    } finally {
      checker.noteDisposeStarted(engineId, 'cleanup');
      const disposal = engine.dispose();
      checker.noteDisposeReturned(engineId);
      await disposal;
      checker.recordEngineStats(engine.getStats());
      unsubscribe();
      held.delete(engine);
    }
  }

  const onUnhandled = (reason: unknown): void => checker.recordProcessFault('unhandled-rejection', reason);
  const onUncaught = (error: unknown): void => checker.recordProcessFault('uncaught-exception', error);
  process.on('unhandledRejection', onUnhandled);
  process.on('uncaughtException', onUncaught);
  try {
    const all = Promise.all(
      [...entries.values()].map((entry) =>
        executeRun(entry).catch((error: unknown) =>
          checker.violation('unexpected-error', `run ${entry.run.key} crashed: ${String(error)}`),
        ),
      ),
    );
    if (!(await clock.settles(all, watchdogMs)))
      checker.violation('never-settled', `the workload had not settled after ${watchdogMs} ms (${clock.kind} clock)`);

    const metrics = factory.getMetrics();
    checker.finish(metrics);
    // Disposal waits (on the clock) for agents that ignore their signal: the clock must keep going.
    if (!(await clock.settles(factory.shutdown(), watchdogMs)))
      checker.violation('never-settled', `factory.shutdown() had not settled after ${watchdogMs} ms (${clock.kind} clock)`);
    try {
      await factory.createEngine(createUserExecutionContext({ userId: 'late-user', threadId: 'late-thread', runId: 'late-run' }));
      checker.violation('bad-input', 'createEngine after shutdown() was accepted');
    } catch (error) {
      if (!FactoryShutdownError.isInstance(error)) checker.violation('bad-input', `createEngine after shutdown() threw ${String(error)}`);
    }
    // Let rejections that became unhandled in the last turn reach the handler before it is removed.
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    return {
      seed: plan.seed,
      clock: clock.kind,
      users: options.users,
      runs: entries.size,
      plannedDirectCalls: plan.users.reduce(
        (sum, user) => sum + user.runs.reduce((runs, run) => runs + run.calls.length + (run.followUp ? 1 : 0), 0),
        0,
      ),
      badInputProbes,
      seconds: (performance.now() - startedAt) / 1000,
      metrics,
      // Taken last: the post-shutdown check and late unhandled rejections count too.
      report: checker.report(),
    };
  } finally {
    process.off('unhandledRejection', onUnhandled);
    process.off('uncaughtException', onUncaught);
  }
}
