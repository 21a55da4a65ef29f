export { DEFAULT_ENGINE_LIMITS, type EngineLimits } from '@baton/engine-contract';
export { createEngineFactory, type EngineFactory, type EngineFactoryOptions, type EventTapOption } from './engine-factory.js';
export type { EngineFactoryMetrics } from './engine-factory-metrics.js';
export type { EngineLogger, EngineLogMethod, PinoStyleLogMethod } from './engine-logger.js';
export type { EngineTimerHandle, EngineTimers } from './engine-timers.js';
