import { type AgentRunError, type AgentRunErrorCode, redact } from '@baton/engine-contract';

/** Longest message kept from a thrown value; a huge payload must not be copied into every event. */
const MAX_MESSAGE_LENGTH = 2_000;

/** The `name` given to thrown values that are not `Error`s (strings, `undefined`, plain objects...). */
export const NON_ERROR_NAME = 'NonError';

function truncate(text: string): string {
  return text.length > MAX_MESSAGE_LENGTH ? `${text.slice(0, MAX_MESSAGE_LENGTH)}…` : text;
}

function isErrorLike(value: unknown): value is Error {
  // The tag check also accepts errors from another realm (vm, worker), which fail `instanceof`.
  return value instanceof Error || Object.prototype.toString.call(value) === '[object Error]';
}

/**
 * A printable rendering of any thrown value that never throws itself: strings as they are, other
 * primitives through `String`, objects as redacted JSON (so a thrown `{ token }` does not leak).
 */
export function renderThrownValue(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return truncate(value);
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
    if (typeof json === 'string') return truncate(json);
  } catch {
    // BigInt inside, a throwing toJSON...: fall back to the tag.
  }
  try {
    return Object.prototype.toString.call(value);
  } catch {
    return '[object]';
  }
}

/** `{ name, message }` of any thrown value: the Error's own, or `NonError` plus a safe rendering. */
export function describeThrown(thrown: unknown): { name: string; message: string } {
  try {
    if (isErrorLike(thrown)) {
      const name = typeof thrown.name === 'string' && thrown.name !== '' ? thrown.name : 'Error';
      const message = typeof thrown.message === 'string' ? truncate(thrown.message) : renderThrownValue(thrown.message);
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
