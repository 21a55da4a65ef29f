import { describe, expect, it } from 'vitest';

/**
 * Every module is imported inside a test, not at the top of a file: a module whose top-level code
 * throws (a schema or constant that cannot be built) must fail a test. A file that fails to load has
 * no tests at all, which a test runner (and a mutation-testing tool) may not count as a failure.
 */
describe('module loading', () => {
  it('loads the entry point with every public name defined', async () => {
    const api = await import('./index.js');
    for (const [name, value] of Object.entries(api)) expect(value, name).toBeDefined();
    expect(api.AGENT_EVENT_TYPES).toHaveLength(11);
    expect(api.PLACEHOLDER_IDS).toContain('placeholder');
  });

  it('builds the event schemas: a valid event parses and the union discriminates on type', async () => {
    const { parseAgentEvent, AgentEventSchema } = await import('./agent-event.js');
    const event = {
      type: 'agent_thinking',
      userId: 'u',
      threadId: 't',
      runId: 'r',
      requestId: 'q',
      engineId: 'e',
      executionId: 'x',
      agentName: 'a',
      seq: 0,
      timestamp: 1,
      thought: 'hm',
    };
    expect(parseAgentEvent(event)).toEqual(event);
    expect(AgentEventSchema.safeParse({ ...event, type: 'agent_started' }).success).toBe(true);
    expect(AgentEventSchema.safeParse({ ...event, type: 'nope' }).success).toBe(false);
  });

  it('builds the context module: a valid context is created, a placeholder refused', async () => {
    const { createUserExecutionContext } = await import('./user-execution-context.js');
    expect(createUserExecutionContext({ userId: 'u_1', threadId: 't_1', runId: 'r_1' }).userId).toBe('u_1');
    expect(() => createUserExecutionContext({ userId: 'test', threadId: 't_1', runId: 'r_1' })).toThrow(/placeholder/);
  });
});
