import { randomUUID } from 'node:crypto';
import { InvalidUserContextError } from './errors/invalid-user-context-error.js';
import { contractWeakSet } from './global-weak-set.js';

/** A JSON-like value allowed in context metadata. */
export type JsonValue = null | boolean | number | string | readonly JsonValue[] | { readonly [key: string]: JsonValue };

/** Deep-frozen, JSON-like metadata attached to a context. */
export type ContextMetadata = { readonly [key: string]: JsonValue };

/** What `createUserExecutionContext` accepts. */
export interface UserExecutionContextInput {
  /** The user every run of this context belongs to. */
  userId: string;
  /** The conversation (thread) the run is part of. */
  threadId: string;
  /** The run this context executes. */
  runId: string;
  /** Id of this request; defaults to `crypto.randomUUID()`. */
  requestId?: string;
  /** The user's session, when there is one. */
  sessionId?: string;
  /** The connection (socket) the request came from, when there is one. */
  connectionId?: string;
  /** Plain JSON-like data; copied and deep-frozen. */
  metadata?: Record<string, unknown>;
}

/**
 * Who a run belongs to. Deep-frozen; made only by `createUserExecutionContext` or `ctx.child`.
 * Engines are bound to one context and stamp its ids on every event they emit.
 */
export interface UserExecutionContext {
  /** The user every run of this context belongs to. */
  readonly userId: string;
  /** The conversation (thread). */
  readonly threadId: string;
  /** The run; shared by a context and its children. */
  readonly runId: string;
  /** Unique per context (a child gets a new one). */
  readonly requestId: string;
  /** The user's session, when given. */
  readonly sessionId?: string;
  /** The connection (socket) the request came from, when given. */
  readonly connectionId?: string;
  /** Deep-frozen JSON-like data. */
  readonly metadata: ContextMetadata;
  /** 0 for a root context, parent's depth + 1 for a child. */
  readonly depth: number;
  /** The `requestId` of the parent, for child contexts. */
  readonly parentRequestId?: string;
  /** The operation name a child context was created for (absent on root contexts). */
  readonly operationName?: string;
  /** Creation time, epoch ms. */
  readonly createdAt: number;
  /**
   * A child context for a sub-operation: same user/thread/run/session, a new `requestId`,
   * `depth + 1`, `parentRequestId` set, metadata shallowly merged (the given keys win).
   * @throws InvalidUserContextError on an empty name or a depth above 10.
   */
  child(operationName: string, metadata?: Record<string, unknown>): UserExecutionContext;
}

/** The deepest a chain of `ctx.child` may go. */
export const MAX_CONTEXT_DEPTH = 10;
/** The longest id accepted. */
export const MAX_ID_LENGTH = 256;
/** How deep metadata may nest. */
const MAX_METADATA_DEPTH = 32;

/** Ids that are refused in any letter case: they mark unfinished wiring, not a real user or run. */
export const PLACEHOLDER_IDS: readonly string[] = Object.freeze([
  'registry',
  'placeholder',
  'default',
  'temp',
  'none',
  'null',
  'undefined',
  'xxx',
  'example',
  'test',
  'demo',
]);
// `iu`: case-insensitive with Unicode case folding, so `teſt` (long s) or `TEST` are placeholders too.
const PLACEHOLDER_PATTERN = new RegExp(`^(?:${PLACEHOLDER_IDS.join('|')})$`, 'iu');

const ID_FIELDS = ['userId', 'threadId', 'runId'] as const;
const OPTIONAL_ID_FIELDS = ['requestId', 'sessionId', 'connectionId'] as const;
const KNOWN_FIELDS = new Set<string>([...ID_FIELDS, ...OPTIONAL_ID_FIELDS, 'metadata']);
// Whitespace, control characters (Cc), invisible format characters (Cf) and lone surrogates.
const FORBIDDEN_ID_CHARACTERS = /[\s\p{Cc}\p{Cf}]|\p{Cs}/u;

const contexts = contractWeakSet('baton.engine-contract.user-execution-contexts.v1');
// Contexts known to be intact (frozen, valid ids): the ones this copy made, and the ones it has
// checked. Private to this module copy, so nothing outside can add to it. Sound as a cache because a
// frozen object's own data properties can never change again.
const intact = new WeakSet<object>();

function fail(field: string, rule: string, cause?: unknown): never {
  throw new InvalidUserContextError({ field, rule, cause });
}

/** The id rule `value` breaks, or `undefined` for a valid id. The one source of the id rules. */
function idProblem(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length === 0) return 'must be a non-empty string';
  if (value.length > MAX_ID_LENGTH) return `must be at most ${MAX_ID_LENGTH} characters`;
  if (FORBIDDEN_ID_CHARACTERS.test(value)) return 'must not contain whitespace or control characters';
  if (PLACEHOLDER_PATTERN.test(value)) return 'must be a real identifier, not a placeholder value';
  return undefined;
}

/** Validates one id; the message never contains the value. */
function validateId(field: string, value: unknown): string {
  const problem = idProblem(value);
  if (problem !== undefined) fail(field, problem);
  return value as string;
}

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Copies JSON-like data into fresh deep-frozen objects, refusing anything JSON cannot carry as-is. */
function copyJson(value: unknown, path: string, ancestors: Set<object>, depth: number): JsonValue {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      if (!Number.isFinite(value)) fail(path, 'must be a finite number');
      return value;
    case 'object':
      break;
    default:
      fail(path, `must be JSON-like (null, boolean, number, string, array or plain object), not ${typeof value}`);
  }
  if (value === null) return null;
  if (depth > MAX_METADATA_DEPTH) fail(path, `must not nest deeper than ${MAX_METADATA_DEPTH} levels`);
  if (ancestors.has(value)) fail(path, 'must not contain a cycle');
  ancestors.add(value);
  try {
    if (Array.isArray(value)) {
      const copy: JsonValue[] = [];
      for (let index = 0; index < value.length; index++) {
        const descriptor = Object.getOwnPropertyDescriptor(value, index);
        const itemPath = `${path}.${index}`;
        if (descriptor === undefined) fail(itemPath, 'must not be a hole in an array');
        if (!('value' in descriptor)) fail(itemPath, 'must be a plain data property (getters are not allowed)');
        copy.push(copyJson(descriptor.value, itemPath, ancestors, depth + 1));
      }
      return Object.freeze(copy);
    }
    if (!isPlainObject(value)) fail(path, 'must be a plain object (class instances, dates and maps are not allowed)');
    return copyPlainObject(value, path, ancestors, depth);
  } finally {
    ancestors.delete(value);
  }
}

function copyPlainObject(value: object, path: string, ancestors: Set<object>, depth: number): ContextMetadata {
  const entries: [string, JsonValue][] = [];
  for (const key of Reflect.ownKeys(value)) {
    if (typeof key === 'symbol') fail(path, 'must not have symbol keys');
    const descriptor = Object.getOwnPropertyDescriptor(value, key)!;
    if (!descriptor.enumerable) continue;
    const keyPath = `${path}.${key}`;
    if (!('value' in descriptor)) fail(keyPath, 'must be a plain data property (getters are not allowed)');
    entries.push([key, copyJson(descriptor.value, keyPath, ancestors, depth + 1)]);
  }
  // fromEntries defines own properties, so a "__proto__" key stays data and never becomes a prototype.
  return Object.freeze(Object.fromEntries(entries));
}

function copyMetadata(value: unknown, path: string): ContextMetadata {
  if (value === undefined) return EMPTY_METADATA;
  if (typeof value !== 'object' || value === null) fail(path, 'must be a plain object');
  try {
    // Inside the try: Array.isArray throws on a revoked Proxy.
    if (Array.isArray(value)) fail(path, 'must be a plain object');
    return copyJson(value, path, new Set(), 0) as ContextMetadata;
  } catch (error) {
    if (InvalidUserContextError.isInstance(error)) throw error;
    // A Proxy trap or exotic object threw while being read.
    return fail(path, 'could not be read as plain JSON-like data', error);
  }
}

const EMPTY_METADATA: ContextMetadata = Object.freeze({});

interface ContextFields {
  userId: string;
  threadId: string;
  runId: string;
  requestId: string;
  sessionId?: string;
  connectionId?: string;
  metadata: ContextMetadata;
  depth: number;
  parentRequestId?: string;
  operationName?: string;
  createdAt: number;
}

const contextPrototype = {
  child(this: UserExecutionContext, operationName: string, metadata?: Record<string, unknown>): UserExecutionContext {
    if (!isUserExecutionContext(this)) fail('context', 'must be a context made by createUserExecutionContext');
    if (typeof operationName !== 'string' || operationName.trim().length === 0) {
      fail('operationName', 'must be a non-empty string');
    }
    if (this.depth + 1 > MAX_CONTEXT_DEPTH) fail('depth', `must not exceed ${MAX_CONTEXT_DEPTH}`);
    const extra = copyMetadata(metadata, 'metadata');
    return seal({
      userId: this.userId,
      threadId: this.threadId,
      runId: this.runId,
      requestId: randomUUID(),
      ...(this.sessionId === undefined ? {} : { sessionId: this.sessionId }),
      ...(this.connectionId === undefined ? {} : { connectionId: this.connectionId }),
      metadata: extra === EMPTY_METADATA ? this.metadata : Object.freeze({ ...this.metadata, ...extra }),
      depth: this.depth + 1,
      parentRequestId: this.requestId,
      operationName,
      createdAt: Date.now(),
    });
  },
};
Object.freeze(contextPrototype);

function seal(fields: ContextFields): UserExecutionContext {
  const context = Object.freeze(Object.assign(Object.create(contextPrototype) as object, fields)) as UserExecutionContext;
  contexts.add(context);
  intact.add(context);
  return context;
}

function readField(input: object, key: string): unknown {
  try {
    // Own properties only: a polluted Object.prototype must never supply an id.
    return Object.hasOwn(input, key) ? (input as Record<string, unknown>)[key] : undefined;
  } catch (error) {
    return fail(key, 'could not be read', error);
  }
}

/**
 * Validates the input and returns a deep-frozen `UserExecutionContext`.
 * @throws InvalidUserContextError naming the offending field and rule (never the value).
 * @example
 * const ctx = createUserExecutionContext({ userId: 'u_42', threadId: 't_1', runId: 'r_1' });
 */
export function createUserExecutionContext(input: UserExecutionContextInput): UserExecutionContext {
  if (typeof input !== 'object' || input === null) fail('context', 'must be an object');
  let keys: (string | symbol)[];
  try {
    // Inside the try: Array.isArray and Reflect.ownKeys throw on a revoked Proxy.
    if (Array.isArray(input)) fail('context', 'must be an object');
    keys = Reflect.ownKeys(input);
  } catch (error) {
    if (InvalidUserContextError.isInstance(error)) throw error;
    return fail('context', 'could not be read', error);
  }
  for (const key of keys) {
    if (typeof key === 'symbol' || !KNOWN_FIELDS.has(key)) {
      fail(typeof key === 'symbol' ? 'context' : key, `is not a known context field (known: ${[...KNOWN_FIELDS].join(', ')})`);
    }
  }
  const fields: ContextFields = {
    userId: validateId('userId', readField(input, 'userId')),
    threadId: validateId('threadId', readField(input, 'threadId')),
    runId: validateId('runId', readField(input, 'runId')),
    requestId: '',
    metadata: EMPTY_METADATA,
    depth: 0,
    createdAt: Date.now(),
  };
  const requestId = readField(input, 'requestId');
  fields.requestId = requestId === undefined ? randomUUID() : validateId('requestId', requestId);
  const sessionId = readField(input, 'sessionId');
  if (sessionId !== undefined) fields.sessionId = validateId('sessionId', sessionId);
  const connectionId = readField(input, 'connectionId');
  if (connectionId !== undefined) fields.connectionId = validateId('connectionId', connectionId);
  fields.metadata = copyMetadata(readField(input, 'metadata'), 'metadata');
  return seal(fields);
}

/**
 * True only for contexts made by `createUserExecutionContext` (or `ctx.child`), from any copy of this
 * package. Besides membership in the shared registry it re-checks that the context is frozen and its
 * ids obey the rules: the registry is reachable through `globalThis`, so membership alone does not
 * prove that an object went through `createUserExecutionContext`.
 */
export function isUserExecutionContext(value: unknown): value is UserExecutionContext {
  return typeof value === 'object' && value !== null && contexts.has(value) && (intact.has(value) || checkIntact(value));
}

/** `isIntact`, remembered when true: `createEngine` asks on every engine, and must stay cheap. */
function checkIntact(context: object): boolean {
  if (!isIntact(context)) return false;
  intact.add(context);
  return true;
}

/**
 * Frozen, with valid ids held as own data properties (never getters, which could answer differently
 * on every read) and frozen metadata. No deep walk.
 */
function isIntact(context: object): boolean {
  try {
    // A Proxy placed in the registry may throw from a trap: it is simply not a context.
    if (!Object.isFrozen(context)) return false;
    for (const field of ID_FIELDS) if (!hasValidId(context, field, true)) return false;
    // `requestId` is optional in the input but always set on a context.
    for (const field of OPTIONAL_ID_FIELDS) if (!hasValidId(context, field, field === 'requestId')) return false;
    const metadata = Object.getOwnPropertyDescriptor(context, 'metadata');
    return metadata !== undefined && typeof metadata.value === 'object' && metadata.value !== null && Object.isFrozen(metadata.value);
  } catch {
    return false;
  }
}

function hasValidId(context: object, field: string, required: boolean): boolean {
  const descriptor = Object.getOwnPropertyDescriptor(context, field);
  if (descriptor === undefined) return !required;
  return 'value' in descriptor && idProblem(descriptor.value) === undefined;
}
