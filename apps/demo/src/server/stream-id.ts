/**
 * Redis Stream entry ids (`<ms>-<seq>`) as the demo handles them: event frame ids in Redis mode, and
 * the `?since=` a reconnecting client sends back. Only full ids are accepted (not the `0` shorthand):
 * a client can only hold ids the server gave it.
 */

const PATTERN = /^(\d{1,20})-(\d{1,20})$/;
const MAX_PART = 2n ** 64n - 1n;

/** The canonical form of a stream id (no leading zeros), or undefined when `text` is not one. */
export function canonicalStreamId(text: string): string | undefined {
  const match = PATTERN.exec(text);
  if (!match) return undefined;
  const ms = BigInt(match[1]!);
  const seq = BigInt(match[2]!);
  if (ms > MAX_PART || seq > MAX_PART) return undefined;
  return `${ms}-${seq}`;
}

/**
 * Negative, zero or positive as `a` sorts before, equal to or after `b`. Both must be canonical ids
 * (as Redis prints them, or from `canonicalStreamId`); the shorthand `0` sorts as `0-0`. Compares
 * digit strings by length first, so no BigInt is needed on the hot path (every event, every socket).
 */
export function compareStreamIds(a: string, b: string): number {
  const [aMs = '0', aSeq = '0'] = a.split('-');
  const [bMs = '0', bSeq = '0'] = b.split('-');
  return compareDigits(aMs, bMs) || compareDigits(aSeq, bSeq);
}

function compareDigits(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}
