export { provideRedisUrl } from './redis-global-setup.js';
export { findRedisServerBinary, type RedisServerProcess, startRedisServer } from './redis-server.js';
