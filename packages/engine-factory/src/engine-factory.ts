import { randomUUID } from 'node:crypto';
import type { EngineLimits, EngineLimitsInput } from '@baton/engine-contract';
import {
  type AdmissionLease,
  type AgentEvent,
  type AnyAgentDefinition,
  FactoryShutdownError,
  InMemoryUserAdmission,
  InvalidConfigError,
  InvalidUserContextError,
  isUserExecutionContext,
  isZodSchema,
  type UserAdmission,
  type UserExecutionContext,
  type UserExecutionEngine,
  UserLimitExceededError,
  WORKFLOW_AGENT_NAME,
} from '@baton/engine-contract';
import { MAX_TIMER_DELAY_MS } from './deadline-timer.js';
import { EngineCore, type EngineHost } from './engine-core.js';
import type { EngineFactoryMetrics } from './engine-factory-metrics.js';
import { resolveEngineLimits } from './engine-limits.js';
import { type EngineLogger, type SafeLogger, toSafeLogger } from './engine-logger.js';
import { type EngineTimerHandle, type EngineTimers, GLOBAL_TIMERS, isEngineTimers } from './engine-timers.js';
import type { EventTap } from './event-dispatcher.js';
import { markGenuineEngine } from './genuine-engine-registry.js';
import { emptyRunTotals, type RunTotals } from './run-stats.js';
import { UserExecutionEngineImpl } from './user-execution-engine-impl.js';

/** What `createEngineFactory` accepts. */
export interface EngineFactoryOptions {
  /** The agents every engine of this factory can run (made with `defineAgent`); names must be unique. */
  agents: readonly AnyAgentDefinition[];
  /** Overrides of `DEFAULT_ENGINE_LIMITS`; every value an integer ≥ 1. */
  limits?: EngineLimitsInput;
  /** The clock for timestamps, durations, deadlines and idleness (epoch ms). Default `Date.now`. */
  now?: () => number;
  /**
   * The timers behind deadlines, the dispose timeout and the idle-engine reaper. Default: Node's
   * global timers. A test gives a manual clock's timers together with its `now` (as
   * `@baton/testing`'s `createTestFactory` does), so that time passes only when the test says.
   */
  timers?: EngineTimers;
  /** Receives what the library cannot throw (listener errors, reaped engines, slow disposals). Default: silent. */
  logger?: EngineLogger;
  /**
   * Decides whether a user may have one more engine. Default: an `InMemoryUserAdmission` per factory.
   * A distributed one (e.g. on Redis) makes `maxEnginesPerUser` hold across server instances.
   */
  admission?: UserAdmission;
  /**
   * A tap, or several, that see every event of every engine of this factory, after the engine's own
   * listeners (e.g. a Redis event bus and `createOtelEventTap()` from `@baton/otel`). Taps run in
   * array order, each on its own: one that throws (or whose promise rejects) is counted and logged
   * (`logger.error`, with the engine and user ids) and the others still get the event. Never thrown.
   */
  onEvent?: EventTapOption | readonly EventTapOption[];
  /**
   * Parse every event with `AgentEventSchema` before delivery. For tests and development: it costs
   * several µs per event. Default `false`. An invalid event is logged (`logger.error`) and not delivered.
   */
  validateEvents?: boolean;
}

/** One tap of `onEvent`: called with every event; a returned promise is watched for rejection. */
export type EventTapOption = (event: AgentEvent) => void;

/** Makes isolated engines, one per user execution context, and tracks them. */
export interface EngineFactory {
  /** The limits in force (defaults filled in). */
  readonly limits: Readonly<EngineLimits>;
  /**
   * A new engine bound to `userContext`. Async because admission may be distributed.
   * @throws InvalidUserContextError when `userContext` was not made by `createUserExecutionContext`.
   * @throws UserLimitExceededError when the user already holds `maxEnginesPerUser` engines.
   * @throws FactoryShutdownError after `shutdown()`.
   */
  createEngine(userContext: UserExecutionContext): Promise<UserExecutionEngine>;
  /**
   * Creates an engine, passes it to `fn` and disposes it afterwards, also when `fn` throws (whose
   * error then propagates unchanged). Resolves to `fn`'s result.
   */
  withEngine<T>(userContext: UserExecutionContext, fn: (engine: UserExecutionEngine) => T | PromiseLike<T>): Promise<Awaited<T>>;
  /** Disposes every engine of `userId`; resolves to how many there were once they are disposed. */
  disposeUser(userId: string): Promise<number>;
  /** Disposes every engine and stops the reaper; later `createEngine` calls throw `FactoryShutdownError`. Idempotent. */
  shutdown(): Promise<void>;
  /** Counters and gauges over every engine this factory made, disposed ones included. */
  getMetrics(): EngineFactoryMetrics;
}

const OPTION_KEYS = 'agents, limits?, now?, timers?, logger?, admission?, onEvent?, validateEvents?';

function fail(message: string): never {
  throw new InvalidConfigError({ message });
}

function indexAgents(agents: unknown): Map<string, AnyAgentDefinition> {
  if (!Array.isArray(agents)) fail('createEngineFactory: agents must be an array of agent definitions (made with defineAgent)');
  const byName = new Map<string, AnyAgentDefinition>();
  agents.forEach((agent: unknown, index: number) => {
    if (typeof agent !== 'object' || agent === null)
      fail(`createEngineFactory: agents[${index}] must be an agent definition (made with defineAgent)`);
    const { name, run, input, output } = agent as Partial<AnyAgentDefinition>;
    if (typeof name !== 'string' || name.length === 0) fail(`createEngineFactory: agents[${index}].name must be a non-empty string`);
    if (name === WORKFLOW_AGENT_NAME) fail(`createEngineFactory: agent name "${WORKFLOW_AGENT_NAME}" is reserved for workflow events`);
    if (typeof run !== 'function') fail(`createEngineFactory: agent "${name}" must have a run function`);
    if (input !== undefined && !isZodSchema(input)) fail(`createEngineFactory: agent "${name}": input must be a zod schema`);
    if (output !== undefined && !isZodSchema(output)) fail(`createEngineFactory: agent "${name}": output must be a zod schema`);
    if (byName.has(name)) fail(`createEngineFactory: duplicate agent name "${name}"; agent names must be unique within a factory`);
    byName.set(name, agent as AnyAgentDefinition);
  });
  return byName;
}

function optionalFunction<T>(value: T | undefined, field: string): T | undefined {
  if (value !== undefined && typeof value !== 'function') fail(`createEngineFactory: ${field} must be a function`);
  return value;
}

/** `onEvent` as a frozen list: a function is one tap; an array is copied, so editing it later changes nothing. */
function readTaps(onEvent: unknown): readonly EventTap[] {
  if (onEvent === undefined) return Object.freeze([]);
  if (typeof onEvent === 'function') return Object.freeze([onEvent as EventTap]);
  if (!Array.isArray(onEvent)) fail('createEngineFactory: onEvent must be a function or an array of functions');
  const taps = [...(onEvent as unknown[])];
  taps.forEach((tap, index) => {
    if (typeof tap !== 'function') fail(`createEngineFactory: onEvent[${index}] must be a function`);
  });
  return Object.freeze(taps as EventTap[]);
}

/**
 * Creates the factory: the only code that can mint a genuine `UserExecutionEngine`.
 * @throws InvalidConfigError for bad options: duplicate agent names, a limit that is not an integer ≥ 1
 *   (the message names the field), an unknown limit, a non-function clock, an `onEvent` that is neither
 *   a function nor an array of functions.
 * @example
 * const factory = createEngineFactory({ agents: [echo], limits: { maxEnginesPerUser: 2 } });
 * const result = await factory.withEngine(userContext, (engine) => engine.executeAgent({ agentName: 'echo', input: 'hi' }));
 */
export function createEngineFactory(options: EngineFactoryOptions): EngineFactory {
  if (typeof options !== 'object' || options === null) fail(`createEngineFactory expects options { ${OPTION_KEYS} }`);
  const agents = indexAgents(options.agents);
  const limits = resolveEngineLimits(options.limits);
  const now = optionalFunction(options.now, 'now') ?? Date.now;
  if (options.timers !== undefined && !isEngineTimers(options.timers)) {
    fail('createEngineFactory: timers must be an object { setTimeout, clearTimeout, setInterval, clearInterval }');
  }
  const timers = options.timers ?? GLOBAL_TIMERS;
  const taps = readTaps(options.onEvent);
  if (options.logger !== undefined && (typeof options.logger !== 'object' || options.logger === null)) {
    fail('createEngineFactory: logger must be an object { debug?, info?, warn?, error? }');
  }
  const admission = options.admission ?? new InMemoryUserAdmission();
  if (typeof admission !== 'object' || admission === null || typeof admission.acquire !== 'function') {
    fail('createEngineFactory: admission must implement UserAdmission { acquire(userId, limit) }');
  }
  if (options.validateEvents !== undefined && typeof options.validateEvents !== 'boolean') {
    fail('createEngineFactory: validateEvents must be a boolean');
  }
  const logger: SafeLogger = toSafeLogger(options.logger);
  const host: EngineHost = Object.freeze({
    agents,
    agentNames: Object.freeze([...agents.keys()]),
    limits,
    now,
    timers,
    logger,
    taps,
    validateEvents: options.validateEvents === true,
  });

  // Factory state. Engines never touch it: the factory reads their counters and folds them in on dispose.
  const live = new Set<EngineCore>();
  const byUser = new Map<string, Set<EngineCore>>();
  const retired: RunTotals = emptyRunTotals();
  let enginesCreated = 0;
  let enginesDisposed = 0;
  let enginesReaped = 0;
  let admissionRejections = 0;
  let reaper: EngineTimerHandle | undefined;
  let shuttingDown = false;
  let shutdownPromise: Promise<void> | undefined;

  function releaseLease(lease: AdmissionLease, userId: string, engineId: string | undefined): Promise<void> {
    let released: Promise<void>;
    try {
      released = Promise.resolve(lease.release());
    } catch (error) {
      released = Promise.reject(error);
    }
    return released.then(undefined, (error: unknown) => {
      logger.error("Baton: releasing a user's engine slot failed", { userId, engineId, error });
    });
  }

  /** Runs synchronously at the start of an engine's disposal: it stops counting at once. */
  function retire(core: EngineCore, lease: AdmissionLease): Promise<void> {
    const userId = core.userContext.userId;
    if (live.delete(core)) {
      const engines = byUser.get(userId);
      engines?.delete(core);
      if (engines !== undefined && engines.size === 0) byUser.delete(userId);
      core.addRunTotals(retired);
      enginesDisposed++;
      logger.debug('Baton: engine disposed', { engineId: core.engineId, userId });
    }
    return releaseLease(lease, userId, core.engineId);
  }

  function reap(): void {
    const reachedAt = now();
    for (const core of live) {
      const idleSince = core.idleSince();
      if (idleSince !== undefined && reachedAt - idleSince > limits.engineIdleTimeoutMs) {
        enginesReaped++;
        logger.info('Baton: disposing an idle engine', {
          engineId: core.engineId,
          userId: core.userContext.userId,
          idleMs: reachedAt - idleSince,
        });
        void core.dispose();
      }
    }
  }

  function startReaper(): void {
    if (reaper !== undefined || shuttingDown) return;
    reaper = timers.setInterval(reap, Math.min(limits.reapIntervalMs, MAX_TIMER_DELAY_MS));
    // The reaper must never keep the process alive.
    reaper.unref?.();
  }

  async function createEngine(userContext: UserExecutionContext): Promise<UserExecutionEngine> {
    if (shuttingDown) throw new FactoryShutdownError();
    // Not membership alone: isUserExecutionContext also re-checks that the context is frozen and its
    // ids obey the context rules, since the registry of contexts is reachable through globalThis.
    if (!isUserExecutionContext(userContext)) {
      throw new InvalidUserContextError({
        field: 'userContext',
        rule: 'must be a context made by createUserExecutionContext (a plain object is not accepted)',
      });
    }
    const userId = userContext.userId;
    const lease = await admission.acquire(userId, limits.maxEnginesPerUser);
    if (lease === null || lease === undefined) {
      admissionRejections++;
      throw new UserLimitExceededError({ userId, limit: limits.maxEnginesPerUser });
    }
    if (typeof lease !== 'object' || typeof lease.release !== 'function') {
      fail('admission.acquire must resolve to a lease { release() } or null');
    }
    if (shuttingDown) {
      await releaseLease(lease, userId, undefined);
      throw new FactoryShutdownError();
    }
    const core = new EngineCore({ engineId: randomUUID(), userContext, host, onDisposed: (disposed) => retire(disposed, lease) });
    const engine = new UserExecutionEngineImpl(core);
    // The one place a genuine engine is minted.
    markGenuineEngine(engine);
    live.add(core);
    let engines = byUser.get(userId);
    if (engines === undefined) {
      engines = new Set();
      byUser.set(userId, engines);
    }
    engines.add(core);
    enginesCreated++;
    startReaper();
    logger.debug('Baton: engine created', { engineId: core.engineId, userId });
    return engine;
  }

  async function withEngine<T>(
    userContext: UserExecutionContext,
    fn: (engine: UserExecutionEngine) => T | PromiseLike<T>,
  ): Promise<Awaited<T>> {
    if (typeof fn !== 'function') fail('withEngine(userContext, fn): fn must be a function');
    const engine = await createEngine(userContext);
    try {
      return await fn(engine);
    } finally {
      // dispose() never rejects, so fn's error (if any) propagates unchanged.
      await engine.dispose();
    }
  }

  async function disposeUser(userId: string): Promise<number> {
    const engines = byUser.get(userId);
    if (engines === undefined) return 0;
    const cores = [...engines];
    await Promise.all(cores.map((core) => core.dispose()));
    return cores.length;
  }

  function shutdown(): Promise<void> {
    if (shutdownPromise !== undefined) return shutdownPromise;
    shuttingDown = true;
    if (reaper !== undefined) {
      timers.clearInterval(reaper);
      reaper = undefined;
    }
    const disposing = [...live].map((core) => core.dispose());
    shutdownPromise = Promise.all(disposing).then(() => {
      logger.info('Baton: engine factory shut down', { enginesDisposed: disposing.length });
    });
    return shutdownPromise;
  }

  function getMetrics(): EngineFactoryMetrics {
    const totals: RunTotals = { ...retired };
    for (const core of live) core.addRunTotals(totals);
    return {
      enginesCreated,
      enginesActive: live.size,
      enginesDisposed,
      enginesReaped,
      userLimitRejections: admissionRejections + totals.queueRejections,
      activeUsers: byUser.size,
      runsStarted: totals.runsStarted,
      runsSucceeded: totals.runsSucceeded,
      runsFailed: totals.runsFailed,
      runsTimedOut: totals.runsTimedOut,
      runsCancelled: totals.runsCancelled,
      runsQueued: totals.runsQueued,
      inputTokens: totals.inputTokens,
      outputTokens: totals.outputTokens,
    };
  }

  // Plain closures (not methods), so `const { createEngine } = factory` works too.
  return Object.freeze({ limits, createEngine, withEngine, disposeUser, shutdown, getMetrics });
}
