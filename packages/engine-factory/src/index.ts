export { createEngineFactory, type EngineFactory, type EngineFactoryOptions } from './engine-factory.js';
export type { EngineFactoryMetrics } from './engine-factory-metrics.js';
export { DEFAULT_ENGINE_LIMITS, type EngineLimits } from '@baton/engine-contract';
export type { EngineLogMethod, EngineLogger } from './engine-logger.js';
