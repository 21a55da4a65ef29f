import type { RunStore } from '@baton/engine-contract';
import type { EngineFactory } from '@baton/engine-factory';
import { isWorkflowDefinition, type WorkflowDefinition } from '@baton/orchestrator';
import { z } from 'zod';
import type { AdmissionBackoffOptions } from './admission-backoff.js';
import type { WorkflowErrorHandler } from './error-handler.js';
import { parseOptions, queueLocationShape, type WorkflowQueueLocation } from './queue-options.js';

/** What `createWorkflowWorker` accepts. */
export interface WorkflowWorkerOptions extends WorkflowQueueLocation {
  /** Makes each job's engine (`createEngine` includes admission: a user at the limit waits). Its `onEvent` sees every event. */
  factory: Pick<EngineFactory, 'createEngine'>;
  /** The workflows this worker runs, by name: each key is its definition's `id` (a job's `workflowName`). */
  workflows: Readonly<Record<string, WorkflowDefinition>>;
  /** Where runs are recorded; shared by every worker and instance (e.g. `createRedisRunStore` of `@baton/redis`). */
  store: RunStore;
  /** Jobs this worker runs at once (BullMQ `concurrency`). Default 1. */
  concurrency?: number;
  /** How long a job's lock lasts without renewal (BullMQ `lockDuration`, ms): a crashed worker's runs move on after about this. BullMQ's default 30000. */
  lockDurationMs?: number;
  /** How often this worker looks for jobs whose lock lapsed (BullMQ `stalledInterval`, ms). BullMQ's default 30000. */
  stalledIntervalMs?: number;
  /** How many times a job may be recovered after its worker died before BullMQ fails it (BullMQ `maxStalledCount`). Default 10. */
  maxStalledCount?: number;
  /** How long `close()` lets running jobs finish before it interrupts them (ms). Default 10000. */
  closeGraceMs?: number;
  /** The wait of a job whose user is at the admission limit (or whose factory is shutting down). */
  admissionBackoff?: AdmissionBackoffOptions;
  /** The clock approval deadlines are judged on, given to every orchestrator (epoch ms). Default `Date.now`. */
  now?: () => number;
  /** Receives what has no caller: BullMQ connection errors, a job that could not be handed back. Default `process.emitWarning`. */
  onError?: WorkflowErrorHandler;
}

/** The default `closeGraceMs`: how long `close()` waits for running jobs before it interrupts them. */
export const DEFAULT_CLOSE_GRACE_MS = 10_000;
/** The default `maxStalledCount`: each crash (or lapsed lock) of a run's worker counts once. */
export const DEFAULT_MAX_STALLED_COUNT = 10;

// setTimeout's largest delay: a longer grace would fire at once.
const MAX_TIMER_MS = 2_147_483_647;
const positiveInteger = z.number().int().min(1).max(MAX_TIMER_MS);
const isFunction = (value: unknown): boolean => typeof value === 'function';
const RUN_STORE_METHODS = ['create', 'saveStage', 'suspend', 'markRunning', 'complete', 'markInterrupted', 'get', 'listRuns'] as const;

const WorkerOptionsSchema = z.strictObject({
  ...queueLocationShape,
  factory: z.custom<Pick<EngineFactory, 'createEngine'>>(
    (value) => typeof value === 'object' && value !== null && isFunction((value as { createEngine?: unknown }).createEngine),
    { error: 'must be an engine factory (createEngineFactory(...) of @baton/engine-factory)' },
  ),
  workflows: z
    .record(
      z.string(),
      z.custom<WorkflowDefinition>((value) => isWorkflowDefinition(value), { error: 'must be a definition made by defineWorkflow(...)' }),
    )
    .refine((workflows) => Object.keys(workflows).length > 0, 'must name at least one workflow')
    .superRefine((workflows, context) => {
      for (const [name, workflow] of Object.entries(workflows)) {
        // The record of a run names its workflow by `id`; a resume looks it up by that name.
        if (workflow.id !== name)
          context.addIssue({ code: 'custom', path: [name], message: `the key must be the workflow's id ("${workflow.id}")` });
      }
    }),
  store: z.custom<RunStore>(
    (value) =>
      typeof value === 'object' &&
      value !== null &&
      RUN_STORE_METHODS.every((method) => isFunction((value as Record<string, unknown>)[method])),
    { error: `must be a RunStore (${RUN_STORE_METHODS.join(', ')})` },
  ),
  concurrency: positiveInteger.max(10_000).optional(),
  lockDurationMs: positiveInteger.optional(),
  stalledIntervalMs: positiveInteger.optional(),
  maxStalledCount: positiveInteger.optional(),
  closeGraceMs: z.number().int().min(0).max(MAX_TIMER_MS).optional(),
  admissionBackoff: z
    .strictObject({ baseMs: positiveInteger.optional(), maxMs: positiveInteger.optional() })
    .refine(({ baseMs, maxMs }) => baseMs === undefined || maxMs === undefined || baseMs <= maxMs, 'baseMs must not exceed maxMs')
    .optional(),
  now: z.custom<() => number>(isFunction, { error: 'must be a function returning epoch ms' }).optional(),
  onError: z.custom<WorkflowErrorHandler>(isFunction, { error: 'must be a function' }).optional(),
});

/**
 * `options` of `createWorkflowWorker`, checked.
 * @throws InvalidConfigError naming the option and the rule.
 * @internal
 */
export function parseWorkerOptions(options: WorkflowWorkerOptions): WorkflowWorkerOptions {
  return parseOptions(WorkerOptionsSchema, options, 'createWorkflowWorker') as WorkflowWorkerOptions;
}
