import type { AgentEvent } from '@baton/engine-contract';
import { describe, expect, it, vi } from 'vitest';
import { spyLogger } from './__fixtures__/test-helpers.js';
import { EventDispatcher } from './event-dispatcher.js';

const event = (seq: number) => ({ type: 'agent_thinking', seq }) as unknown as AgentEvent;
const dispatcher = (
  options: { tap?: (event: AgentEvent) => unknown; taps?: ((event: AgentEvent) => unknown)[]; validate?: boolean } = {},
) => {
  const logger = spyLogger();
  const taps = options.taps ?? (options.tap === undefined ? [] : [options.tap]);
  return { logger, events: new EventDispatcher({ engineId: 'engine-1', logger, taps, validate: options.validate ?? false }) };
};

describe('EventDispatcher', () => {
  it('is observed only with a listener, a tap or validation', () => {
    expect(dispatcher().events.observed).toBe(false);
    expect(dispatcher({ tap: () => {} }).events.observed).toBe(true);
    expect(dispatcher({ validate: true }).events.observed).toBe(true);
    const { events } = dispatcher();
    const unsubscribe = events.subscribe(() => {});
    expect(events.observed).toBe(true);
    unsubscribe();
    expect(events.observed).toBe(false);
  });

  it('removes exactly the unsubscribed listener, whatever its position, and keeps the others', () => {
    const { events } = dispatcher();
    const seen: string[] = [];
    events.subscribe(() => seen.push('a'));
    const unsubscribeB = events.subscribe(() => seen.push('b'));
    events.subscribe(() => seen.push('c'));
    unsubscribeB();
    events.dispatch(event(0));
    expect(seen).toEqual(['a', 'c']);
  });

  it('removes one subscription per unsubscribe of a listener subscribed twice, each unsubscribe acting once', () => {
    const { events } = dispatcher();
    const listener = vi.fn();
    const first = events.subscribe(listener);
    events.subscribe(listener);
    first();
    first();
    events.dispatch(event(0));
    expect(listener).toHaveBeenCalledTimes(1);
  });

  it('still delivers the current event to every other listener when one unsubscribes itself during delivery', () => {
    const { events } = dispatcher();
    const seen: string[] = [];
    const unsubscribe = events.subscribe(() => {
      seen.push('self');
      unsubscribe();
    });
    events.subscribe(() => seen.push('next'));
    events.dispatch(event(0));
    events.dispatch(event(1));
    expect(seen).toEqual(['self', 'next', 'next']);
  });

  it('calls several taps in order after the listeners, each on its own: a throwing or rejecting tap stops none of the others', async () => {
    const seen: string[] = [];
    const { events, logger } = dispatcher({
      taps: [
        (delivered) => void seen.push(`first:${delivered.seq}`),
        () => {
          throw new Error('tap down');
        },
        () => Promise.reject(new Error('publish failed')),
        (delivered) => void seen.push(`last:${delivered.seq}`),
      ],
    });
    events.subscribe((delivered) => void seen.push(`listener:${delivered.seq}`));
    events.dispatch(event(0));
    events.dispatch(event(1));
    await Promise.resolve();
    expect(seen).toEqual(['listener:0', 'first:0', 'last:0', 'listener:1', 'first:1', 'last:1']);
    expect(events.errors).toBe(4);
    expect(logger.error).toHaveBeenCalledWith(
      expect.stringMatching(/listener threw/),
      expect.objectContaining({ eventType: 'agent_thinking', seq: 1 }),
    );
  });

  it('is not observed with an empty list of taps', () => {
    expect(dispatcher({ taps: [] }).events.observed).toBe(false);
    expect(dispatcher({ taps: [() => {}, () => {}] }).events.observed).toBe(true);
  });

  it('does not count a listener or tap that returns null, a plain object or a fulfilled promise as an error', async () => {
    const { events, logger } = dispatcher({ tap: () => null });
    events.subscribe(() => null as never);
    events.subscribe(() => ({}) as never);
    events.subscribe(() => Promise.resolve(1) as never);
    events.dispatch(event(0));
    await Promise.resolve();
    expect(events.errors).toBe(0);
    expect(logger.error).not.toHaveBeenCalled();
  });

  it('counts and logs a tap whose promise rejects, and one whose then getter throws', async () => {
    const { events, logger } = dispatcher({ tap: () => Promise.reject(new Error('transport down')) });
    events.subscribe(
      () =>
        ({
          get then() {
            throw new Error('hostile');
          },
        }) as never,
    );
    events.dispatch(event(0));
    await Promise.resolve();
    await Promise.resolve();
    expect(events.errors).toBe(2);
    expect(logger.error).toHaveBeenCalledWith('Baton: an event listener threw; the run and the other listeners carry on', {
      engineId: 'engine-1',
      error: expect.any(Error),
    });
  });

  it('refuses an invalid event when validating, naming the engine, the type, the nested path and the issue', () => {
    const { events, logger } = dispatcher({ validate: true });
    const bad = {
      type: 'workflow_planned',
      userId: 'u',
      threadId: 't',
      runId: 'r',
      requestId: 'q',
      engineId: 'e',
      executionId: 'x',
      agentName: 'workflow',
      seq: 0,
      timestamp: 1,
      workflowId: 'w',
      path: 'p',
      stages: ['ok', 5],
    };
    expect(() => events.dispatch(bad as unknown as AgentEvent)).toThrow(
      /^Engine engine-1 built an invalid workflow_planned event: stages\.1: \S/,
    );
    expect(logger.error).toHaveBeenCalledWith('Baton: invalid event (validateEvents is on)', {
      engineId: 'engine-1',
      error: expect.any(Error),
    });
    expect(() => events.dispatch({ type: 'nope' } as unknown as AgentEvent)).toThrow(
      /^Engine engine-1 built an invalid nope event: type: \S/,
    );
  });
});
