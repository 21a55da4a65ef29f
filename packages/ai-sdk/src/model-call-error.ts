import { redactSecretsInText } from '@baton/engine-contract';

/** Longest message kept from a provider error; the engine truncates again, this only bounds the scan. */
const MAX_MESSAGE_LENGTH = 4_000;

function readString(value: unknown, key: 'name' | 'message'): string | undefined {
  try {
    const field = (value as Record<string, unknown>)[key];
    return typeof field === 'string' ? field : undefined;
  } catch {
    return undefined;
  }
}

/**
 * What a model agent throws for a provider error (the run then fails with `AGENT_FAILED`): a new
 * `Error` with the provider error's `name` (e.g. `AI_APICallError`, `AI_RetryError`) and its message
 * with credentials redacted. Deliberately without `cause`: the AI SDK's errors carry the request
 * (URL, headers, body) and the response, which may hold the API key.
 * @internal
 */
export function toModelCallError(error: unknown): Error {
  const isObject = typeof error === 'object' && error !== null;
  const name = (isObject && readString(error, 'name')) || 'Error';
  let message = isObject ? readString(error, 'message') : typeof error === 'string' ? error : undefined;
  if (message === undefined || message === '') message = 'The model call failed';
  const failure = new Error(redactSecretsInText(message.slice(0, MAX_MESSAGE_LENGTH)));
  // Like Error.prototype.name: not enumerable, so the error serialises as a plain Error does.
  Object.defineProperty(failure, 'name', { value: name, writable: true, configurable: true, enumerable: false });
  return failure;
}
