import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import * as contract from './index.js';
import * as internal from './internal.js';

const require = createRequire(import.meta.url);

const RUNTIME_EXPORTS = [
  'AGENT_EVENT_TYPES',
  'AgentCompletedEventSchema',
  'AgentEventSchema',
  'AgentRunErrorCodeSchema',
  'AgentRunErrorSchema',
  'AgentRunResultSchema',
  'AgentRunStatusSchema',
  'AgentStartedEventSchema',
  'AgentThinkingEventSchema',
  'BatonError',
  'DEFAULT_ENGINE_LIMITS',
  'EngineDisposedError',
  'EngineLimitsSchema',
  'EngineMigrationError',
  'EngineValidationError',
  'FactoryShutdownError',
  'GENUINE_ENGINE_HINT',
  'InMemoryUserAdmission',
  'InvalidConfigError',
  'InvalidEventError',
  'InvalidUserContextError',
  'MAX_CONTEXT_DEPTH',
  'MAX_ID_LENGTH',
  'PLACEHOLDER_IDS',
  'REDACTED',
  'ReplayUnavailableError',
  'ToolCompletedEventSchema',
  'ToolExecutingEventSchema',
  'TransportError',
  'UnknownAgentError',
  'UserIsolationError',
  'UserLimitExceededError',
  'WORKFLOW_AGENT_NAME',
  'WorkflowCompletedEventSchema',
  'WorkflowPlannedEventSchema',
  'WorkflowStartedEventSchema',
  'WorkflowStatusSchema',
  'assertUserExecutionEngine',
  'createUserExecutionContext',
  'defineAgent',
  'isSecretKey',
  'isUserExecutionContext',
  'isUserExecutionEngine',
  'parseAgentEvent',
  'redact',
];

describe('package entry points', () => {
  it('exports exactly the public runtime API', () => {
    expect(Object.keys(contract).sort()).toEqual([...RUNTIME_EXPORTS].sort());
  });

  it('does not expose registerGenuineEngine from the public entry point', () => {
    expect('registerGenuineEngine' in contract).toBe(false);
    expect(Object.keys(internal)).toEqual(['registerGenuineEngine']);
  });

  it('has built CJS bundles exporting the same names as the source (dist is up to date)', () => {
    expect(Object.keys(require('../dist/index.cjs') as object).sort()).toEqual([...RUNTIME_EXPORTS].sort());
    expect(Object.keys(require('../dist/internal.cjs') as object)).toEqual(['registerGenuineEngine']);
  });
});
