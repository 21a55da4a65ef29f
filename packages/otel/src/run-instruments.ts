import type { Counter, Histogram, Meter } from '@opentelemetry/api';
import { METRIC } from './attribute-names.js';

// The boundaries the GenAI semantic conventions advise for `gen_ai.client.operation.duration` (s):
// agent calls and workflows last from milliseconds (a function) to minutes (a chain of model calls),
// which the SDK's default boundaries (0 … 10,000, meant for milliseconds) would squash into one bucket.
const DURATION_BOUNDARIES_S = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92];
// Queue waits start at zero and are short unless an engine is saturated.
const QUEUE_WAIT_BOUNDARIES_S = [0, 0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** The tap's metric instruments, made once per meter. @internal */
export interface RunInstruments {
  /** `baton.workflow.duration` (s): one value per finished workflow run. */
  readonly workflowDuration: Histogram;
  /** `baton.workflow.runs`: finished workflow runs, by `baton.status`. */
  readonly workflowRuns: Counter;
  /** `baton.agent.duration` (s): one value per finished agent call, queue wait included. */
  readonly agentDuration: Histogram;
  /** `baton.agent.runs`: finished agent calls, by `baton.status`. */
  readonly agentRuns: Counter;
  /** `baton.agent.queue_wait` (s): how long a call waited for a slot. */
  readonly agentQueueWait: Histogram;
}

/** Creates the instruments on `meter`. @internal */
export function createRunInstruments(meter: Meter): RunInstruments {
  return Object.freeze({
    workflowDuration: meter.createHistogram(METRIC.workflowDuration, {
      description: 'Duration of finished Baton workflow runs.',
      unit: 's',
      advice: { explicitBucketBoundaries: DURATION_BOUNDARIES_S },
    }),
    workflowRuns: meter.createCounter(METRIC.workflowRuns, {
      description: 'Finished Baton workflow runs, by status.',
      unit: '{run}',
    }),
    agentDuration: meter.createHistogram(METRIC.agentDuration, {
      description: 'Duration of finished Baton agent calls (executeAgent), queue wait included.',
      unit: 's',
      advice: { explicitBucketBoundaries: DURATION_BOUNDARIES_S },
    }),
    agentRuns: meter.createCounter(METRIC.agentRuns, {
      description: 'Finished Baton agent calls (executeAgent), by status.',
      unit: '{call}',
    }),
    agentQueueWait: meter.createHistogram(METRIC.agentQueueWait, {
      description: "Time Baton agent calls waited for a slot of their user's engine.",
      unit: 's',
      advice: { explicitBucketBoundaries: QUEUE_WAIT_BOUNDARIES_S },
    }),
  });
}

/** Milliseconds to the seconds the instruments record. @internal */
export function seconds(milliseconds: number): number {
  return milliseconds > 0 ? milliseconds / 1000 : 0;
}
