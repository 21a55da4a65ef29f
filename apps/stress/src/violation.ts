/**
 * What the isolation checker can report. Each rule is one promise of the API (`api.md`) or one
 * invariant of the stress driver; the ids are stable so that tests and CI logs can count them.
 */
export const VIOLATION_RULES = [
  /** An event's userId/threadId/runId/requestId/engineId is not its engine's. */
  'foreign-ids',
  /** An event (engine listener or factory tap) from an engine the checker never registered. */
  'foreign-engine',
  /** An engine's context is not the context it was created with. */
  'engine-context',
  /** `seq` of an engine skipped, repeated or went back. */
  'seq-gap',
  /** An execution's first event is neither agent_started nor (alone) agent_completed. */
  'first-event',
  /** A second agent_started for one executionId. */
  'duplicate-started',
  /** A second agent_completed for one executionId. */
  'duplicate-completed',
  /** Any event of an execution after its agent_completed. */
  'event-after-completed',
  /** One executionId on two engines, or its agentName/stage changed between events. */
  'execution-shape',
  /** tool_completed without a preceding tool_executing of the same toolCallId. */
  'tool-order',
  /**
   * An agent_output_delta that is empty, not what the agent wrote next (lost, repeated, reordered,
   * or written after the deadline), or a call whose deltas are more, or fewer, than it wrote.
   */
  'output-delta',
  /**
   * A result whose usage differs from its agent_completed's, or that the agent's reports cannot
   * explain (not their sum when the agent finished, not the sum of a first part of them when it was
   * cut short; usage reported after the end counted).
   */
  'usage',
  /** More calls running at once on one engine than maxConcurrentRunsPerEngine. */
  'concurrency-limit',
  /** The factory's onEvent tap and the engine's listener saw different streams. */
  'tap-mismatch',
  /** An event after the engine's dispose() returned. */
  'event-after-dispose',
  /** A secret-keyed value reached an event unredacted. */
  'redaction',
  /** workflow_started (or workflow_resumed) / planned / completed missing, duplicated or out of order. */
  'workflow-order',
  /** A WorkflowResult that disagrees with its workflow events or its stages' events. */
  'workflow-result',
  /** A WorkflowResult whose status, path or stage sequence breaks the workflow's rules. */
  'workflow-rules',
  /** A result whose status differs from its execution's agent_completed. */
  'result-status-mismatch',
  /** A result for an execution without events, or claimed twice, or on another engine. */
  'result-unmatched',
  /** A result's runId/requestId/agentName/stage/durations are not its call's. */
  'result-shape',
  /** A result that the injected fault cannot explain (e.g. a throwing agent that "succeeded"). */
  'fault-mismatch',
  /** A queued call that got a slot (agent_started) after its deadline had passed: late work was started. */
  'late-start',
  /** A call that ended `succeeded` or `failed` after its deadline (`durationMs > timeoutMs`): the deadline was not enforced. */
  'deadline-overrun',
  /** A throw that the API does not allow here (e.g. executeAgent rejecting on a live engine). */
  'unexpected-error',
  /** An execution without agent_completed, or a completed execution nobody got a result for. */
  'unsettled',
  /** The factory's metrics do not balance or disagree with what the checker saw. */
  'metrics',
  /** An engine's getStats() disagrees with its events or its limits. */
  'engine-stats',
  /** An engine disposed by nobody while it still had planned work (the reaper took a busy engine). */
  'unexpected-reap',
  /** An agent ran with another user's context. */
  'agent-context',
  /** An agent got an input it cannot map to its script. */
  'agent-input',
  /** An agent got a stage input that breaks the API's `{ request, previous, failedStages }` promise. */
  'stage-input',
  /** An agent's ctx.stage is not the stage it was called as. */
  'agent-stage',
  /** A bad input (unknown agent, bad timeout, foreign context, raw object) not refused with its typed error, or that emitted an event. */
  'bad-input',
  /** An unhandledRejection during the run. */
  'unhandled-rejection',
  /** An uncaughtException during the run. */
  'uncaught-exception',
  /** The workload did not finish within its watchdog time (a promise never settled). */
  'never-settled',
] as const;

/** A rule id. */
export type ViolationRule = (typeof VIOLATION_RULES)[number];

/** One broken promise, with enough detail to reproduce it. */
export interface Violation {
  rule: ViolationRule;
  message: string;
}
