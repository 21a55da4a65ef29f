import { getExecutionEngine } from '@baton/legacy-engines';

export { ExecutionEngine, SupervisorAgent as Supervisor } from '@baton/legacy-engines';
export { UnifiedExecutionEngineFactory, formatReport } from './engines/execution-engine-factory.js';
export { getExecutionEngine };
export { getExecutionEngine as currentEngine };
