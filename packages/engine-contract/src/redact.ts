/** What a redacted value is replaced with. */
export const REDACTED = '[REDACTED]';

const SECRET_KEY = /password|passwd|secret|token|apikey|authorization|cookie|privatekey|credential/;
const SEPARATORS = /[-_]/g;
const MAX_DEPTH = 64;
const UNREADABLE = '[Unreadable]';
// Events repeat the same few keys, so the verdict per key is cached (bounded: cleared when full).
const MAX_CACHED_KEYS = 2048;
const secretKeyCache = new Map<string, boolean>();

/** True when a key names a secret: lower-cased, without `-` and `_`, it contains a secret word. */
export function isSecretKey(key: string): boolean {
  const cached = secretKeyCache.get(key);
  if (cached !== undefined) return cached;
  const secret = SECRET_KEY.test(key.toLowerCase().replace(SEPARATORS, ''));
  if (secretKeyCache.size >= MAX_CACHED_KEYS) secretKeyCache.clear();
  secretKeyCache.set(key, secret);
  return secret;
}

/**
 * Returns a copy of `value` in which, at any depth, every value stored under a secret-looking key
 * (see `isSecretKey`) is replaced by `'[REDACTED]'`, unless it is a number or a boolean
 * (`maxTokens: 512` stays). Arrays and plain objects are copied; maps become plain objects and sets
 * arrays; other class instances are copied as their own enumerable fields; dates are kept.
 * Never throws: cycles become `'[Circular]'`, unreadable properties `'[Unreadable]'`.
 * @example redact({ user: 'ann', apiKey: 'sk-1' }) // → { user: 'ann', apiKey: '[REDACTED]' }
 */
export function redact<T>(value: T): T {
  if (typeof value !== 'object' || value === null) return value;
  return redactValue(value, [], 0) as T;
}

function redactEntry(key: string, value: unknown, ancestors: object[], depth: number): unknown {
  if (typeof value === 'number' || typeof value === 'boolean') return value;
  if (isSecretKey(key)) return REDACTED;
  return redactValue(value, ancestors, depth);
}

/** Sets a copied property; `defineProperty` only for "__proto__", which must stay data on the copy. */
function setEntry(copy: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(copy, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    copy[key] = value;
  }
}

function redactValue(value: unknown, ancestors: object[], depth: number): unknown {
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
    if (value instanceof Date || ArrayBuffer.isView(value)) return value;
    if (value instanceof Set) {
      const copy: unknown[] = [];
      for (const item of value) copy.push(redactValue(item, ancestors, depth + 1));
      return copy;
    }
    if (value instanceof Map) {
      const copy: Record<string, unknown> = {};
      for (const [key, item] of value) {
        const name = String(key);
        setEntry(copy, name, redactEntry(name, item, ancestors, depth + 1));
      }
      return copy;
    }
    const copy = redactFields(value, ancestors, depth);
    if (value instanceof Error) {
      copy.name ??= value.name;
      copy.message ??= value.message;
    }
    return copy;
  } catch {
    return UNREADABLE;
  } finally {
    ancestors.pop();
  }
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
    setEntry(copy, key, redactEntry(key, item, ancestors, depth + 1));
  }
  return copy;
}
