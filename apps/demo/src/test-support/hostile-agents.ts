import { type AnyAgentDefinition, defineAgent } from '@baton/engine-contract';
import fc from 'fast-check';
import { createDemoAgents } from '../agents/create-demo-agents.js';

// The six demo agents, each doing whatever the test's script says on top of its real work: thinking,
// streaming and calling tools with credentials, and returning (or throwing) values that hold them.
// A test finds a leak by looking for MARKER in whatever left the server.

/** In every generated credential; never produced otherwise. */
export const MARKER = 'S3CR3T';

const alphanumeric = (min: number, max: number) => fc.stringMatching(new RegExp(`^[A-Za-z0-9]{${min},${max}}$`));
const secret = fc.tuple(alphanumeric(0, 6), alphanumeric(0, 6)).map(([before, after]) => `${before}${MARKER}${after}`);
const credential = fc.oneof(
  fc
    .tuple(
      fc.constantFrom('api_key', 'password', 'accessKey', 'auth', 'pwd', 'connectionString', 'client_secret'),
      fc.constantFrom('=', ': '),
      secret,
    )
    .map(([name, separator, value]) => `${name}${separator}${value}`),
  fc.tuple(fc.constantFrom('Bearer', 'Basic', 'token'), secret).map(([scheme, value]) => `Authorization: ${scheme} ${value}`),
  fc
    .tuple(fc.constantFrom('https', 'postgres', 'redis'), alphanumeric(0, 5), secret)
    .map(([scheme, user, password]) => `${scheme}://${user}:${password}@host.test/x`),
  secret.map((token) => `https://${token}@git.test/repo.git`),
  alphanumeric(4, 10).map((tail) => `sk-proj-${MARKER}${tail}`),
  alphanumeric(14, 20).map((tail) => `ghp_${MARKER}${tail}`),
  fc.stringMatching(/^[0-9A-Z]{10}$/).map((tail) => `AKIA${MARKER}${tail}`),
);
const prose = fc.string({ maxLength: 16 }).filter((text) => !text.includes(MARKER));

/** Text with a credential among random prose. */
export const textWithCredential = fc.tuple(prose, credential, prose).map(([before, found, after]) => `${before} ${found} ${after}`);

/** A thrown value holding a credential: an Error (message or name), a string, an object. */
const hostileThrown = fc.oneof(
  textWithCredential.map((message) => new Error(message)),
  textWithCredential.map((name) => Object.assign(new Error('failed'), { name })),
  textWithCredential,
  secret.map((value) => ({ reason: 'denied', apiKey: value })),
);

/** Any value holding credentials at any depth: text, secret keys, errors, own toJSON functions. */
const { hostileValue } = fc.letrec<{ hostileValue: unknown; container: unknown }>((tie) => ({
  hostileValue: fc.oneof({ depthSize: 'small' }, textWithCredential, fc.integer(), hostileThrown, tie('container')),
  container: fc.oneof(
    fc
      .tuple(fc.dictionary(fc.string({ maxLength: 6 }), tie('hostileValue'), { maxKeys: 3 }), secret, fc.boolean())
      .map(([fields, value, withToJson]) => {
        const object: Record<string, unknown> = { ...fields, accessKey: value, auth: { user: 'ann', pass: value } };
        if (withToJson) object.toJSON = () => ({ accessKey: value });
        return object;
      }),
    fc.array(tie('hostileValue'), { maxLength: 3 }),
  ),
}));

/** One thing an agent does before its real work. */
type Step = { think: string } | { write: string } | { tool: unknown; returns: unknown } | { tool: unknown; throws: unknown };
/** What one agent does: its steps, then its real output with a hostile field added, or a throw. */
export interface StageScript {
  steps: Step[];
  end: { adds: unknown } | { throws: unknown };
}
/** A script per demo agent (an agent without one just does its real work). */
export type HostileScript = Partial<Record<string, StageScript>>;

const step: fc.Arbitrary<Step> = fc.oneof(
  textWithCredential.map((think) => ({ think })),
  textWithCredential.map((write) => ({ write })),
  fc.tuple(hostileValue, hostileValue).map(([tool, returns]) => ({ tool, returns })),
  fc.tuple(hostileValue, hostileThrown).map(([tool, throws]) => ({ tool, throws })),
);
const stageScript: fc.Arbitrary<StageScript> = fc.record({
  steps: fc.array(step, { maxLength: 3 }),
  // Mostly a completed stage, so that the later stages run too.
  end: fc.oneof(
    { weight: 4, arbitrary: hostileValue.map((adds) => ({ adds })) },
    { weight: 1, arbitrary: hostileThrown.map((throws) => ({ throws })) },
  ),
});
/** A script for all six agents. */
export const hostileScript: fc.Arbitrary<HostileScript> = fc.record({
  triage: stageScript,
  data_helper: stageScript,
  data: stageScript,
  optimization: stageScript,
  actions: stageScript,
  reporting: stageScript,
});

/**
 * The demo agents (without output schemas, which would strip the hostile fields) running
 * `script()`: each agent reads its part when it starts.
 */
export function createHostileDemoAgents(script: () => HostileScript): AnyAgentDefinition[] {
  return createDemoAgents({ delayScale: 0, answerDelayMs: 0 }).map((agent) =>
    defineAgent({
      name: agent.name,
      ...(agent.input === undefined ? {} : { input: agent.input }),
      run: async (input: unknown, ctx) => {
        const part = script()[agent.name];
        for (const action of part?.steps ?? []) {
          if ('think' in action) ctx.think(action.think);
          else if ('write' in action) ctx.writeOutput(action.write);
          else
            await ctx
              .tool('lookup', action.tool, async () => {
                if ('throws' in action) throw action.throws;
                return action.returns;
              })
              .catch(() => undefined);
        }
        const output = (await agent.run(input as never, ctx)) as Record<string, unknown>;
        if (part === undefined) return output;
        if ('throws' in part.end) throw part.end.throws;
        return { ...output, leak: part.end.adds };
      },
    }),
  );
}
