import {
  type AgentContext,
  type AgentEvent,
  type AnyAgentDefinition,
  createUserExecutionContext,
  defineAgent,
  type UserExecutionContext,
  type UserExecutionEngine,
} from '@baton/engine-contract';
import { createEngineFactory, type EngineFactory } from '@baton/engine-factory';
import type { StageInput } from '@baton/orchestrator';

/** A controllable promise: tests release agents explicitly instead of waiting for time to pass. */
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

/** Settles when `signal` aborts, rejecting with its reason: an agent that runs until it is cancelled or timed out. */
export function untilAborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    else signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
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

let contexts = 0;
/** A fresh, valid context per call (placeholder ids like "test" are refused by the contract). */
export function newContext(user = 'user-alpha'): UserExecutionContext {
  contexts += 1;
  return createUserExecutionContext({ userId: user, threadId: `thread-${contexts}`, runId: `run-${contexts}` });
}

export interface Harness {
  factory: EngineFactory;
  engine: UserExecutionEngine;
  userContext: UserExecutionContext;
  events: AgentEvent[];
  calls: AgentCall[];
}

/** A factory with the given agents, one engine on a fresh context and every event of that engine. */
export async function harness(options: {
  agents: (calls: AgentCall[]) => AnyAgentDefinition[];
  limits?: Parameters<typeof createEngineFactory>[0]['limits'];
}): Promise<Harness> {
  const calls: AgentCall[] = [];
  const factory = createEngineFactory({ agents: options.agents(calls), ...(options.limits ? { limits: options.limits } : {}) });
  const userContext = newContext();
  const engine = await factory.createEngine(userContext);
  const events: AgentEvent[] = [];
  engine.subscribe((event) => events.push(event));
  return { factory, engine, userContext, events, calls };
}

/** `type:agentName` of each event, for order assertions. */
export function eventTrace(events: readonly AgentEvent[]): string[] {
  return events.map((event) => `${event.type}:${event.agentName}`);
}
