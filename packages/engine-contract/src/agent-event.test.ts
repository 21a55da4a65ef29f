import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  AGENT_EVENT_TYPES,
  AgentCompletedEventSchema,
  type AgentEvent,
  AgentEventSchema,
  type AgentEventType,
  AgentOutputDeltaEventSchema,
  AgentStartedEventSchema,
  AgentThinkingEventSchema,
  parseAgentEvent,
  ToolCompletedEventSchema,
  ToolExecutingEventSchema,
  WorkflowCompletedEventSchema,
  WorkflowPlannedEventSchema,
  WorkflowResumedEventSchema,
  WorkflowStartedEventSchema,
  WorkflowSuspendedEventSchema,
} from './agent-event.js';
import { BatonError } from './errors/baton-error.js';
import { InvalidEventError } from './errors/invalid-event-error.js';

const envelope = {
  userId: 'u_42',
  threadId: 't_1',
  runId: 'r_1',
  requestId: 'req_1',
  engineId: 'eng_1',
  executionId: 'exec_1',
  agentName: 'researcher',
  seq: 0,
  timestamp: 1_700_000_000_000,
};
const workflowEnvelope = { ...envelope, agentName: 'workflow', executionId: 'wf_run_1' };

/** One valid event per type, with every optional field set. */
const EXAMPLES: { [T in AgentEventType]: Extract<AgentEvent, { type: T }> } = {
  agent_started: { type: 'agent_started', ...envelope, stage: 'triage', input: { question: 'why?' } },
  agent_thinking: { type: 'agent_thinking', ...envelope, thought: 'Looking it up' },
  agent_output_delta: { type: 'agent_output_delta', ...envelope, stage: 'reporting', delta: 'The answer ' },
  tool_executing: { type: 'tool_executing', ...envelope, toolCallId: 'call_1', toolName: 'search', input: { q: 'x' } },
  tool_completed: {
    type: 'tool_completed',
    ...envelope,
    toolCallId: 'call_1',
    toolName: 'search',
    status: 'failed',
    output: [1, 2],
    error: { name: 'TypeError', message: 'bad' },
    durationMs: 12,
  },
  agent_completed: {
    type: 'agent_completed',
    ...envelope,
    status: 'failed',
    durationMs: 30,
    output: 'partial',
    error: { code: 'AGENT_FAILED', name: 'Error', message: 'boom' },
    usage: { inputTokens: 120, outputTokens: 40, totalTokens: 170 },
  },
  workflow_started: { type: 'workflow_started', ...workflowEnvelope, workflowId: 'wf_run_1', workflowName: 'support' },
  workflow_planned: {
    type: 'workflow_planned',
    ...workflowEnvelope,
    workflowId: 'wf_run_1',
    path: 'billing',
    stages: ['triage', 'billing'],
  },
  workflow_completed: {
    type: 'workflow_completed',
    ...workflowEnvelope,
    workflowId: 'wf_run_1',
    path: 'billing',
    status: 'succeeded',
    durationMs: 99,
    succeededStages: 2,
    totalStages: 2,
  },
  workflow_resumed: { type: 'workflow_resumed', ...workflowEnvelope, workflowId: 'wf_run_1', completedStages: ['triage', 'billing'] },
  workflow_suspended: {
    type: 'workflow_suspended',
    ...workflowEnvelope,
    workflowId: 'wf_run_1',
    stage: 'actions',
    prompt: 'Apply this plan? 7 steps, about $13,880 a month',
  },
};

/** The same events with only the required fields. */
const MINIMAL: { [T in AgentEventType]: Extract<AgentEvent, { type: T }> } = {
  agent_started: { type: 'agent_started', ...envelope },
  agent_thinking: { type: 'agent_thinking', ...envelope, thought: '' },
  agent_output_delta: { type: 'agent_output_delta', ...envelope, delta: ' ' },
  tool_executing: { type: 'tool_executing', ...envelope, toolCallId: 'c', toolName: 't' },
  tool_completed: { type: 'tool_completed', ...envelope, toolCallId: 'c', toolName: 't', status: 'succeeded', durationMs: 0 },
  agent_completed: { type: 'agent_completed', ...envelope, status: 'succeeded', durationMs: 0 },
  workflow_started: { type: 'workflow_started', ...workflowEnvelope, workflowId: 'w', workflowName: 'n' },
  workflow_planned: { type: 'workflow_planned', ...workflowEnvelope, workflowId: 'w', path: '', stages: [] },
  workflow_completed: {
    type: 'workflow_completed',
    ...workflowEnvelope,
    workflowId: 'w',
    path: 'p',
    status: 'cancelled',
    durationMs: 0,
    succeededStages: 0,
    totalStages: 0,
  },
  workflow_resumed: { type: 'workflow_resumed', ...workflowEnvelope, workflowId: 'w', completedStages: [] },
  workflow_suspended: { type: 'workflow_suspended', ...workflowEnvelope, workflowId: 'w', stage: 's', prompt: '' },
};

const SCHEMAS: { [T in AgentEventType]: z.ZodType } = {
  agent_started: AgentStartedEventSchema,
  agent_thinking: AgentThinkingEventSchema,
  agent_output_delta: AgentOutputDeltaEventSchema,
  tool_executing: ToolExecutingEventSchema,
  tool_completed: ToolCompletedEventSchema,
  agent_completed: AgentCompletedEventSchema,
  workflow_started: WorkflowStartedEventSchema,
  workflow_planned: WorkflowPlannedEventSchema,
  workflow_completed: WorkflowCompletedEventSchema,
  workflow_resumed: WorkflowResumedEventSchema,
  workflow_suspended: WorkflowSuspendedEventSchema,
};

const ENVELOPE_FIELDS = [
  'type',
  'userId',
  'threadId',
  'runId',
  'requestId',
  'engineId',
  'executionId',
  'agentName',
  'seq',
  'timestamp',
] as const;

/** Required payload fields per type (beyond the envelope). */
const REQUIRED_PAYLOAD: { [T in AgentEventType]: string[] } = {
  agent_started: [],
  agent_thinking: ['thought'],
  agent_output_delta: ['delta'],
  tool_executing: ['toolCallId', 'toolName'],
  tool_completed: ['toolCallId', 'toolName', 'status', 'durationMs'],
  agent_completed: ['status', 'durationMs'],
  workflow_started: ['workflowId', 'workflowName'],
  workflow_planned: ['workflowId', 'path', 'stages'],
  workflow_completed: ['workflowId', 'path', 'status', 'durationMs', 'succeededStages', 'totalStages'],
  workflow_resumed: ['workflowId', 'completedStages'],
  workflow_suspended: ['workflowId', 'stage', 'prompt'],
};

/** Values of the wrong type (or out of range) for each field. */
const WRONG_VALUES: Record<string, unknown[]> = {
  type: ['agent_finished', '', 42, null],
  userId: ['', 42, null, {}],
  threadId: ['', 42],
  runId: ['', false],
  requestId: ['', []],
  engineId: ['', 1],
  executionId: ['', 1],
  agentName: ['', 1],
  seq: [-1, 1.5, '0', Number.NaN, null],
  timestamp: ['2024-01-01', Number.NaN, Number.POSITIVE_INFINITY, null],
  stage: [1, null],
  thought: [1, null],
  // Never empty: the engine drops empty deltas.
  delta: ['', 1, null, ['a']],
  usage: ['many', null, {}, { inputTokens: -1, outputTokens: 0, totalTokens: 0 }, { inputTokens: 1.5, outputTokens: 0, totalTokens: 1.5 }],
  toolCallId: ['', 1],
  toolName: ['', 1],
  status: ['weird', 1, null],
  durationMs: [-1, '5', Number.NaN],
  error: ['boom', { message: 'x' }],
  workflowId: ['', 1],
  workflowName: ['', 1],
  path: [1, null],
  stages: ['triage', [1], null],
  completedStages: ['triage', [1], null],
  prompt: [1, null],
  succeededStages: [-1, 0.5, '1'],
  totalStages: [-1, 0.5, '1'],
};

function without(object: object, key: string): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...object };
  delete copy[key];
  return copy;
}

function parseError(value: unknown): InvalidEventError {
  let caught: unknown;
  try {
    parseAgentEvent(value);
  } catch (error) {
    caught = error;
  }
  expect(InvalidEventError.isInstance(caught), `expected InvalidEventError for ${JSON.stringify(value)}`).toBe(true);
  expect(BatonError.isInstance(caught)).toBe(true);
  const typed = caught as InvalidEventError;
  expect(typed.code).toBe('INVALID_EVENT');
  expect(typed.name).toBe('InvalidEventError');
  expect(typed.cause).toBeInstanceOf(z.ZodError);
  return typed;
}

describe('AGENT_EVENT_TYPES', () => {
  it('lists exactly the discriminators of AgentEventSchema, once each, in run order', () => {
    const fromSchema = AgentEventSchema.options.map((option) => option.shape.type.value);
    expect([...AGENT_EVENT_TYPES]).toEqual(fromSchema);
    expect(new Set(AGENT_EVENT_TYPES).size).toBe(AGENT_EVENT_TYPES.length);
    expect([...AGENT_EVENT_TYPES]).toEqual([
      'agent_started',
      'agent_thinking',
      'agent_output_delta',
      'tool_executing',
      'tool_completed',
      'agent_completed',
      'workflow_started',
      'workflow_planned',
      'workflow_completed',
      'workflow_resumed',
      'workflow_suspended',
    ]);
  });

  it('is frozen', () => {
    expect(Object.isFrozen(AGENT_EVENT_TYPES)).toBe(true);
    expect(() => (AGENT_EVENT_TYPES as unknown as string[]).push('x')).toThrow(TypeError);
  });
});

describe.each(AGENT_EVENT_TYPES)('%s', (type) => {
  const schema = SCHEMAS[type];
  const example = EXAMPLES[type];
  const minimal = MINIMAL[type];

  it('is accepted by its own schema, the union and parseAgentEvent, with all optional fields', () => {
    expect(schema.parse(example)).toEqual(example);
    expect(AgentEventSchema.parse(example)).toEqual(example);
    expect(parseAgentEvent(example)).toEqual(example);
  });

  it('is accepted with only its required fields', () => {
    expect(schema.safeParse(minimal).success).toBe(true);
    expect(parseAgentEvent(minimal)).toEqual(minimal);
  });

  it('is rejected by every other event schema', () => {
    for (const other of AGENT_EVENT_TYPES) {
      if (other !== type) expect(SCHEMAS[other].safeParse(example).success).toBe(false);
    }
  });

  it.each(ENVELOPE_FIELDS)('is rejected without the envelope field %s, naming it', (field) => {
    const broken = without(example, field);
    expect(schema.safeParse(broken).success).toBe(false);
    expect(AgentEventSchema.safeParse(broken).success).toBe(false);
    expect(parseError(broken).message).toContain(field);
  });

  it(`is rejected without any of its required payload fields (${REQUIRED_PAYLOAD[type].join(', ') || 'none'}), naming it`, () => {
    for (const field of REQUIRED_PAYLOAD[type]) {
      const broken = without(example, field);
      expect(schema.safeParse(broken).success, field).toBe(false);
      expect(parseError(broken).message).toContain(field);
    }
  });

  it('is rejected when any present field has the wrong type, naming its path', () => {
    for (const [field, values] of Object.entries(WRONG_VALUES)) {
      if (!(field in example)) continue;
      for (const value of values) {
        const broken = { ...example, [field]: value };
        expect(schema.safeParse(broken).success, `${field}=${String(value)}`).toBe(false);
        expect(parseError(broken).message).toContain(field);
      }
    }
  });

  it('accepts an optional stage and rejects a non-string one', () => {
    expect(schema.safeParse({ ...minimal, stage: 'billing' }).success).toBe(true);
    expect(schema.safeParse({ ...minimal, stage: 7 }).success).toBe(false);
  });
});

describe('payload specifics', () => {
  it('tool_completed status is only succeeded or failed', () => {
    expect(ToolCompletedEventSchema.safeParse({ ...EXAMPLES.tool_completed, status: 'succeeded' }).success).toBe(true);
    expect(ToolCompletedEventSchema.safeParse({ ...EXAMPLES.tool_completed, status: 'timed_out' }).success).toBe(false);
  });

  it('agent_completed status is any AgentRunStatus and its error code one of the run error codes', () => {
    for (const status of ['succeeded', 'failed', 'timed_out', 'cancelled']) {
      expect(AgentCompletedEventSchema.safeParse({ ...MINIMAL.agent_completed, status }).success).toBe(true);
    }
    for (const code of ['AGENT_FAILED', 'INVALID_AGENT_IO', 'RUN_TIMEOUT', 'RUN_CANCELLED']) {
      const event = { ...MINIMAL.agent_completed, status: 'failed', error: { code, name: 'Error', message: 'm' } };
      expect(AgentCompletedEventSchema.safeParse(event).success).toBe(true);
    }
    const badCode = { ...MINIMAL.agent_completed, error: { code: 'ENGINE_DISPOSED', name: 'Error', message: 'm' } };
    expect(parseError(badCode).message).toContain('error.code');
  });

  it('workflow_completed status is succeeded, failed or cancelled, never timed_out', () => {
    for (const status of ['succeeded', 'failed', 'cancelled']) {
      expect(WorkflowCompletedEventSchema.safeParse({ ...MINIMAL.workflow_completed, status }).success).toBe(true);
    }
    expect(WorkflowCompletedEventSchema.safeParse({ ...MINIMAL.workflow_completed, status: 'timed_out' }).success).toBe(false);
  });

  it('workflow_planned stages must all be strings, naming the index in the path', () => {
    expect(parseError({ ...EXAMPLES.workflow_planned, stages: ['triage', 3] }).message).toContain('stages.1');
  });

  it('agent_output_delta needs a non-empty string delta, whitespace and newlines included', () => {
    for (const delta of [' ', '\n', 'word ', '🙂'])
      expect(parseAgentEvent({ ...MINIMAL.agent_output_delta, delta })).toMatchObject({ delta });
    expect(parseError({ ...MINIMAL.agent_output_delta, delta: '' }).message).toMatch(/^Invalid agent event: delta: /);
  });

  it('agent_completed usage, when present, has all three counts as non-negative integers, naming the bad one', () => {
    const usage = { inputTokens: 0, outputTokens: 0, totalTokens: 0 };
    expect(parseAgentEvent({ ...MINIMAL.agent_completed, usage })).toMatchObject({ usage });
    expect(parseAgentEvent(MINIMAL.agent_completed)).not.toHaveProperty('usage');
    expect(parseError({ ...MINIMAL.agent_completed, usage: { inputTokens: 1, outputTokens: 2 } }).message).toContain('usage.totalTokens');
    expect(parseError({ ...MINIMAL.agent_completed, usage: { ...usage, outputTokens: -2 } }).message).toContain('usage.outputTokens');
  });

  it('seq accepts 0 and large integers', () => {
    expect(parseAgentEvent({ ...MINIMAL.agent_thinking, seq: 0 }).seq).toBe(0);
    expect(parseAgentEvent({ ...MINIMAL.agent_thinking, seq: 2 ** 40 }).seq).toBe(2 ** 40);
  });
});

describe('parseAgentEvent', () => {
  it('returns the validated event', () => {
    const event = parseAgentEvent(EXAMPLES.tool_completed);
    expect(event.type).toBe('tool_completed');
    expect(event).toEqual(EXAMPLES.tool_completed);
  });

  it('accepts an event received as JSON', () => {
    for (const type of AGENT_EVENT_TYPES) {
      expect(parseAgentEvent(JSON.parse(JSON.stringify(EXAMPLES[type])))).toEqual(EXAMPLES[type]);
    }
  });

  it('throws InvalidEventError naming "type" for an unknown type', () => {
    expect(parseError({ ...envelope, type: 'agent_exploded' }).message).toMatch(/^Invalid agent event: type: /);
  });

  it.each([
    ['null', null],
    ['undefined', undefined],
    ['a number', 42],
    ['a string', 'agent_started'],
    ['an array', [EXAMPLES.agent_started]],
  ])('throws InvalidEventError naming "event" for %s', (_label, value) => {
    expect(parseError(value).message).toMatch(/^Invalid agent event: event: /);
  });

  it('names the nested path of the first problem', () => {
    const event = { ...EXAMPLES.agent_completed, error: { code: 'AGENT_FAILED', name: 'Error', message: 42 } };
    expect(parseError(event).message).toMatch(/^Invalid agent event: error\.message: /);
  });

  it('passes the zod error as cause', () => {
    const error = parseError({ type: 'agent_started' });
    expect((error.cause as z.ZodError).issues.length).toBeGreaterThan(0);
  });

  it('round-trips arbitrary valid events', () => {
    const id = fc.string({ minLength: 1, maxLength: 12 });
    const arbitraryEnvelope = fc.record({
      userId: id,
      threadId: id,
      runId: id,
      requestId: id,
      engineId: id,
      executionId: id,
      agentName: id,
      seq: fc.nat(),
      timestamp: fc.double({ noNaN: true, noDefaultInfinity: true }),
    });
    const payload = fc.oneof(
      fc.record({ type: fc.constant('agent_started' as const), input: fc.jsonValue() }),
      fc.record({ type: fc.constant('agent_thinking' as const), thought: fc.string() }),
      fc.record({ type: fc.constant('agent_output_delta' as const), delta: fc.string({ minLength: 1 }) }),
      fc.record({ type: fc.constant('tool_executing' as const), toolCallId: id, toolName: id }),
      fc.record({
        type: fc.constant('tool_completed' as const),
        toolCallId: id,
        toolName: id,
        status: fc.constantFrom('succeeded' as const, 'failed' as const),
        durationMs: fc.nat(),
      }),
      fc.record({
        type: fc.constant('agent_completed' as const),
        status: fc.constantFrom('succeeded' as const, 'failed' as const, 'timed_out' as const, 'cancelled' as const),
        durationMs: fc.double({ min: 0, noNaN: true, noDefaultInfinity: true }),
      }),
      fc.record({
        type: fc.constant('agent_completed' as const),
        status: fc.constant('succeeded' as const),
        durationMs: fc.nat(),
        usage: fc.record({ inputTokens: fc.nat(), outputTokens: fc.nat(), totalTokens: fc.nat() }),
      }),
      fc.record({ type: fc.constant('workflow_planned' as const), workflowId: id, path: fc.string(), stages: fc.array(fc.string()) }),
    );
    fc.assert(
      fc.property(arbitraryEnvelope, payload, fc.option(fc.string(), { nil: undefined }), (head, body, stage) => {
        const event = { ...head, ...body, ...(stage === undefined ? {} : { stage }) };
        expect(parseAgentEvent(event)).toEqual(event);
      }),
    );
  });

  it('throws nothing but InvalidEventError for arbitrary input', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.anything({ withBigInt: true, withMap: true, withDate: true, withNullPrototype: true }),
          fc.record({ type: fc.constantFrom(...AGENT_EVENT_TYPES), seq: fc.anything() }),
        ),
        (value) => {
          try {
            const event = parseAgentEvent(value);
            expect(AgentEventSchema.safeParse(event).success).toBe(true);
          } catch (error) {
            expect(InvalidEventError.isInstance(error), String(error)).toBe(true);
          }
        },
      ),
    );
  });
});

describe('parseAgentEvent: messages', () => {
  it("names the path and zod's own message of the first problem", () => {
    const broken = {
      type: 'agent_thinking',
      userId: 'u',
      threadId: 't',
      runId: 'r',
      requestId: 'q',
      engineId: 'e',
      executionId: 'x',
      agentName: 'a',
      seq: -1,
      timestamp: 1,
      thought: 'hm',
    };
    const parsed = AgentEventSchema.safeParse(broken);
    expect(parsed.success).toBe(false);
    const issue = parsed.error?.issues[0];
    expect(issue?.path).toEqual(['seq']);
    expect(parseError(broken).message).toBe(`Invalid agent event: seq: ${issue?.message ?? ''}`);
    expect(issue?.message).not.toBe('invalid');
  });
});
