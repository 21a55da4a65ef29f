import { InvalidConfigError, RunNotFoundError, RunNotResumableError, TransportError } from '@baton/engine-contract';
import { describe, expect, it } from 'vitest';
import { connectionOptions, inspectQueue, newClient, newQueue, uniqueLocation } from './__fixtures__/bullmq-test-kit.js';
import { DuplicateRunError } from './errors/duplicate-run-error.js';
import { workflowIdFor } from './workflow-id.js';
import { createWorkflowQueue, DEFAULT_RETENTION_MS } from './workflow-queue.js';

const request = { userId: 'u_42', threadId: 't_1', runId: 'r_1', workflowName: 'five', input: { question: 'why?' } };

describe('queue.enqueue', () => {
  it('adds one job whose id is the workflow id of the user and run, carrying the request', async () => {
    const location = uniqueLocation();
    const queue = newQueue(location);
    const { workflowId } = await queue.enqueue(request);
    expect(workflowId).toBe(workflowIdFor('u_42', 'r_1'));
    const job = await inspectQueue(location).getJob(workflowId);
    expect(job?.name).toBe('run');
    expect(job?.data).toMatchObject(request);
    expect(job?.data.decision).toBeUndefined();
    expect(await job?.getState()).toBe('waiting');
    // Kept after it finishes for the retention, so that a second enqueue of the run is still refused.
    const keptSeconds = DEFAULT_RETENTION_MS / 1000;
    expect(job?.opts.removeOnComplete).toEqual({ age: keptSeconds });
    expect(job?.opts.removeOnFail).toEqual({ age: keptSeconds });
  });

  it('keeps finished jobs for retentionMs when given', async () => {
    const location = uniqueLocation();
    const { workflowId } = await newQueue(location, { retentionMs: 60_000 }).enqueue(request);
    expect((await inspectQueue(location).getJob(workflowId))?.opts.removeOnComplete).toEqual({ age: 60 });
  });

  it('refuses a second enqueue of the same user and run with DuplicateRunError and leaves the first job as it was', async () => {
    const location = uniqueLocation();
    const queue = newQueue(location);
    const { workflowId } = await queue.enqueue(request);
    const first = await inspectQueue(location).getJob(workflowId);
    const again = queue.enqueue({ ...request, threadId: 't_2', input: 'other' });
    await expect(again).rejects.toThrow(DuplicateRunError);
    await expect(again).rejects.toMatchObject({ code: 'DUPLICATE_RUN', workflowId });
    const job = await inspectQueue(location).getJob(workflowId);
    expect(job?.data).toEqual(first?.data);
  });

  it('lets exactly one of several concurrent enqueues of one run win, from separate queue handles', async () => {
    const location = uniqueLocation();
    const queues = [newQueue(location), newQueue(location), newQueue(location), newQueue(location)];
    const outcomes = await Promise.allSettled(queues.map((queue, index) => queue.enqueue({ ...request, input: index })));
    const won = outcomes.filter((outcome) => outcome.status === 'fulfilled');
    const lost = outcomes.flatMap((outcome) => (outcome.status === 'rejected' ? [outcome.reason] : []));
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(3);
    for (const reason of lost) expect(DuplicateRunError.isInstance(reason)).toBe(true);
    const job = await inspectQueue(location).getJob(workflowIdFor('u_42', 'r_1'));
    expect(job?.data.input).toBe(outcomes.indexOf(won[0] as PromiseFulfilledResult<{ workflowId: string }>));
  });

  it('enqueues other runs of the same user, and the same run id of another user, side by side', async () => {
    const queue = newQueue(uniqueLocation());
    const ids = await Promise.all([
      queue.enqueue(request),
      queue.enqueue({ ...request, runId: 'r_2' }),
      queue.enqueue({ ...request, userId: 'u_43' }),
    ]);
    expect(new Set(ids.map(({ workflowId }) => workflowId)).size).toBe(3);
  });

  it('refuses a bad request with InvalidConfigError naming the field, and adds nothing', async () => {
    const location = uniqueLocation();
    const queue = newQueue(location);
    const cases: [unknown, RegExp][] = [
      [null, /expects \{ userId, threadId, runId, workflowName, input\? \}/],
      [{ ...request, userId: '' }, /userId: Too small/],
      [{ ...request, runId: 42 }, /runId: Invalid input/],
      [{ ...request, workflowName: undefined }, /workflowName: Invalid input/],
      [{ ...request, threadId: 'x'.repeat(257) }, /threadId: Too big/],
      [{ ...request, userId: 'has space' }, /userId must not contain whitespace/],
      [{ ...request, runId: 'placeholder' }, /runId must be a real identifier/],
      [{ ...request, priority: 1 }, /Unrecognized key: "priority"/],
      [{ ...request, input: { big: 10n } }, /input must be JSON-serialisable/],
    ];
    for (const [bad, message] of cases) {
      const attempt = queue.enqueue(bad as typeof request);
      await expect(attempt).rejects.toThrow(InvalidConfigError);
      await expect(attempt).rejects.toThrow(message);
    }
    expect(await inspectQueue(location).getJobCounts()).toMatchObject({ waiting: 0, delayed: 0 });
  });

  it('rejects with TransportError after close()', async () => {
    const queue = newQueue(uniqueLocation());
    await queue.close();
    await queue.close();
    await expect(queue.enqueue(request)).rejects.toThrow(TransportError);
    await expect(queue.decide(workflowIdFor('u', 'r'), { approved: true })).rejects.toThrow(/decide\(\) after close\(\)/);
  });

  it('works on a shared ioredis client, which close() leaves open', async () => {
    const client = newClient();
    const location = uniqueLocation();
    const queue = createWorkflowQueue({ connection: client, ...location });
    await queue.enqueue(request);
    await queue.close();
    expect(await client.ping()).toBe('PONG');
  });
});

describe('queue.decide', () => {
  it('refuses a run the queue has no job for with RunNotFoundError', async () => {
    const queue = newQueue(uniqueLocation());
    await expect(queue.decide(workflowIdFor('u_42', 'never'), { approved: true })).rejects.toThrow(RunNotFoundError);
  });

  it('refuses a run that is not waiting for a decision with RunNotResumableError, and leaves its job alone', async () => {
    const location = uniqueLocation();
    const queue = newQueue(location);
    const { workflowId } = await queue.enqueue(request);
    const attempt = queue.decide(workflowId, { approved: true });
    await expect(attempt).rejects.toThrow(RunNotResumableError);
    await expect(attempt).rejects.toThrow(/is not waiting for a decision \(its job is waiting\)/);
    const job = await inspectQueue(location).getJob(workflowId);
    expect(job?.data.decision).toBeUndefined();
  });

  it('refuses a malformed workflow id or decision with InvalidConfigError', async () => {
    const queue = newQueue(uniqueLocation());
    const workflowId = workflowIdFor('u_42', 'r_1');
    await expect(queue.decide('wf-1', { approved: true })).rejects.toThrow(/workflowId must be a workflow id returned by enqueue/);
    await expect(queue.decide(workflowId, { approved: 'yes' } as never)).rejects.toThrow(
      /decision must be \{ approved: boolean, note\?: string \}/,
    );
    await expect(queue.decide(workflowId, { approved: true, reason: 'x' } as never)).rejects.toThrow(InvalidConfigError);
    await expect(queue.decide(workflowId, undefined as never)).rejects.toThrow(InvalidConfigError);
  });
});

describe('createWorkflowQueue options', () => {
  it('refuses bad options with InvalidConfigError naming the option', () => {
    const connection = connectionOptions();
    const cases: [unknown, RegExp][] = [
      [undefined, /createWorkflowQueue expects an options object/],
      [{}, /connection: must be an ioredis client or BullMQ connection options/],
      [{ connection: 'redis://localhost' }, /connection: must be an ioredis client/],
      [{ connection, queueName: 'a:b' }, /queueName: must not contain whitespace or ":"/],
      [{ connection, queueName: '' }, /queueName: Too small/],
      [{ connection, prefix: 'has space' }, /prefix: must not contain whitespace/],
      [{ connection, retentionMs: 10 }, /retentionMs: Too small/],
      [{ connection, retentionMs: 1.5e3 + 0.5 }, /retentionMs: Invalid input/],
      [{ connection, onError: 'log' }, /onError: must be a function/],
      [{ connection, queue: 'x' }, /Unrecognized key: "queue"/],
    ];
    for (const [options, message] of cases) {
      expect(() => createWorkflowQueue(options as never)).toThrow(InvalidConfigError);
      expect(() => createWorkflowQueue(options as never)).toThrow(message);
    }
  });
});
