import { describe, expectTypeOf, it } from 'vitest';
import { redact } from './redact.js';
import { redactSecretsInText } from './redact-secrets-in-text.js';
import { isSecretKey, type REDACTED } from './secret-key.js';

describe('redact types', () => {
  it('returns the type it was given', () => {
    expectTypeOf(redact({ apiKey: 'k', n: 1 })).toEqualTypeOf<{ apiKey: string; n: number }>();
    expectTypeOf(isSecretKey).toEqualTypeOf<(key: string) => boolean>();
    expectTypeOf<typeof REDACTED>().toEqualTypeOf<'[REDACTED]'>();
    expectTypeOf(redactSecretsInText).toEqualTypeOf<(text: string) => string>();
  });
});
