import type { Queue } from 'bullmq';

// One atomic SET NX in Redis: of the callers that saw the same suspended job (two `decide` calls, a
// decision and an approval timeout), exactly one may replace it. BullMQ has no conditional remove, and
// an `add` of an existing id returns silently, so without this a late caller could remove the job the
// winner just added and silently put its own decision in its place. The same script marks the run as
// replaced, so that a caller who looks while the job is gone (removed, not yet added again) is told
// that another came first rather than that there is no such run.
const COMMAND = 'batonClaimSuspendedJob';
const SCRIPT = `if redis.call('SET', KEYS[1], '1', 'NX', 'PX', ARGV[1]) then
  redis.call('SET', KEYS[2], '1', 'PX', ARGV[2])
  return 1
end
return 0`;
// A claim only has to outlive the moment between reading the suspended job and replacing it; a day is
// far beyond that and keeps the keys from piling up.
const CLAIM_TTL_MS = 24 * 60 * 60 * 1000;
// The "replaced" mark covers the moment between the winner's remove and add (milliseconds); a minute
// is plenty, and short enough that a job removed later by retention reads as missing again.
const REPLACED_TTL_MS = 60 * 1000;

type QueueClient = Awaited<Queue['backend']['client']>;
const defined = new WeakSet<QueueClient>();

function replacedKey(queue: Queue, workflowId: string): string {
  return queue.toKey(`baton-replaced:${workflowId}`);
}

/**
 * Claims the suspended job of `workflowId` added with `nonce` (one add of that job id); true for the
 * one caller that got it. Runs through BullMQ's own client and script interface, so it works with any
 * client BullMQ accepts; the keys live under the queue's keys (`<prefix>:<queue>:baton-claim:…`).
 * @internal
 */
export async function claimSuspendedJob(queue: Queue, workflowId: string, nonce: string): Promise<boolean> {
  const client = await queue.backend.client;
  if (!defined.has(client)) {
    client.defineCommand(COMMAND, { numberOfKeys: 2, lua: SCRIPT });
    defined.add(client);
  }
  const claimKey = queue.toKey(`baton-claim:${workflowId}:${nonce}`);
  const claimed: unknown = await client.runCommand(COMMAND, [claimKey, replacedKey(queue, workflowId), CLAIM_TTL_MS, REPLACED_TTL_MS]);
  return Number(claimed) === 1;
}

/** True when a suspended job of `workflowId` was claimed (and so is being replaced) within the last minute. @internal */
export async function wasReplaced(queue: Queue, workflowId: string): Promise<boolean> {
  const client = await queue.backend.client;
  return (await client.get(replacedKey(queue, workflowId))) !== null;
}
