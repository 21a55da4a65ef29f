import {
  WorkflowCompletedEventSchema,
  WorkflowPlannedEventSchema,
  WorkflowResumedEventSchema,
  WorkflowStartedEventSchema,
  WorkflowSuspendedEventSchema,
} from '@baton/engine-contract';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isValidWorkflowEvent } from './workflow-event-check.js';

const SCHEMAS = {
  workflow_started: WorkflowStartedEventSchema,
  workflow_planned: WorkflowPlannedEventSchema,
  workflow_completed: WorkflowCompletedEventSchema,
  workflow_resumed: WorkflowResumedEventSchema,
  workflow_suspended: WorkflowSuspendedEventSchema,
} as const;
type WorkflowType = keyof typeof SCHEMAS;

function zodAccepts(event: Record<string, unknown>): boolean {
  return SCHEMAS[event.type as WorkflowType].safeParse(event).success;
}

// Values at and around the edges of every rule the schemas use: empty and non-empty strings,
// non-strings, NaN, ±Infinity, -0, fractions, negatives, the safe-integer bounds, holes.
const edgeValue = fc.constantFrom<unknown>(
  '',
  'x',
  'succeeded',
  'failed',
  'cancelled',
  'timed_out',
  0,
  -0,
  1,
  -1,
  1.5,
  -0.5,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  Number.MAX_SAFE_INTEGER,
  Number.MAX_SAFE_INTEGER + 1,
  2 ** 60,
  Number.MIN_VALUE,
  undefined,
  null,
  true,
  10n,
  [],
  ['a'],
  ['a', 1],
  [undefined],
  // A sparse array: zod reads the hole as undefined and refuses it.
  // biome-ignore lint/suspicious/noSparseArray: the hole is the point
  [, 'a'],
  {},
  new String('x'),
  new Number(1),
);
const anyValue = fc.oneof({ weight: 3, arbitrary: edgeValue }, { weight: 1, arbitrary: fc.anything() });

/** A field that is valid most of the time, so that valid events and events with one bad field are both common. */
function field(valid: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return fc.oneof({ weight: 15, arbitrary: valid }, { weight: 1, arbitrary: anyValue });
}

const id = fc.string({ minLength: 1, maxLength: 8 });
const count = fc.oneof(fc.nat(), fc.constantFrom(0, -0, Number.MAX_SAFE_INTEGER));
const envelope = {
  userId: field(id),
  threadId: field(id),
  runId: field(id),
  requestId: field(id),
  engineId: field(id),
  executionId: field(id),
  agentName: field(fc.constant('workflow')),
  seq: field(count),
  timestamp: field(fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer())),
  workflowId: field(id),
};
const stage = field(fc.string());
// Every key present except `stage`, which the schemas leave optional (a missing required key reads
// as `undefined`, one of the edge values).
function recordOf(fields: Record<string, fc.Arbitrary<unknown>>): fc.Arbitrary<Record<string, unknown>> {
  return fc.record(fields, { requiredKeys: Object.keys(fields).filter((key) => key !== 'stage') });
}

const workflowEvent: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
  recordOf({ type: fc.constant('workflow_started'), ...envelope, workflowName: field(id), stage }),
  recordOf({ type: fc.constant('workflow_resumed'), ...envelope, completedStages: field(fc.array(fc.string())), stage }),
  // `stage` is required here (the stage waiting for a decision): generated absent now and then all the same.
  recordOf({ type: fc.constant('workflow_suspended'), ...envelope, prompt: field(fc.string()), stage: field(id) }),
  recordOf({ type: fc.constant('workflow_planned'), ...envelope, path: field(fc.string()), stages: field(fc.array(fc.string())), stage }),
  recordOf({
    type: fc.constant('workflow_completed'),
    ...envelope,
    path: field(fc.string()),
    status: field(fc.constantFrom('succeeded', 'failed', 'cancelled')),
    durationMs: field(fc.oneof(fc.nat(), fc.double({ min: 0, noNaN: true, noDefaultInfinity: true }))),
    succeededStages: field(count),
    totalStages: field(count),
    stage,
  }),
);

const valid = {
  userId: 'u_1',
  threadId: 't_1',
  runId: 'r_1',
  requestId: 'q_1',
  engineId: 'e_1',
  executionId: 'wf_1',
  agentName: 'workflow',
  seq: 0,
  timestamp: 100,
  workflowId: 'wf',
};

describe('isValidWorkflowEvent: the fast check and the zod schemas agree', () => {
  it('accepts exactly the events the schemas accept (property test)', () => {
    fc.assert(
      fc.property(workflowEvent, (event) => {
        expect(isValidWorkflowEvent(event)).toBe(zodAccepts(event));
      }),
      { numRuns: 10_000 },
    );
  });

  it('finds both verdicts among the generated events, so the property is not vacuous', () => {
    const verdicts = fc.sample(workflowEvent, 2_000).map((event) => zodAccepts(event));
    expect(verdicts.filter(Boolean).length).toBeGreaterThan(100);
    expect(verdicts.filter((verdict) => !verdict).length).toBeGreaterThan(100);
  });

  it('generates both verdicts for every workflow type, so none of them is left out of the property', () => {
    const events = fc.sample(workflowEvent, 4_000);
    for (const type of Object.keys(SCHEMAS)) {
      const verdicts = events.filter((event) => event.type === type).map((event) => zodAccepts(event));
      expect(verdicts.filter(Boolean).length, type).toBeGreaterThan(20);
      expect(verdicts.filter((verdict) => !verdict).length, type).toBeGreaterThan(20);
    }
  });

  it.each<[string, Record<string, unknown>]>([
    ['a started event', { type: 'workflow_started', ...valid, workflowName: 'triage' }],
    ['a planned event with no stages', { type: 'workflow_planned', ...valid, path: '', stages: [] }],
    ['a resumed event with completed stages', { type: 'workflow_resumed', ...valid, completedStages: ['triage', 'data'] }],
    ['a resumed event with no completed stages', { type: 'workflow_resumed', ...valid, completedStages: [] }],
    ['an empty string among completedStages', { type: 'workflow_resumed', ...valid, completedStages: [''] }],
    [
      'a completed event with -0 counts and a fractional duration',
      { type: 'workflow_completed', ...valid, path: 'p', status: 'cancelled', durationMs: 0.5, succeededStages: -0, totalStages: 0 },
    ],
    ['the largest safe integer as seq', { type: 'workflow_started', ...valid, seq: Number.MAX_SAFE_INTEGER, workflowName: 'w' }],
    ['a negative timestamp', { type: 'workflow_started', ...valid, timestamp: -5, workflowName: 'w' }],
    ['a stage', { type: 'workflow_started', ...valid, stage: '', workflowName: 'w' }],
  ])('accepts %s, as zod does', (_label, event) => {
    expect(zodAccepts(event)).toBe(true);
    expect(isValidWorkflowEvent(event)).toBe(true);
  });

  it.each<[string, Record<string, unknown>]>([
    ['an empty workflowName', { type: 'workflow_started', ...valid, workflowName: '' }],
    ['a NaN timestamp', { type: 'workflow_started', ...valid, timestamp: Number.NaN, workflowName: 'w' }],
    ['an infinite timestamp', { type: 'workflow_started', ...valid, timestamp: Number.POSITIVE_INFINITY, workflowName: 'w' }],
    ['a seq beyond the safe integers', { type: 'workflow_started', ...valid, seq: 2 ** 53, workflowName: 'w' }],
    ['a fractional seq', { type: 'workflow_started', ...valid, seq: 0.5, workflowName: 'w' }],
    ['a stage that is not a string', { type: 'workflow_started', ...valid, stage: 1, workflowName: 'w' }],
    ['a hole in stages', { type: 'workflow_planned', ...valid, path: 'p', stages: new Array(1) }],
    ['stages given as a string', { type: 'workflow_planned', ...valid, path: 'p', stages: 'triage' }],
    ['a path that is a String object', { type: 'workflow_planned', ...valid, path: new String('p'), stages: [] }],
    ['a resumed event without completedStages', { type: 'workflow_resumed', ...valid }],
    ['a hole in completedStages', { type: 'workflow_resumed', ...valid, completedStages: new Array(1) }],
    ['a number among completedStages', { type: 'workflow_resumed', ...valid, completedStages: ['triage', 2] }],
    ['completedStages given as a string', { type: 'workflow_resumed', ...valid, completedStages: 'triage' }],
    ['a resumed event with an empty workflowId', { type: 'workflow_resumed', ...valid, workflowId: '', completedStages: [] }],
    [
      'the run status timed_out',
      { type: 'workflow_completed', ...valid, path: 'p', status: 'timed_out', durationMs: 1, succeededStages: 0, totalStages: 0 },
    ],
    [
      'an infinite duration',
      {
        type: 'workflow_completed',
        ...valid,
        path: 'p',
        status: 'failed',
        durationMs: Number.POSITIVE_INFINITY,
        succeededStages: 0,
        totalStages: 0,
      },
    ],
    [
      'a negative stage count',
      { type: 'workflow_completed', ...valid, path: 'p', status: 'failed', durationMs: 1, succeededStages: -1, totalStages: 0 },
    ],
    [
      'a bigint stage count',
      { type: 'workflow_completed', ...valid, path: 'p', status: 'failed', durationMs: 1, succeededStages: 1n, totalStages: 0 },
    ],
    ['another event type', { type: 'agent_started', ...valid }],
  ])('refuses %s, as zod does', (_label, event) => {
    if (typeof event.type === 'string' && event.type in SCHEMAS) expect(zodAccepts(event)).toBe(false);
    expect(isValidWorkflowEvent(event)).toBe(false);
  });
});
