import type { AgentRunStatus } from '@baton/engine-contract';
import type { UIMessage, UIMessageChunk } from 'ai';

/** The data of a `data-baton-stage` part: how one stage (one agent call) of the run ended. */
export type BatonStageData = {
  /** The agent that ran. */
  agentName: string;
  /** `succeeded`, `failed`, `timed_out` or `cancelled`. */
  status: AgentRunStatus;
  /** From the call to its end, queue wait included. */
  durationMs: number;
};

/**
 * The data of a `data-baton-approval` part: the run stopped at an approval gate and waits for a
 * decision (`orchestrator.resume(workflowId, { decision })`); show `prompt` with approve and reject.
 */
export type BatonApprovalData = {
  /** The run waiting; what the decision is sent for. */
  workflowId: string;
  /** The stage that runs once approved. */
  stage: string;
  /** The question for the person deciding. */
  prompt: string;
};

/** The data parts Baton adds to a UI message: `data-baton-stage`, and `data-baton-approval` for a suspended run. */
export type BatonUIDataTypes = {
  'baton-stage': BatonStageData;
  'baton-approval': BatonApprovalData;
};

/**
 * The UI message a Baton run becomes: text, reasoning and tool parts plus one `data-baton-stage`
 * part per stage. Pass it to `useChat<BatonUIMessage>()` to type `message.parts`.
 */
export type BatonUIMessage = UIMessage<unknown, BatonUIDataTypes>;

/** A chunk of the UI message stream `toUIMessageStream` produces. */
export type BatonUIMessageChunk = UIMessageChunk<unknown, BatonUIDataTypes>;
