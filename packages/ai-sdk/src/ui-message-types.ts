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

/** The data parts Baton adds to a UI message: `data-baton-stage`. */
export type BatonUIDataTypes = {
  'baton-stage': BatonStageData;
};

/**
 * The UI message a Baton run becomes: text, reasoning and tool parts plus one `data-baton-stage`
 * part per stage. Pass it to `useChat<BatonUIMessage>()` to type `message.parts`.
 */
export type BatonUIMessage = UIMessage<unknown, BatonUIDataTypes>;

/** A chunk of the UI message stream `toUIMessageStream` produces. */
export type BatonUIMessageChunk = UIMessageChunk<unknown, BatonUIDataTypes>;
