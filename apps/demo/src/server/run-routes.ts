import { type RunRecord, type RunStore, redact } from '@baton/engine-contract';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { DEFAULT_RUNS_PAGE_SIZE, MAX_RUNS_PAGE_SIZE, type RunDetails, type RunsPage, type StoredRun } from '../shared/runs-api.js';
import type { EventDelivery } from './event-delivery.js';
import type { DemoErrorCode } from './protocol.js';
import type { Session } from './session-store.js';

/** `GET /api/runs` query: both optional, decimal digits only; anything else (or an unknown key) is a 400. */
const RunsQuerySchema = z.strictObject({
  limit: z
    .string()
    .regex(/^\d{1,3}$/)
    .transform(Number)
    .pipe(z.number().int().min(1).max(MAX_RUNS_PAGE_SIZE))
    .optional(),
  before: z
    .string()
    .regex(/^\d{1,16}$/)
    .transform(Number)
    .pipe(z.number().int().refine(Number.isSafeInteger))
    .optional(),
});

/** Longer ids are never stored; they get the same 404 as any unknown one (as do ids over Fastify's 100-character parameter limit). */
const MAX_WORKFLOW_ID_LENGTH = 256;
const INVALID_QUERY_MESSAGE = `Expected ?limit=<1..${MAX_RUNS_PAGE_SIZE}> and ?before=<createdAt in epoch ms>, both optional.`;
// The server's answer to any unknown path: a foreign, unknown or overlong id is indistinguishable from it.
const NOT_FOUND_MESSAGE = 'Not found.';

/** What the run routes need from the server. */
export interface RunRoutesDependencies {
  store: RunStore;
  events: EventDelivery;
  sessionOf(request: FastifyRequest): Promise<Session | undefined>;
  sendError(reply: FastifyReply, status: number, code: DemoErrorCode, message: string): FastifyReply;
  log: { warn(details: object, message: string): void };
}

/**
 * A stored record as the API shows it to its owner: the fields the page needs, whitelisted, then
 * passed whole through the contract's `redact` (values under secret-looking keys become
 * `[REDACTED]`, credentials in any text, error messages and prompts included, are scrubbed), so
 * nothing secret an agent put in its output or its errors leaves the server this way.
 * `stageOutputs: false` (the list) leaves the stages' outputs out; the run's result output stays.
 */
export function storedRunOf(record: RunRecord, options: { stageOutputs: boolean }): StoredRun {
  const { result } = record;
  return redact({
    workflowId: record.workflowId,
    runId: record.runId,
    workflowName: record.workflowName,
    // The demo's input is the question itself (runAsk).
    question: typeof record.input === 'string' ? record.input : '',
    status: record.status,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    stages: record.stages.map((stage) => ({
      stage: stage.stage ?? stage.agentName,
      agentName: stage.agentName,
      status: stage.status,
      durationMs: stage.durationMs,
      ...(options.stageOutputs && stage.output !== undefined ? { output: stage.output } : {}),
      ...(stage.error === undefined ? {} : { error: { code: stage.error.code, message: stage.error.message } }),
    })),
    suspension:
      record.status === 'suspended' && record.suspension !== undefined
        ? {
            stage: record.suspension.stage,
            prompt: record.suspension.prompt,
            suspendedAt: record.suspension.suspendedAt,
            ...(record.suspension.expiresAt === undefined ? {} : { expiresAt: record.suspension.expiresAt }),
          }
        : null,
    result:
      result === undefined
        ? null
        : {
            status: result.status,
            path: result.path,
            durationMs: result.durationMs,
            ...(result.output === undefined ? {} : { output: result.output }),
          },
  });
}

/**
 * `GET /api/runs?limit=&before=` (the session user's runs, newest first; the first page carries the
 * `replaySince` cursor for `/ws`) and `GET /api/runs/:workflowId` (one run; another user's id gets the
 * same 404 as an unknown one). 401 without a session, checked first; 400 for a bad query.
 */
export function registerRunRoutes(app: FastifyInstance, dependencies: RunRoutesDependencies): void {
  const { store, events, sessionOf, sendError, log } = dependencies;

  app.get('/api/runs', async (request, reply) => {
    const session = await sessionOf(request);
    if (!session) return sendError(reply, 401, 'UNAUTHORIZED', 'Not logged in.');
    const query = RunsQuerySchema.safeParse(request.query);
    if (!query.success) return sendError(reply, 400, 'INVALID_REQUEST', INVALID_QUERY_MESSAGE);
    const { limit = DEFAULT_RUNS_PAGE_SIZE, before } = query.data;
    const { userId } = session;
    // Read before the list: a run the list misses (created after it) has all its events after this position.
    const end = before === undefined ? await events.position(userId).catch(() => undefined) : undefined;
    const records = await store.listRuns(userId, { limit, ...(before === undefined ? {} : { before }) });
    let replaySince: string | null = null;
    if (end !== undefined) {
      // A run waiting for a decision replays too: a reload shows its card as it was, activity included.
      const running = records
        .filter((record) => record.status === 'running' || record.status === 'suspended')
        .map((record) => record.runId);
      replaySince = await events.replayCursor(userId, running, end).catch((error: unknown) => {
        log.warn({ err: error, userId }, 'could not compute the replay cursor; the page shows stored stages only');
        return null;
      });
    }
    const page: RunsPage = {
      runs: records.map((record) => storedRunOf(record, { stageOutputs: false })),
      nextBefore: records.length === limit ? (records.at(-1)?.createdAt ?? null) : null,
      replaySince,
    };
    reply.header('cache-control', 'no-store');
    return page;
  });

  app.get<{ Params: { workflowId: string } }>('/api/runs/:workflowId', async (request, reply) => {
    const session = await sessionOf(request);
    if (!session) return sendError(reply, 401, 'UNAUTHORIZED', 'Not logged in.');
    const { workflowId } = request.params;
    const record = workflowId.length <= MAX_WORKFLOW_ID_LENGTH ? await store.get(workflowId) : null;
    // Another user's run and an unknown id get the same answer: nothing is revealed about other users' runs.
    if (record === null || record.userId !== session.userId) return sendError(reply, 404, 'NOT_FOUND', NOT_FOUND_MESSAGE);
    const details: RunDetails = { run: storedRunOf(record, { stageOutputs: true }) };
    reply.header('cache-control', 'no-store');
    return details;
  });
}
