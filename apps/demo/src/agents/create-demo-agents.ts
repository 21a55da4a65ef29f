import type { AnyAgentDefinition } from '@baton/engine-contract';
import type { LanguageModel } from 'ai';
import { createPace } from './abortable-delay.js';
import { createActionsAgent } from './actions-agent.js';
import { createDataAgent } from './data-agent.js';
import { createDataHelperAgent } from './data-helper-agent.js';
import { createOptimizationAgent } from './optimization-agent.js';
import { ANSWER_WORD_DELAY_MS, createReportingAgent, createScriptedReportingModel } from './reporting-agent.js';
import { createTriageAgent } from './triage-agent.js';

/** Options for the demo agents. */
export interface DemoAgentsOptions {
  /**
   * Multiplies every pause (default 1: tens to hundreds of ms per step, a few seconds per run, so a
   * person can watch the work). 0 runs as fast as the event loop allows; tests use it.
   */
  delayScale?: number;
  /**
   * The model that writes the reporting stage's answer. Default: an offline scripted model that
   * streams the composed answer word by word.
   */
  reportingModel?: LanguageModel;
  /**
   * Milliseconds between the scripted answer's words. Default `ANSWER_WORD_DELAY_MS` (15) times
   * `delayScale`. Ignored with a `reportingModel`.
   */
  answerDelayMs?: number;
  /** Told a reporting model's error (for the server log); the run fails with a fixed message. */
  onModelError?: (error: unknown) => void;
}

/**
 * The six deterministic agents `triageWorkflow` needs (`triage`, `data_helper`, `data`,
 * `optimization`, `actions`, `reporting`). No network (unless `reportingModel` is a real model);
 * every pause honours the run's signal. `reporting` streams its answer (`agent_output_delta`).
 * @example
 * const factory = createEngineFactory({ agents: createDemoAgents({ delayScale: 0 }) });
 */
export function createDemoAgents(options: DemoAgentsOptions = {}): AnyAgentDefinition[] {
  const delayScale = options.delayScale ?? 1;
  const pace = createPace(delayScale);
  const model =
    options.reportingModel ??
    createScriptedReportingModel({ delayMs: options.answerDelayMs ?? Math.round(ANSWER_WORD_DELAY_MS * delayScale) });
  return [
    createTriageAgent(pace),
    createDataHelperAgent(pace),
    createDataAgent(pace),
    createOptimizationAgent(pace),
    createActionsAgent(pace),
    createReportingAgent({ model, pace, onModelError: options.onModelError }),
  ];
}
