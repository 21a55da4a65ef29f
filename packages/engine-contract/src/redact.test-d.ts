import { describe, expectTypeOf, it } from 'vitest';
import { isSecretKey, type REDACTED, redact } from './redact.js';

describe('redact types', () => {
  it('returns the type it was given', () => {
    expectTypeOf(redact({ apiKey: 'k', n: 1 })).toEqualTypeOf<{ apiKey: string; n: number }>();
    expectTypeOf(isSecretKey).toEqualTypeOf<(key: string) => boolean>();
    expectTypeOf<typeof REDACTED>().toEqualTypeOf<'[REDACTED]'>();
  });
});
