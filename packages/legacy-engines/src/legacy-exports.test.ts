import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inspect } from 'node:util';
import { BatonError, EngineMigrationError } from '@baton/engine-contract';
import { describe, expect, it } from 'vitest';
import * as legacyEngines from './index.js';
import { LEGACY_ENGINE_NAMES, type LegacyEngineName } from './legacy-names.js';
import { getMigrationGuide } from './migration-guides.js';

type Loose = any;
// biome-ignore lint/performance/noDynamicNamespaceImportAccess: the tests iterate over every legacy export by name
const exportOf = (name: LegacyEngineName): Loose => legacyEngines[name];

/** Runs `action` and returns what it threw (fails the test when it returns normally). */
function thrownBy(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('expected the action to throw');
}

function expectMigrationError(action: () => unknown, name: LegacyEngineName): void {
  const error = thrownBy(action);
  expect(EngineMigrationError.isInstance(error)).toBe(true);
  expect((error as EngineMigrationError).legacyName).toBe(name);
}

describe.each(LEGACY_ENGINE_NAMES)('%s', (name) => {
  const guide = getMigrationGuide(name);

  it('is exported by the package', () => {
    expect(name in legacyEngines).toBe(true);
    expect(typeof exportOf(name)).toBe('function');
    expect(exportOf(name).name).toBe(name);
  });

  it('throws EngineMigrationError when constructed with new', () => {
    const Legacy = exportOf(name);
    expectMigrationError(() => new Legacy({ maxConcurrency: 1 }), name);
  });

  it('throws EngineMigrationError when called', () => {
    expectMigrationError(() => exportOf(name)({ config: true }), name);
  });

  it('throws EngineMigrationError through Reflect.construct and Reflect.apply', () => {
    expectMigrationError(() => Reflect.construct(exportOf(name), []), name);
    expectMigrationError(() => Reflect.apply(exportOf(name), undefined, []), name);
  });

  it('throws EngineMigrationError through .call and .apply, reached either way', () => {
    expectMigrationError(() => exportOf(name).call(null, {}), name);
    expectMigrationError(() => exportOf(name).apply(null, [{}]), name);
    expectMigrationError(() => Function.prototype.call.call(exportOf(name), null, {}), name);
    expectMigrationError(() => Function.prototype.apply.call(exportOf(name), null, [{}]), name);
    expectMigrationError(() => exportOf(name).bind(null), name);
  });

  it('throws EngineMigrationError on any static member access', () => {
    const Legacy = exportOf(name);
    expectMigrationError(() => Legacy.create({}), name);
    expectMigrationError(() => Legacy.getInstance(), name);
    expectMigrationError(() => Legacy.instance, name);
    expectMigrationError(() => Legacy.default, name);
  });

  it('throws EngineMigrationError when a static member is written, defined or deleted', () => {
    const Legacy = exportOf(name);
    expectMigrationError(() => {
      Legacy.getInstance = () => ({});
    }, name);
    expectMigrationError(() => Object.defineProperty(Legacy, 'create', { value: () => ({}) }), name);
    expectMigrationError(() => delete Legacy.name, name);
    expectMigrationError(() => Object.setPrototypeOf(Legacy, null), name);
  });

  it('throws EngineMigrationError when a subclass is constructed', () => {
    const Legacy = exportOf(name);
    class Mine extends Legacy {}
    class MineWithConstructor extends Legacy {
      constructor() {
        super({ userId: 'someone' });
      }
    }
    expectMigrationError(() => new Mine(), name);
    expectMigrationError(() => new MineWithConstructor(), name);
    expectMigrationError(() => Reflect.construct(Mine, []), name);
  });

  it('gives no working member to an object built on its prototype', () => {
    const Legacy = exportOf(name);
    const instance: Loose = Reflect.construct(Object, [], Legacy);
    expect(instance instanceof Legacy).toBe(true);
    expectMigrationError(() => instance.execute({}), name);
    expectMigrationError(() => Object.create(Legacy.prototype).executeAgent, name);
    expectMigrationError(() => {
      Legacy.prototype.execute = () => 'patched';
    }, name);
    expect(Legacy.prototype.constructor).toBe(Legacy);
  });

  it('throws an error whose code, fields and message name the replacement and its import path', () => {
    const error = thrownBy(() => new (exportOf(name))()) as EngineMigrationError;
    expect(BatonError.isInstance(error)).toBe(true);
    expect(error.code).toBe('ENGINE_MIGRATION');
    expect(error.name).toBe('EngineMigrationError');
    expect(error.replacement).toBe(guide.replacement);
    expect(error.importPath).toBe(guide.importPath);
    expect(error.codeExample).toBe(guide.codeExample);
    expect(error.message.startsWith(`${name} has been removed. Use ${guide.replacement} from ${guide.importPath} instead.\n\n`)).toBe(true);
    expect(error.message).toContain(guide.codeExample);
  });

  it('starts the error stack at the caller, not inside the shim', () => {
    const error = thrownBy(() => new (exportOf(name))()) as Error;
    const frames = (error.stack ?? '').split('\n').filter((line) => line.trimStart().startsWith('at '));
    expect(frames[0]).toContain('legacy-exports.test.ts');
  });

  it('stays harmless for typeof, instanceof, String(), JSON, await and inspection', async () => {
    const Legacy = exportOf(name);
    expect(typeof Legacy).toBe('function');
    expect({} instanceof Legacy).toBe(false);
    expect(Legacy instanceof Function).toBe(true);
    expect(String(Legacy)).toContain(`${name} (removed from Baton: use ${guide.replacement}`);
    expect(`${Legacy}`).toBe(String(Legacy));
    expect(JSON.stringify({ Legacy })).toBe('{}');
    expect(await Promise.resolve(Legacy)).toBe(Legacy);
    expect(inspect(Legacy)).toContain(name);
    expect(inspect(Legacy.prototype)).toBeTypeOf('string');
    expect(Object.keys(Legacy)).toEqual([]);
    expect('getInstance' in Legacy).toBe(false);
  });

  it('can be printed by vitest in a failed assertion without throwing EngineMigrationError', () => {
    const Legacy = exportOf(name);
    for (const failing of [
      () => expect(Legacy).toBeUndefined(),
      () => expect(Legacy).toEqual({ name }),
      () => expect({ Legacy }).toStrictEqual({ Legacy: 1 }),
      () => expect([Legacy]).toContain(1),
    ]) {
      const error = thrownBy(failing);
      expect(EngineMigrationError.isInstance(error)).toBe(false);
      expect((error as Error).name).toBe('AssertionError');
    }
    expect((thrownBy(() => expect(Legacy).toBeUndefined()) as Error).message).toContain(name);
  });
});

describe('the package entry', () => {
  it('serializes every legacy export the way vitest prints values in diffs and snapshots', () => {
    const exports = Object.fromEntries(LEGACY_ENGINE_NAMES.map((name) => [name, exportOf(name)]));
    expect(exports).toMatchInlineSnapshot(`
      {
        "ConsolidatedExecutionEngine": [Function],
        "ExecutionEngine": [Function],
        "ExecutionEngineConsolidated": [Function],
        "ExecutionEngineFactory": [Function],
        "RequestScopedExecutionEngine": [Function],
        "SupervisorAgent": [Function],
        "UnifiedExecutionEngineFactory": [Function],
        "configureExecutionEngineFactory": [Function],
        "createExecutionEngine": [Function],
        "createRequestScopedEngine": [Function],
        "getExecutionEngine": [Function],
        "getExecutionEngineFactory": [Function],
      }
    `);
  });

  it('can be imported and inspected as a whole without throwing', () => {
    expect(() => inspect(legacyEngines)).not.toThrow();
    expect(Object.keys(legacyEngines)).toEqual(expect.arrayContaining([...LEGACY_ENGINE_NAMES]));
  });

  it('re-exports EngineMigrationError so callers can check errors without importing the contract', () => {
    expect(legacyEngines.EngineMigrationError).toBe(EngineMigrationError);
  });

  it('throws the same EngineMigrationError from the CommonJS build', () => {
    const cjsEntry = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'index.cjs');
    expect(existsSync(cjsEntry), `${cjsEntry} is missing: build the package first (pnpm build)`).toBe(true);
    const cjs = createRequire(import.meta.url)(cjsEntry) as Record<LegacyEngineName, Loose>;
    for (const name of LEGACY_ENGINE_NAMES) {
      const error = thrownBy(() => new cjs[name]());
      expect(EngineMigrationError.isInstance(error)).toBe(true);
      expect((error as EngineMigrationError).legacyName).toBe(name);
    }
  });
});
