import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import * as contract from './index.js';

const require = createRequire(import.meta.url);

/** Helpers for Baton's own packages: exported, but `@internal` (not public API). */
const INTERNAL_HELPERS = [
  'AGENT_NAME_PATTERN',
  'AGENT_NAME_RULE',
  'checkNewRunRecord',
  'checkStageResult',
  'checkStoredResult',
  'checkSuspension',
  'describeZodIssue',
  'encodeRunValue',
  'firstZodIssue',
  'globalWeakSet',
  'isAbortSignal',
  'isAgentName',
  'isZodSchema',
  'notInStatus',
  'positiveIntegerOption',
  'readListRunsOptions',
  'readMarkRunningFrom',
  'stageKeyOf',
];

const RUNTIME_EXPORTS = [
  ...INTERNAL_HELPERS,
  'AGENT_EVENT_TYPES',
  'AgentCompletedEventSchema',
  'AgentEventSchema',
  'AgentOutputDeltaEventSchema',
  'AgentRunErrorCodeSchema',
  'AgentRunErrorSchema',
  'AgentRunResultSchema',
  'AgentRunStatusSchema',
  'AgentStartedEventSchema',
  'AgentThinkingEventSchema',
  'BatonError',
  'DEFAULT_ENGINE_LIMITS',
  'DEFAULT_LIST_RUNS_LIMIT',
  'DEFAULT_MAX_RUNS_PER_USER',
  'DEFAULT_MAX_STAGE_OUTPUT_BYTES',
  'EngineDisposedError',
  'EngineLimitsSchema',
  'EngineMigrationError',
  'EngineValidationError',
  'FINAL_RUN_STATUSES',
  'FactoryShutdownError',
  'GENUINE_ENGINE_HINT',
  'InMemoryRunStore',
  'InMemoryUserAdmission',
  'InvalidConfigError',
  'InvalidEventError',
  'InvalidUserContextError',
  'MAX_CONTEXT_DEPTH',
  'MAX_ID_LENGTH',
  'MAX_LIST_RUNS_LIMIT',
  'NewRunRecordSchema',
  'PLACEHOLDER_IDS',
  'REDACTED',
  'ReplayUnavailableError',
  'RunInterruptedError',
  'RunNotFoundError',
  'RunNotResumableError',
  'RunRecordRejectedError',
  'RunRecordSchema',
  'RunStatusSchema',
  'RunSuspensionSchema',
  'StoredWorkflowResultSchema',
  'TokenUsageReportSchema',
  'TokenUsageSchema',
  'ToolCompletedEventSchema',
  'ToolExecutingEventSchema',
  'TransportError',
  'UnknownAgentError',
  'UntrustedRegistryError',
  'UserIsolationError',
  'UserLimitExceededError',
  'WORKFLOW_AGENT_NAME',
  'WorkflowCompletedEventSchema',
  'WorkflowPlannedEventSchema',
  'WorkflowResumedEventSchema',
  'WorkflowStartedEventSchema',
  'WorkflowStatusSchema',
  'WorkflowSuspendedEventSchema',
  'assertUserExecutionEngine',
  'createUserExecutionContext',
  'defineAgent',
  'isSecretKey',
  'isUserExecutionContext',
  'isUserExecutionEngine',
  'parseAgentEvent',
  'redact',
  'redactSecretsInText',
];

describe('package entry points', () => {
  it('exports exactly the public runtime API', () => {
    expect(Object.keys(contract).sort()).toEqual([...RUNTIME_EXPORTS].sort());
  });

  it('offers no way to mark an engine genuine: no registerGenuineEngine, no ./internal entry point', () => {
    expect('registerGenuineEngine' in contract).toBe(false);
    const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { exports: Record<string, unknown> };
    expect(Object.keys(manifest.exports)).toEqual(['.', './package.json']);
    // Self-reference by package name goes through the exports map, as a user's import would.
    expect(() => require.resolve('@baton/engine-contract/internal')).toThrow(
      expect.objectContaining({ code: 'ERR_PACKAGE_PATH_NOT_EXPORTED' }),
    );
  });

  it("marks every helper for Baton's own packages @internal in the published types", () => {
    const declarations = readFileSync(new URL('../dist/index.d.ts', import.meta.url), 'utf8');
    for (const name of INTERNAL_HELPERS) {
      const declaration = new RegExp(`/\\*\\*((?:(?!\\*/)[\\s\\S])*)\\*/\\s*declare (?:const|function) ${name}\\b`).exec(declarations);
      expect(declaration?.[1], name).toContain('@internal');
    }
  });

  it('has built CJS bundles exporting the same names as the source (dist is up to date)', () => {
    expect(Object.keys(require('../dist/index.cjs') as object).sort()).toEqual([...RUNTIME_EXPORTS].sort());
  });
});
