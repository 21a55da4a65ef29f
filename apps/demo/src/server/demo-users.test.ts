import { describe, expect, it } from 'vitest';
import { DEFAULT_DEMO_USERS_SPEC, parseDemoUsers } from './demo-users.js';

describe('parseDemoUsers', () => {
  it('parses the default accounts', () => {
    expect(parseDemoUsers(DEFAULT_DEMO_USERS_SPEC)).toEqual([
      { username: 'alice', password: 'alice-demo-pw' },
      { username: 'bob', password: 'bob-demo-pw' },
      { username: 'carol', password: 'carol-demo-pw' },
    ]);
  });

  it('keeps colons in passwords and ignores empty entries', () => {
    expect(parseDemoUsers(' dave:a:b:c , ,erin:pw')).toEqual([
      { username: 'dave', password: 'a:b:c' },
      { username: 'erin', password: 'pw' },
    ]);
  });

  it.each([
    ['', /No demo users/],
    ['alice', /password/],
    ['bad name:pw', /name/],
    ['alice:x,alice:y', /twice/],
    ['test:pw', /cannot be used as a user id/],
  ])('refuses %j', (spec, message) => {
    expect(() => parseDemoUsers(spec)).toThrow(message);
  });

  it('never puts a password in an error message', () => {
    expect(() => parseDemoUsers('alice:x,alice:secret-value')).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('secret-value') }),
    );
  });
});
