import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * Plants something in a registry slot, then loads the built package in a fresh Node process (the
 * slot is locked for good once the package has loaded, so this process cannot be used). The CJS
 * and the ESM build are each loaded. No sleeps: each child runs to completion synchronously.
 */
const cjsEntry = fileURLToPath(new URL('../dist/index.cjs', import.meta.url));
const esmEntry = new URL('../dist/index.js', import.meta.url).href;
const packageDirectory = fileURLToPath(new URL('..', import.meta.url));
const ENGINES_KEY = 'baton.engine-contract.genuine-engines.v1';
const CONTEXTS_KEY = 'baton.engine-contract.user-execution-contexts.v1';

interface Outcome {
  loaded: boolean;
  error?: { name: string; code: string; key: string; received: string; message: string; isInstance: boolean };
  /** Whether a look-alike engine was called genuine (when the package loaded). */
  lookAlikeGenuine?: boolean;
  /** Whether the slot was left read-only and non-configurable (when the package loaded). */
  slotLocked?: boolean;
  /** Whether a second load, after the failed one, failed too (no half-loaded module is kept). */
  secondLoadFailed?: boolean;
}

/** `setup` runs before the package loads, with `key` and `symbol` defined. */
function load(build: 'cjs' | 'esm', key: string, setup: string): Outcome {
  const loader =
    build === 'cjs' ? `() => require(${JSON.stringify(cjsEntry)})` : `(n) => import(${JSON.stringify(esmEntry)} + '?load=' + n)`;
  const script = `
    const key = ${JSON.stringify(key)};
    const symbol = Symbol.for(key);
    const loadPackage = ${loader};
    ${setup}
    (async () => {
      const outcome = { loaded: false };
      try {
        const contract = await loadPackage(1);
        outcome.loaded = true;
        outcome.lookAlikeGenuine = contract.isUserExecutionEngine({ engineId: 'fake', executeAgent() {}, subscribe() {}, dispose() {} });
        const slot = Object.getOwnPropertyDescriptor(globalThis, symbol);
        outcome.slotLocked = slot !== undefined && slot.writable === false && slot.configurable === false;
      } catch (error) {
        // UntrustedRegistryError.isInstance is not reachable (the package failed to load): check the brand.
        const isInstance = error !== null && typeof error === 'object' && error[Symbol.for('baton.error.UntrustedRegistryError')] === true;
        outcome.error = { name: error.name, code: error.code, key: error.key, received: error.received, message: error.message, isInstance };
        try { await loadPackage(2); outcome.secondLoadFailed = false; } catch { outcome.secondLoadFailed = true; }
      }
      process.stdout.write(JSON.stringify(outcome));
    })();
  `;
  // From the package directory, so that `require('zod')` in a setup finds the package's zod.
  const output = execFileSync(process.execPath, ['-e', script], {
    cwd: packageDirectory,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return JSON.parse(output) as Outcome;
}

const PLANTED: [label: string, setup: string, received: string][] = [
  [
    'a WeakSet subclass whose has() answers true',
    'class AlwaysMember extends WeakSet { has() { return true; } } Object.defineProperty(globalThis, symbol, { value: new AlwaysMember(), configurable: true });',
    'a WeakSet whose prototype is not WeakSet.prototype (a subclass?)',
  ],
  [
    'a plain object with has and add',
    'globalThis[symbol] = { has: () => true, add() {} };',
    'an object that is not a WeakSet (a look-alike or a Proxy)',
  ],
  [
    'a Proxy around a real WeakSet',
    'globalThis[symbol] = new Proxy(new WeakSet(), { get: () => () => true, getPrototypeOf: () => WeakSet.prototype });',
    'an object that is not a WeakSet (a look-alike or a Proxy)',
  ],
  [
    'a real WeakSet with its own has()',
    'globalThis[symbol] = Object.assign(new WeakSet(), { has: () => true });',
    'a WeakSet with own properties (an overridden method?)',
  ],
  [
    'a getter',
    'Object.defineProperty(globalThis, symbol, { get: () => new WeakSet(), configurable: true });',
    'an accessor property (a getter or setter)',
  ],
];

describe.each(['cjs', 'esm'] as const)('loading the %s build with an impostor registry planted first', (build) => {
  it.each(PLANTED)('refuses to load with %s in the engine registry slot', (_label, setup, received) => {
    const outcome = load(build, ENGINES_KEY, setup);
    expect(outcome.loaded).toBe(false);
    expect(outcome.error).toMatchObject({
      name: 'UntrustedRegistryError',
      code: 'UNTRUSTED_REGISTRY',
      key: ENGINES_KEY,
      received,
      isInstance: true,
    });
    expect(outcome.error?.message).toContain(
      `globalThis[Symbol.for('${ENGINES_KEY}')] holds something other than Baton's WeakSet (${received}): refusing to trust it`,
    );
    expect(outcome.secondLoadFailed).toBe(true);
  });

  it('refuses to load with a WeakSet subclass in the user-context registry slot', () => {
    const outcome = load(build, CONTEXTS_KEY, PLANTED[0]![1]);
    expect(outcome.loaded).toBe(false);
    expect(outcome.error).toMatchObject({ code: 'UNTRUSTED_REGISTRY', key: CONTEXTS_KEY });
  });

  it('refuses to load when globalThis cannot take the registry', () => {
    // zod, loaded first by the package, writes its own global config: let it, then freeze the door.
    const outcome = load(build, ENGINES_KEY, "require('zod'); Object.preventExtensions(globalThis);");
    expect(outcome.loaded).toBe(false);
    expect(outcome.error).toMatchObject({ code: 'UNTRUSTED_REGISTRY', key: ENGINES_KEY });
    expect(outcome.error?.message).toContain('could not be defined (is globalThis frozen or not extensible?)');
  });

  it('loads over an intrinsic WeakSet left by another copy, locks its slot, and still refuses look-alikes', () => {
    const outcome = load(build, ENGINES_KEY, 'globalThis[symbol] = new WeakSet();');
    expect(outcome).toEqual({ loaded: true, lookAlikeGenuine: false, slotLocked: true });
  });

  it('loads over a look-alike registry inherited from Object.prototype, which it ignores', () => {
    const outcome = load(build, ENGINES_KEY, 'Object.prototype[symbol] = { has: () => true, add() {} };');
    expect(outcome).toEqual({ loaded: true, lookAlikeGenuine: false, slotLocked: true });
  });
});
