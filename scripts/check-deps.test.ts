import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
// @ts-expect-error -- plain .mjs script without type declarations
import { checkWorkspace, findImports } from './check-deps.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const script = join(here, 'check-deps.mjs');
const fixtures: string[] = [];
const demoDependencies = { '@baton/engine-factory': 'workspace:^', '@baton/orchestrator': 'workspace:^' };

type Manifest = {
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
};

/** Writes the package.json of a workspace package. */
function pkg(write: (path: string, text: string) => void, dir: string, name: string, manifest: Manifest = {}): void {
  write(`${dir}/package.json`, JSON.stringify({ name, ...manifest }));
}

/** Writes a workspace fixture that follows every rule; `mutate` then breaks one thing. */
function fixture(mutate: (root: string, write: (path: string, text: string) => void) => void = () => {}): string {
  const root = mkdtempSync(join(tmpdir(), 'baton-deps-'));
  fixtures.push(root);
  const write = (path: string, text: string) => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  };
  const pkg = (dir: string, name: string, manifest: Manifest = {}) => write(`${dir}/package.json`, JSON.stringify({ name, ...manifest }));
  const contract = { dependencies: { '@baton/engine-contract': 'workspace:^' } };
  pkg('packages/engine-contract', '@baton/engine-contract', { dependencies: { zod: '^4' } });
  pkg('packages/engine-factory', '@baton/engine-factory', contract);
  pkg('packages/orchestrator', '@baton/orchestrator', contract);
  pkg('packages/legacy-engines', '@baton/legacy-engines', contract);
  pkg('apps/demo', '@baton/demo', { dependencies: demoDependencies });
  write('packages/engine-contract/src/index.ts', "import { z } from 'zod';\nexport const x = z;\n");
  write(
    'packages/engine-factory/src/index.ts',
    "import { isUserExecutionContext } from '@baton/engine-contract';\nimport manifest from '@baton/engine-contract/package.json';\nimport { x } from './x.js';\n",
  );
  write('packages/orchestrator/src/index.ts', "export { assertUserExecutionEngine } from '@baton/engine-contract';\n");
  write('packages/legacy-engines/src/index.test.ts', "import { ExecutionEngine } from '@baton/legacy-engines';\n");
  write(
    'apps/demo/src/server.ts',
    "import { createEngineFactory } from '@baton/engine-factory';\nconst o = await import('@baton/orchestrator');\n",
  );
  mutate(root, write);
  return root;
}

afterEach(() => {
  for (const root of fixtures.splice(0)) rmSync(root, { recursive: true, force: true });
});

describe('checkWorkspace', () => {
  it('passes the real workspace', () => {
    expect(checkWorkspace(resolve(here, '..'))).toEqual([]);
  });

  it('passes a fixture that follows every rule', () => {
    expect(checkWorkspace(fixture())).toEqual([]);
  });

  it('fails when the orchestrator depends on the engine factory, even as a devDependency', () => {
    const root = fixture((_, write) =>
      write(
        'packages/orchestrator/package.json',
        JSON.stringify({
          name: '@baton/orchestrator',
          dependencies: { '@baton/engine-contract': '1' },
          devDependencies: { '@baton/engine-factory': '1' },
        }),
      ),
    );
    expect(checkWorkspace(root)).toEqual([
      expect.stringMatching(
        /@baton\/orchestrator declares @baton\/engine-factory in devDependencies, but it may depend only on @baton\/engine-contract/,
      ),
    ]);
  });

  it('fails when the engine factory depends on the orchestrator', () => {
    const root = fixture((_, write) =>
      write(
        'packages/engine-factory/package.json',
        JSON.stringify({ name: '@baton/engine-factory', dependencies: { '@baton/engine-contract': '1', '@baton/orchestrator': '1' } }),
      ),
    );
    expect(checkWorkspace(root)).toEqual([expect.stringMatching(/@baton\/engine-factory declares @baton\/orchestrator/)]);
  });

  it('fails when the shim depends on anything but the contract', () => {
    const root = fixture((_, write) =>
      write(
        'packages/legacy-engines/package.json',
        JSON.stringify({ name: '@baton/legacy-engines', peerDependencies: { '@baton/engine-factory': '1' } }),
      ),
    );
    expect(checkWorkspace(root)).toEqual([
      expect.stringMatching(/@baton\/legacy-engines declares @baton\/engine-factory in peerDependencies/),
    ]);
  });

  it('fails when the contract depends on another workspace package', () => {
    const root = fixture((_, write) =>
      write(
        'packages/engine-contract/package.json',
        JSON.stringify({ name: '@baton/engine-contract', dependencies: { '@baton/engine-factory': '1' } }),
      ),
    );
    expect(checkWorkspace(root)).toEqual([expect.stringMatching(/may depend only on no workspace package/)]);
  });

  it('fails when an app depends on the legacy shim', () => {
    const root = fixture((_, write) =>
      write(
        'apps/demo/package.json',
        JSON.stringify({ name: '@baton/demo', dependencies: demoDependencies, devDependencies: { '@baton/legacy-engines': '1' } }),
      ),
    );
    expect(checkWorkspace(root)).toEqual([
      expect.stringMatching(/@baton\/demo declares @baton\/legacy-engines.*nothing in the workspace may depend on the legacy shim/),
    ]);
  });

  it("fails when source reaches into another package's src or dist", () => {
    const root = fixture((_, write) =>
      write(
        'apps/demo/src/deep.ts',
        "import '@baton/engine-factory/src/index.js';\nconst d = require('@baton/orchestrator/dist/index.cjs');\n",
      ),
    );
    expect(checkWorkspace(root)).toEqual([
      expect.stringMatching(
        /apps\/demo\/src\/deep\.ts:1 imports "@baton\/engine-factory\/src\/index\.js", reaching into @baton\/engine-factory's src\//,
      ),
      expect.stringMatching(/apps\/demo\/src\/deep\.ts:2 .*reaching into @baton\/orchestrator's dist\//),
    ]);
  });

  it('fails when a relative import escapes its package', () => {
    const root = fixture((_, write) =>
      write('packages/orchestrator/src/escape.ts', "export * from '../../engine-factory/src/index.js';\n"),
    );
    expect(checkWorkspace(root)).toEqual([
      expect.stringMatching(/escape\.ts:1 imports "\.\.\/\.\.\/engine-factory\/src\/index\.js", which leaves packages\/orchestrator/),
    ]);
  });

  it('fails when any package, the engine factory included, imports a subpath of the contract', () => {
    const root = fixture((_, write) => {
      write('packages/engine-factory/src/mint.ts', "import { registerGenuineEngine } from '@baton/engine-contract/internal';\n");
      write('packages/orchestrator/src/forge.ts', "const brand = require('@baton/engine-contract/internal/brand');\n");
    });
    expect(checkWorkspace(root)).toEqual([
      expect.stringMatching(
        /engine-factory\/src\/mint\.ts:1 imports "@baton\/engine-contract\/internal", a subpath of @baton\/engine-contract: workspace packages expose only their root entry; import "@baton\/engine-contract"\. Genuine engines come from createEngineFactory/,
      ),
      expect.stringMatching(
        /orchestrator\/src\/forge\.ts:1 imports "@baton\/engine-contract\/internal\/brand", a subpath of @baton\/engine-contract/,
      ),
    ]);
  });

  it('fails when source imports a subpath of any other workspace package, and reports src/ or dist/ once', () => {
    const root = fixture((_, write) =>
      write('apps/demo/src/sub.ts', "import '@baton/orchestrator/workflows';\nimport '@baton/engine-factory/dist/index.js';\n"),
    );
    const violations = checkWorkspace(root) as string[];
    expect(violations).toEqual([
      expect.stringMatching(
        /sub\.ts:1 imports "@baton\/orchestrator\/workflows", a subpath of @baton\/orchestrator: workspace packages expose only their root entry; import "@baton\/orchestrator"\.$/,
      ),
      expect.stringMatching(/sub\.ts:2 .*reaching into @baton\/engine-factory's dist\//),
    ]);
  });

  it('fails when source imports a workspace package it does not declare', () => {
    const root = fixture((_, write) =>
      write('packages/orchestrator/src/sneaky.ts', "import { createEngineFactory } from '@baton/engine-factory';\n"),
    );
    expect(checkWorkspace(root)).toEqual([
      expect.stringMatching(
        /sneaky\.ts:1 imports "@baton\/engine-factory" but @baton\/orchestrator does not declare @baton\/engine-factory in its package\.json/,
      ),
    ]);
  });

  /** The fixture plus @baton/ai-sdk (contract only, `ai` as a peer) and the demo depending on it. */
  function withAiSdk(mutate: (root: string, write: (path: string, text: string) => void) => void = () => {}): string {
    return fixture((root, write) => {
      write(
        'packages/ai-sdk/package.json',
        JSON.stringify({
          name: '@baton/ai-sdk',
          dependencies: { '@baton/engine-contract': 'workspace:^' },
          peerDependencies: { ai: '^6' },
        }),
      );
      write('packages/ai-sdk/src/index.ts', "import { defineAgent } from '@baton/engine-contract';\nimport { streamText } from 'ai';\n");
      write(
        'apps/demo/package.json',
        JSON.stringify({ name: '@baton/demo', dependencies: { ...demoDependencies, '@baton/ai-sdk': 'workspace:^' } }),
      );
      write('apps/demo/src/chat.ts', "import { toUIMessageStream } from '@baton/ai-sdk';\n");
      mutate(root, write);
    });
  }

  it('lets an app depend on @baton/ai-sdk, which depends on the contract only', () => {
    expect(checkWorkspace(withAiSdk())).toEqual([]);
  });

  it('fails when a library depends on @baton/ai-sdk, even as a devDependency', () => {
    const root = withAiSdk((_, write) =>
      write(
        'packages/orchestrator/package.json',
        JSON.stringify({
          name: '@baton/orchestrator',
          dependencies: { '@baton/engine-contract': '1' },
          devDependencies: { '@baton/ai-sdk': '1' },
        }),
      ),
    );
    expect(checkWorkspace(root)).toEqual([
      expect.stringMatching(
        /@baton\/orchestrator declares @baton\/ai-sdk in devDependencies, but it may depend only on @baton\/engine-contract/,
      ),
    ]);
  });

  it('fails when @baton/ai-sdk depends on the engine factory or the orchestrator', () => {
    const root = withAiSdk((_, write) =>
      write(
        'packages/ai-sdk/package.json',
        JSON.stringify({
          name: '@baton/ai-sdk',
          dependencies: { '@baton/engine-contract': '1', '@baton/engine-factory': '1' },
          devDependencies: { '@baton/orchestrator': '1' },
        }),
      ),
    );
    expect(checkWorkspace(root)).toEqual([
      expect.stringMatching(
        /@baton\/ai-sdk declares @baton\/engine-factory in dependencies, but it may depend only on @baton\/engine-contract/,
      ),
      expect.stringMatching(/@baton\/ai-sdk declares @baton\/orchestrator in devDependencies/),
    ]);
  });

  /** The fixture plus @baton/otel (contract only, `@opentelemetry/api` as a peer), with `dependencies` as given, and the demo using it. */
  function withOtel(dependencies: Record<string, string>, library?: { name: string; dependencies: Record<string, string> }): string {
    return fixture((_, write) => {
      write(
        'packages/otel/package.json',
        JSON.stringify({ name: '@baton/otel', dependencies, peerDependencies: { '@opentelemetry/api': '^1.9.0' } }),
      );
      write(
        'packages/otel/src/index.ts',
        "import { InvalidConfigError } from '@baton/engine-contract';\nimport { trace } from '@opentelemetry/api';\n",
      );
      write(
        'apps/demo/package.json',
        JSON.stringify({ name: '@baton/demo', dependencies: { ...demoDependencies, '@baton/otel': 'workspace:^' } }),
      );
      write('apps/demo/src/telemetry.ts', "import { createOtelEventTap } from '@baton/otel';\n");
      if (library !== undefined) write(`packages/${library.name.slice('@baton/'.length)}/package.json`, JSON.stringify(library));
    });
  }

  it('lets an app depend on @baton/otel, which depends on the contract only', () => {
    expect(checkWorkspace(withOtel({ '@baton/engine-contract': 'workspace:^' }))).toEqual([]);
  });

  it('fails when @baton/otel depends on the engine factory, or a library depends on @baton/otel', () => {
    expect(checkWorkspace(withOtel({ '@baton/engine-contract': '1', '@baton/engine-factory': '1' }))).toEqual([
      expect.stringMatching(
        /@baton\/otel declares @baton\/engine-factory in dependencies, but it may depend only on @baton\/engine-contract/,
      ),
    ]);
    const factoryUsingOtel = { name: '@baton/engine-factory', dependencies: { '@baton/engine-contract': '1', '@baton/otel': '1' } };
    expect(checkWorkspace(withOtel({ '@baton/engine-contract': '1' }, factoryUsingOtel))).toEqual([
      expect.stringMatching(
        /@baton\/engine-factory declares @baton\/otel in dependencies, but it may depend only on @baton\/engine-contract/,
      ),
    ]);
  });

  const bullmqDependencies = {
    '@baton/engine-contract': 'workspace:^',
    '@baton/engine-factory': 'workspace:^',
    '@baton/orchestrator': 'workspace:^',
  };

  /**
   * The fixture plus @baton/bullmq (contract, factory and orchestrator; @baton/redis and the test Redis
   * helper for its tests only) and the demo depending on it.
   */
  function withBullmq(mutate: (root: string, write: (path: string, text: string) => void) => void = () => {}): string {
    return fixture((root, write) => {
      pkg(write, 'packages/redis', '@baton/redis', { dependencies: { '@baton/engine-contract': 'workspace:^' } });
      pkg(write, 'apps/test-redis', '@baton/test-redis');
      pkg(write, 'packages/bullmq', '@baton/bullmq', {
        dependencies: bullmqDependencies,
        devDependencies: { '@baton/redis': 'workspace:^', '@baton/test-redis': 'workspace:*' },
        peerDependencies: { bullmq: '^6' },
      });
      write(
        'packages/bullmq/src/index.ts',
        "import { WorkflowOrchestrator } from '@baton/orchestrator';\nimport { createEngineFactory } from '@baton/engine-factory';\nimport { Queue } from 'bullmq';\n",
      );
      write('packages/bullmq/src/worker.test.ts', "import { createRedisRunStore } from '@baton/redis';\n");
      write(
        'apps/demo/package.json',
        JSON.stringify({ name: '@baton/demo', dependencies: { ...demoDependencies, '@baton/bullmq': 'workspace:^' } }),
      );
      write('apps/demo/src/worker.ts', "import { createWorkflowWorker } from '@baton/bullmq';\n");
      mutate(root, write);
    });
  }

  it('lets an app depend on @baton/bullmq, which depends on the contract, the factory and the orchestrator, and on redis for its tests', () => {
    expect(checkWorkspace(withBullmq())).toEqual([]);
  });

  it('fails when @baton/bullmq ships a package it may use only for its tests, even when it also lists it as a devDependency', () => {
    const root = withBullmq((_, write) =>
      pkg(write, 'packages/bullmq', '@baton/bullmq', {
        dependencies: { ...bullmqDependencies, '@baton/redis': '1' },
        devDependencies: { '@baton/redis': '1' },
        peerDependencies: { '@baton/test-redis': '1' },
      }),
    );
    expect(checkWorkspace(root)).toEqual([
      expect.stringMatching(/@baton\/bullmq declares @baton\/redis in dependencies, but it may use @baton\/redis only as a devDependency/),
      expect.stringMatching(
        /@baton\/bullmq declares @baton\/test-redis in peerDependencies, but it may use @baton\/test-redis only as a devDependency/,
      ),
    ]);
  });

  it('fails when @baton/bullmq depends on a package outside its rule, such as an adapter', () => {
    const root = withBullmq((_, write) => {
      pkg(write, 'packages/ai-sdk', '@baton/ai-sdk', { dependencies: { '@baton/engine-contract': '1' } });
      pkg(write, 'packages/bullmq', '@baton/bullmq', {
        dependencies: bullmqDependencies,
        devDependencies: { '@baton/redis': '1', '@baton/ai-sdk': '1' },
      });
    });
    expect(checkWorkspace(root)).toEqual([
      expect.stringMatching(
        /@baton\/bullmq declares @baton\/ai-sdk in devDependencies, but it may depend only on @baton\/engine-contract, @baton\/engine-factory, @baton\/orchestrator \(and, as devDependencies, @baton\/redis, @baton\/test-redis\)/,
      ),
    ]);
  });

  it('fails when a library depends on @baton/bullmq, even as a devDependency', () => {
    const root = withBullmq((_, write) =>
      pkg(write, 'packages/orchestrator', '@baton/orchestrator', {
        dependencies: { '@baton/engine-contract': '1' },
        devDependencies: { '@baton/bullmq': '1' },
      }),
    );
    expect(checkWorkspace(root)).toEqual([
      expect.stringMatching(
        /@baton\/orchestrator declares @baton\/bullmq in devDependencies, but it may depend only on @baton\/engine-contract\./,
      ),
    ]);
  });

  /** The fixture plus the test kit (contract and factory), which apps' tests use. */
  function withTestKit(mutate: (root: string, write: (path: string, text: string) => void) => void = () => {}): string {
    return fixture((root, write) => {
      pkg(write, 'packages/testing', '@baton/testing', {
        dependencies: { '@baton/engine-contract': 'workspace:^', '@baton/engine-factory': 'workspace:^' },
      });
      write('packages/testing/src/index.ts', "import { createEngineFactory } from '@baton/engine-factory';\n");
      pkg(write, 'apps/demo', '@baton/demo', { dependencies: demoDependencies, devDependencies: { '@baton/testing': 'workspace:^' } });
      mutate(root, write);
    });
  }

  it('lets @baton/testing depend on the contract and the factory, and apps use it', () => {
    expect(checkWorkspace(withTestKit())).toEqual([]);
  });

  it('fails when the orchestrator uses @baton/testing, even for its tests, or @baton/testing depends on the orchestrator', () => {
    const root = withTestKit((_, write) => {
      pkg(write, 'packages/orchestrator', '@baton/orchestrator', {
        dependencies: { '@baton/engine-contract': 'workspace:^' },
        devDependencies: { '@baton/testing': 'workspace:^' },
      });
      pkg(write, 'packages/testing', '@baton/testing', {
        dependencies: { '@baton/engine-contract': '1', '@baton/engine-factory': '1' },
        devDependencies: { '@baton/orchestrator': '1' },
      });
    });
    expect(checkWorkspace(root)).toEqual([
      expect.stringMatching(
        /@baton\/orchestrator declares @baton\/testing in devDependencies, but it may depend only on @baton\/engine-contract\./,
      ),
      expect.stringMatching(
        /@baton\/testing declares @baton\/orchestrator in devDependencies, but it may depend only on @baton\/engine-contract, @baton\/engine-factory\./,
      ),
    ]);
  });

  it('fails when another library uses @baton/testing, even for its tests', () => {
    const root = withTestKit((_, write) =>
      pkg(write, 'packages/engine-factory', '@baton/engine-factory', {
        dependencies: { '@baton/engine-contract': '1' },
        devDependencies: { '@baton/testing': '1' },
      }),
    );
    expect(checkWorkspace(root)).toEqual([expect.stringMatching(/@baton\/engine-factory declares @baton\/testing in devDependencies/)]);
  });

  it('fails when a new library package has no rule', () => {
    const root = fixture((_, write) => write('packages/extra/package.json', JSON.stringify({ name: '@baton/extra' })));
    expect(checkWorkspace(root)).toEqual([expect.stringMatching(/@baton\/extra .* has no rule/)]);
  });
});

describe('findImports', () => {
  it('finds static, side-effect, re-export, dynamic and require specifiers with their lines', () => {
    const text = "import a from 'a';\nimport 'b';\nexport * from \"c\";\nawait import('d');\nrequire('e');\n";
    expect(findImports(text)).toEqual([
      { specifier: 'a', line: 1 },
      { specifier: 'b', line: 2 },
      { specifier: 'c', line: 3 },
      { specifier: 'd', line: 4 },
      { specifier: 'e', line: 5 },
    ]);
  });

  it('ignores import-like text inside strings and comments', () => {
    const text = "const example = \"import { x } from 'in-a-string';\";\n// import 'in-a-comment';\nimport real from 'real';\n";
    expect(findImports(text)).toEqual([{ specifier: 'real', line: 3 }]);
  });
});

describe('the check-deps command', () => {
  it('exits 1 with a clear message on a bad graph and 0 on a good one', () => {
    const bad = fixture((_, write) =>
      write(
        'apps/demo/package.json',
        JSON.stringify({ name: '@baton/demo', dependencies: { ...demoDependencies, '@baton/legacy-engines': '1' } }),
      ),
    );
    let failure: { status: number; stderr: string } | undefined;
    try {
      execFileSync(process.execPath, [script, bad], { encoding: 'utf8', stdio: 'pipe' });
    } catch (error) {
      failure = error as { status: number; stderr: string };
    }
    expect(failure?.status).toBe(1);
    expect(failure?.stderr).toContain('Dependency-graph check failed (1 violation)');
    expect(execFileSync(process.execPath, [script, fixture()], { encoding: 'utf8' })).toContain('Dependency-graph check passed');
  }, 60_000); // two child processes that load TypeScript; slow on a busy 2-core machine
});
