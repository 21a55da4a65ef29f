import { afterAll, describe, expect, it } from 'vitest';
import { deleteKeys, requireRedisUrl, uniqueKeyPrefix } from '../test-support/redis-test-env.js';
import { formatReplayFigures, measureReplayFigures, missedReplayTargets, type ReplayFigures } from './replay-figures.js';

function figures(completeSockets: number, p99Ms: number): ReplayFigures {
  return {
    events: 10_000,
    sockets: 40,
    replay: { seconds: 46.4, framesReceived: completeSockets * 10_000, completeSockets },
    healthz: { samples: 12_378, p50Ms: 2.2, p99Ms, maxMs: 231 },
  };
}

describe('missedReplayTargets', () => {
  it('accepts every socket complete and a /healthz p99 under 100 ms', () => {
    expect(missedReplayTargets(figures(40, 99))).toEqual([]);
  });

  it('names each missed target, and treats a missing p99 as missed', () => {
    const missed = missedReplayTargets(figures(39, 100));
    expect(missed).toEqual([
      '1 of 40 sockets did not get every event once, in order',
      'GET /healthz p99 was 100 ms during the replays; must be under 100 ms',
    ]);
    expect(missedReplayTargets(figures(40, Number.NaN))).toHaveLength(1);
  });
});

describe('formatReplayFigures', () => {
  it('prints the replay and the /healthz percentiles', () => {
    expect(formatReplayFigures(figures(40, 60.4)).split('\n')).toEqual([
      'replay: 40 sockets x 10000 events from Redis -> 40 complete, 400000 frames in 46.4 s',
      'healthz: GET /healthz during them: p50 2 ms, p99 60 ms, max 231 ms (12378 samples)',
    ]);
  });
});

describe('measureReplayFigures (scaled down: the figures themselves are for the console, not asserted)', () => {
  const keyPrefix = uniqueKeyPrefix();
  afterAll(async () => {
    await deleteKeys(requireRedisUrl(), keyPrefix);
  });

  it('replays every event to every socket once, in order, while /healthz is sampled', async () => {
    const measured = await measureReplayFigures({ redisUrl: requireRedisUrl(), keyPrefix, events: 1500, sockets: 4 });
    console.log(`[replay figures, scaled down]\n${formatReplayFigures(measured)}`);
    expect(measured.replay).toMatchObject({ completeSockets: 4, framesReceived: 6000 });
    expect(measured.healthz.samples).toBeGreaterThan(0);
  }, 120_000);
});
