import type { AgentEvent, AgentRunStatus, WorkflowStatus } from '@baton/engine-contract';

type Payload<T extends AgentEvent['type']> = Omit<
  Extract<AgentEvent, { type: T }>,
  'type' | 'userId' | 'threadId' | 'runId' | 'requestId' | 'engineId' | 'seq' | 'timestamp' | 'agentName' | 'executionId'
>;

/**
 * Hand-made events of one workflow run with a valid envelope and consecutive `seq`, so that UI
 * stream tests need no engine: `const run = eventLog(); run.agent('triage', 'x1').delta('Hi')...`.
 */
export function eventLog() {
  const events: AgentEvent[] = [];
  let seq = 0;
  const envelope = (agentName: string, executionId: string) => ({
    userId: 'u_1',
    threadId: 't_1',
    runId: 'r_1',
    requestId: 'req_1',
    engineId: 'eng_1',
    executionId,
    agentName,
    seq: seq++,
    timestamp: 1_000 + seq,
  });
  const push = <T extends AgentEvent['type']>(type: T, agentName: string, executionId: string, payload: Payload<T>) => {
    events.push({ type, ...envelope(agentName, executionId), ...payload } as AgentEvent);
  };
  const log = {
    events,
    workflowStarted(workflowId = 'wf_1') {
      push('workflow_started', 'workflow', workflowId, { workflowId, workflowName: 'answer' });
      return log;
    },
    workflowResumed(completedStages: string[] = [], workflowId = 'wf_1') {
      push('workflow_resumed', 'workflow', workflowId, { workflowId, completedStages });
      return log;
    },
    workflowSuspended(stage: string, prompt: string, workflowId = 'wf_1') {
      push('workflow_suspended', 'workflow', workflowId, { workflowId, stage, prompt });
      return log;
    },
    workflowPlanned(stages: string[], workflowId = 'wf_1') {
      push('workflow_planned', 'workflow', workflowId, { workflowId, path: 'main', stages });
      return log;
    },
    workflowCompleted(status: WorkflowStatus = 'succeeded', workflowId = 'wf_1') {
      push('workflow_completed', 'workflow', workflowId, {
        workflowId,
        path: 'main',
        status,
        durationMs: 42,
        succeededStages: 2,
        totalStages: 2,
      });
      return log;
    },
    started(agentName: string, executionId: string) {
      push('agent_started', agentName, executionId, { stage: agentName });
      return log;
    },
    delta(agentName: string, executionId: string, delta: string) {
      push('agent_output_delta', agentName, executionId, { stage: agentName, delta });
      return log;
    },
    thinking(agentName: string, executionId: string, thought: string) {
      push('agent_thinking', agentName, executionId, { stage: agentName, thought });
      return log;
    },
    toolExecuting(agentName: string, executionId: string, toolCallId: string, toolName: string, input: unknown) {
      push('tool_executing', agentName, executionId, { stage: agentName, toolCallId, toolName, input });
      return log;
    },
    toolCompleted(
      agentName: string,
      executionId: string,
      toolCallId: string,
      toolName: string,
      result: { output?: unknown; error?: string },
    ) {
      const failed = result.error !== undefined;
      push('tool_completed', agentName, executionId, {
        stage: agentName,
        toolCallId,
        toolName,
        status: failed ? 'failed' : 'succeeded',
        durationMs: 3,
        ...(failed ? { error: { name: 'Error', message: result.error! } } : { output: result.output }),
      });
      return log;
    },
    completed(agentName: string, executionId: string, status: AgentRunStatus = 'succeeded', durationMs = 10) {
      push('agent_completed', agentName, executionId, { stage: agentName, status, durationMs });
      return log;
    },
  };
  return log;
}

/** An async iterable over `events` that records how it was used (`return()` calls, reads). */
export function trackedIterable<T>(events: readonly T[], options: { throwAt?: number; error?: unknown } = {}) {
  const stats = { reads: 0, returned: 0 };
  const iterable: AsyncIterable<T> = {
    [Symbol.asyncIterator]() {
      let index = 0;
      return {
        async next() {
          stats.reads++;
          if (options.throwAt === index) throw options.error;
          if (index >= events.length) return { done: true, value: undefined };
          return { done: false, value: events[index++]! };
        },
        async return() {
          stats.returned++;
          return { done: true, value: undefined };
        },
      };
    },
  };
  return { iterable, stats };
}
