import type { AnyAgentDefinition } from '@baton/engine-contract';
import { createPace } from './abortable-delay.js';
import { createActionsAgent } from './actions-agent.js';
import { createDataAgent } from './data-agent.js';
import { createDataHelperAgent } from './data-helper-agent.js';
import { createOptimizationAgent } from './optimization-agent.js';
import { createReportingAgent } from './reporting-agent.js';
import { createTriageAgent } from './triage-agent.js';

/** Options for the demo agents. */
export interface DemoAgentsOptions {
  /**
   * Multiplies every pause (default 1: tens to hundreds of ms per step, a few seconds per run, so a
   * person can watch the work). 0 runs as fast as the event loop allows; tests use it.
   */
  delayScale?: number;
}

/**
 * The six deterministic agents `triageWorkflow` needs (`triage`, `data_helper`, `data`,
 * `optimization`, `actions`, `reporting`). No network; every pause honours the run's signal.
 * @example
 * const factory = createEngineFactory({ agents: createDemoAgents({ delayScale: 0 }) });
 */
export function createDemoAgents(options: DemoAgentsOptions = {}): AnyAgentDefinition[] {
  const pace = createPace(options.delayScale ?? 1);
  return [
    createTriageAgent(pace),
    createDataHelperAgent(pace),
    createDataAgent(pace),
    createOptimizationAgent(pace),
    createActionsAgent(pace),
    createReportingAgent(pace),
  ];
}
