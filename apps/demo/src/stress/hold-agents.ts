import { type AnyAgentDefinition, defineAgent } from '@baton/engine-contract';
import { createDemoAgents } from '../agents/create-demo-agents.js';
import { questionOf, type StageInput } from '../agents/stage-input.js';

/** Put `[hold:<agent>]` in a question to make that stage wait for its signal (a cancel, or the deadline). */
export function holdMarker(agentName: string): string {
  return `[hold:${agentName}]`;
}

function untilAborted(signal: AbortSignal): Promise<never> {
  return new Promise((_resolve, reject) => {
    const abort = () => reject(signal.reason ?? new DOMException('aborted', 'AbortError'));
    if (signal.aborted) abort();
    else signal.addEventListener('abort', abort, { once: true });
  });
}

/**
 * The six demo agents, each of which first waits for its signal when the question carries its hold
 * marker. That makes a wire-level cancel deterministic: a held run cannot finish before the client's
 * cancel arrives, however fast the agents are. Without the marker they behave exactly as the demo's.
 */
export function createHoldableDemoAgents(options: { delayScale: number }): AnyAgentDefinition[] {
  return createDemoAgents(options).map((agent) =>
    defineAgent({
      ...agent,
      run: async (input: StageInput, ctx) => {
        if (questionOf(input).includes(holdMarker(agent.name))) await untilAborted(ctx.signal);
        return agent.run(input, ctx);
      },
    }),
  );
}
