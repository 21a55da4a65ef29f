export type { AgentEventEntry } from './agent-event-entry.js';
export type { RedisErrorHandler } from './error-handler.js';
export { createRedisAdmission, DEFAULT_LEASE_TTL_MS, type RedisAdmission, type RedisAdmissionOptions } from './redis-admission.js';
export type { RedisClient, RedisClientOrUrl } from './redis-connection.js';
export {
  createRedisEventBus,
  DEFAULT_MAX_LEN_PER_USER,
  DEFAULT_STREAM_TTL_MS,
  type RedisEventBus,
  type RedisEventBusOptions,
  type RedisEventBusSubscribeOptions,
} from './redis-event-bus.js';
export { DEFAULT_KEY_PREFIX } from './redis-keys.js';
export { createRedisRunStore, DEFAULT_RUN_TTL_MS, type RedisRunStore, type RedisRunStoreOptions } from './redis-run-store.js';
