import { type AnyAgentDefinition, defineAgent } from '@baton/engine-contract';
import { createGate, type Gate } from '@baton/testing';
import { createDemoAgents, type DemoAgentsOptions } from '../agents/create-demo-agents.js';
import { questionOf, type StageInput } from '../agents/stage-input.js';

/** Put `[gate:<agent>]` in a question to make that stage wait at its gate until the test opens it. */
export function gateMarker(agentName: string): string {
  return `[gate:${agentName}]`;
}

/**
 * Gates the tests open by hand, one `@baton/testing` gate per agent: a stage whose question carries
 * its marker waits at the gate until `open(agent)` (or until the run's signal aborts: a cancel, a
 * shutdown), so a test can hold a run exactly where it wants it, whatever the machine's speed.
 * `reached(agent)` resolves once a stage is waiting there. Shared by several servers (a restarted
 * instance sees the gate as the test left it).
 */
export class AgentGates {
  readonly #gates = new Map<string, Gate>();

  /** Opens the gate: stages waiting there go on, and later ones do not stop. */
  open(agentName: string): void {
    this.#gate(agentName).open();
  }

  /** Resolves once `count` stages (in total) have arrived at the gate. */
  reached(agentName: string, count = 1): Promise<void> {
    return this.#gate(agentName).reached(count);
  }

  /** Waits at the gate until it opens; rejects with the signal's reason when the run is stopped first. */
  wait(agentName: string, signal: AbortSignal): Promise<void> {
    return this.#gate(agentName).wait(signal);
  }

  #gate(agentName: string): Gate {
    let gate = this.#gates.get(agentName);
    if (!gate) {
      gate = createGate();
      this.#gates.set(agentName, gate);
    }
    return gate;
  }
}

/**
 * The six demo agents, each of which first waits at its gate when the question carries its marker.
 * Without the marker they behave exactly as the demo's.
 */
export function createGatedDemoAgents(options: DemoAgentsOptions & { gates: AgentGates }): AnyAgentDefinition[] {
  const { gates, ...agentOptions } = options;
  return createDemoAgents(agentOptions).map((agent) =>
    defineAgent({
      ...agent,
      run: async (input: StageInput, ctx) => {
        if (questionOf(input).includes(gateMarker(agent.name))) await gates.wait(agent.name, ctx.signal);
        return agent.run(input, ctx);
      },
    }),
  );
}
