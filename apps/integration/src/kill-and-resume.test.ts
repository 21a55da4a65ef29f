import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { AgentEvent, RunStore, WorkflowResumedEvent } from '@baton/engine-contract';
import { createRedisRunStore } from '@baton/redis';
import { afterAll, describe, expect, it } from 'vitest';
import { usePrivateRedis } from './support/private-redis.js';
import { startReportingChild } from './support/reporting-child.js';

// The promise of durable runs, tested as a deployment would break it: the process running a
// workflow is killed with SIGKILL in the middle of stage 3 of 5, and a second process resumes the
// run from its record on Redis. No timers: each step waits for what the processes report.

type Message =
  | { kind: 'call'; stage: string; userId: string }
  | { kind: 'event'; event: AgentEvent }
  | { kind: 'result'; result: { status: string; output: unknown; stages: Array<{ agentName: string; status: string }> } }
  | { kind: 'error'; code?: string; name?: string; message: string };

const CHILD = fileURLToPath(new URL('./__fixtures__/durable-run-process.mjs', import.meta.url));
const startChild = (config: Record<string, unknown>) => startReportingChild<Message>(CHILD, config);

const redis = usePrivateRedis('the kill-and-resume test');
let store: (RunStore & { close?: () => Promise<void> }) | undefined;

afterAll(async () => {
  await store?.close?.();
});

describe('a run killed with SIGKILL in stage 3 of 5 and resumed by another process', () => {
  it('resumes from the Redis record: stages 1 and 2 ran once in all, stage 3 again, the rest once; no other user id', async () => {
    const keyPrefix = `kill-${randomUUID()}:`;
    const userId = 'alice';
    store = createRedisRunStore({ redis: redis.url, keyPrefix });

    const first = startChild({ mode: 'run', redisUrl: redis.url, keyPrefix, userId });
    await first.until((message) => message.kind === 'call' && message.stage === 'analyse');
    first.child.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');
    const started = first.messages.find((message) => message.kind === 'event' && message.event.type === 'workflow_started');
    if (started?.kind !== 'event' || started.event.type !== 'workflow_started') throw new Error('no workflow_started before the kill');
    const { workflowId } = started.event;

    const orphaned = await store.get(workflowId);
    expect(orphaned).toMatchObject({ status: 'running', userId, workflowName: 'five-stages' });
    expect(orphaned?.stages.map((stage) => `${stage.agentName}:${stage.status}`)).toEqual(['collect:succeeded', 'clean:succeeded']);

    const second = startChild({ mode: 'resume', redisUrl: redis.url, keyPrefix, workflowId });
    const end = await second.until((message) => message.kind === 'result' || message.kind === 'error');
    expect(end, second.stderr()).toMatchObject({ kind: 'result' });
    expect((await second.exited).code).toBe(0);
    if (end.kind !== 'result') return;

    expect(end.result.status).toBe('succeeded');
    expect(end.result.stages.map((stage) => `${stage.agentName}:${stage.status}`)).toEqual(
      ['collect', 'clean', 'analyse', 'summarise', 'publish'].map((stage) => `${stage}:succeeded`),
    );
    // The stored outputs of stages 1 and 2 fed `previous` in the second process.
    expect(end.result.output).toEqual({
      stage: 'publish',
      seen: ['collect', 'clean', 'analyse', 'summarise'],
      request: { question: 'why?' },
    });

    const callsOf = (stage: string) =>
      [...first.messages, ...second.messages].filter(
        (message) => message.kind === 'call' && message.userId === userId && message.stage === stage,
      ).length;
    expect(['collect', 'clean', 'analyse', 'summarise', 'publish'].map(callsOf)).toEqual([1, 1, 2, 1, 1]);

    const resumedEvents = second.messages
      .filter((message): message is Extract<Message, { kind: 'event' }> => message.kind === 'event')
      .map((message) => message.event);
    const resumed = resumedEvents.find((event): event is WorkflowResumedEvent => event.type === 'workflow_resumed');
    expect(resumed).toMatchObject({ workflowId, completedStages: ['collect', 'clean'], userId });
    // Every event of the resumed run's engine: first workflow_resumed, only this user's ids.
    const ofRun = resumedEvents.filter((event) => event.engineId === resumed?.engineId);
    expect(ofRun[0]?.type).toBe('workflow_resumed');
    expect(ofRun.at(-1)).toMatchObject({ type: 'workflow_completed', workflowId, status: 'succeeded' });
    expect(new Set(ofRun.map((event) => `${event.userId}/${event.threadId}/${event.runId}`))).toEqual(new Set(['alice/thread-1/run-1']));
    expect(JSON.stringify(ofRun)).not.toContain('another-user');
    // The other user's run on the same factory and store did run, with its own ids only.
    expect(resumedEvents.some((event) => event.userId === 'another-user' && event.type === 'workflow_completed')).toBe(true);

    const finished = await store.get(workflowId);
    expect(finished).toMatchObject({ status: 'succeeded', result: { status: 'succeeded', path: 'main' } });
    expect(finished?.stages.filter((stage) => stage.agentName === 'analyse')).toHaveLength(1);
  }, 120_000);
});
