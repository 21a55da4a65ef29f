import { createRequire } from 'node:module';
import {
  createUserExecutionContext,
  defineAgent,
  InvalidUserContextError,
  isUserExecutionContext,
  isUserExecutionEngine,
  UntrustedRegistryError,
} from '@baton/engine-contract';
import { describe, expect, it } from 'vitest';
import { createEngineFactory } from './engine-factory.js';
import { markGenuineEngine, registryInSlot } from './genuine-engine-registry.js';

const require = createRequire(import.meta.url);
// The contract's CJS build, next to the ESM build the import above resolves to: two module instances.
const cjsContract: typeof import('@baton/engine-contract') = require('@baton/engine-contract');

const echo = defineAgent({ name: 'echo', run: (input: unknown) => input });
const contextFor = (userId: string) => createUserExecutionContext({ userId, threadId: `t_${userId}`, runId: `r_${userId}` });

/** Adds `value` to the contract's registry of contexts, reached through globalThis as any code could. */
function forgeContextMembership<T extends object>(value: T): T {
  const registry = (globalThis as unknown as Record<symbol, unknown>)[Symbol.for('baton.engine-contract.user-execution-contexts.v1')];
  Reflect.apply(WeakSet.prototype.add, registry, [value]);
  return value;
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('genuine engines', () => {
  it('are recognised by both the ESM and the CJS build of the contract', async () => {
    expect(cjsContract.isUserExecutionEngine).not.toBe(isUserExecutionEngine);
    const factory = createEngineFactory({ agents: [echo] });
    const engine = await factory.createEngine(contextFor('u_brand'));
    expect(isUserExecutionEngine(engine)).toBe(true);
    expect(cjsContract.isUserExecutionEngine(engine)).toBe(true);
    expect(() => cjsContract.assertUserExecutionEngine(engine)).not.toThrow();
    await factory.shutdown();
  });

  it('are recognised for contexts made by either build of the contract', async () => {
    const factory = createEngineFactory({ agents: [echo] });
    const engine = await factory.createEngine(cjsContract.createUserExecutionContext({ userId: 'u_cjs', threadId: 't_1', runId: 'r_1' }));
    expect(isUserExecutionEngine(engine)).toBe(true);
    await factory.shutdown();
  });

  it('are still marked when WeakSet.prototype.add is patched after the factory loaded', async () => {
    const factory = createEngineFactory({ agents: [echo] });
    const { add } = WeakSet.prototype;
    let engine: unknown;
    try {
      WeakSet.prototype.add = function (this: WeakSet<object>) {
        return this;
      };
      engine = await factory.createEngine(contextFor('u_patched'));
    } finally {
      WeakSet.prototype.add = add;
    }
    expect(isUserExecutionEngine(engine)).toBe(true);
    await factory.shutdown();
  });

  it('are the only objects marked: a look-alike of one is not', async () => {
    const factory = createEngineFactory({ agents: [echo] });
    const engine = await factory.createEngine(contextFor('u_copy'));
    expect(isUserExecutionEngine({ ...engine })).toBe(false);
    expect(cjsContract.isUserExecutionEngine(new Proxy(engine, {}))).toBe(false);
    await factory.shutdown();
  });
});

describe('markGenuineEngine', () => {
  it('adds to the registry the contract reads', () => {
    const object = {};
    markGenuineEngine(object);
    expect(isUserExecutionEngine(object)).toBe(true);
    expect(cjsContract.isUserExecutionEngine(object)).toBe(true);
  });
});

describe('registryInSlot', () => {
  it('returns the registry of a slot the contract locked', () => {
    const registry = new WeakSet();
    expect(registryInSlot({ value: registry, writable: false, configurable: false, enumerable: false })).toBe(registry);
  });

  it.each([
    ['a missing slot', undefined, 'nothing'],
    ['a writable slot', { value: new WeakSet(), writable: true, configurable: false }, 'a slot @baton/engine-contract did not lock'],
    ['a configurable slot', { value: new WeakSet(), writable: false, configurable: true }, 'a slot @baton/engine-contract did not lock'],
    ['an accessor', { get: () => new WeakSet(), configurable: false }, 'a slot @baton/engine-contract did not lock'],
  ])('refuses %s with UntrustedRegistryError', (_label, descriptor, received) => {
    let caught: unknown;
    try {
      registryInSlot(descriptor);
    } catch (error) {
      caught = error;
    }
    expect(UntrustedRegistryError.isInstance(caught)).toBe(true);
    expect(caught).toMatchObject({ code: 'UNTRUSTED_REGISTRY', key: 'baton.engine-contract.genuine-engines.v1', received });
    expect((caught as Error).message).toContain('refusing to mark engines genuine');
  });
});

describe('createEngine: the user context is re-checked, not trusted for its registry membership', () => {
  const fields = () => ({
    userId: 'u_admin',
    threadId: 't_1',
    runId: 'r_1',
    requestId: 'q_1',
    metadata: Object.freeze({}),
    depth: 0,
    createdAt: 0,
  });

  it.each([
    ['a thawed (not frozen) object', () => forgeContextMembership(fields())],
    ['a frozen object with a placeholder userId', () => forgeContextMembership(Object.freeze({ ...fields(), userId: 'default' }))],
    ['a frozen object with an empty threadId', () => forgeContextMembership(Object.freeze({ ...fields(), threadId: '' }))],
    [
      'a frozen object whose userId is a getter',
      () => forgeContextMembership(Object.freeze(Object.defineProperty(fields(), 'userId', { get: () => 'u_admin', enumerable: true }))),
    ],
  ])('refuses %s placed in the registry of contexts', async (_label, forge) => {
    const factory = createEngineFactory({ agents: [echo] });
    const forged = forge();
    const error = await rejection(factory.createEngine(forged as never));
    expect(InvalidUserContextError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ code: 'INVALID_USER_CONTEXT', field: 'userContext' });
    expect(factory.getMetrics().enginesCreated).toBe(0);
  });

  it('accepts a genuine context', async () => {
    const factory = createEngineFactory({ agents: [echo] });
    const context = contextFor('u_ok');
    expect(isUserExecutionContext(context)).toBe(true);
    await expect(factory.createEngine(context)).resolves.toBeDefined();
    await factory.shutdown();
  });
});
