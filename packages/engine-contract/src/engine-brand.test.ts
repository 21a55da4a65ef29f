import { createRequire } from 'node:module';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assertUserExecutionEngine, isUserExecutionEngine } from './engine-brand.js';
import { BatonError } from './errors/baton-error.js';
import { EngineValidationError } from './errors/engine-validation-error.js';
import type { UserExecutionEngine } from './user-execution-engine.js';

const require = createRequire(import.meta.url);
// The built CommonJS copies: independent module instances of the same package.
const cjs: typeof import('./index.js') = require('../dist/index.cjs');

/**
 * Marks an engine genuine the way @baton/engine-factory does: the registry is reached by its
 * `Symbol.for` key (no export of this package hands it out) and the intrinsic `WeakSet.prototype.add`
 * is called on it.
 */
function registerGenuineEngine(engine: object): void {
  const registry = (globalThis as unknown as Record<symbol, unknown>)[Symbol.for('baton.engine-contract.genuine-engines.v1')];
  Reflect.apply(WeakSet.prototype.add, registry, [engine]);
}

// From the built copy: this file tests the brand, and must load even when a mutant breaks context creation.
const userContext = cjs.createUserExecutionContext({ userId: 'u_42', threadId: 't_1', runId: 'r_1' });

/** An object with every method of the interface: structurally an engine, but not a genuine one. */
function lookAlike(): UserExecutionEngine {
  return {
    engineId: 'eng_fake',
    userContext,
    executeAgent: async () => ({
      status: 'succeeded',
      executionId: 'x',
      agentName: 'a',
      runId: 'r',
      requestId: 'q',
      durationMs: 0,
      queuedMs: 0,
    }),
    subscribe: () => () => {},
    events: async function* () {},
    emitWorkflowEvent: () => {},
    getStats: () => {
      throw new Error('not implemented');
    },
    isActive: () => true,
    dispose: async () => {},
    [Symbol.asyncDispose]: async () => {},
  };
}

class ExecutionEngine {
  engineId = 'legacy';
  userContext = userContext;
  executeAgent(): void {}
  subscribe(): void {}
  events(): void {}
  getStats(): void {}
  isActive(): boolean {
    return true;
  }
  dispose(): void {}
}

function validationError(value: unknown): EngineValidationError {
  let caught: unknown;
  try {
    assertUserExecutionEngine(value);
  } catch (error) {
    caught = error;
  }
  expect(EngineValidationError.isInstance(caught), String(caught)).toBe(true);
  expect(BatonError.isInstance(caught)).toBe(true);
  const typed = caught as EngineValidationError;
  expect(typed.code).toBe('INVALID_ENGINE');
  expect(typed.message).toContain('createEngineFactory');
  expect(typed.message).toContain('@baton/engine-factory');
  expect(typed.message).toContain(`received ${typed.received}`);
  return typed;
}

function revokedProxy<T extends object>(target: T): T {
  const { proxy, revoke } = Proxy.revocable(target, {});
  revoke();
  return proxy;
}

describe('isUserExecutionEngine / assertUserExecutionEngine: look-alikes', () => {
  it.each([
    ['null', null, 'null'],
    ['undefined', undefined, 'undefined'],
    ['a number', 42, 'a number'],
    ['a string', 'engine', 'a string'],
    ['a boolean', true, 'a boolean'],
    ['a bigint', 1n, 'a bigint'],
    ['a symbol', Symbol('engine'), 'a symbol'],
    ['a plain look-alike with every method', lookAlike(), 'a plain object'],
    ['an empty object', {}, 'a plain object'],
    ['a null-prototype object', Object.create(null), 'a plain object'],
    ['an instance of a class named ExecutionEngine', new ExecutionEngine(), 'an instance of ExecutionEngine'],
    ['the class ExecutionEngine itself', ExecutionEngine, 'a function or class named ExecutionEngine'],
    ['an arrow function', () => lookAlike(), 'a function or class'],
    ['a user context', userContext, 'a plain object'],
  ])('rejects %s', (_label, value, received) => {
    expect(isUserExecutionEngine(value)).toBe(false);
    expect(validationError(value).received).toBe(received);
  });

  it('rejects a revoked Proxy (object or function) without crashing', () => {
    for (const value of [revokedProxy({}), revokedProxy(lookAlike()), revokedProxy(() => {})]) {
      expect(isUserExecutionEngine(value)).toBe(false);
      expect(validationError(value).received).toContain('could not be inspected');
    }
  });

  it('rejects objects whose class name or prototype cannot be read without crashing', () => {
    const hostile = new Proxy(
      {},
      {
        getPrototypeOf: () => {
          throw new Error('trap');
        },
      },
    );
    expect(validationError(hostile).received).toContain('could not be inspected');
    class Throwing {
      static get name(): string {
        throw new Error('name getter');
      }
    }
    expect(isUserExecutionEngine(Throwing)).toBe(false);
    validationError(Throwing);
  });

  it('describes what was received without its contents', () => {
    const secretive = { ...lookAlike(), apiKey: 'sk-TOPSECRET' };
    expect(validationError(secretive).message).not.toContain('TOPSECRET');
  });

  it('never throws from isUserExecutionEngine and only EngineValidationError from assert, whatever the input', () => {
    fc.assert(
      fc.property(
        fc.anything({ withBigInt: true, withMap: true, withSet: true, withDate: true, withNullPrototype: true, withTypedArray: true }),
        (value) => {
          expect(isUserExecutionEngine(value)).toBe(false);
          validationError(value);
        },
      ),
    );
  });
});

describe('isUserExecutionEngine / assertUserExecutionEngine: registered engines', () => {
  it('accepts an engine added to the registry the way the factory adds one', () => {
    const engine = lookAlike();
    expect(isUserExecutionEngine(engine)).toBe(false);
    registerGenuineEngine(engine);
    expect(isUserExecutionEngine(engine)).toBe(true);
    expect(() => assertUserExecutionEngine(engine)).not.toThrow();
  });

  it('rejects a Proxy, a prototype-child and a copy of a registered engine', () => {
    const engine = lookAlike();
    registerGenuineEngine(engine);
    for (const impostor of [new Proxy(engine, {}), Object.create(engine), { ...engine }, Object.assign({}, engine)]) {
      expect(isUserExecutionEngine(impostor)).toBe(false);
      validationError(impostor);
    }
  });

  it('rejects an instance of a subclass of a registered engine class', () => {
    class GenuineEngine extends ExecutionEngine {}
    const genuine = new GenuineEngine();
    registerGenuineEngine(genuine as unknown as UserExecutionEngine);
    class Derived extends GenuineEngine {}
    expect(isUserExecutionEngine(genuine)).toBe(true);
    expect(isUserExecutionEngine(new Derived())).toBe(false);
    expect(isUserExecutionEngine(new GenuineEngine())).toBe(false);
  });

  it('agrees between the ESM source and the built CJS copy: one registry for both', () => {
    expect(cjs.isUserExecutionEngine).not.toBe(isUserExecutionEngine);
    const registered = lookAlike();
    expect(cjs.isUserExecutionEngine(registered)).toBe(false);
    registerGenuineEngine(registered);
    expect(isUserExecutionEngine(registered)).toBe(true);
    expect(cjs.isUserExecutionEngine(registered)).toBe(true);
    expect(() => cjs.assertUserExecutionEngine(registered)).not.toThrow();
    expect(cjs.isUserExecutionEngine(lookAlike())).toBe(false);
  });

  it('keeps answering from the registry captured at load when WeakSet.prototype.has is patched later', () => {
    const original = WeakSet.prototype.has;
    try {
      WeakSet.prototype.has = () => true;
      expect(isUserExecutionEngine(lookAlike())).toBe(false);
      expect(cjs.isUserExecutionEngine(lookAlike())).toBe(false);
    } finally {
      WeakSet.prototype.has = original;
    }
  });

  it('ignores a has method planted on the registry object itself (it is frozen)', () => {
    const registry = (globalThis as unknown as Record<symbol, unknown>)[
      Symbol.for('baton.engine-contract.genuine-engines.v1')
    ] as WeakSet<object>;
    expect(Object.isFrozen(registry)).toBe(true);
    expect(() => Object.defineProperty(registry, 'has', { value: () => true })).toThrow(TypeError);
    expect(isUserExecutionEngine(lookAlike())).toBe(false);
  });

  it('throws from the CJS copy an error the source EngineValidationError recognises', () => {
    let caught: unknown;
    try {
      cjs.assertUserExecutionEngine(lookAlike());
    } catch (error) {
      caught = error;
    }
    expect(caught instanceof EngineValidationError).toBe(false);
    expect(EngineValidationError.isInstance(caught)).toBe(true);
  });
});

describe('EngineValidationError: describing what was received', () => {
  it('describes a function whose name is not a string, and an instance of an anonymous class, without a name', () => {
    const oddlyNamed = Object.defineProperty(() => {}, 'name', { value: 42 });
    expect(validationError(oddlyNamed).received).toBe('a function or class');
    const Anonymous = [class {}][0] as new () => object;
    expect(Anonymous.name).toBe('');
    expect(validationError(new Anonymous()).received).toBe('a plain object');
  });

  it('says whether an uninspectable value was a function or an object', () => {
    expect(validationError(revokedProxy(() => {})).received).toBe('a function that could not be inspected (a revoked Proxy?)');
    expect(validationError(revokedProxy({})).received).toBe('an object that could not be inspected (a revoked Proxy?)');
  });
});
