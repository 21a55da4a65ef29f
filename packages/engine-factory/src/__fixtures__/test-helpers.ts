import {
  type AgentContext,
  type AgentEvent,
  createUserExecutionContext,
  defineAgent,
  type UserExecutionContext,
  type UserExecutionEngine,
} from '@baton/engine-contract';
import { type Mock, vi } from 'vitest';

/** A promise with its resolve/reject exposed: tests settle agents exactly when they want to. */
export interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(reason: unknown): void;
}

export function deferred<T = unknown>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** A context for `userId` (thread/run ids derived from it). */
export function contextFor(userId: string, extra: { threadId?: string; runId?: string } = {}): UserExecutionContext {
  return createUserExecutionContext({ userId, threadId: extra.threadId ?? `t_${userId}`, runId: extra.runId ?? `r_${userId}` });
}

/** Lets every queued microtask (and promise chain of a few links) run. */
export async function flush(rounds = 10): Promise<void> {
  for (let index = 0; index < rounds; index++) await Promise.resolve();
}

/** Collects an engine's events. */
export function record(engine: UserExecutionEngine): AgentEvent[] {
  const events: AgentEvent[] = [];
  engine.subscribe((event) => {
    events.push(event);
  });
  return events;
}

/** One call of a controlled agent: the test settles `result` and can inspect `ctx`. */
export interface ControlledCall {
  input: unknown;
  ctx: AgentContext;
  result: Deferred<unknown>;
}

/**
 * An agent whose every call waits for the test: `calls` lists them in the order they started.
 * It ignores its signal unless the test uses it, which is how misbehaving agents are simulated.
 */
export function controlledAgent(name = 'controlled') {
  const calls: ControlledCall[] = [];
  const agent = defineAgent({
    name,
    run: (input, ctx) => {
      const call: ControlledCall = { input, ctx, result: deferred() };
      calls.push(call);
      return call.result.promise;
    },
  });
  return { agent, calls };
}

/** A logger whose methods are spies. */
export function spyLogger(): { debug: Mock; info: Mock; warn: Mock; error: Mock } {
  return { debug: vi.fn(), info: vi.fn(), warn: vi.fn(), error: vi.fn() };
}

/** Echo agent: returns its input. */
export const echoAgent = defineAgent({ name: 'echo', run: async (input: unknown) => input });
