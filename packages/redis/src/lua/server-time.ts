/**
 * Lua prelude that sets `now` to the Redis server's clock in ms. Lease expiry is judged by one clock
 * (Redis') so that instances with skewed clocks still agree. `replicate_commands` lets Redis 3.2/4
 * accept writes after the non-deterministic TIME (Redis 5+ always replicates effects; 7 keeps the
 * call as a no-op).
 * @internal
 */
export const SERVER_NOW_MS_LUA = `
if redis.replicate_commands then redis.replicate_commands() end
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
`;
