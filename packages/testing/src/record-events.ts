import { InvalidConfigError, isUserExecutionEngine, type UserExecutionEngine } from '@baton/engine-contract';
import { EventRecorder } from './event-recorder.js';

/**
 * Records every event `engine` emits from now on (it subscribes at once, synchronously, so an engine
 * recorded right after `createEngine` is seen from its first event). `assertGuarantees()` then also
 * checks that every event carries this engine's id and its user's ids.
 * @throws InvalidConfigError when `engine` is not an engine made by `@baton/engine-factory`.
 * @example
 * const events = recordEvents(engine);
 * const result = await engine.executeAgent({ agentName: 'writer' });
 * expect(events.streamedOutput(result.executionId)).toBe(result.output);
 * events.assertGuarantees();
 */
export function recordEvents(engine: UserExecutionEngine): EventRecorder {
  if (!isUserExecutionEngine(engine)) {
    throw new InvalidConfigError({
      message: 'recordEvents(engine): engine must be an engine made by @baton/engine-factory (factory.createEngine(userContext))',
    });
  }
  const { userId, threadId, runId } = engine.userContext;
  return new EventRecorder((record) => ({
    engine: { engineId: engine.engineId, userId, threadId, runId, isActive: () => engine.isActive() },
    unsubscribe: engine.subscribe(record),
  }));
}
