/** What a redacted value is replaced with. */
export const REDACTED = '[REDACTED]';

const SECRET_KEY_PARTS = ['password', 'passwd', 'secret', 'token', 'apikey', 'authorization', 'cookie', 'privatekey', 'credential'];
const MAX_DEPTH = 64;
const UNREADABLE = '[Unreadable]';

/** True when a key names a secret: lower-cased, without `-` and `_`, it contains a secret word. */
export function isSecretKey(key: string): boolean {
  const normalised = key.toLowerCase().replace(/[-_]/g, '');
  for (const part of SECRET_KEY_PARTS) if (normalised.includes(part)) return true;
  return false;
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
  return redactValue(value, new Set(), 0) as T;
}

function redactEntry(key: string, value: unknown, ancestors: Set<object>, depth: number): unknown {
  if (isSecretKey(key) && typeof value !== 'number' && typeof value !== 'boolean') return REDACTED;
  return redactValue(value, ancestors, depth);
}

function redactValue(value: unknown, ancestors: Set<object>, depth: number): unknown {
  if (typeof value !== 'object' || value === null) return value;
  let isDate: boolean;
  try {
    isDate = value instanceof Date; // walks the prototype chain: throws on a revoked Proxy
  } catch {
    return UNREADABLE;
  }
  if (isDate) return value;
  if (ancestors.has(value)) return '[Circular]';
  if (depth >= MAX_DEPTH) return '[MaxDepth]';
  ancestors.add(value);
  try {
    if (Array.isArray(value)) {
      // Not `value.map`: an array subclass (or an own `map` property) could return the items unredacted.
      const copy: unknown[] = [];
      const length = value.length;
      for (let index = 0; index < length; index++) copy.push(redactValue(value[index], ancestors, depth + 1));
      return copy;
    }
    if (value instanceof Set) return [...value].map((item) => redactValue(item, ancestors, depth + 1));
    if (ArrayBuffer.isView(value)) return value;
    const copy: Record<string, unknown> = {};
    const entries: Iterable<[unknown, unknown]> = value instanceof Map ? value.entries() : readEntries(value);
    for (const [key, item] of entries) {
      const name = String(key);
      // defineProperty keeps a "__proto__" key as data instead of changing the copy's prototype.
      Object.defineProperty(copy, name, {
        value: redactEntry(name, item, ancestors, depth + 1),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    if (value instanceof Error) {
      copy.name ??= value.name;
      copy.message ??= value.message;
    }
    return copy;
  } catch {
    return UNREADABLE;
  } finally {
    ancestors.delete(value);
  }
}

function* readEntries(value: object): Generator<[string, unknown]> {
  for (const key of Object.keys(value)) {
    let item: unknown;
    try {
      item = (value as Record<string, unknown>)[key];
    } catch {
      item = UNREADABLE;
    }
    yield [key, item];
  }
}
