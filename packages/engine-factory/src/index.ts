export { DEFAULT_ENGINE_LIMITS, type EngineLimits } from '@baton/engine-contract';
export { createEngineFactory, type EngineFactory, type EngineFactoryOptions } from './engine-factory.js';
export type { EngineFactoryMetrics } from './engine-factory-metrics.js';
export type { EngineLogger, EngineLogMethod } from './engine-logger.js';
