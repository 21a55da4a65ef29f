import { type AgentEvent, InvalidConfigError, UnknownAgentError } from '@baton/engine-contract';
import { readUIMessageStream, type UIMessage } from 'ai';
import { describe, expect, it, vi } from 'vitest';
import { eventLog, trackedIterable } from './__fixtures__/agent-events.js';
import { toUIMessageStream } from './to-ui-message-stream.js';
import type { BatonUIMessage, BatonUIMessageChunk } from './ui-message-types.js';

type Events = Parameters<typeof toUIMessageStream>[0];

function iterableOf(events: readonly unknown[]): Events {
  return trackedIterable(events as AgentEvent[]).iterable;
}

async function chunksOf(stream: ReadableStream<BatonUIMessageChunk>): Promise<BatonUIMessageChunk[]> {
  const chunks: BatonUIMessageChunk[] = [];
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return chunks;
    chunks.push(value);
  }
}

/** The message `readUIMessageStream` builds (its last snapshot), and the errors it reported. */
async function readMessage(
  stream: ReadableStream<BatonUIMessageChunk>,
): Promise<{ message: BatonUIMessage | undefined; errors: unknown[] }> {
  const errors: unknown[] = [];
  let message: BatonUIMessage | undefined;
  for await (const snapshot of readUIMessageStream<BatonUIMessage>({ stream, onError: (error) => errors.push(error) })) message = snapshot;
  return { message, errors };
}

function textOf(message: UIMessage | undefined): string {
  return (message?.parts ?? []).map((part) => (part.type === 'text' ? part.text : '')).join('');
}

/** A two-stage run: `research` thinks and calls a tool, `answer` streams the reply. */
function twoStageRun(first: (log: ReturnType<typeof eventLog>) => ReturnType<typeof eventLog> = (log) => log.workflowStarted()) {
  return first(eventLog())
    .started('research', 'x1')
    .thinking('research', 'x1', 'Looking up the forecast')
    .toolExecuting('research', 'x1', 'call_1', 'weather', { city: 'Paris', apiKey: '[REDACTED]' })
    .toolCompleted('research', 'x1', 'call_1', 'weather', { output: { celsius: 21 } })
    .completed('research', 'x1', 'succeeded', 12)
    .started('answer', 'x2')
    .delta('answer', 'x2', 'It is ')
    .delta('answer', 'x2', '21 degrees ')
    .delta('answer', 'x2', 'in Paris.')
    .completed('answer', 'x2', 'succeeded', 30)
    .workflowCompleted('succeeded');
}

describe('toUIMessageStream', () => {
  it('maps a run to the UI message stream protocol, chunk by chunk', async () => {
    const chunks = await chunksOf(toUIMessageStream(iterableOf(twoStageRun().events), { messageId: 'msg_1' }));
    expect(chunks).toEqual([
      { type: 'start', messageId: 'msg_1' },
      { type: 'reasoning-start', id: 'reasoning:x1:1' },
      { type: 'reasoning-delta', id: 'reasoning:x1:1', delta: 'Looking up the forecast' },
      { type: 'reasoning-end', id: 'reasoning:x1:1' },
      { type: 'tool-input-available', toolCallId: 'call_1', toolName: 'weather', input: { city: 'Paris', apiKey: '[REDACTED]' } },
      { type: 'tool-output-available', toolCallId: 'call_1', output: { celsius: 21 } },
      { type: 'data-baton-stage', id: 'x1', data: { agentName: 'research', status: 'succeeded', durationMs: 12 } },
      { type: 'text-start', id: 'text:x2' },
      { type: 'text-delta', id: 'text:x2', delta: 'It is ' },
      { type: 'text-delta', id: 'text:x2', delta: '21 degrees ' },
      { type: 'text-delta', id: 'text:x2', delta: 'in Paris.' },
      { type: 'text-end', id: 'text:x2' },
      { type: 'data-baton-stage', id: 'x2', data: { agentName: 'answer', status: 'succeeded', durationMs: 30 } },
      { type: 'finish', finishReason: 'stop' },
    ]);
  });

  it('reads, with the AI SDK, into one message: the streamed text, reasoning, the tool call and the stages', async () => {
    const { message, errors } = await readMessage(toUIMessageStream(iterableOf(twoStageRun().events), { messageId: 'msg_1' }));
    expect(errors).toEqual([]);
    expect(message?.id).toBe('msg_1');
    expect(message?.role).toBe('assistant');
    expect(textOf(message)).toBe('It is 21 degrees in Paris.');
    expect(message?.parts).toEqual([
      expect.objectContaining({ type: 'reasoning', text: 'Looking up the forecast', state: 'done' }),
      expect.objectContaining({
        type: 'tool-weather',
        toolCallId: 'call_1',
        state: 'output-available',
        input: { city: 'Paris', apiKey: '[REDACTED]' },
        output: { celsius: 21 },
      }),
      { type: 'data-baton-stage', id: 'x1', data: { agentName: 'research', status: 'succeeded', durationMs: 12 } },
      expect.objectContaining({ type: 'text', text: 'It is 21 degrees in Paris.', state: 'done' }),
      { type: 'data-baton-stage', id: 'x2', data: { agentName: 'answer', status: 'succeeded', durationMs: 30 } },
    ]);
  });

  it('streams a resumed run (workflow_resumed first) exactly as a started one: start, then the stages that run now', async () => {
    const resumed = twoStageRun((log) => log.workflowResumed(['triage']));
    expect(resumed.events[0]).toMatchObject({ type: 'workflow_resumed', completedStages: ['triage'] });
    const started = await chunksOf(toUIMessageStream(iterableOf(twoStageRun().events), { messageId: 'msg_1' }));
    const chunks = await chunksOf(toUIMessageStream(iterableOf(resumed.events), { messageId: 'msg_1' }));
    expect(chunks).toEqual(started);
    expect(chunks[0]).toEqual({ type: 'start', messageId: 'msg_1' });
    const { message, errors } = await readMessage(toUIMessageStream(iterableOf(resumed.events), { messageId: 'msg_1' }));
    expect(errors).toEqual([]);
    expect(textOf(message)).toBe('It is 21 degrees in Paris.');
  });

  it('maps workflow_resumed and workflow_planned to nothing and reads on to the stages', async () => {
    const run = eventLog()
      .workflowResumed(['triage'])
      .workflowPlanned(['triage', 'answer'])
      .started('answer', 'x1')
      .delta('answer', 'x1', 'Hi')
      .completed('answer', 'x1')
      .workflowCompleted();
    const chunks = await chunksOf(toUIMessageStream(iterableOf(run.events)));
    expect(chunks.map((chunk) => chunk.type)).toEqual(['start', 'text-start', 'text-delta', 'text-end', 'data-baton-stage', 'finish']);
  });

  it('ends a suspended run’s message with a data-baton-approval part and finish, which the AI SDK reads', async () => {
    const run = eventLog()
      .workflowStarted()
      .started('plan', 'p1')
      .delta('plan', 'p1', 'Seven steps')
      .workflowSuspended('actions', 'Apply this plan?')
      .completed('late', 'never-read');
    const chunks = await chunksOf(toUIMessageStream(iterableOf(run.events)));
    expect(chunks.slice(-3)).toEqual([
      { type: 'text-end', id: expect.any(String) },
      { type: 'data-baton-approval', id: 'wf_1', data: { workflowId: 'wf_1', stage: 'actions', prompt: 'Apply this plan?' } },
      { type: 'finish', finishReason: 'other' },
    ]);
    const { message, errors } = await readMessage(toUIMessageStream(iterableOf(run.events)));
    expect(errors).toEqual([]);
    expect(message?.parts.find((part) => part.type === 'data-baton-approval')).toMatchObject({
      data: { workflowId: 'wf_1', stage: 'actions', prompt: 'Apply this plan?' },
    });
  });

  it('keeps one text part per agent call when stages stream concurrently', async () => {
    const run = eventLog()
      .workflowStarted()
      .delta('left', 'a', 'L1 ')
      .delta('right', 'b', 'R1 ')
      .delta('left', 'a', 'L2')
      .completed('left', 'a')
      .delta('right', 'b', 'R2')
      .completed('right', 'b')
      .workflowCompleted();
    const { message, errors } = await readMessage(toUIMessageStream(iterableOf(run.events)));
    expect(errors).toEqual([]);
    const texts = message?.parts.filter((part) => part.type === 'text').map((part) => part.text);
    expect(texts).toEqual(['L1 L2', 'R1 R2']);
    expect(message?.parts.filter((part) => part.type === 'data-baton-stage').map((part) => part.data.agentName)).toEqual(['left', 'right']);
  });

  it('lists every stage, a failed one included, and still finishes a failed run', async () => {
    const run = eventLog()
      .workflowStarted()
      .delta('data', 'x1', 'partial')
      .completed('data', 'x1', 'failed', 5)
      .completed('reporting', 'x2', 'timed_out', 100)
      .workflowCompleted('failed');
    const chunks = await chunksOf(toUIMessageStream(iterableOf(run.events)));
    expect(chunks.slice(-5)).toEqual([
      { type: 'text-delta', id: 'text:x1', delta: 'partial' },
      { type: 'text-end', id: 'text:x1' },
      { type: 'data-baton-stage', id: 'x1', data: { agentName: 'data', status: 'failed', durationMs: 5 } },
      { type: 'data-baton-stage', id: 'x2', data: { agentName: 'reporting', status: 'timed_out', durationMs: 100 } },
      { type: 'finish', finishReason: 'error' },
    ]);
    expect(chunks[0]).toEqual({ type: 'start' });
  });

  it('ends a cancelled run with an abort chunk, then finish', async () => {
    const run = eventLog()
      .workflowStarted()
      .delta('answer', 'x1', 'Hel')
      .completed('answer', 'x1', 'cancelled')
      .workflowCompleted('cancelled');
    const chunks = await chunksOf(toUIMessageStream(iterableOf(run.events)));
    expect(chunks.slice(-2)).toEqual([
      { type: 'abort', reason: 'The workflow run was cancelled' },
      { type: 'finish', finishReason: 'other' },
    ]);
    const { message } = await readMessage(toUIMessageStream(iterableOf(run.events)));
    expect(textOf(message)).toBe('Hel');
  });

  it('maps a failed tool call to tool-output-error and ignores a result whose call it never saw', async () => {
    const run = eventLog()
      .toolCompleted('a', 'x1', 'call_unseen', 'lookup', { output: 1 })
      .toolExecuting('a', 'x1', 'call_1', 'lookup', { q: 'x' })
      .toolCompleted('a', 'x1', 'call_1', 'lookup', { error: 'upstream 503' })
      .workflowCompleted();
    const chunks = await chunksOf(toUIMessageStream(iterableOf(run.events)));
    expect(chunks).toEqual([
      { type: 'start' },
      { type: 'tool-input-available', toolCallId: 'call_1', toolName: 'lookup', input: { q: 'x' } },
      { type: 'tool-output-error', toolCallId: 'call_1', errorText: 'upstream 503' },
      { type: 'finish', finishReason: 'stop' },
    ]);
    const { message, errors } = await readMessage(toUIMessageStream(iterableOf(run.events)));
    expect(errors).toEqual([]);
    expect(message?.parts).toEqual([expect.objectContaining({ type: 'tool-lookup', state: 'output-error', errorText: 'upstream 503' })]);
  });

  it('keeps tool parts apart when two agent calls use the same tool-call id', async () => {
    const run = eventLog()
      .toolExecuting('a', 'x1', 'call_1', 'lookup', { n: 1 })
      .toolExecuting('b', 'x2', 'call_1', 'lookup', { n: 2 })
      .toolCompleted('b', 'x2', 'call_1', 'lookup', { output: 'two' })
      .toolCompleted('a', 'x1', 'call_1', 'lookup', { output: 'one' })
      .workflowCompleted();
    const { message, errors } = await readMessage(toUIMessageStream(iterableOf(run.events)));
    expect(errors).toEqual([]);
    expect(message?.parts).toEqual([
      expect.objectContaining({ toolCallId: 'call_1', input: { n: 1 }, output: 'one' }),
      expect.objectContaining({ toolCallId: 'x2:call_1', input: { n: 2 }, output: 'two' }),
    ]);
  });

  it('drops empty deltas and keeps an empty thought as an empty reasoning part', async () => {
    const run = eventLog().delta('a', 'x1', '').thinking('a', 'x1', '').completed('a', 'x1').workflowCompleted();
    const chunks = await chunksOf(toUIMessageStream(iterableOf(run.events)));
    expect(chunks.map((chunk) => chunk.type)).toEqual(['start', 'reasoning-start', 'reasoning-end', 'data-baton-stage', 'finish']);
  });

  it('stops iterating after workflow_completed: return() is called and later events are not read', async () => {
    const run = twoStageRun().delta('late', 'x9', 'never');
    const { iterable, stats } = trackedIterable(run.events as AgentEvent[]);
    const chunks = await chunksOf(toUIMessageStream(iterable));
    expect(chunks.at(-1)).toEqual({ type: 'finish', finishReason: 'stop' });
    expect(stats.returned).toBe(1);
    expect(stats.reads).toBe(run.events.length - 1);
  });

  it('finishes without a finish reason when the events end before workflow_completed', async () => {
    const run = eventLog().workflowStarted().delta('a', 'x1', 'cut');
    const chunks = await chunksOf(toUIMessageStream(iterableOf(run.events)));
    expect(chunks.slice(-2)).toEqual([{ type: 'text-end', id: 'text:x1' }, { type: 'finish' }]);
  });

  it('sends an error chunk, without finish, when iterating the events throws; the text so far is kept', async () => {
    const run = eventLog().delta('a', 'x1', 'so far');
    const secret = new Error('redis://user:hunter2@cache failed');
    const { iterable } = trackedIterable(run.events as AgentEvent[], { throwAt: 1, error: secret });
    const chunks = await chunksOf(toUIMessageStream(iterable));
    expect(chunks).toEqual([
      { type: 'start' },
      { type: 'text-start', id: 'text:x1' },
      { type: 'text-delta', id: 'text:x1', delta: 'so far' },
      { type: 'text-end', id: 'text:x1' },
      { type: 'error', errorText: 'An error occurred.' },
    ]);
    const { message, errors } = await readMessage(
      toUIMessageStream(trackedIterable(run.events as AgentEvent[], { throwAt: 1, error: secret }).iterable),
    );
    expect(textOf(message)).toBe('so far');
    expect(errors).toEqual([expect.objectContaining({ message: 'An error occurred.' })]);
  });

  it("sends a Baton error's message, or what onError returns", async () => {
    const batonError = new UnknownAgentError({ agentName: 'ghost', knownAgents: [] });
    const baton = await chunksOf(toUIMessageStream(trackedIterable<AgentEvent>([], { throwAt: 0, error: batonError }).iterable));
    expect(baton.at(-1)).toEqual({ type: 'error', errorText: batonError.message });
    const onError = vi.fn(() => 'Try again later');
    const custom = await chunksOf(toUIMessageStream(trackedIterable<AgentEvent>([], { throwAt: 0, error: 'boom' }).iterable, { onError }));
    expect(custom.at(-1)).toEqual({ type: 'error', errorText: 'Try again later' });
    expect(onError).toHaveBeenCalledWith('boom');
    const throwing = await chunksOf(
      toUIMessageStream(trackedIterable<AgentEvent>([], { throwAt: 0, error: 'boom' }).iterable, {
        onError: () => {
          throw new Error('bad handler');
        },
      }),
    );
    expect(throwing.at(-1)).toEqual({ type: 'error', errorText: 'An error occurred.' });
  });

  it('calls return() on the events when the consumer cancels, and enqueues nothing after', async () => {
    let release: (result: IteratorResult<AgentEvent>) => void = () => {};
    const returned = vi.fn(async () => ({ done: true as const, value: undefined }));
    const first = eventLog().delta('a', 'x1', 'one').events[0] as AgentEvent;
    let reads = 0;
    const iterable: AsyncIterable<AgentEvent> = {
      [Symbol.asyncIterator]: () => ({
        next: () => (reads++ === 0 ? Promise.resolve({ done: false, value: first }) : new Promise((resolve) => (release = resolve))),
        return: returned,
      }),
    };
    const reader = toUIMessageStream(iterable).getReader();
    expect((await reader.read()).value).toEqual({ type: 'start' });
    expect((await reader.read()).value).toEqual({ type: 'text-start', id: 'text:x1' });
    expect((await reader.read()).value).toEqual({ type: 'text-delta', id: 'text:x1', delta: 'one' });
    const pending = reader.read();
    await vi.waitFor(() => expect(reads).toBe(2));
    await reader.cancel();
    expect(returned).toHaveBeenCalledTimes(1);
    expect(await pending).toEqual({ done: true, value: undefined });
    release({ done: false, value: first }); // arrives after the cancel: ignored, no "enqueue on a closed stream"
    await Promise.resolve();
    expect(reads).toBe(2);
  });

  it('takes the iterator at once, so an iterator that subscribes when made misses nothing', () => {
    const asyncIterator = vi.fn(() => ({ next: async () => ({ done: true as const, value: undefined }) }));
    toUIMessageStream({ [Symbol.asyncIterator]: asyncIterator });
    expect(asyncIterator).toHaveBeenCalledTimes(1);
  });

  it.each<[string, unknown, unknown]>([
    ['events that are not async-iterable', [1, 2], {}],
    ['null events', null, {}],
    ['an empty messageId', iterableOf([]), { messageId: '' }],
    ['an onError that is not a function', iterableOf([]), { onError: 'x' }],
    ['options that are not an object', iterableOf([]), 5],
  ])('refuses %s with InvalidConfigError', (_case, events, options) => {
    let thrown: unknown;
    try {
      toUIMessageStream(events as Events, options as object);
    } catch (error) {
      thrown = error;
    }
    expect(InvalidConfigError.isInstance(thrown)).toBe(true);
    expect((thrown as Error).message).toMatch(/^toUIMessageStream\(events, options\): /);
  });
});
