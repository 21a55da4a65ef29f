import { APICallError, RetryError } from 'ai';
import { describe, expect, it } from 'vitest';
import { toModelCallError } from './model-call-error.js';

describe('toModelCallError', () => {
  it("keeps the provider error's name and message, redacts credentials and drops everything else", () => {
    const providerError = new APICallError({
      message: 'Unauthorized: key sk-abcdefgh12345 is invalid',
      url: 'https://api.test/v1?key=AIzaSy0123456789abcdefghijk',
      requestBodyValues: { apiKey: 'sk-abcdefgh12345' },
      responseHeaders: { 'set-cookie': 'sid=secret' },
      statusCode: 401,
    });
    const error = toModelCallError(providerError);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('AI_APICallError');
    expect(error.message).toBe('Unauthorized: key [REDACTED] is invalid');
    expect(Object.keys(error)).toEqual([]);
    expect(error.cause).toBeUndefined();
  });

  it("keeps the retry error's summary, which quotes the last error", () => {
    const last = new Error('Overloaded');
    const error = toModelCallError(
      new RetryError({ message: 'Failed after 3 attempts. Last error: Overloaded', reason: 'maxRetriesExceeded', errors: [last] }),
    );
    expect(error).toMatchObject({ name: 'AI_RetryError', message: 'Failed after 3 attempts. Last error: Overloaded' });
  });

  it('describes a thrown string, an object without a message and an unreadable error', () => {
    expect(toModelCallError('bad token=abc')).toMatchObject({ name: 'Error', message: 'bad token=[REDACTED]' });
    expect(toModelCallError({ status: 500 })).toMatchObject({ name: 'Error', message: 'The model call failed' });
    const hostile = new Proxy(
      {},
      {
        get() {
          throw new Error('no');
        },
      },
    );
    expect(toModelCallError(hostile)).toMatchObject({ name: 'Error', message: 'The model call failed' });
  });
});
