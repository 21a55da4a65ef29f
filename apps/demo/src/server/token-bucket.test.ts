import { describe, expect, it } from 'vitest';
import { TokenBucket } from './token-bucket.js';

function bucket(capacity: number, perSecond: number) {
  let now = 1_000_000;
  const tokens = new TokenBucket({ capacity, perSecond, now: () => now });
  const advance = (ms: number): void => {
    now += ms;
  };
  return { tokens, advance };
}

function takeAll(tokens: TokenBucket, times: number): boolean[] {
  return Array.from({ length: times }, () => tokens.take());
}

describe('TokenBucket', () => {
  it('starts full: allows a burst of its capacity, then refuses', () => {
    const { tokens } = bucket(3, 1);
    expect(takeAll(tokens, 4)).toEqual([true, true, true, false]);
  });

  it('gives tokens back at its rate, never above its capacity', () => {
    const { tokens, advance } = bucket(3, 2);
    takeAll(tokens, 3);
    advance(499);
    expect(tokens.take()).toBe(false);
    advance(1);
    expect(tokens.take()).toBe(true);
    expect(tokens.take()).toBe(false);
    advance(60_000);
    expect(takeAll(tokens, 4)).toEqual([true, true, true, false]);
  });

  it('bounds a steady sender to the rate: no double burst at a window edge', () => {
    const { tokens, advance } = bucket(10, 10);
    let allowed = 0;
    // 100 frames per second for 2 seconds (0 to 2000 ms): 10 pass on the burst, then 10 per second.
    for (let ms = 0; ms <= 2000; ms += 10) {
      if (tokens.take()) allowed++;
      advance(10);
    }
    expect(allowed).toBe(30);
  });

  it('is full again after a quiet spell, and a clock that goes back adds nothing', () => {
    const { tokens, advance } = bucket(2, 1);
    tokens.take();
    expect(tokens.isFull()).toBe(false);
    advance(-5000);
    expect(tokens.isFull()).toBe(false);
    advance(5000);
    expect(tokens.isFull()).toBe(false);
    advance(1000);
    expect(tokens.isFull()).toBe(true);
  });
});
