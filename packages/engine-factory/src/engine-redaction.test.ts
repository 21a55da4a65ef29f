import { type AgentEvent, defineAgent, REDACTED } from '@baton/engine-contract';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { hostileThrown, hostileValue, MARKER, textWithCredential } from './__fixtures__/hostile-values.js';
import { contextFor } from './__fixtures__/test-helpers.js';
import { createEngineFactory } from './engine-factory.js';

// Whatever an agent thinks, streams, passes to a tool, gets back from one, returns or throws, no
// credential leaves the engine in an event: text is scrubbed, values redacted, own toJSON dropped.

/** One thing the agent does during its run. */
type Step =
  | { kind: 'think'; text: string }
  | { kind: 'write'; text: string }
  | { kind: 'tool'; input: unknown; outcome: { returns: unknown } | { throws: unknown } };
/** What the agent does: its steps, then how it ends. */
interface Script {
  steps: Step[];
  end: { returns: unknown } | { throws: unknown };
}

const outcome = fc.oneof(
  hostileValue.map((value) => ({ returns: value })),
  hostileThrown.map((thrown) => ({ throws: thrown })),
);
const step: fc.Arbitrary<Step> = fc.oneof(
  textWithCredential.map((text) => ({ kind: 'think' as const, text })),
  textWithCredential.map((text) => ({ kind: 'write' as const, text })),
  fc.tuple(hostileValue, outcome).map(([input, result]) => ({ kind: 'tool' as const, input, outcome: result })),
);
const script: fc.Arbitrary<Script> = fc.record({ steps: fc.array(step, { maxLength: 5 }), end: outcome });

function settle(result: { returns: unknown } | { throws: unknown }): unknown {
  if ('throws' in result) throw result.throws;
  return result.returns;
}

let current: Script = { steps: [], end: { returns: null } };
const scripted = defineAgent({
  name: 'scripted',
  run: async (_input: unknown, ctx) => {
    for (const action of current.steps) {
      if (action.kind === 'think') ctx.think(action.text);
      else if (action.kind === 'write') ctx.writeOutput(action.text);
      else await ctx.tool('lookup', action.input, async () => settle(action.outcome)).catch(() => undefined);
    }
    return settle(current.end);
  },
});
const factory = createEngineFactory({ agents: [scripted] });
afterAll(() => factory.shutdown());

describe('engine events: no credential leaves the engine', () => {
  it('holds no credential in any event, whatever the agent thinks, streams, calls tools with, returns or throws', async () => {
    const engine = await factory.createEngine(contextFor('u_redaction'));
    const events: AgentEvent[] = [];
    engine.subscribe((event) => events.push(event));
    await fc.assert(
      fc.asyncProperty(script, hostileValue, async (next, input) => {
        current = next;
        events.length = 0;
        const result = await engine.executeAgent({ agentName: 'scripted', input });
        expect(events.at(-1)?.type).toBe('agent_completed');
        for (const event of events) expect(JSON.stringify(event)).not.toContain(MARKER);
        // The failed run's error is the event's: scrubbed for the caller too.
        expect(JSON.stringify(result.error ?? null)).not.toContain(MARKER);
      }),
      { numRuns: 300 },
    );
  }, 120_000);

  it('scrubs a thought, a delta, a thrown message and a tool error, and keeps the rest of their text', async () => {
    const engine = await factory.createEngine(contextFor('u_redaction_examples'));
    const events: AgentEvent[] = [];
    engine.subscribe((event) => events.push(event));
    current = {
      steps: [
        { kind: 'think', text: 'calling with api_key=sk-live-0123456789' },
        { kind: 'write', text: 'connect to postgres://ann:hunter2@db.test now' },
        {
          kind: 'tool',
          input: { url: 'https://ann:hunter2@api.test', auth: 'x' },
          outcome: { throws: new Error('401 for Bearer abc123xyz') },
        },
      ],
      end: { throws: new Error('401 for api_key=sk-...') },
    };
    const result = await engine.executeAgent({ agentName: 'scripted', input: { pwd: 'p', note: 'token: abc123' } });
    expect(result.error).toEqual({ code: 'AGENT_FAILED', name: 'Error', message: `401 for api_key=${REDACTED}` });
    const byType = (type: AgentEvent['type']) => events.find((event) => event.type === type) as Record<string, unknown>;
    expect(byType('agent_started').input).toEqual({ pwd: REDACTED, note: `token: ${REDACTED}` });
    expect(byType('agent_thinking').thought).toBe(`calling with api_key=${REDACTED}`);
    expect(byType('agent_output_delta').delta).toBe(`connect to postgres://${REDACTED}@db.test now`);
    expect(byType('tool_executing').input).toEqual({ url: `https://${REDACTED}@api.test`, auth: REDACTED });
    expect(byType('tool_completed').error).toEqual({ name: 'Error', message: `401 for Bearer ${REDACTED}` });
    expect(byType('agent_completed').error).toEqual(result.error);
  });

  it('redacts a string output and an object output with an own toJSON', async () => {
    const engine = await factory.createEngine(contextFor('u_redaction_outputs'));
    const events: AgentEvent[] = [];
    engine.subscribe((event) => events.push(event));
    current = { steps: [], end: { returns: 'done: password=hunter2' } };
    await engine.executeAgent({ agentName: 'scripted', input: 1 });
    expect(events.at(-1)).toMatchObject({ type: 'agent_completed', output: `done: password=${REDACTED}` });
    current = { steps: [], end: { returns: { apiKey: 'k', toJSON: () => ({ apiKey: 'k' }) } } };
    const result = await engine.executeAgent({ agentName: 'scripted', input: 1 });
    expect(JSON.stringify(events.at(-1))).toContain(`"output":{"apiKey":"${REDACTED}"}`);
    // The caller's own result is not redacted: it is the agent's value, for the code that ran it.
    expect((result.output as { apiKey: string }).apiKey).toBe('k');
  });
});
