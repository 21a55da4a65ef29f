import { type AgentRunError, type AgentRunErrorCode, redact, redactSecretsInText } from '@baton/engine-contract';

/** Longest message kept from a thrown value; a huge payload must not be copied into every event. */
const MAX_MESSAGE_LENGTH = 2_000;
/**
 * How much of a message is scrubbed before it is cut: scrubbing first means a cut never leaves the
 * readable half of a credential; a bound means a huge message costs no more than a long one.
 */
const MAX_SCRUBBED_LENGTH = 4 * MAX_MESSAGE_LENGTH;

/** The `name` given to thrown values that are not `Error`s (strings, `undefined`, plain objects...). */
export const NON_ERROR_NAME = 'NonError';

/** `text` fit for an event: credentials redacted (`redactSecretsInText`), then cut to the longest message kept. */
function safeMessage(text: string): string {
  const scrubbed = redactSecretsInText(text.length > MAX_SCRUBBED_LENGTH ? text.slice(0, MAX_SCRUBBED_LENGTH) : text);
  return scrubbed.length > MAX_MESSAGE_LENGTH ? `${scrubbed.slice(0, MAX_MESSAGE_LENGTH)}…` : scrubbed;
}

function isErrorLike(value: unknown): value is Error {
  // The tag check also accepts errors from another realm (vm, worker), which fail `instanceof`.
  return value instanceof Error || Object.prototype.toString.call(value) === '[object Error]';
}

/**
 * A printable rendering of any thrown value that never throws itself: strings as they are, other
 * primitives through `String`, objects as redacted JSON (so a thrown `{ token }` does not leak);
 * credentials in text redacted (`redactSecretsInText`: `api_key=…`, `Bearer …`, `user:pass@`).
 */
export function renderThrownValue(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return safeMessage(value);
    case 'undefined':
      return 'undefined';
    case 'number':
    case 'boolean':
      return String(value);
    case 'bigint':
      return `${value}n`;
    case 'symbol':
      return value.toString();
    case 'function':
      return `[function ${value.name || 'anonymous'}]`;
    default:
      break;
  }
  if (value === null) return 'null';
  try {
    const json = JSON.stringify(redact(value));
    if (typeof json === 'string') return safeMessage(json);
  } catch {
    // BigInt inside, a throwing toJSON...: fall back to the tag.
  }
  try {
    return Object.prototype.toString.call(value);
  } catch {
    return '[object]';
  }
}

/**
 * `{ name, message }` of any thrown value: the Error's own, or `NonError` plus a safe rendering; both
 * with credentials redacted (`new Error('401 for api_key=sk-…')` → `'401 for api_key=[REDACTED]'`).
 */
export function describeThrown(thrown: unknown): { name: string; message: string } {
  try {
    if (isErrorLike(thrown)) {
      const name = typeof thrown.name === 'string' && thrown.name !== '' ? safeMessage(thrown.name) : 'Error';
      const message = typeof thrown.message === 'string' ? safeMessage(thrown.message) : renderThrownValue(thrown.message);
      return { name, message };
    }
  } catch {
    // A Proxy or a getter threw while being read: treat it like any other odd value.
    return { name: 'Error', message: 'The thrown error could not be read' };
  }
  return { name: NON_ERROR_NAME, message: renderThrownValue(thrown) };
}

/** The normalised `error` of a failed run for a thrown value or rejection reason. */
export function toRunError(code: AgentRunErrorCode, thrown: unknown): AgentRunError {
  const { name, message } = describeThrown(thrown);
  return { code, name, message };
}
