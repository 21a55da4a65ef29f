export { type EventGuarantee, EventGuaranteeError } from './errors/index.js';
export { assertEventGuarantees, type EngineIdentity, type EventGuaranteeOptions } from './event-guarantees.js';
export { EventRecorder } from './event-recorder.js';
export { createGate, Gate } from './gate.js';
export { createManualClock, DEFAULT_CLOCK_START, ManualClock, type ManualClockOptions } from './manual-clock.js';
export { recordEvents } from './record-events.js';
export type { LogEntry } from './recorded-logger.js';
export type {
  FailStep,
  ScriptStep,
  SleepStep,
  ThinkStep,
  ToolStep,
  UntilStep,
  UsageStep,
  WriteStep,
} from './script-step.js';
export {
  type Script,
  type ScriptedAgent,
  type ScriptedAgentOptions,
  type ScriptedCall,
  type ScriptTranscript,
  scriptedAgent,
} from './scripted-agent.js';
export {
  createTestFactory,
  TEST_ENGINE_LIMITS,
  type TestEngineIds,
  type TestFactory,
  type TestFactoryOptions,
} from './test-factory.js';
