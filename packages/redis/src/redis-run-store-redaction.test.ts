import { type AgentRunResult, InvalidConfigError, REDACTED } from '@baton/engine-contract';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deleteKeysAfter, newClient, onCleanup, uniquePrefix } from './__fixtures__/test-redis.js';
import { createRedisRunStore, type RedisRunStoreOptions } from './redis-run-store.js';

// `redactSecrets: true`: what Redis holds of a run (read back raw, field by field) carries no
// credential, whatever the input, the stages' outputs and errors, the prompt and the result held.

const MARKER = 'S3CR3T';
const alphanumeric = fc.stringMatching(/^[A-Za-z0-9]{0,6}$/);
const secret = fc.tuple(alphanumeric, alphanumeric).map(([before, after]) => `${before}${MARKER}${after}`);
const textWithCredential = fc
  .tuple(
    fc.string({ maxLength: 12 }).filter((text) => !text.includes(MARKER)),
    fc.oneof(
      secret.map((value) => `api_key=${value}`),
      secret.map((value) => `Authorization: Bearer ${value}`),
      secret.map((value) => `postgres://ann:${value}@db.test/app`),
      alphanumeric.map((tail) => `sk-proj-${MARKER}${tail}xx`),
    ),
  )
  .map(([prose, credential]) => `${prose} ${credential}`);
const { value } = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    textWithCredential,
    fc.integer(),
    secret.map((token) => ({ accessKey: token, auth: { user: 'ann', pass: token } })),
    fc.dictionary(fc.string({ maxLength: 6 }), tie('value'), { maxKeys: 3 }),
    fc.array(tie('value'), { maxLength: 3 }),
  ),
}));

function storeWith(options: Partial<RedisRunStoreOptions>) {
  const keyPrefix = uniquePrefix();
  deleteKeysAfter(keyPrefix);
  const store = createRedisRunStore({ redis: newClient(), keyPrefix, ...options });
  onCleanup(() => store.close());
  return { store, keyPrefix, redis: newClient() };
}

function stage(name: string, output: unknown, message: string): AgentRunResult {
  return {
    status: 'failed',
    executionId: `exec-${name}`,
    agentName: name,
    runId: 'run-1',
    requestId: 'req-1',
    stage: name,
    output,
    error: { code: 'AGENT_FAILED', name: 'Error', message },
    durationMs: 5,
    queuedMs: 0,
  };
}

describe('createRedisRunStore({ redactSecrets })', () => {
  it('writes no credential to Redis, whatever the input, stage outputs and errors, prompt and result hold', async () => {
    const { store, keyPrefix, redis } = storeWith({ redactSecrets: true });
    let count = 0;
    await fc.assert(
      fc.asyncProperty(value, value, textWithCredential, textWithCredential, value, async (input, output, message, prompt, result) => {
        const workflowId = `wf-${count++}`;
        await store.create({ workflowId, workflowName: 'flow', userId: 'u1', threadId: 't1', runId: 'run-1', input });
        await store.saveStage(workflowId, stage('data', output, message));
        await store.suspend(workflowId, { stage: 'actions', prompt, suspendedAt: 1 });
        await store.complete(workflowId, { status: 'failed', path: 'main', output: result, durationMs: 3 });
        const hash = await redis.hgetall(`${keyPrefix}run:${workflowId}`);
        expect(Object.keys(hash).length).toBeGreaterThan(0);
        expect(JSON.stringify(hash)).not.toContain(MARKER);
      }),
      { numRuns: 60 },
    );
  }, 120_000);

  it('stores and reads back the redacted values, the rest unchanged', async () => {
    const { store } = storeWith({ redactSecrets: true });
    const created = await store.create({
      workflowId: 'wf',
      workflowName: 'flow',
      userId: 'u1',
      threadId: 't1',
      runId: 'run-1',
      input: { question: 'why?', token: 't' },
    });
    expect(created.input).toEqual({ question: 'why?', token: REDACTED });
    await store.saveStage('wf', stage('data', { rows: 2, password: 'p' }, '401 for api_key=sk-abcdef123456'));
    const record = await store.get('wf');
    expect(record?.input).toEqual({ question: 'why?', token: REDACTED });
    expect(record?.stages[0]).toMatchObject({
      output: { rows: 2, password: REDACTED },
      error: { code: 'AGENT_FAILED', name: 'Error', message: `401 for api_key=${REDACTED}` },
      durationMs: 5,
    });
  });

  it('stores values as given without the option', async () => {
    const { store } = storeWith({});
    await store.create({ workflowId: 'wf', workflowName: 'flow', userId: 'u1', threadId: 't1', runId: 'run-1', input: { token: 't' } });
    expect((await store.get('wf'))?.input).toEqual({ token: 't' });
  });

  it('rejects a redactSecrets that is not a boolean with InvalidConfigError', () => {
    expect(() => createRedisRunStore({ redis: newClient(), redactSecrets: 'yes' as never })).toThrow(
      new InvalidConfigError({ message: 'createRedisRunStore: redactSecrets must be a boolean' }),
    );
  });
});
