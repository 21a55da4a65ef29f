import { redactSecretsInText } from './redact-secrets-in-text.js';
import { isSecretKey, REDACTED } from './secret-key.js';

const MAX_DEPTH = 64;
const UNREADABLE = '[Unreadable]';
// Keys repeat, so what each becomes is cached (bounded: cleared when full), as `isSecretKey` does.
const MAX_CACHED_KEYS = 2048;
const keyCache = new Map<string, CopiedKey>();
const typedArraySlice = Object.getPrototypeOf(Uint8Array.prototype).slice as (this: ArrayBufferView) => ArrayBufferView;

/** What a key becomes in the copy. */
interface CopiedKey {
  /** The key, scrubbed: a key can hold a credential too (`{ "Bearer abc123...": 1 }`). */
  readonly name: string;
  /** Every value under it but a number or a boolean is redacted. */
  readonly secret: boolean;
}

function keyOf(key: string): CopiedKey {
  const cached = keyCache.get(key);
  if (cached !== undefined) return cached;
  const copied: CopiedKey = { name: redactSecretsInText(key), secret: isSecretKey(key) };
  if (keyCache.size >= MAX_CACHED_KEYS) keyCache.clear();
  keyCache.set(key, copied);
  return copied;
}

/**
 * Returns a copy of `value` fit to leave the process (events, frames, logs, stores): at any depth,
 * every value stored under a secret-looking key (see `isSecretKey`) is replaced by `'[REDACTED]'`,
 * unless it is a number or a boolean (`maxTokens: 512` stays); every string, and every key, has the
 * credentials it holds replaced (`redactSecretsInText`); function-valued properties are dropped (an
 * own `toJSON` would otherwise rebuild what was redacted when the copy is serialised), and a function
 * in an array becomes `undefined` (`null` in JSON, as JSON would have written it). Arrays and plain
 * objects are copied; maps become plain objects and sets arrays; other class instances are copied as
 * their own enumerable fields; dates and typed arrays are copied without their own properties;
 * boxed primitives become the primitive. A function given as `value` returns `undefined`.
 * Never throws: cycles become `'[Circular]'`, unreadable properties `'[Unreadable]'`.
 * @example redact({ user: 'ann', apiKey: 'sk-1', note: 'Bearer abc123xyz' })
 * // → { user: 'ann', apiKey: '[REDACTED]', note: 'Bearer [REDACTED]' }
 */
export function redact<T>(value: T): T {
  return redactValue(value, [], 0) as T;
}

/** Sets a copied property; `defineProperty` only for "__proto__", which must stay data on the copy. */
function setEntry(copy: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(copy, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    copy[key] = value;
  }
}

/** Copies one named entry (an object's field, a map's entry): dropped when it holds a function under a non-secret key. */
function copyEntry(copy: Record<string, unknown>, name: string, item: unknown, ancestors: object[], depth: number): void {
  const key = keyOf(name);
  if (typeof item === 'number' || typeof item === 'boolean') setEntry(copy, key.name, item);
  else if (key.secret) setEntry(copy, key.name, REDACTED);
  else if (typeof item !== 'function') setEntry(copy, key.name, redactValue(item, ancestors, depth));
}

function redactValue(value: unknown, ancestors: object[], depth: number): unknown {
  if (typeof value === 'string') return redactSecretsInText(value);
  if (typeof value === 'function') return undefined;
  if (typeof value !== 'object' || value === null) return value;
  let prototype: object | null;
  try {
    prototype = Object.getPrototypeOf(value) as object | null; // throws on a revoked Proxy
  } catch {
    return UNREADABLE;
  }
  // Ancestors, not "seen": a value shared by two branches is copied twice; only a cycle is cut.
  if (ancestors.includes(value)) return '[Circular]';
  if (depth >= MAX_DEPTH) return '[MaxDepth]';
  ancestors.push(value);
  try {
    if (prototype === Object.prototype || prototype === null) return redactFields(value, ancestors, depth);
    if (Array.isArray(value)) {
      // Not `value.map`: an array subclass (or an own `map` property) could return the items unredacted.
      const length = value.length;
      const copy: unknown[] = new Array(length);
      for (let index = 0; index < length; index++) copy[index] = redactValue(value[index], ancestors, depth + 1);
      return copy;
    }
    return redactInstance(value, ancestors, depth);
  } catch {
    return UNREADABLE;
  } finally {
    ancestors.pop();
  }
}

/** A class instance (the rarer cases, kept out of `redactValue`'s path for plain objects and arrays). */
function redactInstance(value: object, ancestors: object[], depth: number): unknown {
  // Copies through the intrinsic methods, which throw on a forgery (caught: `[Unreadable]`): the copy
  // has none of the original's own properties, an own `toJSON` included.
  if (value instanceof Date) return new Date(Date.prototype.getTime.call(value));
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) return typedArraySlice.call(value);
  if (value instanceof String) return redactSecretsInText(String.prototype.valueOf.call(value));
  if (value instanceof Number) return Number.prototype.valueOf.call(value);
  if (value instanceof Boolean) return Boolean.prototype.valueOf.call(value);
  if (value instanceof Set) {
    const copy: unknown[] = [];
    for (const item of value) copy.push(redactValue(item, ancestors, depth + 1));
    return copy;
  }
  if (value instanceof Map) {
    const copy: Record<string, unknown> = {};
    for (const [key, item] of value) copyEntry(copy, String(key), item, ancestors, depth + 1);
    return copy;
  }
  const copy = redactFields(value, ancestors, depth);
  if (value instanceof Error) {
    copy.name ??= redactValue(value.name, ancestors, depth + 1);
    copy.message ??= redactValue(value.message, ancestors, depth + 1);
  }
  return copy;
}

/** Copies own enumerable string-keyed fields (JSON's view of an object), redacting on the way. */
function redactFields(value: object, ancestors: object[], depth: number): Record<string, unknown> {
  const copy: Record<string, unknown> = {};
  const keys = Object.keys(value);
  for (let index = 0; index < keys.length; index++) {
    const key = keys[index]!;
    let item: unknown;
    try {
      item = (value as Record<string, unknown>)[key];
    } catch {
      item = UNREADABLE;
    }
    copyEntry(copy, key, item, ancestors, depth + 1);
  }
  return copy;
}
