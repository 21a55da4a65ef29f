import { describe, expect, it } from 'vitest';
import { DEFAULT_CLI_OPTIONS, parseCliOptions } from './cli-options.js';

describe('parseCliOptions', () => {
  it('reads --users, --runs, --seed and --clock, in both spellings', () => {
    expect(parseCliOptions(['--users', '2000', '--runs', '50', '--seed', 'X'])).toEqual({
      users: 2000,
      runsPerUser: 50,
      seed: 'X',
      clock: 'virtual',
    });
    expect(parseCliOptions(['--clock', 'wall'])).toEqual({ ...DEFAULT_CLI_OPTIONS, clock: 'wall' });
    expect(parseCliOptions(['--clock=virtual'])).toEqual(DEFAULT_CLI_OPTIONS);
    expect(parseCliOptions(['--', '--users=3', '--seed=a=b'])).toEqual({ ...DEFAULT_CLI_OPTIONS, users: 3, seed: 'a=b' });
    expect(parseCliOptions([])).toEqual(DEFAULT_CLI_OPTIONS);
  });

  it('refuses typos and bad numbers instead of running the default workload', () => {
    expect(() => parseCliOptions(['--user', '5'])).toThrow(/unknown argument --user/);
    expect(() => parseCliOptions(['--runs', '0'])).toThrow(/--runs needs a positive integer/);
    expect(() => parseCliOptions(['--users'])).toThrow(/--users needs a positive integer/);
    expect(() => parseCliOptions(['--seed', ''])).toThrow(/--seed needs a value/);
    expect(() => parseCliOptions(['--clock', 'fast'])).toThrow(/--clock needs virtual or wall, got fast/);
    expect(() => parseCliOptions(['--clock'])).toThrow(/--clock needs virtual or wall, got undefined/);
  });
});
