import { describe, expect, it } from 'vitest';
import { redactSecretsInText } from './redact-secrets-in-text.js';

describe('redactSecretsInText', () => {
  it.each([
    ['Incorrect API key provided: sk-proj-abcdef123456.', 'Incorrect API key provided: [REDACTED].'],
    ['invalid x-api-key: sk-ant-api03-abcdefghijkl', 'invalid x-api-key: [REDACTED]'],
    ['Authorization: Bearer eyJhbGciOi.payload1234.signature12', 'Authorization: Bearer [REDACTED]'],
    [
      'GET https://gen.test/v1/models?key=AIzaSyD-0123456789abcdefghij&alt=sse failed',
      'GET https://gen.test/v1/models?key=[REDACTED]&alt=sse failed',
    ],
    ['{"api_key": "abc123", "model": "gpt"}', '{"api_key": "[REDACTED]", "model": "gpt"}'],
    ['password=hunter2; user=ann', 'password=[REDACTED]; user=ann'],
    ['access_token: 0a1b2c3d rejected', 'access_token: [REDACTED] rejected'],
    ['using ghp_abcdefghijklmnopqrstuvwxyz0123', 'using [REDACTED]'],
    ['AWS AKIAABCDEFGHIJKLMNOP denied', 'AWS [REDACTED] denied'],
    ['client secret: s3cr3t', 'client secret: [REDACTED]'],
  ])('redacts %j', (text, expected) => {
    expect(redactSecretsInText(text)).toBe(expected);
  });

  it('keeps a message without credentials as it is', () => {
    const message = 'Rate limit reached for model gpt-4.1 (tokens per min: 30000, maxTokens: 512). Retry after 20s.';
    expect(redactSecretsInText(message)).toBe(message);
  });

  it('is idempotent', () => {
    const once = redactSecretsInText('token=abc Bearer sk-abcdefghijk key=AIzaSy0123456789abcdefghijk');
    expect(redactSecretsInText(once)).toBe(once);
    expect(once).toBe('token=[REDACTED] Bearer [REDACTED] key=[REDACTED]');
  });
});
