import { InvalidConfigError } from '@baton/engine-contract';
import { describe, expect, it } from 'vitest';
import { contextFor, controlledAgent, deferred, record } from './__fixtures__/test-helpers.js';
import { createEngineFactory } from './engine-factory.js';

async function setup() {
  const controlled = controlledAgent();
  const factory = createEngineFactory({ agents: [controlled.agent] });
  const engine = await factory.createEngine(contextFor('u_tool_ids'));
  const events = record(engine);
  const run = engine.executeAgent({ agentName: 'controlled' });
  const call = controlled.calls[0]!;
  return { factory, engine, events, run, call };
}

function toolEvents(events: ReturnType<typeof record>): string[] {
  return events.flatMap((event) =>
    event.type === 'tool_executing' || event.type === 'tool_completed' ? [`${event.type}:${event.toolName}:${event.toolCallId}`] : [],
  );
}

describe('ctx.tool with a toolCallId of its own', () => {
  it('carries the given id on tool_executing and tool_completed, and makes its own id when none is given', async () => {
    const { events, run, call } = await setup();
    await call.ctx.tool('search', { q: 1 }, () => 'found', { toolCallId: 'call_abc123' });
    await call.ctx.tool('fetch', {}, () => 'page');
    call.result.resolve('done');
    const result = await run;
    expect(toolEvents(events)).toEqual([
      'tool_executing:search:call_abc123',
      'tool_completed:search:call_abc123',
      `tool_executing:fetch:${result.executionId}:tool:1`,
      `tool_completed:fetch:${result.executionId}:tool:1`,
    ]);
  });

  it('closes a call with a given id as failed when the run ends mid-tool', async () => {
    const controlled = controlledAgent();
    const factory = createEngineFactory({ agents: [controlled.agent] });
    const engine = await factory.createEngine(contextFor('u_tool_ids'));
    const events = record(engine);
    const controller = new AbortController();
    const run = engine.executeAgent({ agentName: 'controlled' }, { signal: controller.signal });
    void controlled.calls[0]!.ctx.tool('slow', {}, () => new Promise(() => {}), { toolCallId: 'call_slow' });
    controller.abort();
    await expect(run).resolves.toMatchObject({ status: 'cancelled' });
    expect(toolEvents(events)).toEqual(['tool_executing:slow:call_slow', 'tool_completed:slow:call_slow']);
  });

  it('refuses an id that a still-open tool call of the run has, and accepts it again once that call has ended', async () => {
    const { events, run, call } = await setup();
    const first = deferred<string>();
    const open = call.ctx.tool('a', {}, () => first.promise, { toolCallId: 'call_1' });
    const duplicate = call.ctx.tool('b', {}, () => 'never runs', { toolCallId: 'call_1' });
    await expect(duplicate).rejects.toSatisfy((error: unknown) => InvalidConfigError.isInstance(error));
    await expect(duplicate).rejects.toThrow('a tool call with this id is still open in this run');
    first.resolve('ok');
    await open;
    await expect(call.ctx.tool('c', {}, () => 'again', { toolCallId: 'call_1' })).resolves.toBe('again');
    call.result.resolve('done');
    await run;
    expect(toolEvents(events)).toEqual([
      'tool_executing:a:call_1',
      'tool_completed:a:call_1',
      'tool_executing:c:call_1',
      'tool_completed:c:call_1',
    ]);
  });

  it.each([
    ['an empty id', { toolCallId: '' }],
    ['an id over 256 characters', { toolCallId: 'x'.repeat(257) }],
    ['a number', { toolCallId: 42 }],
    ['options that are not an object', 'call_1'],
  ])('rejects %s with InvalidConfigError and does not run the tool', async (_case, options) => {
    const { events, run, call } = await setup();
    let ran = false;
    const tool = call.ctx.tool(
      't',
      {},
      () => {
        ran = true;
      },
      options as never,
    );
    await expect(tool).rejects.toSatisfy((error: unknown) => InvalidConfigError.isInstance(error));
    expect(ran).toBe(false);
    call.result.resolve('done');
    await run;
    expect(toolEvents(events)).toEqual([]);
  });
});
