import { type AgentEvent, describeZodIssue } from '@baton/engine-contract';
import type { WorkflowResultStatus } from '@baton/orchestrator';
import { z } from 'zod';
import { MAX_DECISION_NOTE_LENGTH } from '../shared/decision-note.js';

/** Largest client frame accepted (bytes); a bigger one closes the socket with 1009. */
export const MAX_FRAME_BYTES = 16 * 1024;
/** Longest question (characters). */
export const MAX_ASK_TEXT_LENGTH = 4000;

const clientRequestId = z.string().min(1).max(128);

/** `{ type: 'ask', text, clientRequestId? }`: start one workflow run for the session's user. */
export const AskFrameSchema = z.strictObject({
  type: z.literal('ask'),
  text: z
    .string()
    .min(1)
    .max(MAX_ASK_TEXT_LENGTH)
    .refine((text) => text.trim().length > 0, 'text must not be blank'),
  clientRequestId: clientRequestId.optional(),
});
/** `{ type: 'cancel', runId }`: cancel one of the user's own runs. */
export const CancelFrameSchema = z.strictObject({
  type: z.literal('cancel'),
  runId: z.string().min(1).max(256),
});
/**
 * `{ type: 'decide', workflowId, approved, note? }`: the user's decision on one of their runs waiting
 * for approval (`workflow_suspended`, or `status: 'suspended'` in the runs API).
 */
export const DecideFrameSchema = z.strictObject({
  type: z.literal('decide'),
  workflowId: z.string().min(1).max(256),
  approved: z.boolean(),
  note: z.string().max(MAX_DECISION_NOTE_LENGTH).optional(),
});
/**
 * Every frame a client may send. Strict objects: an unknown field is more likely a typo than a
 * feature, and the client hears about it instead of being silently ignored.
 */
export const ClientFrameSchema = z.discriminatedUnion('type', [AskFrameSchema, CancelFrameSchema, DecideFrameSchema]);
/** A validated client frame. */
export type ClientFrame = z.infer<typeof ClientFrameSchema>;

/** `POST /api/login` body. Lengths are capped so a huge password cannot buy a long scrypt. */
export const LoginBodySchema = z.strictObject({
  username: z.string().min(1).max(64),
  password: z.string().min(1).max(256),
});
/** `POST /api/login` body. */
export type LoginBody = z.infer<typeof LoginBodySchema>;

/** Codes of `error` frames and of HTTP error bodies. */
export type DemoErrorCode =
  | 'INVALID_REQUEST'
  | 'INVALID_CREDENTIALS'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN_ORIGIN'
  | 'TOO_MANY_REQUESTS'
  /** 503: too many logins are being checked at once (the password-check queue is full); try again shortly. */
  | 'SERVER_BUSY'
  /** 421: the request's Host is not this server's public origin (see `publicOrigin`). */
  | 'MISDIRECTED_REQUEST'
  | 'USER_LIMIT_EXCEEDED'
  | 'UNKNOWN_RUN'
  | 'NOT_SUSPENDED'
  | 'NOT_FOUND'
  | 'REPLAY_UNAVAILABLE'
  | 'SHUTTING_DOWN'
  | 'TRANSPORT_ERROR'
  | 'INTERNAL_ERROR';

/** The result of a workflow run as sent to clients (the orchestrator's `WorkflowResult`). */
export interface WireWorkflowResult {
  workflowId: string;
  workflowName: string;
  /** How the run ended, or `suspended` while it waits for a decision (a later `result` follows the decision). */
  status: WorkflowResultStatus;
  /** With `status: 'suspended'`: the stage waiting for a decision. */
  suspendedAt?: string;
  path: string;
  stages: unknown[];
  /** The workflow's output (reporting's `{ headline, answer, basedOn }`), when it has one. */
  output?: unknown;
  durationMs: number;
}

/** Frames the server sends. */
export type ServerFrame =
  | { type: 'accepted'; runId: string; clientRequestId?: string }
  | { type: 'event'; id: string; event: AgentEvent }
  | { type: 'result'; runId: string; result: WireWorkflowResult }
  | { type: 'interrupted'; runId: string; workflowId: string }
  /** `workflowId`: on errors that answer a `decide` frame, the workflowId it named. */
  | { type: 'error'; code: DemoErrorCode; message: string; clientRequestId?: string; workflowId?: string };

/**
 * A frame that tells the user's sockets a run is over on this server, for now: `result` (also for a
 * run that suspended for a decision), or `interrupted` at a shutdown.
 */
export type RunEndFrame = Extract<ServerFrame, { type: 'result' | 'interrupted' }>;

/** The body of every HTTP error answer. */
export interface HttpErrorBody {
  error: { code: DemoErrorCode; message: string };
}

/** Builds an HTTP error body. */
export function httpError(code: DemoErrorCode, message: string): HttpErrorBody {
  return { error: { code, message } };
}

/** A short, value-free description of the first validation problem (never echoes what was sent). */
export function describeIssue(error: z.ZodError): string {
  return describeZodIssue(error, { root: 'frame' });
}
