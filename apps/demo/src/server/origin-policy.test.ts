import { describe, expect, it } from 'vitest';
import { createOriginPolicy, isOwnOrigin, parsePublicOrigin } from './origin-policy.js';

describe('createOriginPolicy without a public origin', () => {
  const policy = createOriginPolicy();

  it.each([
    ['localhost:3000', 'http://localhost:3000'],
    ['LOCALHOST', 'http://localhost'],
    ['127.0.0.1:3000', 'http://127.0.0.1:3000'],
    ['192.168.1.20:8080', 'http://192.168.1.20:8080'],
    ['[::1]:3000', 'http://[::1]:3000'],
  ])('answers for %s as %s', (host, origin) => {
    expect(policy.ownOrigin(host)).toBe(origin);
  });

  it.each([
    ['evil.example:3000'],
    ['localhost.evil.example'],
    ['127.0.0.1.nip.io:3000'],
    ['::1'],
    ['[::1'],
    ['127.0.0.1:3000:1'],
    [''],
    [undefined],
  ])('refuses %s (a name DNS can point anywhere, or no host at all)', (host) => {
    expect(policy.ownOrigin(host)).toBeUndefined();
  });

  it('never marks cookies Secure', () => {
    expect(policy.secureCookies).toBe(false);
  });
});

describe('createOriginPolicy with a public origin', () => {
  it('answers only for its host and port, as its origin, and marks cookies Secure for https', () => {
    const policy = createOriginPolicy('https://Demo.Example.com/');
    expect(policy.ownOrigin('demo.example.com')).toBe('https://demo.example.com');
    expect(policy.ownOrigin('DEMO.example.com')).toBe('https://demo.example.com');
    expect(policy.ownOrigin('demo.example.com:8443')).toBeUndefined();
    expect(policy.ownOrigin('127.0.0.1:3000')).toBeUndefined();
    expect(policy.secureCookies).toBe(true);
  });

  it('keeps a non-default port and plain http', () => {
    const policy = createOriginPolicy('http://demo.internal:8080');
    expect(policy.ownOrigin('demo.internal:8080')).toBe('http://demo.internal:8080');
    expect(policy.ownOrigin('demo.internal')).toBeUndefined();
    expect(policy.secureCookies).toBe(false);
  });
});

describe('parsePublicOrigin', () => {
  it('normalises to scheme, host and port', () => {
    expect(parsePublicOrigin('https://demo.example.com:443/')).toBe('https://demo.example.com');
  });

  it.each([
    'https://demo.example.com/app',
    'https://demo.example.com/?x=1',
    'ws://demo.example.com',
    'demo.example.com',
    'https://u:p@demo.example.com',
  ])('refuses %s, naming BATON_PUBLIC_ORIGIN', (value) => {
    expect(() => parsePublicOrigin(value)).toThrow(/^The public origin \(BATON_PUBLIC_ORIGIN\) must be/);
  });
});

describe('isOwnOrigin', () => {
  it('compares the Origin with the expected origin, ignoring case; false when either is missing', () => {
    expect(isOwnOrigin('http://LOCALHOST:3000', 'http://localhost:3000')).toBe(true);
    expect(isOwnOrigin('https://localhost:3000', 'http://localhost:3000')).toBe(false);
    expect(isOwnOrigin(undefined, 'http://localhost:3000')).toBe(false);
    expect(isOwnOrigin('http://localhost:3000', undefined)).toBe(false);
  });
});
