import type { AgentEvent, AgentRunResult, AgentRunStatus } from '@baton/engine-contract';
import type { EngineFactoryMetrics } from '@baton/engine-factory';
import type { WorkflowResult } from '@baton/orchestrator';
import { type CallExpectation, type EngineIdentity, IsolationChecker, type WorkflowExpectation } from '../isolation-checker.js';

/** The secret the synthetic agents "return" (events must show it redacted). */
export const SECRET = 'synthetic-secret';

/** The one engine of the synthetic streams. */
export const ENGINE: EngineIdentity = Object.freeze({
  engineId: 'engine-a',
  userId: 'user-a',
  threadId: 'thread-a',
  runId: 'run-a',
  requestId: 'request-a',
});

/** A checker with the synthetic engine registered (limit: 2 calls at once). */
export function syntheticChecker(): IsolationChecker {
  const checker = new IsolationChecker({ maxConcurrentRunsPerEngine: 2, secret: SECRET });
  checker.registerEngine(ENGINE, ENGINE);
  return checker;
}

/** An event of the synthetic engine: the envelope filled in, `fields` on top (they may override it). */
export function syntheticEvent(
  type: AgentEvent['type'],
  executionId: string,
  seq: number,
  fields: Record<string, unknown> = {},
): AgentEvent {
  return {
    type,
    userId: ENGINE.userId,
    threadId: ENGINE.threadId,
    runId: ENGINE.runId,
    requestId: ENGINE.requestId,
    engineId: ENGINE.engineId,
    executionId,
    agentName: 'worker',
    stage: 'direct',
    seq,
    timestamp: 1_000 + seq,
    ...fields,
  } as AgentEvent;
}

/** Delivers events as an engine does: to its listener, then to the factory's tap. */
export function deliver(checker: IsolationChecker, events: readonly AgentEvent[]): void {
  for (const event of events) {
    checker.onEngineEvent(ENGINE.engineId, event);
    checker.onTapEvent(event);
  }
}

/** A well-behaved direct call: started, one thought, succeeded (seq from `firstSeq`). */
export function cleanCall(executionId: string, firstSeq = 0): AgentEvent[] {
  return [
    syntheticEvent('agent_started', executionId, firstSeq),
    syntheticEvent('agent_thinking', executionId, firstSeq + 1, { thought: 'thinking' }),
    syntheticEvent('agent_completed', executionId, firstSeq + 2, { status: 'succeeded', durationMs: 2, output: { token: '[REDACTED]' } }),
  ];
}

/** The result `executeAgent` resolves to for `executionId`. */
export function syntheticResult(
  executionId: string,
  status: AgentRunStatus = 'succeeded',
  fields: Partial<AgentRunResult> = {},
): AgentRunResult {
  return {
    status,
    executionId,
    agentName: 'worker',
    runId: ENGINE.runId,
    requestId: ENGINE.requestId,
    stage: 'direct',
    durationMs: 2,
    queuedMs: 0,
    ...(status === 'succeeded' ? { output: { token: SECRET } } : {}),
    ...fields,
  };
}

/** A call scripted to succeed, not cancelled, with a 100 ms deadline. */
export const SUCCEED: CallExpectation = Object.freeze({ outcome: 'succeed', cancelIntent: false, preAborted: false, timeoutMs: 100 });

/** Metrics that agree with `calls` finished calls of the synthetic engine (disposed at the end). */
export function syntheticMetrics(calls: number, overrides: Partial<EngineFactoryMetrics> = {}): EngineFactoryMetrics {
  return {
    enginesCreated: 1,
    enginesActive: 0,
    enginesDisposed: 1,
    enginesReaped: 0,
    userLimitRejections: 0,
    activeUsers: 0,
    runsStarted: calls,
    runsSucceeded: calls,
    runsFailed: 0,
    runsTimedOut: 0,
    runsCancelled: 0,
    runsQueued: 0,
    inputTokens: 0,
    outputTokens: 0,
    ...overrides,
  };
}

const stageIds = { triage: 'exec-triage', data_helper: 'exec-helper', reporting: 'exec-reporting' } as const;

/** A well-behaved `insufficient` workflow run: its events (seq 0..9) and its result. */
export function cleanWorkflow(): { events: AgentEvent[]; result: WorkflowResult; expectation: WorkflowExpectation } {
  const workflowId = 'workflow-1';
  const wf = (type: AgentEvent['type'], seq: number, fields: Record<string, unknown>) =>
    syntheticEvent(type, workflowId, seq, { agentName: 'workflow', stage: undefined, workflowId, ...fields });
  const stage = (agent: keyof typeof stageIds, seq: number, output: Record<string, unknown>) => [
    syntheticEvent('agent_started', stageIds[agent], seq, { agentName: agent, stage: agent }),
    syntheticEvent('agent_completed', stageIds[agent], seq + 1, {
      agentName: agent,
      stage: agent,
      status: 'succeeded',
      durationMs: 1,
      output,
    }),
  ];
  const events = [
    wf('workflow_started', 0, { workflowName: 'triage-workflow' }),
    ...stage('triage', 1, { dataSufficiency: 'insufficient', token: '[REDACTED]' }),
    wf('workflow_planned', 3, { path: 'insufficient', stages: ['triage', 'data_helper', 'reporting'] }),
    ...stage('data_helper', 4, { token: '[REDACTED]' }),
    ...stage('reporting', 6, { token: '[REDACTED]' }),
    wf('workflow_completed', 8, { path: 'insufficient', status: 'succeeded', durationMs: 5, succeededStages: 3, totalStages: 3 }),
  ];
  const stageResult = (agent: keyof typeof stageIds): AgentRunResult =>
    syntheticResult(stageIds[agent], 'succeeded', { agentName: agent, stage: agent, durationMs: 1 });
  const result: WorkflowResult = {
    workflowId,
    workflowName: 'triage-workflow',
    status: 'succeeded',
    path: 'insufficient',
    stages: [stageResult('triage'), stageResult('data_helper'), stageResult('reporting')],
    durationMs: 5,
  };
  const expectation: WorkflowExpectation = {
    sufficiency: 'insufficient',
    cancelIntent: false,
    preAborted: false,
    stageOutcomes: { triage: 'succeed', data_helper: 'succeed', reporting: 'succeed' },
    stageTimeoutMs: 100,
  };
  return { events, result, expectation };
}

/**
 * The same run resumed (`orchestrator.resume`) after its triage had succeeded in an earlier process:
 * `workflow_resumed` first (completedStages `['triage']`), then the rest on this engine (seq 0..6);
 * the result holds triage's stored result, whose call left no event here.
 */
export function resumedWorkflow(): { events: AgentEvent[]; result: WorkflowResult; expectation: WorkflowExpectation } {
  const clean = cleanWorkflow();
  const [, , , planned, ...rest] = clean.events;
  const resumed = syntheticEvent('workflow_resumed', clean.result.workflowId, 0, {
    agentName: 'workflow',
    stage: undefined,
    workflowId: clean.result.workflowId,
    completedStages: ['triage'],
  });
  const events = [resumed, planned!, ...rest].map((event, seq) => ({ ...event, seq, timestamp: 1_000 + seq }) as AgentEvent);
  const [triage, ...called] = clean.result.stages;
  const result: WorkflowResult = { ...clean.result, stages: [{ ...triage!, executionId: 'exec-triage-before' }, ...called] };
  return { events, result, expectation: clean.expectation };
}
