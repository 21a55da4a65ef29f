import { InvalidConfigError } from '@baton/engine-contract';
import { isLegacyEngineName, LEGACY_ENGINE_NAMES, type LegacyEngineName } from './legacy-names.js';
import { engineExample, factoryExample, requestScopedExample, supervisorExample } from './migration-examples.js';

/** How to replace one removed engine name. Also the fields of the `EngineMigrationError` it throws. */
export interface MigrationGuide {
  /** The removed name, e.g. `ExecutionEngine`. */
  readonly legacyName: LegacyEngineName;
  /** The call to write instead, e.g. `createEngineFactory(...).createEngine(userContext)`. */
  readonly replacement: string;
  /** The package the replacement is imported from, e.g. `@baton/engine-factory`. */
  readonly importPath: string;
  /** A complete small TypeScript program using the replacement; it compiles against the current packages. */
  readonly codeExample: string;
}

type Family = 'engine' | 'request-scoped' | 'factory' | 'supervisor';

const ENGINE_FACTORY = '@baton/engine-factory';

const families: Record<
  Family,
  {
    replacement: string;
    importPath: string;
    example: (replaces: string) => string;
  }
> = {
  engine: {
    replacement: 'createEngineFactory(...).createEngine(userContext)',
    importPath: ENGINE_FACTORY,
    example: engineExample,
  },
  'request-scoped': {
    replacement:
      'createUserExecutionContext({ userId, threadId, runId }) from @baton/engine-contract, then createEngineFactory(...).createEngine(userContext)',
    importPath: ENGINE_FACTORY,
    example: requestScopedExample,
  },
  factory: {
    replacement: 'createEngineFactory({ agents, limits })',
    importPath: ENGINE_FACTORY,
    example: factoryExample,
  },
  supervisor: {
    replacement: 'new WorkflowOrchestrator({ engine })',
    importPath: '@baton/orchestrator',
    example: supervisorExample,
  },
};

// Each legacy name: its family and how old code typically used it (quoted in the example's first line).
const legacyUsage: Record<LegacyEngineName, { family: Family; usage: string }> = {
  ExecutionEngine: { family: 'engine', usage: 'new ExecutionEngine(config)' },
  ExecutionEngineConsolidated: { family: 'engine', usage: 'new ExecutionEngineConsolidated(config)' },
  ConsolidatedExecutionEngine: { family: 'engine', usage: 'new ConsolidatedExecutionEngine(config)' },
  RequestScopedExecutionEngine: { family: 'request-scoped', usage: 'new RequestScopedExecutionEngine(request)' },
  UnifiedExecutionEngineFactory: { family: 'factory', usage: 'UnifiedExecutionEngineFactory.getInstance()' },
  ExecutionEngineFactory: { family: 'factory', usage: 'new ExecutionEngineFactory(config)' },
  SupervisorAgent: { family: 'supervisor', usage: 'new SupervisorAgent(config).execute(request)' },
  createExecutionEngine: { family: 'engine', usage: 'createExecutionEngine(config)' },
  getExecutionEngine: { family: 'engine', usage: 'getExecutionEngine()' },
  createRequestScopedEngine: { family: 'request-scoped', usage: 'createRequestScopedEngine(request)' },
  getExecutionEngineFactory: { family: 'factory', usage: 'getExecutionEngineFactory()' },
  configureExecutionEngineFactory: { family: 'factory', usage: 'configureExecutionEngineFactory(config)' },
};

const guides = new Map<LegacyEngineName, MigrationGuide>(
  LEGACY_ENGINE_NAMES.map((legacyName) => {
    const { family, usage } = legacyUsage[legacyName];
    const { replacement, importPath, example } = families[family];
    const guide: MigrationGuide = Object.freeze({ legacyName, replacement, importPath, codeExample: example(usage) });
    return [legacyName, guide];
  }),
);

/**
 * How to replace a removed engine name: the replacement call, its import path and a working example.
 * @throws InvalidConfigError when `name` is not one of {@link LEGACY_ENGINE_NAMES} (the message lists them).
 * @example
 * const guide = getMigrationGuide('ExecutionEngine');
 * guide.replacement; // 'createEngineFactory(...).createEngine(userContext)'
 * guide.importPath; // '@baton/engine-factory'
 */
export function getMigrationGuide(name: LegacyEngineName): MigrationGuide;
export function getMigrationGuide(name: string): MigrationGuide;
export function getMigrationGuide(name: string): MigrationGuide {
  const guide = isLegacyEngineName(name) ? guides.get(name) : undefined;
  if (guide === undefined) {
    throw new InvalidConfigError({
      message: `getMigrationGuide: ${JSON.stringify(String(name))} is not a legacy engine name. Known names: ${LEGACY_ENGINE_NAMES.join(', ')}.`,
    });
  }
  return guide;
}
