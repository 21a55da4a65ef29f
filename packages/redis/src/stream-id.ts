/** A Redis Stream entry id split into its two unsigned 64-bit parts. */
export interface StreamId {
  /** Milliseconds part. */
  readonly ms: bigint;
  /** Sequence number within that millisecond. */
  readonly seq: bigint;
}

const MAX_PART = 2n ** 64n - 1n;
// Up to 20 digits per part: 2^64 - 1 has 20, longer strings cannot be valid and would only cost BigInt work.
const PATTERN = /^(\d{1,20})-(\d{1,20})$/;

/** The smallest id; Redis never stores it (XADD refuses `0-0`), so "after `0-0`" means "everything". */
export const MIN_STREAM_ID: StreamId = Object.freeze({ ms: 0n, seq: 0n });

/**
 * Parses a full `<ms>-<seq>` id. Returns `undefined` for anything else (including the bare `'0'`
 * shorthand, which callers handle explicitly, and parts above 2^64 - 1).
 * @internal
 */
export function parseStreamId(text: unknown): StreamId | undefined {
  if (typeof text !== 'string') return undefined;
  const match = PATTERN.exec(text);
  if (!match) return undefined;
  const ms = BigInt(match[1] as string);
  const seq = BigInt(match[2] as string);
  if (ms > MAX_PART || seq > MAX_PART) return undefined;
  return { ms, seq };
}

/** Canonical text of an id (no leading zeros), as Redis prints it. @internal */
export function formatStreamId(id: StreamId): string {
  return `${id.ms}-${id.seq}`;
}

/** Negative, zero or positive as `a` sorts before, equal to or after `b`. @internal */
export function compareStreamIds(a: StreamId, b: StreamId): number {
  if (a.ms !== b.ms) return a.ms < b.ms ? -1 : 1;
  if (a.seq !== b.seq) return a.seq < b.seq ? -1 : 1;
  return 0;
}

/**
 * The smallest id greater than `id`: the inclusive start of "everything after `id`". Used instead of
 * XRANGE's exclusive `(` syntax, which needs Redis 6.2. `undefined` after the largest possible id.
 * @internal
 */
export function nextStreamId(id: StreamId): StreamId | undefined {
  if (id.seq < MAX_PART) return { ms: id.ms, seq: id.seq + 1n };
  if (id.ms < MAX_PART) return { ms: id.ms + 1n, seq: 0n };
  return undefined;
}
