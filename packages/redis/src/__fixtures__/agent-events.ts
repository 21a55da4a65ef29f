import type { AgentEvent } from '@baton/engine-contract';

/** A valid `agent_thinking` event of `userId` with the given `seq`. */
export function thinkingEvent(userId: string, seq: number): AgentEvent {
  return {
    type: 'agent_thinking',
    userId,
    threadId: 'thread_1',
    runId: 'run_1',
    requestId: 'request_1',
    engineId: `engine_${userId}`,
    executionId: 'execution_1',
    agentName: 'lookup',
    seq,
    timestamp: Date.now(),
    thought: `thought ${seq}`,
  };
}
