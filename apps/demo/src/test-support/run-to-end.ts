import type { ServerFrame } from '../server/protocol.js';
import type { FrameClient } from './demo-test-client.js';

/**
 * Asks `question`, answers the run's approval (when it stops for one) with `approve`, and returns the
 * frames the socket got from the ask to the run's final `result`, and the run's workflowId.
 */
export async function runToEnd(
  asker: FrameClient,
  question: string,
  approve: boolean,
): Promise<{ frames: ServerFrame[]; workflowId: string }> {
  const start = asker.frames.length;
  const runId = await asker.ask(question);
  const first = await asker.waitFor<Extract<ServerFrame, { type: 'result' }>>((frame) => frame.type === 'result' && frame.runId === runId);
  let last = first;
  if (first.result.status === 'suspended') {
    asker.decide(first.result.workflowId, approve);
    last = await asker.result(runId);
  }
  return { frames: asker.frames.slice(start), workflowId: last.result.workflowId };
}
