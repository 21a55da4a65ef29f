import { compareStreamIds, MIN_STREAM_ID, parseStreamId, type StreamId } from './stream-id.js';

/** The parts of `XINFO STREAM` that tell whether a replay position is still complete. @internal */
export interface StreamInfo {
  /** The id of the newest entry ever added (also after it was trimmed). */
  readonly lastGeneratedId: StreamId | undefined;
  /** Entries in the stream now. */
  readonly length: number;
  /** Entries ever added to this stream; only Redis ≥ 7 reports it. */
  readonly entriesAdded: number | undefined;
  /** The oldest retained entry's id; `undefined` when the stream is empty. */
  readonly firstEntryId: StreamId | undefined;
}

/**
 * Reads the flat `[name, value, ...]` reply of `XINFO STREAM` (RESP2, as ioredis returns it).
 * @internal
 */
export function parseStreamInfo(reply: unknown): StreamInfo {
  const fields = new Map<string, unknown>();
  if (Array.isArray(reply)) {
    for (let index = 0; index + 1 < reply.length; index += 2) fields.set(String(reply[index]), reply[index + 1]);
  }
  const firstEntry = fields.get('first-entry');
  return {
    lastGeneratedId: parseStreamId(fields.get('last-generated-id')),
    length: Number(fields.get('length') ?? 0),
    entriesAdded: typeof fields.get('entries-added') === 'number' ? (fields.get('entries-added') as number) : undefined,
    firstEntryId: Array.isArray(firstEntry) ? parseStreamId(firstEntry[0]) : undefined,
  };
}

/** True for the error XINFO STREAM gives for a key that does not exist. @internal */
export function isNoSuchKeyError(error: unknown): boolean {
  return error instanceof Error && /no such key/i.test(error.message);
}

/**
 * True when entries newer than `afterId` may have been trimmed away, i.e. reading on from `afterId`
 * could silently skip events. The bus only trims from the head (`MAXLEN`), so what is gone is exactly
 * what precedes the first retained entry: a position before it has lost its successors, unless
 * nothing was ever removed (`entries-added` equals the length). Conservative in one case: when
 * `afterId` is itself the newest trimmed entry nothing after it is lost, yet this says "trimmed"
 * (the consumer is then `maxLenPerUser` behind anyway). Redis 7's `max-deleted-entry-id` would be
 * exact, but it only tracks XDEL, not trimming. Redis < 7 does not report `entries-added`: there a
 * position is judged against the first retained entry alone, except the start of a stream (`0-0`),
 * which would otherwise look trimmed as soon as the stream exists.
 * @internal
 */
/**
 * True when an explicit `fromId` cannot be resumed exactly: it is older than the first retained entry
 * (or, for an empty stream, than its last id). Unlike `isTrimmedPast` this ignores `entries-added`:
 * a stream that expired while idle and was created anew has added no more than it holds, yet a
 * position from its previous life has lost the events after it.
 * @internal
 */
export function isOlderThanRetained(info: StreamInfo, afterId: StreamId): boolean {
  if (compareStreamIds(afterId, MIN_STREAM_ID) === 0) return false;
  const boundary = info.firstEntryId ?? info.lastGeneratedId;
  return boundary !== undefined && compareStreamIds(afterId, boundary) < 0;
}

export function isTrimmedPast(info: StreamInfo, afterId: StreamId): boolean {
  if (info.entriesAdded === undefined) {
    if (compareStreamIds(afterId, MIN_STREAM_ID) === 0) return false;
  } else if (info.entriesAdded <= info.length) {
    return false;
  }
  const boundary = info.firstEntryId ?? info.lastGeneratedId;
  return boundary !== undefined && compareStreamIds(afterId, boundary) < 0;
}
