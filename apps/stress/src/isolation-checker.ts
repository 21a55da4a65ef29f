import {
  type AgentEvent,
  type AgentRunResult,
  type AgentRunStatus,
  EngineDisposedError,
  type EngineStats,
  type TokenUsage,
  type TokenUsageReport,
} from '@baton/engine-contract';
import type { EngineFactoryMetrics } from '@baton/engine-factory';
import type { WorkflowResult } from '@baton/orchestrator';
import { describeUsage, plannedDelta, possibleUsages, sameUsage } from './streamed-output.js';
import { checkStageSequence, expectedPath, TRIAGE_PATH_STAGES } from './triage-expectations.js';
import type { Violation, ViolationRule } from './violation.js';
import { type AgentOutcome, NON_ERROR_OUTCOMES, type PlannedSufficiency, THROW_OUTCOMES } from './workload-plan.js';

/** The ids an engine's events must carry. */
export interface EngineIdentity {
  engineId: string;
  userId: string;
  threadId: string;
  runId: string;
  requestId: string;
}

/** What the driver meant one `executeAgent` call (direct, or a workflow stage) to do. */
export interface CallExpectation {
  /** The scripted outcome of the agent. */
  outcome: AgentOutcome;
  /** The caller planned to cancel it (or its workflow): a `cancelled` result is explained. */
  cancelIntent: boolean;
  /** The signal was aborted before the call: it must end `cancelled` without ever starting. */
  preAborted: boolean;
  /** The call's deadline (its `timeoutMs`, else the factory's `runTimeoutMs`): no success or failure after it. */
  timeoutMs: number;
  /** The deltas the agent writes (`plannedDelta(0..n-1)`); absent: not checked against a plan. */
  deltas?: number;
  /** The usage reports the agent makes, in order; absent: not checked against a plan. */
  usageReports?: readonly TokenUsageReport[];
}

/** What one stage agent of a workflow streams and reports. */
export interface StageStreams {
  deltas: number;
  usageReports: readonly TokenUsageReport[];
}

/** What the driver meant one workflow run to do. */
export interface WorkflowExpectation {
  sufficiency: PlannedSufficiency;
  cancelIntent: boolean;
  /** The signal was aborted before `run`: no stage may be called. */
  preAborted: boolean;
  /** The scripted outcome of each stage agent. */
  stageOutcomes: Readonly<Record<string, AgentOutcome>>;
  /** The deadline of every stage call (the factory's `runTimeoutMs`: the orchestrator passes none). */
  stageTimeoutMs: number;
  /** The deltas and usage reports of each stage agent; absent: not checked against a plan. */
  stageStreams?: Readonly<Record<string, StageStreams>>;
}

/** Why an engine was disposed: by a mid-run trigger on it, by `disposeUser` of its user, or at the end of its run. */
export type DisposeCause = 'engine' | 'user' | 'cleanup';

/** Outcome counters: what the workload really exercised. */
export interface CheckCounts {
  engines: number;
  executions: number;
  /** Events delivered to the engines' own listeners (the tap sees the same ones). */
  events: number;
  tapEvents: number;
  workflows: number;
  succeeded: number;
  failedError: number;
  failedNonError: number;
  timedOut: number;
  /** Timed out while running, with an agent that ignored its signal (it settled later: an orphan). */
  timedOutIgnoredSignal: number;
  timedOutQueued: number;
  cancelledBeforeAdmission: number;
  cancelledQueued: number;
  cancelledRunning: number;
  /** Ended `cancelled` because their engine was disposed (mid-run triggers, disposeUser). */
  cancelledByDispose: number;
  workflowsSucceeded: number;
  workflowsFailed: number;
  workflowsCancelled: number;
  /** `orchestrator.run` rejected with EngineDisposedError because its engine was disposed under it. */
  workflowsRejectedByDispose: number;
  /** Direct calls refused with EngineDisposedError (engine disposed mid-run or reaped). */
  callsRefusedByDispose: number;
  /** Engines disposed mid-run by a trigger on the engine itself. */
  enginesDisposedMidRun: number;
  /** Engines disposed mid-run by `factory.disposeUser` (a trigger in any run of the user). */
  enginesDisposedByUser: number;
  enginesReaped: number;
  /** Agents that settled after their run had ended (sum of `getStats().orphanedRuns`). */
  orphanedAgents: number;
  /** Completed executions whose results were lost with a rejected workflow (allowed, see README). */
  unclaimedAfterRejectedWorkflow: number;
  /** agent_output_delta events delivered to the engines' own listeners. */
  outputDeltas: number;
  /** Calls whose agent_completed carried usage. */
  callsWithUsage: number;
  /** Calls cut short (timed out or cancelled) after some, not all, of their usage reports. */
  callsWithPartialUsage: number;
  /** Tokens on agent_completed events, summed (what getStats and getMetrics must report). */
  inputTokens: number;
  outputTokens: number;
}

/** The checker's verdict. */
export interface CheckReport {
  violationCount: number;
  /** The first violations (at most `maxViolationsKept`). */
  violations: Violation[];
  byRule: Partial<Record<ViolationRule, number>>;
  counts: CheckCounts;
}

/** Options of the checker. */
export interface IsolationCheckerOptions {
  /** The factory's `maxConcurrentRunsPerEngine`: never more calls running at once on one engine. */
  maxConcurrentRunsPerEngine: number;
  /** A value the agents put under secret keys; it must never appear in an event. */
  secret?: string;
  /** Violations kept with their message (all are counted). Default 200. */
  maxViolationsKept?: number;
}

interface ExecutionState {
  engineId: string;
  agentName: string;
  stage: string | undefined;
  started: boolean;
  /** agent_started's timestamp (when the call got a slot). */
  startedAt: number;
  /** agent_completed's timestamp. */
  completedAt: number;
  firstSeq: number;
  completed: AgentRunStatus | undefined;
  completedSeq: number;
  openTools: Set<string> | undefined;
  claimed: boolean;
  /** agent_output_delta events so far: the next one must be `plannedDelta(deltas)`. */
  deltas: number;
  /** agent_completed's usage. */
  usage: TokenUsage | undefined;
}

interface WorkflowState {
  engineId: string;
  /** From workflow_started; undefined for a resumed run (workflow_resumed names no workflow). */
  workflowName: string | undefined;
  /** The seq of its first event: workflow_started, or workflow_resumed. */
  startedSeq: number;
  /** workflow_resumed's completedStages (called before the resumption, not on this engine); undefined for a started run. */
  completedStages: readonly string[] | undefined;
  planned: { path: string; stages: string[]; seq: number } | undefined;
  completed: { status: string; path: string; succeededStages: number; totalStages: number; seq: number } | undefined;
  settled: boolean;
}

interface EngineState {
  identity: EngineIdentity;
  nextSeq: number;
  running: number;
  executions: number;
  byStatus: Record<AgentRunStatus, number>;
  /** Events the listener saw that the tap has not seen yet (the tap runs after the listeners). */
  tapBacklog: AgentEvent[];
  tapHead: number;
  disposeReturned: boolean;
  disposedMidRun: boolean;
  reaped: boolean;
  workflowRejected: boolean;
  workflowIds: string[];
  /** Tokens on this engine's agent_completed events, summed. */
  inputTokens: number;
  outputTokens: number;
}

const REDACTED = '[REDACTED]';

function emptyCounts(): CheckCounts {
  return {
    engines: 0,
    executions: 0,
    events: 0,
    tapEvents: 0,
    workflows: 0,
    succeeded: 0,
    failedError: 0,
    failedNonError: 0,
    timedOut: 0,
    timedOutIgnoredSignal: 0,
    timedOutQueued: 0,
    cancelledBeforeAdmission: 0,
    cancelledQueued: 0,
    cancelledRunning: 0,
    cancelledByDispose: 0,
    workflowsSucceeded: 0,
    workflowsFailed: 0,
    workflowsCancelled: 0,
    workflowsRejectedByDispose: 0,
    callsRefusedByDispose: 0,
    enginesDisposedMidRun: 0,
    enginesDisposedByUser: 0,
    enginesReaped: 0,
    orphanedAgents: 0,
    unclaimedAfterRejectedWorkflow: 0,
    outputDeltas: 0,
    callsWithUsage: 0,
    callsWithPartialUsage: 0,
    inputTokens: 0,
    outputTokens: 0,
  };
}

function errorText(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  try {
    return JSON.stringify(error) ?? String(error);
  } catch {
    return String(error);
  }
}

/**
 * Checks, from the outside, every promise the API makes about events and results while the stress
 * workload runs: per engine (ids, gapless `seq`, concurrency, nothing after dispose, the factory tap
 * seeing the same stream as the engine's listener), per execution (first event, exactly one
 * agent_completed, tool order, redaction, output deltas in the order written and never after
 * agent_completed, usage equal to what the agent reported while it ran), per workflow (started or resumed first, completed last, the result
 * agreeing with the events and the workflow's rules), per result (status and usage equal to its
 * agent_completed's, explained by the injected fault) and, at the end, the factory's metrics and every
 * engine's stats (token sums included) against the checker's own counts.
 *
 * It holds no reference to an engine: it is fed plain events and results, so that tests can feed it
 * synthetic bad streams and see that it catches them.
 */
export class IsolationChecker {
  readonly counts: CheckCounts = emptyCounts();
  readonly #violations: Violation[] = [];
  readonly #byRule: Partial<Record<ViolationRule, number>> = {};
  #violationCount = 0;
  readonly #engines = new Map<string, EngineState>();
  readonly #executions = new Map<string, ExecutionState>();
  readonly #workflows = new Map<string, WorkflowState>();
  readonly #maxConcurrent: number;
  readonly #secret: string | undefined;
  readonly #maxKept: number;
  #limitErrors = 0;
  #queuedNeverStarted = 0;

  constructor(options: IsolationCheckerOptions) {
    this.#maxConcurrent = options.maxConcurrentRunsPerEngine;
    this.#secret = options.secret;
    this.#maxKept = options.maxViolationsKept ?? 200;
  }

  /** Records a violation (also used by the driver and the agents for what only they can see). */
  violation(rule: ViolationRule, message: string): void {
    this.#violationCount++;
    this.#byRule[rule] = (this.#byRule[rule] ?? 0) + 1;
    if (this.#violations.length < this.#maxKept) this.#violations.push({ rule, message });
  }

  /** Violations so far (the first `maxViolationsKept`). */
  get violations(): readonly Violation[] {
    return this.#violations;
  }

  /** All violations counted so far. */
  get violationCount(): number {
    return this.#violationCount;
  }

  /**
   * Registers an engine before anything runs on it. `requested` is the context it was created with:
   * an engine bound to another user's context is the worst isolation breach there is.
   */
  registerEngine(identity: EngineIdentity, requested?: Omit<EngineIdentity, 'engineId'>): void {
    if (this.#engines.has(identity.engineId)) this.violation('engine-context', `engineId ${identity.engineId} was handed out twice`);
    if (requested !== undefined) {
      for (const field of ['userId', 'threadId', 'runId', 'requestId'] as const) {
        if (identity[field] !== requested[field]) {
          this.violation('engine-context', `engine ${identity.engineId} has ${field} ${identity[field]}, created for ${requested[field]}`);
        }
      }
    }
    this.#engines.set(identity.engineId, {
      identity: { ...identity },
      nextSeq: 0,
      running: 0,
      executions: 0,
      byStatus: { succeeded: 0, failed: 0, timed_out: 0, cancelled: 0 },
      tapBacklog: [],
      tapHead: 0,
      disposeReturned: false,
      disposedMidRun: false,
      reaped: false,
      workflowRejected: false,
      workflowIds: [],
      inputTokens: 0,
      outputTokens: 0,
    });
    this.counts.engines++;
  }

  /** An event delivered to the listener subscribed on engine `engineId` (before its first call). */
  onEngineEvent(engineId: string, event: AgentEvent): void {
    this.counts.events++;
    const engine = this.#engines.get(engineId);
    if (engine === undefined) {
      this.violation('foreign-engine', `a listener on unregistered engine ${engineId} got ${event.type}`);
      return;
    }
    const { identity } = engine;
    for (const field of ['engineId', 'userId', 'threadId', 'runId', 'requestId'] as const) {
      if (event[field] !== identity[field]) {
        this.violation(
          'foreign-ids',
          `engine ${engineId} (user ${identity.userId}) delivered ${event.type} seq ${event.seq} with ${field} ${String(event[field])}, expected ${identity[field]}`,
        );
      }
    }
    if (event.seq !== engine.nextSeq) {
      this.violation('seq-gap', `engine ${engineId}: ${event.type} has seq ${event.seq}, expected ${engine.nextSeq}`);
    }
    // Resynchronise so that one gap is reported once, not for every later event.
    engine.nextSeq = event.seq + 1;
    if (engine.disposeReturned)
      this.violation('event-after-dispose', `engine ${engineId} delivered ${event.type} seq ${event.seq} after dispose()`);
    engine.tapBacklog.push(event);
    if (
      event.type === 'workflow_started' ||
      event.type === 'workflow_resumed' ||
      event.type === 'workflow_planned' ||
      event.type === 'workflow_completed'
    ) {
      this.#onWorkflowEvent(engine, event);
    } else {
      this.#onExecutionEvent(engine, event);
    }
  }

  /** An event seen by the factory's `onEvent` tap: it must be the one the engine's listener just saw. */
  onTapEvent(event: AgentEvent): void {
    this.counts.tapEvents++;
    const engine = this.#engines.get(event.engineId);
    if (engine === undefined) {
      this.violation('foreign-engine', `the factory tap saw ${event.type} of unregistered engine ${String(event.engineId)}`);
      return;
    }
    const expected = engine.tapBacklog[engine.tapHead];
    if (expected === undefined) {
      const late = engine.disposeReturned ? ' (after dispose())' : '';
      this.violation(
        'tap-mismatch',
        `the tap saw ${event.type} seq ${event.seq} of engine ${event.engineId} that its listener never got${late}`,
      );
      return;
    }
    engine.tapHead++;
    if (engine.tapHead === engine.tapBacklog.length) {
      engine.tapBacklog.length = 0;
      engine.tapHead = 0;
    }
    if (expected !== event && (expected.seq !== event.seq || expected.type !== event.type || expected.executionId !== event.executionId)) {
      this.violation(
        'tap-mismatch',
        `engine ${event.engineId}: the tap saw ${event.type} seq ${event.seq} where the listener saw ${expected.type} seq ${expected.seq}`,
      );
    }
  }

  #onExecutionEvent(engine: EngineState, event: AgentEvent): void {
    const { executionId } = event;
    let execution = this.#executions.get(executionId);
    if (execution === undefined) {
      if (event.type !== 'agent_started' && event.type !== 'agent_completed') {
        this.violation(
          'first-event',
          `execution ${executionId} (${event.agentName}) began with ${event.type} seq ${event.seq}, not agent_started`,
        );
      }
      execution = {
        engineId: engine.identity.engineId,
        agentName: event.agentName,
        stage: event.stage,
        started: false,
        startedAt: 0,
        completedAt: 0,
        firstSeq: event.seq,
        completed: undefined,
        completedSeq: -1,
        openTools: undefined,
        claimed: false,
        deltas: 0,
        usage: undefined,
      };
      this.#executions.set(executionId, execution);
      engine.executions++;
      this.counts.executions++;
    } else {
      if (execution.engineId !== engine.identity.engineId) {
        this.violation(
          'execution-shape',
          `execution ${executionId} appeared on engines ${execution.engineId} and ${engine.identity.engineId}`,
        );
      }
      if (execution.agentName !== event.agentName || execution.stage !== event.stage) {
        this.violation(
          'execution-shape',
          `execution ${executionId} changed from ${execution.agentName}/${String(execution.stage)} to ${event.agentName}/${String(event.stage)}`,
        );
      }
      if (execution.completed !== undefined) {
        this.violation(
          event.type === 'agent_completed' ? 'duplicate-completed' : 'event-after-completed',
          `execution ${executionId} (${event.agentName}) got ${event.type} seq ${event.seq} after its agent_completed seq ${execution.completedSeq}`,
        );
      }
    }
    switch (event.type) {
      case 'agent_started':
        if (execution.started)
          this.violation('duplicate-started', `execution ${executionId} got a second agent_started (seq ${event.seq})`);
        execution.started = true;
        execution.startedAt = event.timestamp;
        engine.running++;
        if (engine.running > this.#maxConcurrent) {
          this.violation(
            'concurrency-limit',
            `engine ${engine.identity.engineId} runs ${engine.running} calls at once (limit ${this.#maxConcurrent})`,
          );
        }
        break;
      case 'agent_output_delta': {
        this.counts.outputDeltas++;
        // A delta after its agent_completed is reported above (event-after-completed).
        const expected = plannedDelta(execution.deltas);
        if (!execution.started)
          this.violation('output-delta', `agent_output_delta seq ${event.seq} of ${executionId} before its agent_started`);
        if (event.delta !== expected) {
          this.violation(
            'output-delta',
            `agent_output_delta seq ${event.seq} of ${executionId} (${event.agentName}) is ${JSON.stringify(event.delta)}, expected ${JSON.stringify(expected)}`,
          );
        }
        execution.deltas++;
        break;
      }
      case 'tool_executing':
        execution.openTools ??= new Set();
        execution.openTools.add(event.toolCallId);
        this.#checkRedacted(event.input, `tool_executing input of ${executionId}`);
        break;
      case 'tool_completed':
        if (execution.openTools?.delete(event.toolCallId) !== true) {
          this.violation('tool-order', `tool_completed ${event.toolCallId} of ${executionId} without its tool_executing`);
        }
        this.#checkRedacted(event.output, `tool_completed output of ${executionId}`);
        break;
      case 'agent_completed':
        if (execution.completed === undefined) {
          execution.completed = event.status;
          execution.completedSeq = event.seq;
          execution.completedAt = event.timestamp;
          engine.byStatus[event.status]++;
          if (execution.started) engine.running--;
          const { usage } = event;
          if (usage !== undefined) {
            execution.usage = usage;
            engine.inputTokens += usage.inputTokens;
            engine.outputTokens += usage.outputTokens;
            this.counts.callsWithUsage++;
            this.counts.inputTokens += usage.inputTokens;
            this.counts.outputTokens += usage.outputTokens;
          }
        }
        this.#checkRedacted(event.output, `agent_completed output of ${executionId}`);
        if (this.#secret !== undefined && event.error?.message.includes(this.#secret)) {
          this.violation('redaction', `agent_completed error of ${executionId} shows the secret: ${event.error.message}`);
        }
        break;
      default:
        break;
    }
  }

  /** Secret-keyed fields of objects the agents produce must arrive as `[REDACTED]`. */
  #checkRedacted(value: unknown, where: string): void {
    if (this.#secret === undefined || typeof value !== 'object' || value === null) return;
    const record = value as Record<string, unknown>;
    for (const key of ['apiKey', 'token'] as const) {
      if (key in record && record[key] !== REDACTED)
        this.violation('redaction', `${where}: ${key} is ${JSON.stringify(record[key])}, not ${REDACTED}`);
    }
  }

  #onWorkflowEvent(
    engine: EngineState,
    event: Extract<AgentEvent, { type: 'workflow_started' | 'workflow_resumed' | 'workflow_planned' | 'workflow_completed' }>,
  ): void {
    const { workflowId } = event;
    if (event.executionId !== workflowId)
      this.violation('workflow-order', `${event.type} of ${workflowId} has executionId ${event.executionId}`);
    if (event.agentName !== 'workflow') this.violation('workflow-order', `${event.type} of ${workflowId} has agentName ${event.agentName}`);
    const workflow = this.#workflows.get(workflowId);
    // A run's first event: workflow_started, or workflow_resumed when `orchestrator.resume` continues it.
    if (event.type === 'workflow_started' || event.type === 'workflow_resumed') {
      if (workflow !== undefined) {
        this.violation(
          'workflow-order',
          `workflow ${workflowId} started twice (seq ${workflow.startedSeq} and ${event.seq}, ${event.type})`,
        );
        return;
      }
      this.#workflows.set(workflowId, {
        engineId: engine.identity.engineId,
        workflowName: event.type === 'workflow_started' ? event.workflowName : undefined,
        startedSeq: event.seq,
        completedStages: event.type === 'workflow_resumed' ? [...event.completedStages] : undefined,
        planned: undefined,
        completed: undefined,
        settled: false,
      });
      engine.workflowIds.push(workflowId);
      this.counts.workflows++;
      return;
    }
    if (workflow === undefined) {
      this.violation(
        'workflow-order',
        `${event.type} seq ${event.seq} of workflow ${workflowId} without workflow_started or workflow_resumed`,
      );
      return;
    }
    if (workflow.engineId !== engine.identity.engineId) {
      this.violation('workflow-order', `workflow ${workflowId} has events on engines ${workflow.engineId} and ${engine.identity.engineId}`);
    }
    if (workflow.completed !== undefined) {
      this.violation('workflow-order', `${event.type} seq ${event.seq} of workflow ${workflowId} after its workflow_completed`);
      return;
    }
    if (event.type === 'workflow_planned') {
      if (workflow.planned !== undefined) this.violation('workflow-order', `workflow ${workflowId} planned twice`);
      workflow.planned = { path: event.path, stages: [...event.stages], seq: event.seq };
    } else {
      workflow.completed = {
        status: event.status,
        path: event.path,
        succeededStages: event.succeededStages,
        totalStages: event.totalStages,
        seq: event.seq,
      };
    }
  }

  /** Marks an engine's disposal (call before `dispose()` / `disposeUser()`): explains the `cancelled` results it causes. */
  noteDisposeStarted(engineId: string, cause: DisposeCause): void {
    const engine = this.#engines.get(engineId);
    if (engine === undefined || engine.disposeReturned) return;
    if (cause !== 'cleanup' && !engine.disposedMidRun) {
      engine.disposedMidRun = true;
      if (cause === 'engine') this.counts.enginesDisposedMidRun++;
      else this.counts.enginesDisposedByUser++;
    }
  }

  /** `dispose()` returned (its synchronous part is over): the engine must not emit anything more. */
  noteDisposeReturned(engineId: string): void {
    const engine = this.#engines.get(engineId);
    if (engine !== undefined) engine.disposeReturned = true;
  }

  /** Events the engine's listener has delivered so far (the driver checks that refused bad inputs emit none). */
  engineEventCount(engineId: string): number {
    return this.#engines.get(engineId)?.nextSeq ?? 0;
  }

  /** Whether a mid-run disposal of this engine was noted. */
  wasDisposedMidRun(engineId: string): boolean {
    return this.#engines.get(engineId)?.disposedMidRun === true;
  }

  /**
   * The engine is inactive and nobody here disposed it: the reaper did. `expected` is false when the
   * run never left it idle on purpose; then the reaper took an engine that still had work.
   */
  noteReaped(engineId: string, expected: boolean): void {
    const engine = this.#engines.get(engineId);
    if (engine === undefined || engine.reaped) return;
    engine.reaped = true;
    engine.disposeReturned = true;
    this.counts.enginesReaped++;
    if (!expected) this.violation('unexpected-reap', `engine ${engineId} was disposed by nobody while its run was not idle on purpose`);
  }

  /** A direct `executeAgent` call settled (exactly once: the driver calls this from its one `then`). */
  recordCallSettled(engineId: string, settled: { result: AgentRunResult } | { error: unknown }, expectation: CallExpectation): void {
    const engine = this.#engines.get(engineId);
    if ('error' in settled) {
      const { error } = settled;
      if (EngineDisposedError.isInstance(error) && engine !== undefined && (engine.disposedMidRun || engine.reaped)) {
        this.counts.callsRefusedByDispose++;
        return;
      }
      this.violation('unexpected-error', `executeAgent on engine ${engineId} rejected: ${errorText(error)}`);
      return;
    }
    this.#claim(engineId, settled.result, expectation);
  }

  /** `orchestrator.run` settled. */
  recordWorkflowSettled(
    engineId: string,
    settled: { result: WorkflowResult } | { error: unknown },
    expectation: WorkflowExpectation,
  ): void {
    const engine = this.#engines.get(engineId);
    if (engine === undefined) {
      this.violation('foreign-engine', `a workflow result for unregistered engine ${engineId}`);
      return;
    }
    if ('error' in settled) {
      const { error } = settled;
      if (EngineDisposedError.isInstance(error) && (engine.disposedMidRun || engine.reaped)) {
        // Its stage results are lost with the rejection; finish() lets their executions go unclaimed.
        engine.workflowRejected = true;
        this.counts.workflowsRejectedByDispose++;
        return;
      }
      this.violation('unexpected-error', `orchestrator.run on engine ${engineId} rejected: ${errorText(error)}`);
      return;
    }
    const { result } = settled;
    const where = `workflow ${result.workflowId} (engine ${engineId})`;
    const workflow = this.#workflows.get(result.workflowId);
    if (workflow === undefined || workflow.engineId !== engineId) {
      this.violation('workflow-result', `${where}: a result without workflow_started or workflow_resumed on this engine`);
      return;
    }
    if (workflow.settled) this.violation('workflow-result', `${where}: settled twice`);
    workflow.settled = true;
    const { completed, planned } = workflow;
    if (completed === undefined) {
      this.violation('workflow-order', `${where}: resolved without workflow_completed`);
    } else {
      const mismatches: string[] = [];
      if (completed.status !== result.status) mismatches.push(`status ${completed.status} vs ${result.status}`);
      if (completed.path !== result.path) mismatches.push(`path ${completed.path} vs ${result.path}`);
      if (completed.totalStages !== result.stages.length)
        mismatches.push(`totalStages ${completed.totalStages} vs ${result.stages.length}`);
      const succeeded = result.stages.filter((stage) => stage.status === 'succeeded').length;
      if (completed.succeededStages !== succeeded) mismatches.push(`succeededStages ${completed.succeededStages} vs ${succeeded}`);
      if (mismatches.length > 0)
        this.violation('workflow-result', `${where}: workflow_completed disagrees with the result: ${mismatches.join('; ')}`);
    }
    if (workflow.workflowName !== undefined && workflow.workflowName !== result.workflowName)
      this.violation('workflow-result', `${where}: workflowName ${result.workflowName} vs event ${workflow.workflowName}`);
    const completedBefore = this.#checkCompletedStages(workflow, result, where);

    // Stages: each claimed against its own events, inside the workflow's events.
    for (const stage of result.stages) {
      // A stage that succeeded before the resumption: its stored result, no call on this engine.
      if (completedBefore.has(stage.executionId)) continue;
      const streams = expectation.stageStreams?.[stage.agentName];
      this.#claim(engineId, stage, {
        outcome: expectation.stageOutcomes[stage.agentName] ?? 'succeed',
        cancelIntent: expectation.cancelIntent,
        preAborted: false,
        timeoutMs: expectation.stageTimeoutMs,
        ...(streams === undefined ? {} : { deltas: streams.deltas, usageReports: streams.usageReports }),
      });
      const execution = this.#executions.get(stage.executionId);
      if (execution === undefined) continue;
      if (execution.firstSeq < workflow.startedSeq || (completed !== undefined && execution.completedSeq > completed.seq)) {
        this.violation(
          'workflow-order',
          `${where}: stage ${stage.agentName} (seq ${execution.firstSeq}..${execution.completedSeq}) outside the workflow's events`,
        );
      }
      if (stage.stage !== stage.agentName)
        this.violation('result-shape', `${where}: stage ${stage.agentName} has stage field ${String(stage.stage)}`);
    }
    this.#checkWorkflowRules(engine, result, planned, expectation, where);
    if (result.status === 'succeeded') this.counts.workflowsSucceeded++;
    else if (result.status === 'failed') this.counts.workflowsFailed++;
    else this.counts.workflowsCancelled++;
  }

  /**
   * A resumed run: each stage workflow_resumed lists must be a succeeded stage of the result, never
   * called again on this engine. Returns the executionIds of those stored stages (empty for a started run).
   */
  #checkCompletedStages(workflow: WorkflowState, result: WorkflowResult, where: string): ReadonlySet<string> {
    const stored = new Set<string>();
    if (workflow.completedStages === undefined) return stored;
    for (const name of workflow.completedStages) {
      const stage = result.stages.find((candidate) => candidate.agentName === name);
      if (stage === undefined || stage.status !== 'succeeded') {
        this.violation(
          'workflow-result',
          `${where}: workflow_resumed lists ${name} as completed, the result has it ${stage === undefined ? 'missing' : stage.status}`,
        );
        continue;
      }
      if (this.#executions.has(stage.executionId)) {
        this.violation('workflow-rules', `${where}: stage ${name} completed before the resumption, yet it was called again`);
        continue;
      }
      stored.add(stage.executionId);
    }
    return stored;
  }

  #checkWorkflowRules(
    engine: EngineState,
    result: WorkflowResult,
    planned: WorkflowState['planned'],
    expectation: WorkflowExpectation,
    where: string,
  ): void {
    const stages = result.stages;
    if (expectation.preAborted) {
      if (stages.length > 0 || result.status !== 'cancelled' || result.path !== '') {
        this.violation(
          'workflow-rules',
          `${where}: cancelled before run, yet status ${result.status}, path '${result.path}', ${stages.length} stages`,
        );
      }
      return;
    }
    const triage = stages[0];
    if (triage === undefined || triage.agentName !== 'triage') {
      this.violation('workflow-rules', `${where}: the first stage is ${String(triage?.agentName)}, not triage`);
      return;
    }
    const path = expectedPath(triage.status, expectation.sufficiency);
    if (result.path !== path)
      this.violation(
        'workflow-rules',
        `${where}: path '${result.path}', expected '${path}' (triage ${triage.status}, planned ${expectation.sufficiency})`,
      );
    const plannedStages = TRIAGE_PATH_STAGES[path];
    if (path === '' || plannedStages === undefined) {
      if (planned !== undefined) this.violation('workflow-rules', `${where}: workflow_planned although triage was cancelled`);
      if (stages.length !== 1) this.violation('workflow-rules', `${where}: stages after a cancelled triage`);
      if (result.status !== 'cancelled') this.violation('workflow-rules', `${where}: triage cancelled, status ${result.status}`);
      this.#checkCancelExplained(engine, expectation, where);
      return;
    }
    if (planned === undefined) {
      this.violation('workflow-order', `${where}: no workflow_planned although triage ended ${triage.status}`);
    } else {
      if (planned.path !== path || planned.stages.join(',') !== plannedStages.join(',')) {
        this.violation(
          'workflow-result',
          `${where}: workflow_planned ${planned.path} [${planned.stages.join(',')}], expected ${path} [${plannedStages.join(',')}]`,
        );
      }
      const triageExecution = this.#executions.get(triage.executionId);
      if (triageExecution !== undefined && triageExecution.completedSeq > planned.seq) {
        this.violation(
          'workflow-order',
          `${where}: workflow_planned (seq ${planned.seq}) before triage completed (seq ${triageExecution.completedSeq})`,
        );
      }
    }
    const sequence = checkStageSequence(plannedStages, stages);
    if (sequence.problem !== undefined) this.violation('workflow-rules', `${where}: ${sequence.problem}`);
    const anyCancelled = stages.some((stage) => stage.status === 'cancelled');
    const anyFailed = stages.some((stage) => stage.status === 'failed' || stage.status === 'timed_out');
    // The orchestrator's rule: cancellation wins, then failure (a timed-out stage counts as failed).
    const status = anyCancelled || sequence.cutShort ? 'cancelled' : anyFailed ? 'failed' : 'succeeded';
    if (result.status !== status) {
      this.violation(
        'workflow-rules',
        `${where}: status ${result.status}, expected ${status} from stages ${stages.map((stage) => `${stage.agentName}:${stage.status}`).join(',')}`,
      );
    }
    if (result.status === 'cancelled') this.#checkCancelExplained(engine, expectation, where);
  }

  #checkCancelExplained(engine: EngineState, expectation: WorkflowExpectation, where: string): void {
    if (!expectation.cancelIntent && !engine.disposedMidRun)
      this.violation('fault-mismatch', `${where}: cancelled although nobody cancelled it or disposed its engine`);
  }

  /** Matches a result with its execution's events and with the fault that was injected. */
  #claim(engineId: string, result: AgentRunResult, expectation: CallExpectation): void {
    const engine = this.#engines.get(engineId);
    const execution = this.#executions.get(result.executionId);
    const where = `execution ${result.executionId} (${result.agentName}, engine ${engineId})`;
    if (engine === undefined || execution === undefined) {
      this.violation('result-unmatched', `${where}: a ${result.status} result without any event`);
      return;
    }
    if (execution.engineId !== engineId) this.violation('result-unmatched', `${where}: its events came from engine ${execution.engineId}`);
    if (execution.claimed) this.violation('result-unmatched', `${where}: two results for one call`);
    execution.claimed = true;
    if (execution.completed === undefined) {
      this.violation('result-unmatched', `${where}: resolved ${result.status} before any agent_completed`);
    } else if (execution.completed !== result.status) {
      this.violation('result-status-mismatch', `${where}: result ${result.status}, agent_completed ${execution.completed}`);
    }
    const { identity } = engine;
    if (result.runId !== identity.runId || result.requestId !== identity.requestId) {
      this.violation(
        'result-shape',
        `${where}: result ids ${result.runId}/${result.requestId}, engine ${identity.runId}/${identity.requestId}`,
      );
    }
    if (result.agentName !== execution.agentName || result.stage !== execution.stage) {
      this.violation(
        'result-shape',
        `${where}: result ${result.agentName}/${String(result.stage)}, events ${execution.agentName}/${String(execution.stage)}`,
      );
    }
    if (!(result.durationMs >= 0) || !(result.queuedMs >= 0) || result.queuedMs > result.durationMs) {
      this.violation('result-shape', `${where}: durationMs ${result.durationMs}, queuedMs ${result.queuedMs}`);
    }
    this.#checkFault(engine, execution, result, expectation, where);
    this.#checkStreams(execution, result, expectation, where);
  }

  /**
   * The streamed output and the usage against what the agent did: a call whose agent finished
   * (succeeded, or failed by its own throw) wrote every planned delta and made every planned report
   * while it ran; a call cut short (timed out, cancelled) got a first part of them, never more, and
   * nothing of what a hanging agent wrote or reported after its deadline.
   */
  #checkStreams(execution: ExecutionState, result: AgentRunResult, expectation: CallExpectation, where: string): void {
    if (!sameUsage(result.usage, execution.usage)) {
      this.violation(
        'usage',
        `${where}: result usage ${describeUsage(result.usage)}, agent_completed usage ${describeUsage(execution.usage)}`,
      );
    }
    const finished = (result.status === 'succeeded' || result.status === 'failed') && expectation.outcome !== 'hang';
    const { deltas, usageReports } = expectation;
    if (deltas !== undefined && (finished ? execution.deltas !== deltas : execution.deltas > deltas)) {
      this.violation('output-delta', `${where}: ${execution.deltas} deltas for a ${result.status} call whose agent wrote ${deltas}`);
    }
    if (usageReports === undefined) return;
    const possible = possibleUsages(usageReports);
    const all = possible[possible.length - 1];
    if (finished ? !sameUsage(result.usage, all) : !possible.some((usage) => sameUsage(result.usage, usage))) {
      this.violation(
        'usage',
        `${where}: ${result.status} with usage ${describeUsage(result.usage)}; its agent reported ${finished ? describeUsage(all) : `one of ${possible.map(describeUsage).join(', ')}`}`,
      );
    } else if (!finished && !sameUsage(result.usage, all) && result.usage !== undefined) {
      this.counts.callsWithPartialUsage++;
    }
  }

  /** The status must be one the injected fault explains; also counts what was exercised. */
  #checkFault(engine: EngineState, execution: ExecutionState, result: AgentRunResult, expectation: CallExpectation, where: string): void {
    const { outcome } = expectation;
    const error = result.error;
    const mismatch = (why: string) =>
      this.violation('fault-mismatch', `${where}: ${why} (scripted ${outcome}, result ${result.status} ${error?.code ?? ''})`);
    if (expectation.preAborted && (result.status !== 'cancelled' || execution.started)) mismatch('its signal was aborted before the call');
    // The API: timeoutMs "is a deadline from the call". Work must not start, or win, after it.
    const calledAt = execution.completedAt - result.durationMs;
    const startedAfter = execution.started ? execution.startedAt - calledAt : 0;
    const startedLate = startedAfter > expectation.timeoutMs;
    if (startedLate) {
      this.violation(
        'late-start',
        `${where}: started from the queue ${startedAfter} ms after the call, past its ${expectation.timeoutMs} ms deadline; ended ${result.status} after ${result.durationMs} ms`,
      );
    }
    const overran = (result.status === 'succeeded' || result.status === 'failed') && result.durationMs > expectation.timeoutMs;
    if (overran && !startedLate) {
      this.violation(
        'deadline-overrun',
        `${where}: ${result.status} after ${result.durationMs} ms although its deadline was ${expectation.timeoutMs} ms (started ${startedAfter} ms after the call; scripted ${outcome})`,
      );
    }
    switch (result.status) {
      case 'succeeded':
        this.counts.succeeded++;
        // A hanging agent can only "succeed" past its deadline, which is reported above.
        if (outcome !== 'succeed' && !(outcome === 'hang' && overran)) mismatch('succeeded');
        if (this.#secret !== undefined && (result.output as { token?: unknown } | undefined)?.token !== this.#secret) {
          mismatch('the result does not carry the real output');
        }
        break;
      case 'failed':
        if (error?.name === 'NonError') this.counts.failedNonError++;
        else this.counts.failedError++;
        if (!THROW_OUTCOMES.has(outcome)) mismatch('failed');
        else if (error?.code !== 'AGENT_FAILED') mismatch('failed without AGENT_FAILED');
        else if (NON_ERROR_OUTCOMES.has(outcome) !== (error.name === 'NonError')) mismatch(`error.name ${error.name}`);
        break;
      case 'timed_out':
        this.counts.timedOut++;
        if (error?.code !== 'RUN_TIMEOUT') mismatch('timed out without RUN_TIMEOUT');
        if (!execution.started) this.counts.timedOutQueued++;
        else if (outcome === 'hang') this.counts.timedOutIgnoredSignal++;
        break;
      case 'cancelled': {
        const byDispose = error?.message.includes('disposed') === true;
        if (error?.code !== 'RUN_CANCELLED') mismatch('cancelled without RUN_CANCELLED');
        if (!expectation.cancelIntent && !engine.disposedMidRun) mismatch('cancelled although nobody cancelled it or disposed its engine');
        if (byDispose) this.counts.cancelledByDispose++;
        else if (expectation.preAborted) this.counts.cancelledBeforeAdmission++;
        else if (!execution.started) this.counts.cancelledQueued++;
        else this.counts.cancelledRunning++;
        break;
      }
    }
    if (!execution.started && !expectation.preAborted && result.status !== 'succeeded') this.#queuedNeverStarted++;
  }

  /** A `UserLimitExceededError` the driver got (none is expected; the metrics must count the same). */
  noteLimitError(): void {
    this.#limitErrors++;
  }

  /** An engine's stats after its disposal: they must agree with its events and limits. */
  recordEngineStats(stats: EngineStats): void {
    const engine = this.#engines.get(stats.engineId);
    if (engine === undefined) {
      this.violation('engine-stats', `stats of unregistered engine ${stats.engineId}`);
      return;
    }
    const problems: string[] = [];
    const { byStatus } = engine;
    if (stats.userId !== engine.identity.userId) problems.push(`userId ${stats.userId}`);
    if (stats.runsStarted !== engine.executions) problems.push(`runsStarted ${stats.runsStarted}, calls seen ${engine.executions}`);
    if (
      stats.runsStarted !==
      stats.runsSucceeded + stats.runsFailed + stats.runsTimedOut + stats.runsCancelled + stats.activeRuns + stats.queuedRuns
    ) {
      problems.push('runs do not balance');
    }
    if (
      stats.runsSucceeded !== byStatus.succeeded ||
      stats.runsFailed !== byStatus.failed ||
      stats.runsTimedOut !== byStatus.timed_out ||
      stats.runsCancelled !== byStatus.cancelled
    ) {
      problems.push(
        `statuses ${stats.runsSucceeded}/${stats.runsFailed}/${stats.runsTimedOut}/${stats.runsCancelled}, events ${byStatus.succeeded}/${byStatus.failed}/${byStatus.timed_out}/${byStatus.cancelled}`,
      );
    }
    if (stats.activeRuns !== 0 || stats.queuedRuns !== 0)
      problems.push(`active ${stats.activeRuns}, queued ${stats.queuedRuns} after dispose`);
    if (stats.maxConcurrentRuns !== this.#maxConcurrent)
      problems.push(`maxConcurrentRuns ${stats.maxConcurrentRuns}, configured ${this.#maxConcurrent}`);
    if (stats.peakConcurrentRuns > this.#maxConcurrent)
      problems.push(`peakConcurrentRuns ${stats.peakConcurrentRuns} > ${this.#maxConcurrent}`);
    if (stats.listenerErrors !== 0) problems.push(`listenerErrors ${stats.listenerErrors}`);
    if (stats.inputTokens !== engine.inputTokens || stats.outputTokens !== engine.outputTokens) {
      problems.push(
        `tokens ${stats.inputTokens}/${stats.outputTokens}, agent_completed usage ${engine.inputTokens}/${engine.outputTokens}`,
      );
    }
    if (problems.length > 0) this.violation('engine-stats', `engine ${stats.engineId}: ${problems.join('; ')}`);
    this.counts.orphanedAgents += stats.orphanedRuns;
  }

  /** An unhandled rejection or uncaught exception in the process during the run. */
  recordProcessFault(kind: 'unhandled-rejection' | 'uncaught-exception', error: unknown): void {
    this.violation(kind, errorText(error));
  }

  /**
   * The final checks, once every call and workflow has settled and every engine is disposed (before
   * `factory.shutdown()`): nothing left unsettled or unclaimed, and the factory's metrics balance and
   * equal the checker's own counts.
   */
  finish(metrics: EngineFactoryMetrics): CheckReport {
    for (const [executionId, execution] of this.#executions) {
      const engine = this.#engines.get(execution.engineId)!;
      if (execution.completed === undefined) {
        this.violation('unsettled', `execution ${executionId} (${execution.agentName}) never got agent_completed`);
      } else if (!execution.claimed) {
        if (engine.workflowRejected) this.counts.unclaimedAfterRejectedWorkflow++;
        else
          this.violation(
            'unsettled',
            `execution ${executionId} (${execution.agentName}) ended ${execution.completed} but no caller got its result`,
          );
      }
    }
    for (const [workflowId, workflow] of this.#workflows) {
      const engine = this.#engines.get(workflow.engineId)!;
      if (engine.workflowRejected) continue;
      if (workflow.completed === undefined) this.violation('workflow-order', `workflow ${workflowId} never got workflow_completed`);
      if (!workflow.settled) this.violation('unsettled', `workflow ${workflowId} has events but its run never resolved`);
    }
    for (const engine of this.#engines.values()) {
      if (engine.tapHead < engine.tapBacklog.length) {
        this.violation(
          'tap-mismatch',
          `engine ${engine.identity.engineId}: ${engine.tapBacklog.length - engine.tapHead} events reached its listener but not the tap`,
        );
      }
    }
    this.#checkMetrics(metrics);
    return this.report();
  }

  #checkMetrics(metrics: EngineFactoryMetrics): void {
    const problems: string[] = [];
    const statuses = { succeeded: 0, failed: 0, timed_out: 0, cancelled: 0 };
    for (const engine of this.#engines.values()) {
      statuses.succeeded += engine.byStatus.succeeded;
      statuses.failed += engine.byStatus.failed;
      statuses.timed_out += engine.byStatus.timed_out;
      statuses.cancelled += engine.byStatus.cancelled;
    }
    const ended = metrics.runsSucceeded + metrics.runsFailed + metrics.runsTimedOut + metrics.runsCancelled;
    if (metrics.runsStarted !== ended)
      problems.push(`runsStarted ${metrics.runsStarted} != succeeded+failed+timedOut+cancelled ${ended} with nothing in flight`);
    if (metrics.enginesCreated !== metrics.enginesActive + metrics.enginesDisposed) {
      problems.push(`enginesCreated ${metrics.enginesCreated} != active ${metrics.enginesActive} + disposed ${metrics.enginesDisposed}`);
    }
    const expected: Array<[string, number, number]> = [
      ['runsStarted', metrics.runsStarted, this.counts.executions],
      ['runsSucceeded', metrics.runsSucceeded, statuses.succeeded],
      ['runsFailed', metrics.runsFailed, statuses.failed],
      ['runsTimedOut', metrics.runsTimedOut, statuses.timed_out],
      ['runsCancelled', metrics.runsCancelled, statuses.cancelled],
      ['enginesCreated', metrics.enginesCreated, this.counts.engines],
      ['enginesActive', metrics.enginesActive, 0],
      ['activeUsers', metrics.activeUsers, 0],
      ['enginesReaped', metrics.enginesReaped, this.counts.enginesReaped],
      ['userLimitRejections', metrics.userLimitRejections, this.#limitErrors],
      ['inputTokens', metrics.inputTokens, this.counts.inputTokens],
      ['outputTokens', metrics.outputTokens, this.counts.outputTokens],
    ];
    for (const [name, actual, seen] of expected) if (actual !== seen) problems.push(`${name} ${actual}, checker saw ${seen}`);
    // Calls that ended without ever starting (and were not pre-aborted) had to wait: runsQueued counts at least those.
    if (metrics.runsQueued < this.#queuedNeverStarted || metrics.runsQueued > metrics.runsStarted) {
      problems.push(`runsQueued ${metrics.runsQueued}, at least ${this.#queuedNeverStarted} calls ended while queued`);
    }
    if (problems.length > 0) this.violation('metrics', problems.join('; '));
  }

  /** The verdict so far. */
  report(): CheckReport {
    return {
      violationCount: this.#violationCount,
      violations: [...this.#violations],
      byRule: { ...this.#byRule },
      counts: { ...this.counts },
    };
  }
}
