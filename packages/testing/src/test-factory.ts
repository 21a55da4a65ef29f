import {
  type AgentEvent,
  type AnyAgentDefinition,
  createUserExecutionContext,
  type EngineLimits,
  InvalidConfigError,
  type UserExecutionEngine,
} from '@baton/engine-contract';
import { createEngineFactory, type EngineFactory, type EngineFactoryOptions } from '@baton/engine-factory';
import { EventRecorder } from './event-recorder.js';
import { ManualClock } from './manual-clock.js';
import { createRecordedLogger, type LogEntry } from './recorded-logger.js';

/**
 * The limits a test factory starts from: small and short, so that limits are easy to reach and
 * timeouts are a short `clock.advance` away. Any of them can be overridden with `options.limits`.
 */
export const TEST_ENGINE_LIMITS: Readonly<EngineLimits> = Object.freeze({
  maxEnginesPerUser: 2,
  maxConcurrentRunsPerEngine: 3,
  maxQueuedRunsPerEngine: 10,
  runTimeoutMs: 1_000,
  engineIdleTimeoutMs: 10_000,
  reapIntervalMs: 1_000,
  disposeTimeoutMs: 100,
});

/** What `createTestFactory` accepts besides the agents: the factory's options, on a manual clock. */
export interface TestFactoryOptions extends Omit<EngineFactoryOptions, 'agents' | 'now' | 'timers' | 'validateEvents'> {
  /** The clock the factory runs on (share one with other parts of the test). Default: a new `ManualClock`. */
  readonly clock?: ManualClock;
  /** Parse every event with the contract's schema before delivery. Default `true` (unlike the factory). */
  readonly validateEvents?: boolean;
}

/** The ids of an engine made by `createTestEngine`; each one missing is made up, unique per factory. */
export interface TestEngineIds {
  /** Default `'user-1'`. */
  readonly userId?: string;
  /** Default `thread-<n>`. */
  readonly threadId?: string;
  /** Default `run-<n>`. */
  readonly runId?: string;
}

/** A real engine factory on a manual clock, with every event of every engine recorded. */
export interface TestFactory extends EngineFactory {
  /** The clock behind the factory's `now` and timers: nothing times out until the test moves it. */
  readonly clock: ManualClock;
  /** Every event of every engine of this factory (through the factory's `onEvent`), in delivery order. */
  readonly events: EventRecorder;
  /** What the factory logged, when no `logger` was given (an event that failed validation shows up here). */
  readonly logs: readonly LogEntry[];
  /**
   * A new engine for a fresh user context (ids made up unless given).
   * @throws InvalidUserContextError for a given id the contract refuses; UserLimitExceededError, FactoryShutdownError as `createEngine`.
   */
  createTestEngine(ids?: TestEngineIds): Promise<UserExecutionEngine>;
  /**
   * Shuts the factory down, moving the clock past `disposeTimeoutMs` when an agent ignores its
   * aborted signal (the wait is on the manual clock, so it would otherwise never end), then stops `events`.
   */
  shutdown(): Promise<void>;
}

type Tap = (event: AgentEvent) => unknown;

const CLOCK_METHODS = ['now', 'advance', 'settle', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] as const;

function isManualClock(value: unknown): value is ManualClock {
  return (
    typeof value === 'object' &&
    value !== null &&
    CLOCK_METHODS.every((method) => typeof (value as Record<string, unknown>)[method] === 'function')
  );
}

/** The caller's taps, as a list: the factory's `onEvent` may be one function or (newer factories) an array. */
function tapsOf(onEvent: unknown): readonly Tap[] {
  if (onEvent === undefined) return [];
  if (typeof onEvent === 'function') return [onEvent as Tap];
  if (Array.isArray(onEvent) && onEvent.every((tap) => typeof tap === 'function')) return onEvent as Tap[];
  throw new InvalidConfigError({ message: 'createTestFactory: onEvent must be a function or an array of functions' });
}

/**
 * A real `@baton/engine-factory` factory for tests: its `now` and timers are a `ManualClock`, its
 * limits `TEST_ENGINE_LIMITS` (merged with `options.limits`), `validateEvents` is on, and `events`
 * records every event of every engine it makes.
 * @throws InvalidConfigError for options the factory refuses (duplicate agent names, bad limits, ...)
 *   or a `clock` that is not a `ManualClock`.
 * @example
 * const factory = createTestFactory([writer]);
 * const engine = await factory.createTestEngine();
 * const pending = engine.executeAgent({ agentName: 'writer' });
 * await factory.clock.advance(1_000); // runTimeoutMs: the call times out now, not in a second
 */
export function createTestFactory(agents: readonly AnyAgentDefinition[], options: TestFactoryOptions = {}): TestFactory {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidConfigError({ message: 'createTestFactory(agents, options): options must be an object' });
  }
  const { clock = new ManualClock(), validateEvents = true, limits, onEvent, logger, ...rest } = options;
  // Duck-typed, not `instanceof`: a clock from another copy of this package (ESM and CJS) is as good.
  if (!isManualClock(clock)) {
    throw new InvalidConfigError({ message: 'createTestFactory: clock must be a ManualClock (createManualClock())' });
  }
  const taps = tapsOf(onEvent);
  let record: (event: AgentEvent) => void = () => {};
  const events = new EventRecorder((deliver) => {
    record = deliver;
    return { unsubscribe: () => (record = () => {}) };
  });
  const recorded = logger === undefined ? createRecordedLogger() : undefined;
  const factory = createEngineFactory({
    ...rest,
    agents,
    now: clock.now,
    timers: clock,
    limits: { ...TEST_ENGINE_LIMITS, ...limits },
    validateEvents,
    ...(recorded === undefined ? { logger } : { logger: recorded.logger }),
    // One function, whichever form the factory accepts: record first, then each caller's tap; the
    // first tap error is rethrown (the factory logs and counts it) after every tap has run.
    onEvent: (event) => {
      record(event);
      let failure: { error: unknown } | undefined;
      for (const tap of taps) {
        try {
          tap(event);
        } catch (error) {
          failure ??= { error };
        }
      }
      if (failure !== undefined) throw failure.error;
    },
  });
  let engines = 0;

  function createTestEngine(ids: TestEngineIds = {}): Promise<UserExecutionEngine> {
    if (typeof ids !== 'object' || ids === null) {
      return Promise.reject(
        new InvalidConfigError({ message: 'factory.createTestEngine(ids): ids must be an object { userId?, threadId?, runId? }' }),
      );
    }
    engines += 1;
    try {
      const context = createUserExecutionContext({
        userId: ids.userId ?? 'user-1',
        threadId: ids.threadId ?? `thread-${engines}`,
        runId: ids.runId ?? `run-${engines}`,
      });
      return factory.createEngine(context);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  async function shutdown(): Promise<void> {
    let finished = false;
    const done = factory.shutdown().then(() => {
      finished = true;
    });
    await clock.settle();
    if (!finished) await clock.advance(factory.limits.disposeTimeoutMs);
    await done;
    events.stop();
  }

  return Object.freeze({ ...factory, shutdown, clock, events, logs: recorded?.entries ?? [], createTestEngine });
}
