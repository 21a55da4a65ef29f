import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { inspectQueue, newClient, onCleanup, redisUrl, uniqueLocation } from './__fixtures__/bullmq-test-kit.js';
import { claimSuspendedJob, wasReplaced } from './decision-claim.js';

describe('claimSuspendedJob', () => {
  it('gives one add of a suspended job to exactly one of many concurrent claimants', async () => {
    const queue = inspectQueue(uniqueLocation());
    const claims = await Promise.all(Array.from({ length: 8 }, () => claimSuspendedJob(queue, 'wf-1', 'nonce-a')));
    expect(claims.filter(Boolean)).toHaveLength(1);
  });

  it('refuses a late claimant of a job that was already replaced, and lets the replacement be claimed anew', async () => {
    const queue = inspectQueue(uniqueLocation());
    expect(await claimSuspendedJob(queue, 'wf-1', 'nonce-a')).toBe(true);
    // A caller that read the job with nonce-a before it was replaced must not replace its successor.
    expect(await claimSuspendedJob(queue, 'wf-1', 'nonce-a')).toBe(false);
    expect(await claimSuspendedJob(queue, 'wf-1', 'nonce-b')).toBe(true);
    expect(await claimSuspendedJob(queue, 'wf-2', 'nonce-a')).toBe(true);
  });

  it('marks the run as being replaced for a minute, so that a caller who finds its job gone can tell', async () => {
    const location = uniqueLocation();
    const queue = inspectQueue(location);
    expect(await wasReplaced(queue, 'wf-1')).toBe(false);
    await claimSuspendedJob(queue, 'wf-1', 'nonce-a');
    expect(await wasReplaced(queue, 'wf-1')).toBe(true);
    expect(await wasReplaced(queue, 'wf-2')).toBe(false);
    const ttl = await newClient().pttl(`${location.prefix}:${location.queueName}:baton-replaced:wf-1`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60_000);
  });

  it('keeps its key under the queue prefix, with an expiry', async () => {
    const location = uniqueLocation();
    const queue = inspectQueue(location);
    await claimSuspendedJob(queue, 'wf-1', 'nonce-a');
    const client = newClient();
    const key = `${location.prefix}:${location.queueName}:baton-claim:wf-1:nonce-a`;
    expect(await client.exists(key)).toBe(1);
    const ttl = await client.pttl(key);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(24 * 60 * 60 * 1000);
  });

  it('works on a queue that shares the caller’s ioredis client', async () => {
    const location = uniqueLocation();
    const client = new Redis(redisUrl());
    onCleanup(() => client.disconnect());
    const queue = new Queue(location.queueName, { connection: client, prefix: location.prefix });
    onCleanup(() => queue.close());
    expect(await claimSuspendedJob(queue, 'wf-1', 'n')).toBe(true);
    expect(await claimSuspendedJob(queue, 'wf-1', 'n')).toBe(false);
  });
});
