import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import * as errors from './index.js';
import {
  BatonError,
  EngineMigrationError,
  EngineValidationError,
  FactoryShutdownError,
  GENUINE_ENGINE_HINT,
  InvalidConfigError,
  UnknownAgentError,
  UntrustedRegistryError,
  UserLimitExceededError,
} from './index.js';

const require = createRequire(import.meta.url);
// The built CommonJS copy of the package: every class here is a distinct class object.
const cjs: typeof errors = require('../../dist/index.cjs');

type ErrorModule = typeof errors;
type ClassName = Exclude<keyof ErrorModule, 'GENUINE_ENGINE_HINT' | 'BatonError'>;

interface Case {
  name: ClassName;
  code: string;
  /** The constructor options (with `cause`). */
  options(cause?: unknown): object;
  message: string | RegExp;
  fields: Record<string, unknown>;
}

const CASES: Case[] = [
  {
    name: 'InvalidUserContextError',
    code: 'INVALID_USER_CONTEXT',
    options: (cause) => ({ field: 'metadata.a.b', rule: 'must not contain a cycle', cause }),
    message: 'metadata.a.b must not contain a cycle',
    fields: { field: 'metadata.a.b' },
  },
  {
    name: 'InvalidConfigError',
    code: 'INVALID_CONFIG',
    options: (cause) => ({ message: 'maxConcurrentRuns must be a positive integer', cause }),
    message: 'maxConcurrentRuns must be a positive integer',
    fields: {},
  },
  {
    name: 'InvalidEventError',
    code: 'INVALID_EVENT',
    options: (cause) => ({ message: 'Invalid agent event: seq: too small', cause }),
    message: 'Invalid agent event: seq: too small',
    fields: {},
  },
  {
    name: 'EngineValidationError',
    code: 'INVALID_ENGINE',
    options: (cause) => ({ received: 'a plain object', cause }),
    message: `Expected a UserExecutionEngine created by @baton/engine-factory, but received a plain object. ${GENUINE_ENGINE_HINT}`,
    fields: { received: 'a plain object' },
  },
  {
    name: 'EngineMigrationError',
    code: 'ENGINE_MIGRATION',
    options: (cause) => ({
      legacyName: 'ExecutionEngine',
      replacement: 'createEngineFactory(...).createEngine(userContext)',
      importPath: '@baton/engine-factory',
      codeExample: "import { createEngineFactory } from '@baton/engine-factory';",
      cause,
    }),
    message:
      "ExecutionEngine has been removed. Use createEngineFactory(...).createEngine(userContext) from @baton/engine-factory instead.\n\nimport { createEngineFactory } from '@baton/engine-factory';",
    fields: {
      legacyName: 'ExecutionEngine',
      replacement: 'createEngineFactory(...).createEngine(userContext)',
      importPath: '@baton/engine-factory',
      codeExample: "import { createEngineFactory } from '@baton/engine-factory';",
    },
  },
  {
    name: 'UnknownAgentError',
    code: 'UNKNOWN_AGENT',
    options: (cause) => ({ agentName: 'ghost', knownAgents: ['echo', 'triage'], cause }),
    message: 'Unknown agent "ghost". Known agents: echo, triage.',
    fields: { agentName: 'ghost', knownAgents: ['echo', 'triage'] },
  },
  {
    name: 'UserLimitExceededError',
    code: 'USER_LIMIT_EXCEEDED',
    options: (cause) => ({ userId: 'u_42', limit: 2, cause }),
    message: 'User u_42 has reached the maximum engine limit (2/2)',
    fields: { userId: 'u_42', limit: 2 },
  },
  {
    name: 'EngineDisposedError',
    code: 'ENGINE_DISPOSED',
    options: (cause) => ({ engineId: 'eng_7', cause }),
    message: /^Engine eng_7 has been disposed/,
    fields: { engineId: 'eng_7' },
  },
  {
    name: 'FactoryShutdownError',
    code: 'FACTORY_SHUTDOWN',
    options: (cause) => ({ cause }),
    message: /shut down.*createEngineFactory/,
    fields: {},
  },
  {
    name: 'UserIsolationError',
    code: 'USER_ISOLATION_VIOLATION',
    options: (cause) => ({ field: 'userId', message: 'userId differs from the engine context', cause }),
    message: 'userId differs from the engine context',
    fields: { field: 'userId' },
  },
  {
    name: 'ReplayUnavailableError',
    code: 'REPLAY_UNAVAILABLE',
    options: (cause) => ({ message: 'Replay position 5-0 is no longer retained', cause }),
    message: 'Replay position 5-0 is no longer retained',
    fields: {},
  },
  {
    name: 'UntrustedRegistryError',
    code: 'UNTRUSTED_REGISTRY',
    options: (cause) => ({ key: 'baton.test.registry', received: 'a plain object', cause }),
    message:
      "globalThis[Symbol.for('baton.test.registry')] holds something other than Baton's WeakSet (a plain object): " +
      'refusing to trust it. Code that ran before Baton loaded put it there; remove it, Baton creates this registry itself.',
    fields: { key: 'baton.test.registry', received: 'a plain object' },
  },
  {
    name: 'RunNotFoundError',
    code: 'RUN_NOT_FOUND',
    options: (cause) => ({ message: 'No run wf_1 in the store', cause }),
    message: 'No run wf_1 in the store',
    fields: {},
  },
  {
    name: 'RunNotResumableError',
    code: 'RUN_NOT_RESUMABLE',
    options: (cause) => ({ message: 'Run wf_1 has finished (succeeded)', cause }),
    message: 'Run wf_1 has finished (succeeded)',
    fields: {},
  },
  {
    name: 'RunRecordRejectedError',
    code: 'RUN_RECORD_REJECTED',
    options: (cause) => ({ message: 'Stage output of 300000 bytes exceeds maxStageOutputBytes 262144', cause }),
    message: 'Stage output of 300000 bytes exceeds maxStageOutputBytes 262144',
    fields: {},
  },
  {
    name: 'RunInterruptedError',
    code: 'RUN_INTERRUPTED',
    options: (cause) => ({ message: 'The server is shutting down', cause }),
    message: 'The server is shutting down',
    fields: {},
  },
  {
    name: 'TransportError',
    code: 'TRANSPORT_ERROR',
    options: (cause) => ({ message: 'Redis connection lost', cause }),
    message: 'Redis connection lost',
    fields: {},
  },
];

const source = errors;

type AnyErrorClass = (new (options: object) => BatonError) & { isInstance(error: unknown): boolean };
/** Builds an instance of case `entry` with the classes of `module` (the source or the CJS copy). */
function build(module: ErrorModule, entry: Case, cause?: unknown): BatonError {
  return new (module[entry.name] as unknown as AnyErrorClass)(entry.options(cause));
}

describe('error classes', () => {
  it('cover every error class exported', () => {
    const exported = Object.keys(errors).filter((key) => key !== 'GENUINE_ENGINE_HINT' && key !== 'BatonError');
    expect(exported.sort()).toEqual(CASES.map((entry) => entry.name).sort());
  });

  it('have distinct codes', () => {
    expect(new Set(CASES.map((entry) => entry.code)).size).toBe(CASES.length);
  });
});

describe.each(CASES)('$name', (entry) => {
  const { name, code, message, fields } = entry;
  const Class = source[name] as unknown as AnyErrorClass;
  const make = (module: ErrorModule, cause?: unknown) => build(module, entry, cause);

  it(`has code ${code}, name "${name}" and extends BatonError and Error`, () => {
    const error = make(source);
    expect(error.code).toBe(code);
    expect(error.name).toBe(name);
    expect(error).toBeInstanceOf(Class);
    expect(error).toBeInstanceOf(BatonError);
    expect(error).toBeInstanceOf(Error);
    expect(typeof error.stack).toBe('string');
  });

  it('formats its message and exposes its fields', () => {
    const error = make(source);
    if (typeof message === 'string') expect(error.message).toBe(message);
    else expect(error.message).toMatch(message);
    for (const [field, value] of Object.entries(fields)) expect((error as unknown as Record<string, unknown>)[field]).toEqual(value);
    expect(String(error)).toContain(name);
  });

  it('passes cause through unchanged, and has no cause when none was given', () => {
    const cause = new Error('root cause');
    expect(make(source, cause).cause).toBe(cause);
    expect(make(source, 'a string cause').cause).toBe('a string cause');
    expect('cause' in make(source)).toBe(false);
  });

  it('isInstance accepts its own instances and BatonError.isInstance accepts them too', () => {
    expect(Class.isInstance(make(source))).toBe(true);
    expect(BatonError.isInstance(make(source))).toBe(true);
  });

  it('isInstance rejects every sibling, a bare BatonError, a plain Error and non-errors', () => {
    for (const other of CASES) {
      if (other.name !== name) expect(Class.isInstance(build(source, other)), other.name).toBe(false);
    }
    expect(Class.isInstance(new BatonError({ code: code as BatonError['code'], message: 'bare' }))).toBe(false);
    expect(Class.isInstance(new Error('plain'))).toBe(false);
    expect(Class.isInstance(Object.assign(new Error('look-alike'), { name, code }))).toBe(false);
    for (const value of [null, undefined, 'error', 42, {}, () => {}]) expect(Class.isInstance(value)).toBe(false);
  });

  it('isInstance accepts an instance of a subclass', () => {
    class Sub extends Class {}
    const sub = new Sub(entry.options());
    expect(sub).toBeInstanceOf(Sub);
    expect(Class.isInstance(sub)).toBe(true);
    expect(BatonError.isInstance(sub)).toBe(true);
  });

  it('isInstance holds across the ESM source and the built CJS copy, in both directions', () => {
    const CjsClass = cjs[name] as unknown as AnyErrorClass;
    expect(CjsClass).not.toBe(Class);
    const fromCjs = make(cjs);
    expect(fromCjs instanceof Class).toBe(false);
    expect(Class.isInstance(fromCjs)).toBe(true);
    expect(BatonError.isInstance(fromCjs)).toBe(true);
    expect(CjsClass.isInstance(make(source))).toBe(true);
    expect(cjs.BatonError.isInstance(make(source))).toBe(true);
    for (const other of CASES) {
      if (other.name !== name) expect(Class.isInstance(build(cjs, other)), other.name).toBe(false);
    }
  });
});

describe('BatonError', () => {
  it('carries code, message, name and cause', () => {
    const cause = new Error('why');
    const error = new BatonError({ code: 'INVALID_CONFIG', message: 'bad config', cause });
    expect(error).toMatchObject({ code: 'INVALID_CONFIG', message: 'bad config', name: 'BatonError' });
    expect(error.cause).toBe(cause);
    expect(BatonError.isInstance(error)).toBe(true);
  });

  it('isInstance rejects plain errors, look-alikes and non-objects', () => {
    expect(BatonError.isInstance(new Error('plain'))).toBe(false);
    expect(BatonError.isInstance(Object.assign(new Error('x'), { name: 'BatonError', code: 'INVALID_CONFIG' }))).toBe(false);
    for (const value of [null, undefined, 'BatonError', 0, {}, []]) expect(BatonError.isInstance(value)).toBe(false);
  });

  it('isInstance accepts a user-defined subclass', () => {
    class MyError extends BatonError {}
    expect(BatonError.isInstance(new MyError({ code: 'TRANSPORT_ERROR', message: 'x' }))).toBe(true);
  });

  it('isInstance never throws on a revoked Proxy or a throwing getter', () => {
    const { proxy, revoke } = Proxy.revocable(new InvalidConfigError({ message: 'x' }), {});
    revoke();
    const hostile = new Proxy(
      {},
      {
        get: () => {
          throw new Error('trap');
        },
      },
    );
    for (const value of [proxy, hostile]) {
      expect(BatonError.isInstance(value)).toBe(false);
      expect(InvalidConfigError.isInstance(value)).toBe(false);
    }
  });
});

describe('messages', () => {
  it('UnknownAgentError says "(none)" when no agents are known, and copies and freezes knownAgents', () => {
    expect(new UnknownAgentError({ agentName: 'x', knownAgents: [] }).message).toBe('Unknown agent "x". Known agents: (none).');
    const known = ['a'];
    const error = new UnknownAgentError({ agentName: 'x', knownAgents: known });
    known.push('b');
    expect(error.knownAgents).toEqual(['a']);
    expect(Object.isFrozen(error.knownAgents)).toBe(true);
  });

  it('UserLimitExceededError uses a given message instead of the default', () => {
    const error = new UserLimitExceededError({ userId: 'u', limit: 100, message: 'Run queue of engine e is full (100)' });
    expect(error.message).toBe('Run queue of engine e is full (100)');
    expect(error.limit).toBe(100);
  });

  it('UntrustedRegistryError uses a given message instead of the default, and keeps key and received', () => {
    const error = new UntrustedRegistryError({ key: 'k', received: 'nothing', message: 'globalThis is not extensible' });
    expect(error.message).toBe('globalThis is not extensible');
    expect(error).toMatchObject({ key: 'k', received: 'nothing', code: 'UNTRUSTED_REGISTRY' });
  });

  it('FactoryShutdownError can be made without options', () => {
    expect(new FactoryShutdownError().code).toBe('FACTORY_SHUTDOWN');
  });

  it('EngineValidationError always explains how to get a genuine engine', () => {
    const error = new EngineValidationError({ received: 'null' });
    expect(error.message).toContain('received null');
    expect(error.message).toContain('createEngineFactory');
    expect(error.message).toContain('@baton/engine-factory');
    expect(GENUINE_ENGINE_HINT).toContain('createEngine(userContext)');
  });

  it('EngineMigrationError names the legacy name, the replacement and its import path', () => {
    const error = new EngineMigrationError({
      legacyName: 'ExecutionEngineConsolidated',
      replacement: 'createEngineFactory()',
      importPath: '@baton/engine-factory',
      codeExample: 'example();',
    });
    expect(error.message).toContain('ExecutionEngineConsolidated');
    expect(error.message).toContain('createEngineFactory()');
    expect(error.message).toContain('@baton/engine-factory');
    expect(error.message.endsWith('example();')).toBe(true);
  });

  it('every error is a BatonError under the same code across copies', () => {
    for (const entry of CASES) expect(build(cjs, entry).code).toBe(build(source, entry).code);
  });
});

describe('GENUINE_ENGINE_HINT', () => {
  it('tells how to get a genuine engine and that legacy engines are refused', () => {
    expect(GENUINE_ENGINE_HINT).toBe(
      'Create one with createEngineFactory({ agents }).createEngine(userContext) from @baton/engine-factory. ' +
        'Legacy engines (ExecutionEngine, ExecutionEngineConsolidated, ConsolidatedExecutionEngine, ...) are not accepted; ' +
        'see the migration guide of @baton/legacy-engines.',
    );
  });
});
