import { describe, expect, it } from 'vitest';
import { parseTrustProxy } from './trust-proxy.js';

describe('parseTrustProxy', () => {
  it('leaves forwarded headers untrusted when unset or empty', () => {
    expect(parseTrustProxy(undefined)).toBeUndefined();
    expect(parseTrustProxy('  ')).toBeUndefined();
  });

  it('reads true and false', () => {
    expect(parseTrustProxy('true')).toBe(true);
    expect(parseTrustProxy(' false ')).toBe(false);
  });

  it('reads a list of addresses and CIDR ranges, IPv4 and IPv6', () => {
    expect(parseTrustProxy('127.0.0.1, 10.0.0.0/8,::1,fd00::/8')).toEqual(['127.0.0.1', '10.0.0.0/8', '::1', 'fd00::/8']);
  });

  it.each(['yes', '10.0.0.0/33', 'proxy.internal', '10.0.0.1/8/1', '127.0.0.1,'])(
    'refuses %j with a message naming the variable',
    (value) => {
      expect(() => parseTrustProxy(value)).toThrow(/^BATON_DEMO_TRUST_PROXY must be true, false, or a comma-separated list/);
    },
  );
});
