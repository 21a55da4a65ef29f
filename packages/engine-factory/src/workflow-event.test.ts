import {
  InvalidEventError,
  WorkflowCompletedEventSchema,
  type WorkflowEventInput,
  WorkflowPlannedEventSchema,
  WorkflowResumedEventSchema,
  WorkflowStartedEventSchema,
  WorkflowSuspendedEventSchema,
} from '@baton/engine-contract';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { contextFor } from './__fixtures__/test-helpers.js';
import type { EventOrigin } from './event-builders.js';
import { renderThrownValue } from './run-error.js';
import { toWorkflowEvent } from './workflow-event.js';

const SCHEMAS = {
  workflow_started: WorkflowStartedEventSchema,
  workflow_planned: WorkflowPlannedEventSchema,
  workflow_completed: WorkflowCompletedEventSchema,
  workflow_resumed: WorkflowResumedEventSchema,
  workflow_suspended: WorkflowSuspendedEventSchema,
} as const;
type WorkflowType = keyof typeof SCHEMAS;

const origin: EventOrigin = { engineId: 'e_1', userContext: contextFor('u_wf') };

type Outcome = { event: unknown } | { message: string };

/** The engine's former emitWorkflowEvent, zod only: the reference the fast path must match exactly. */
function reference(input: unknown, seq: number, timestamp: number): Outcome {
  if (typeof input !== 'object' || input === null)
    return { message: 'emitWorkflowEvent expects a workflow event { type, executionId, workflowId, ... }' };
  const payload = input as Record<string, unknown>;
  const type = payload.type;
  if (typeof type !== 'string' || !Object.hasOwn(SCHEMAS, type)) {
    return {
      message: `emitWorkflowEvent accepts only workflow_started, workflow_resumed, workflow_planned, workflow_suspended and workflow_completed, not ${renderThrownValue(type)}`,
    };
  }
  if (typeof payload.executionId !== 'string' || payload.executionId.length === 0) {
    return { message: `emitWorkflowEvent(${type}): executionId (the workflow run's id) must be a non-empty string` };
  }
  const context = origin.userContext;
  const event: Record<string, unknown> = {
    type,
    userId: context.userId,
    threadId: context.threadId,
    runId: context.runId,
    requestId: context.requestId,
    engineId: origin.engineId,
    executionId: payload.executionId,
    agentName: 'workflow',
    seq,
    timestamp,
  };
  event.workflowId = payload.workflowId;
  if (type === 'workflow_started') {
    event.workflowName = payload.workflowName;
  } else if (type === 'workflow_resumed') {
    event.completedStages = Array.isArray(payload.completedStages) ? [...payload.completedStages] : payload.completedStages;
  } else if (type === 'workflow_suspended') {
    event.stage = payload.stage;
    event.prompt = payload.prompt;
  } else if (type === 'workflow_planned') {
    event.path = payload.path;
    event.stages = Array.isArray(payload.stages) ? [...payload.stages] : payload.stages;
  } else {
    event.path = payload.path;
    event.status = payload.status;
    event.durationMs = payload.durationMs;
    event.succeededStages = payload.succeededStages;
    event.totalStages = payload.totalStages;
  }
  const parsed = SCHEMAS[type as WorkflowType].safeParse(event);
  if (parsed.success) return { event };
  const issue = parsed.error.issues[0];
  const where = issue && issue.path.length > 0 ? issue.path.join('.') : 'event';
  return { message: `emitWorkflowEvent(${type}): ${where}: ${issue?.message ?? 'invalid'}` };
}

function actual(input: unknown, seq: number, timestamp: number): Outcome {
  try {
    return { event: toWorkflowEvent(input as WorkflowEventInput, origin, seq, () => timestamp) };
  } catch (error) {
    expect(InvalidEventError.isInstance(error)).toBe(true);
    return { message: (error as Error).message };
  }
}

const oddValue = fc.oneof(
  fc.constantFrom<unknown>(
    '',
    'x',
    -1,
    -0,
    0.5,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    2 ** 53,
    undefined,
    null,
    [],
    [1],
    new Array(2),
    'timed_out',
    'agent_started',
  ),
  fc.anything(),
);
function field(valid: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return fc.oneof({ weight: 12, arbitrary: valid }, { weight: 1, arbitrary: oddValue });
}
const id = fc.string({ minLength: 1, maxLength: 6 });
const count = fc.nat(50);
const input = fc.oneof(
  {
    weight: 20,
    arbitrary: fc.record({
      type: field(fc.constantFrom('workflow_started', 'workflow_resumed', 'workflow_planned', 'workflow_suspended', 'workflow_completed')),
      executionId: field(id),
      workflowId: field(id),
      workflowName: field(id),
      completedStages: field(fc.array(fc.string({ maxLength: 4 }), { maxLength: 4 })),
      path: field(fc.string({ maxLength: 6 })),
      stages: field(fc.array(fc.string({ maxLength: 4 }), { maxLength: 4 })),
      status: field(fc.constantFrom('succeeded', 'failed', 'cancelled')),
      durationMs: field(fc.double({ min: 0, max: 1e6, noNaN: true })),
      succeededStages: field(count),
      totalStages: field(count),
      stage: field(id),
      prompt: field(fc.string({ maxLength: 6 })),
    }),
  },
  { weight: 1, arbitrary: oddValue },
);
const timestamp = field(fc.integer({ min: 0, max: 2 ** 41 }));

describe('toWorkflowEvent: the fast path is the zod-only emission, only cheaper', () => {
  it('returns the same event or throws the same message as the zod-only reference (property test)', () => {
    fc.assert(
      fc.property(input, fc.nat(1_000), timestamp, (payload, seq, now) => {
        expect(actual(payload, seq, now as number)).toStrictEqual(reference(payload, seq, now as number));
      }),
      { numRuns: 10_000 },
    );
  });

  it('generates accepted inputs and inputs refused at each step, so the property is not vacuous', () => {
    const outcomes = fc.sample(input, 3_000).map((payload) => reference(payload, 0, 1));
    const refusals = outcomes.flatMap((outcome) => ('message' in outcome ? [outcome.message] : []));
    expect(outcomes.length - refusals.length).toBeGreaterThan(300);
    expect(refusals.filter((message) => message.startsWith('emitWorkflowEvent expects')).length).toBeGreaterThan(10);
    expect(refusals.filter((message) => message.startsWith('emitWorkflowEvent accepts only')).length).toBeGreaterThan(10);
    expect(refusals.filter((message) => message.includes('executionId (the workflow run')).length).toBeGreaterThan(10);
    expect(refusals.filter((message) => /^emitWorkflowEvent\(workflow_\w+\): (?!executionId \()/.test(message)).length).toBeGreaterThan(
      100,
    );
    for (const type of Object.keys(SCHEMAS)) {
      const accepted = outcomes.filter((outcome) => 'event' in outcome && (outcome.event as { type: string }).type === type);
      expect(accepted.length, type).toBeGreaterThan(50);
      expect(refusals.filter((message) => message.startsWith(`emitWorkflowEvent(${type}): `)).length, type).toBeGreaterThan(10);
    }
  });

  it('does not call zod at all for a valid event', () => {
    const schema = WorkflowPlannedEventSchema;
    let calls = 0;
    // An own property shadows the schema's method for this test only.
    Object.defineProperty(schema, 'safeParse', {
      configurable: true,
      value: () => {
        calls++;
        return { success: false, error: { issues: [] } };
      },
    });
    try {
      const event = toWorkflowEvent(
        { type: 'workflow_planned', executionId: 'wf', workflowId: 'wf', path: 'p', stages: ['triage'] },
        origin,
        0,
        () => 1,
      );
      expect(event).toMatchObject({ type: 'workflow_planned', stages: ['triage'] });
      expect(calls).toBe(0);
    } finally {
      Reflect.deleteProperty(schema, 'safeParse');
    }
  });

  it("words a refusal with zod's first issue and keeps zod's error as the cause", () => {
    const error = (() => {
      try {
        toWorkflowEvent(
          {
            type: 'workflow_completed',
            executionId: 'wf',
            workflowId: 'wf',
            path: 'p',
            status: 'timed_out',
            durationMs: 1,
            succeededStages: 0,
            totalStages: 0,
          } as never,
          origin,
          0,
          () => 1,
        );
      } catch (thrown) {
        return thrown as InvalidEventError;
      }
      throw new Error('expected a refusal');
    })();
    expect(error.message).toMatch(/^emitWorkflowEvent\(workflow_completed\): status: \S/);
    expect((error.cause as { issues: unknown[] }).issues.length).toBeGreaterThan(0);
  });

  it('reads the clock only once the input passed its first checks', () => {
    let reads = 0;
    const clock = () => {
      reads++;
      return 1;
    };
    expect(() => toWorkflowEvent({ type: 'workflow_started', executionId: '' } as never, origin, 0, clock)).toThrow(InvalidEventError);
    expect(reads).toBe(0);
    toWorkflowEvent({ type: 'workflow_started', executionId: 'wf', workflowId: 'wf', workflowName: 'w' }, origin, 0, clock);
    expect(reads).toBe(1);
  });
});
