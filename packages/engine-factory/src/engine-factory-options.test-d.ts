import type { AgentEvent } from '@baton/engine-contract';
import { describe, expectTypeOf, it } from 'vitest';
import { createEngineFactory, type EngineFactoryOptions, type EngineLogger, type EventTapOption } from './index.js';

/** pino's `LogFn` overloads, as pino 9/10 declare them (pino is not a dependency of this package). */
interface PinoLogFn {
  <T extends object>(obj: T, msg?: string, ...args: unknown[]): void;
  (obj: unknown, msg?: string, ...args: unknown[]): void;
  (msg: string, ...args: unknown[]): void;
}
/** The part of a pino `Logger` (and of Fastify's `FastifyBaseLogger`) the factory calls. */
interface PinoLikeLogger {
  level: string;
  child(bindings: Record<string, unknown>): PinoLikeLogger;
  fatal: PinoLogFn;
  error: PinoLogFn;
  warn: PinoLogFn;
  info: PinoLogFn;
  debug: PinoLogFn;
  trace: PinoLogFn;
}

describe('EngineFactoryOptions types', () => {
  it('takes one tap or an array of taps (readonly too) as onEvent', () => {
    const publish = (_event: AgentEvent): Promise<void> => Promise.resolve();
    const tap: EventTapOption = () => {};
    expectTypeOf<EngineFactoryOptions['onEvent']>().toEqualTypeOf<EventTapOption | readonly EventTapOption[] | undefined>();
    createEngineFactory({ agents: [], onEvent: publish });
    createEngineFactory({ agents: [], onEvent: [publish, tap] });
    createEngineFactory({ agents: [], onEvent: [publish, tap] as const });
    // @ts-expect-error: a tap takes an event
    createEngineFactory({ agents: [], onEvent: [(_event: string) => {}] });
    // @ts-expect-error: not a tap
    createEngineFactory({ agents: [], onEvent: [publish, 'otel'] });
  });

  it('takes a pino-style logger, console, and a message-first logger of its own as logger', () => {
    expectTypeOf<PinoLikeLogger>().toMatchTypeOf<EngineLogger>();
    expectTypeOf(console).toMatchTypeOf<EngineLogger>();
    expectTypeOf<{ warn(details: Record<string, unknown>, message: string): void }>().toMatchTypeOf<EngineLogger>();
    expectTypeOf<{ warn(message: string, details?: Record<string, unknown>): void }>().toMatchTypeOf<EngineLogger>();
    const pino = {} as PinoLikeLogger;
    createEngineFactory({ agents: [], logger: pino });
    createEngineFactory({ agents: [], logger: console });
    // @ts-expect-error: a logging method takes a message or a details object, not a number
    createEngineFactory({ agents: [], logger: { warn: (_code: number) => {} } });
  });
});
