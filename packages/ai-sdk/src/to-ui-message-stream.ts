import { type AgentEvent, BatonError, InvalidConfigError } from '@baton/engine-contract';
import { type EmitChunk, UIMessageChunkMapper } from './ui-message-chunk-mapper.js';
import type { BatonUIMessageChunk } from './ui-message-types.js';

/** Options of `toUIMessageStream`. */
export interface ToUIMessageStreamOptions {
  /** The id of the assistant message, sent in the `start` chunk; default: none (the client makes one). */
  readonly messageId?: string;
  /**
   * The `errorText` of the `error` chunk sent when iterating `events` throws. Default: the message of
   * a Baton error (`BatonError.isInstance`), else `'An error occurred.'`, so that no internal detail
   * reaches the client (as in the AI SDK).
   */
  readonly onError?: (error: unknown) => string;
}

const GENERIC_ERROR_TEXT = 'An error occurred.';

function defaultErrorText(error: unknown): string {
  return BatonError.isInstance(error) ? error.message : GENERIC_ERROR_TEXT;
}

/**
 * The events of one workflow run as an AI SDK UI message stream, the protocol `useChat` reads: one
 * assistant message made of `start`, a text part per agent call that wrote output, a reasoning part
 * per thought, a tool part per tool call, a `data-baton-stage` part per stage, and `finish` after
 * `workflow_completed`. Send it with the AI SDK's `createUIMessageStreamResponse` or
 * `pipeUIMessageStreamToResponse`, or read it with `readUIMessageStream`.
 *
 * Subscribe before the run starts (`engine.events()` subscribes when called) so no event is missed.
 * The stream reads `events` only as fast as it is read (backpressure), and stops iterating, calling
 * the iterator's `return()`, after `workflow_completed` or when the consumer cancels the stream (a
 * client that went away). The run itself goes on: cancel it with its own signal.
 * - A failed run still ends with `finish` (`finishReason: 'error'`); a cancelled one with an `abort`
 *   chunk and `finish` (`finishReason: 'other'`).
 * - `events` ending before `workflow_completed` (its signal aborted, the engine disposed): the open
 *   parts end and `finish` is sent without a finish reason.
 * - Iterating `events` throws: the open parts end, an `error` chunk (`errorText` from `onError`) is
 *   sent and the stream closes without `finish`, as the AI SDK's own streams do.
 * @throws InvalidConfigError when `events` is not async-iterable or an option is invalid.
 * @example
 * const stream = toUIMessageStream(engine.events(), { messageId: 'msg_1' });
 * void orchestrator.run({ input: question });
 * return createUIMessageStreamResponse({ stream });
 */
export function toUIMessageStream(
  events: AsyncIterable<AgentEvent>,
  options: ToUIMessageStreamOptions = {},
): ReadableStream<BatonUIMessageChunk> {
  const { messageId, onError = defaultErrorText } = checkOptions(events, options);
  // Taken now, not at the first read: an iterator that subscribes when made misses nothing.
  const iterator = events[Symbol.asyncIterator]();
  const mapper = new UIMessageChunkMapper();
  let done = false;
  const stopIterating = (): void => {
    done = true;
    try {
      // Not awaited: a generator parked on an event that never comes would hold the cancel forever.
      Promise.resolve(iterator.return?.()).catch(() => {});
    } catch {
      // A throwing return() changes nothing for the stream.
    }
  };
  return new ReadableStream<BatonUIMessageChunk>({
    start(controller) {
      controller.enqueue(messageId === undefined ? { type: 'start' } : { type: 'start', messageId });
    },
    async pull(controller) {
      let emitted = false;
      const emit: EmitChunk = (chunk) => {
        emitted = true;
        controller.enqueue(chunk);
      };
      // One pull reads events until one of them produced a chunk (many produce none).
      while (!emitted) {
        let next: IteratorResult<AgentEvent>;
        try {
          next = await iterator.next();
        } catch (error) {
          if (done) return;
          done = true;
          mapper.endOpenParts(emit);
          emit({ type: 'error', errorText: errorTextOf(onError, error) });
          controller.close();
          return;
        }
        if (done) return; // cancelled by the consumer while waiting
        if (next.done) {
          done = true;
          mapper.finish(emit);
          controller.close();
          return;
        }
        const event = next.value;
        if (typeof event !== 'object' || event === null) continue;
        if (mapper.map(event, emit)) {
          controller.close();
          stopIterating();
          return;
        }
      }
    },
    cancel() {
      if (!done) stopIterating();
    },
  });
}

function errorTextOf(onError: (error: unknown) => string, error: unknown): string {
  try {
    const text = onError(error);
    return typeof text === 'string' ? text : GENERIC_ERROR_TEXT;
  } catch {
    return GENERIC_ERROR_TEXT;
  }
}

function checkOptions(events: unknown, options: ToUIMessageStreamOptions): ToUIMessageStreamOptions {
  const fail = (message: string): never => {
    throw new InvalidConfigError({ message: `toUIMessageStream(events, options): ${message}` });
  };
  if (typeof (events as AsyncIterable<unknown> | null)?.[Symbol.asyncIterator] !== 'function') {
    fail('events must be an AsyncIterable of agent events, e.g. engine.events()');
  }
  if (typeof options !== 'object' || options === null) fail('options must be an object { messageId?, onError? }');
  const { messageId, onError } = options;
  if (messageId !== undefined && (typeof messageId !== 'string' || messageId === '')) fail('messageId must be a non-empty string');
  if (onError !== undefined && typeof onError !== 'function') fail('onError must be a function (error) => string');
  return options;
}
