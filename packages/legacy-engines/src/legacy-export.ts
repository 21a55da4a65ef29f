import { EngineMigrationError } from '@baton/engine-contract';
import type { LegacyEngineName } from './legacy-names.js';
import { getMigrationGuide } from './migration-guides.js';

/**
 * String-keyed reads that do NOT throw, on a legacy export and on its `prototype`. They are the probes that
 * the language, loaders, test runners and loggers make on any value, so merely importing, printing,
 * comparing or type-testing a legacy export stays harmless:
 * - `prototype` (`class Mine extends ExecutionEngine {}` and `instanceof`), `constructor`;
 * - `name`, `length`, `toString`, `toLocaleString`, `valueOf` (`String(x)`, template literals, inspection);
 * - `then` (is it a promise? `await x`, returning it from an async function), `toJSON` (`JSON.stringify`);
 * - `asymmetricMatch`, `$$typeof`, `nodeType`, `tagName`, `hasAttribute`, `_isMockFunction`, `mock`, `__esModule`,
 *   `@@__IMMUTABLE_*@@` (what vitest/jest's `expect`, pretty-format's plugins and interop helpers look for).
 * Every other string key throws (`ExecutionEngine.create`, `UnifiedExecutionEngineFactory.getInstance`,
 * `.call`, `.apply`, `.bind`), and so do writes, `defineProperty` and `delete`. Symbol-keyed reads never throw:
 * they are runtime protocols (`Symbol.hasInstance`, `Symbol.toPrimitive`, `Symbol.toStringTag`, Node's
 * `util.inspect.custom`, iterators), not legacy API.
 * @internal
 */
export const INERT_KEYS: ReadonlySet<string> = new Set([
  'prototype',
  'constructor',
  'name',
  'length',
  'toString',
  'toLocaleString',
  'valueOf',
  'then',
  'toJSON',
  'asymmetricMatch',
  '$$typeof',
  'nodeType',
  'tagName',
  'hasAttribute',
  '_isMockFunction',
  'mock',
  '__esModule',
  '@@__IMMUTABLE_ITERABLE__@@',
  '@@__IMMUTABLE_RECORD__@@',
  '@@__IMMUTABLE_KEYED__@@',
  '@@__IMMUTABLE_ORDERED__@@',
]);

/** Builds the error for `legacyName`; `caller` is cut from the stack so it starts at the user's code. */
function migrationError(legacyName: LegacyEngineName, caller: (...args: never[]) => unknown): EngineMigrationError {
  const error = new EngineMigrationError(getMigrationGuide(legacyName));
  Error.captureStackTrace?.(error, caller);
  return error;
}

/**
 * Creates the runtime value of a legacy export: a Proxy over a function named `legacyName` that throws
 * `EngineMigrationError` when it is constructed (`new`, `Reflect.construct`, a subclass's `super()`), called
 * (directly, through `Function.prototype.call`/`apply`, `Reflect.apply`), or when any static member outside
 * {@link INERT_KEYS} is read, written, defined or deleted. Its `prototype` is a Proxy with the same rules,
 * so even an object made with `Object.create(ExecutionEngine.prototype)` has no working member.
 * @internal
 */
export function createLegacyExport(legacyName: LegacyEngineName): unknown {
  const { replacement, importPath } = getMigrationGuide(legacyName);
  const description = `${legacyName} (removed from Baton: use ${replacement} from ${importPath})`;
  const describe = {
    toString(): string {
      return description;
    },
  }.toString;

  // The traps are named functions: each one is cut from the error's stack.
  function refuseConstruct(): never {
    throw migrationError(legacyName, refuseConstruct);
  }
  function refuseCall(): never {
    throw migrationError(legacyName, refuseCall);
  }
  function refuseWrite(): never {
    throw migrationError(legacyName, refuseWrite);
  }
  function readMember(inertTarget: object, key: string | symbol, receiver: unknown): unknown {
    if (typeof key === 'symbol') return Reflect.get(inertTarget, key, receiver);
    if (key === 'toString') return describe;
    if (key === 'constructor' && inertTarget === prototypeTarget) return legacyExport;
    if (INERT_KEYS.has(key)) return Reflect.get(inertTarget, key, receiver);
    throw migrationError(legacyName, readMember);
  }
  const sealed = {
    get: readMember,
    set: refuseWrite,
    defineProperty: refuseWrite,
    deleteProperty: refuseWrite,
    setPrototypeOf: refuseWrite,
  } satisfies ProxyHandler<object>;

  // The targets are never handed out; the function's body throws too, as a second line of defence.
  const target = {
    // biome-ignore lint/complexity/useArrowFunction: a function expression is constructible, so `new` reaches the construct trap; an arrow is not
    [legacyName]: function () {
      refuseCall();
    },
  }[legacyName] as (...args: unknown[]) => never;
  const prototypeTarget: object = Object.create(Object.prototype);
  Object.defineProperty(target, 'prototype', { value: new Proxy(prototypeTarget, sealed), writable: false });

  const legacyExport = new Proxy(target, { ...sealed, construct: refuseConstruct, apply: refuseCall });
  return legacyExport;
}
