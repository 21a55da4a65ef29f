import { describe, expect, it } from 'vitest';
import { thinkingEvent } from './__fixtures__/agent-events.js';
import { deleteKeysAfter, newClient, onCleanup, uniquePrefix } from './__fixtures__/test-redis.js';
import { createRedisEventBus } from './redis-event-bus.js';

describe('a subscription replaying many events', () => {
  it('yields to the event loop every 50 entries, so a long replay never holds up the rest of the process', async () => {
    const keyPrefix = uniquePrefix();
    deleteKeysAfter(keyPrefix);
    const bus = createRedisEventBus({ redis: newClient(), keyPrefix });
    onCleanup(() => bus.close());
    const ids = await Promise.all(Array.from({ length: 300 }, (_, seq) => bus.publish(thinkingEvent('u_1', seq))));
    expect(ids.every((id) => id !== null)).toBe(true);

    // One XRANGE batch holds all 300 entries: without a yield, a callback queued behind them would
    // run only once the replay is over.
    let received = 0;
    let otherWorkRanAfter: number | undefined;
    for await (const entry of bus.subscribe('u_1', { fromId: '0' })) {
      expect(entry.event.seq).toBe(received);
      received++;
      if (received === 1) setImmediate(() => (otherWorkRanAfter ??= received));
      if (received === 300) break;
    }
    expect(otherWorkRanAfter).toBe(49);
  });
});
