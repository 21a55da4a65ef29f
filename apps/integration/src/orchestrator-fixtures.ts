import {
  type AgentContext,
  type AgentEvent,
  type AnyAgentDefinition,
  defineAgent,
  type EngineLimitsInput,
  type UserExecutionContext,
  type UserExecutionEngine,
} from '@baton/engine-contract';
import type { StageInput } from '@baton/orchestrator';
import { createGate, createTestFactory, type EventRecorder, recordEvents, type TestFactory } from '@baton/testing';

/** A controllable promise (still used by otel-event-tap.test.ts; the orchestrator tests hold agents with @baton/testing's gates). */
export interface Deferred<T = unknown> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

export function deferred<T = unknown>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Settles when `signal` aborts, rejecting with its reason (a gate that never opens, from @baton/testing). */
export function untilAborted(signal: AbortSignal): Promise<void> {
  return createGate().wait(signal);
}

/** What every recording agent saw: one entry per call, in call order. */
export interface AgentCall {
  agent: string;
  input: StageInput;
  stage: string | undefined;
  userId: string;
}

export type AgentBehaviour = (input: StageInput, ctx: AgentContext) => unknown;

/** The agents of the default triage workflow (or any names), recording their inputs; each returns `{ from: name }` unless overridden. */
export function recordingAgents(
  calls: AgentCall[],
  names: readonly string[],
  overrides: Record<string, AgentBehaviour> = {},
): AnyAgentDefinition[] {
  return names.map((name) =>
    defineAgent({
      name,
      run: (input: unknown, ctx: AgentContext) => {
        calls.push({ agent: name, input: input as StageInput, stage: ctx.stage, userId: ctx.userContext.userId });
        const behaviour = overrides[name];
        return behaviour ? behaviour(input as StageInput, ctx) : { from: name };
      },
    }),
  );
}

export const TRIAGE_AGENTS = ['triage', 'data', 'data_helper', 'optimization', 'actions', 'reporting'] as const;

export interface Harness {
  /** A test factory from @baton/testing: real engines on a manual clock, events validated. */
  factory: TestFactory;
  engine: UserExecutionEngine;
  userContext: UserExecutionContext;
  /** Every event of `engine`, in order (the recorder's live list). */
  events: readonly AgentEvent[];
  recorder: EventRecorder;
  calls: AgentCall[];
}

/** A test factory with the given agents, one engine of `user-alpha` and its recorded events. */
export async function harness(options: {
  agents: (calls: AgentCall[]) => AnyAgentDefinition[];
  limits?: EngineLimitsInput;
}): Promise<Harness> {
  const calls: AgentCall[] = [];
  const factory = createTestFactory(options.agents(calls), options.limits ? { limits: options.limits } : {});
  const engine = await factory.createTestEngine({ userId: 'user-alpha' });
  const recorder = recordEvents(engine);
  return { factory, engine, userContext: engine.userContext, events: recorder.events, recorder, calls };
}
