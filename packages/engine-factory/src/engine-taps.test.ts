import { type AgentEvent, InvalidConfigError } from '@baton/engine-contract';
import { describe, expect, it } from 'vitest';
import { contextFor, echoAgent, spyLogger } from './__fixtures__/test-helpers.js';
import { createEngineFactory, type EventTapOption } from './index.js';

describe('createEngineFactory onEvent with several taps', () => {
  it('gives every event to every tap, in array order, after the engine listeners', async () => {
    const seen: string[] = [];
    const first: AgentEvent[] = [];
    const second: AgentEvent[] = [];
    const factory = createEngineFactory({
      agents: [echoAgent],
      onEvent: [
        (event) => {
          first.push(event);
          seen.push(`bus:${event.seq}`);
        },
        (event) => {
          second.push(event);
          seen.push(`otel:${event.seq}`);
        },
      ],
    });
    await factory.withEngine(contextFor('u_alice'), async (engine) => {
      engine.subscribe((event) => void seen.push(`listener:${event.seq}`));
      await engine.executeAgent({ agentName: 'echo', input: 'hi' });
    });
    expect(seen).toEqual(['listener:0', 'bus:0', 'otel:0', 'listener:1', 'bus:1', 'otel:1']);
    expect(first.map((event) => event.type)).toEqual(['agent_started', 'agent_completed']);
    expect(second).toEqual(first);
  });

  it('isolates the taps: one that throws or rejects stops neither the others nor the run, and is logged with the engine and user ids', async () => {
    const logger = spyLogger();
    const reached: string[] = [];
    const factory = createEngineFactory({
      agents: [echoAgent],
      logger,
      onEvent: [
        () => {
          throw new Error('tap down');
        },
        () => Promise.reject(new Error('publish failed')),
        (event) => void reached.push(event.type),
      ],
    });
    const result = await factory.withEngine(contextFor('u_alice'), async (engine) => {
      const ran = await engine.executeAgent({ agentName: 'echo', input: 1 });
      await Promise.resolve();
      expect(engine.getStats().listenerErrors).toBe(4);
      expect(logger.error).toHaveBeenCalledWith('Baton: an event listener threw; the run and the other listeners carry on', {
        engineId: engine.engineId,
        userId: 'u_alice',
        eventType: 'agent_started',
        seq: 0,
        error: expect.objectContaining({ message: 'tap down' }),
      });
      return ran;
    });
    expect(result.status).toBe('succeeded');
    expect(reached).toEqual(['agent_started', 'agent_completed']);
  });

  it('copies the array: taps added or removed after createEngineFactory change nothing', async () => {
    const reached: string[] = [];
    const taps: EventTapOption[] = [(event) => void reached.push(`kept:${event.type}`)];
    const factory = createEngineFactory({ agents: [echoAgent], onEvent: taps });
    taps.push((event) => void reached.push(`late:${event.type}`));
    await factory.withEngine(contextFor('u_alice'), (engine) => engine.executeAgent({ agentName: 'echo' }));
    expect(reached).toEqual(['kept:agent_started', 'kept:agent_completed']);
  });

  it('builds no events for an empty array (nobody observes)', async () => {
    const factory = createEngineFactory({ agents: [echoAgent], onEvent: [] });
    const result = await factory.withEngine(contextFor('u_alice'), (engine) => engine.executeAgent({ agentName: 'echo', input: 2 }));
    expect(result.output).toBe(2);
  });

  it.each([
    ['a string', 'publish', 'createEngineFactory: onEvent must be a function or an array of functions'],
    ['an object', { publish() {} }, 'createEngineFactory: onEvent must be a function or an array of functions'],
    ['an array holding a non-function', [() => {}, 'otel'], 'createEngineFactory: onEvent[1] must be a function'],
  ])('refuses %s as onEvent with InvalidConfigError', (_case, onEvent, message) => {
    const attempt = () => createEngineFactory({ agents: [], onEvent: onEvent as never });
    expect(attempt).toThrow(InvalidConfigError);
    expect(attempt).toThrow(message);
  });
});

describe('createEngineFactory logger styles', () => {
  it("passes a pino logger the details as fields, the engine's and user's ids included", async () => {
    const lines: { level: string; fields: Record<string, unknown>; message: string }[] = [];
    const pinoLike = Object.create({
      [Symbol.for('pino.serializers')]: {},
      error(fields: Record<string, unknown>, message: string) {
        lines.push({ level: 'error', fields, message });
      },
    }) as object;
    const factory = createEngineFactory({
      agents: [echoAgent],
      logger: pinoLike,
      onEvent: () => {
        throw new Error('tap down');
      },
    });
    const engineId = await factory.withEngine(contextFor('u_bob'), async (engine) => {
      await engine.executeAgent({ agentName: 'echo' });
      return engine.engineId;
    });
    expect(lines[0]).toEqual({
      level: 'error',
      message: 'Baton: an event listener threw; the run and the other listeners carry on',
      fields: { engineId, userId: 'u_bob', eventType: 'agent_started', seq: 0, err: expect.objectContaining({ message: 'tap down' }) },
    });
  });
});
