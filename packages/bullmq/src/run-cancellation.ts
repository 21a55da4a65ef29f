import type { Queue } from 'bullmq';

// A cancel must reach the one worker that holds the run's job, wherever it is: BullMQ's own
// `worker.cancelJob` is local to a worker, so the queue publishes the workflow id on a Redis channel
// of the queue (plain Redis pub/sub, on BullMQ's connection) and every worker of the queue aborts the
// run if it holds it. A job not started yet is marked in its data, so that whoever takes it up next
// ends it cancelled at once (see `RunJobData.cancelled`).

/** The part of an ioredis client the cancellations use (BullMQ's own client interface has no pub/sub). */
interface PubSubClient {
  readonly options?: { keepAlive?: number };
  publish(channel: string, message: string): Promise<number>;
  subscribe(channel: string): Promise<unknown>;
  duplicate(override?: { commandTimeout?: number; keepAlive?: number; maxRetriesPerRequest?: number | null }): PubSubClient;
  on(event: string, listener: (...args: never[]) => void): unknown;
  disconnect(): void;
}

/** BullMQ's client, as the ioredis client it is with BullMQ's Redis backend. */
async function pubSubClientOf(queue: Queue): Promise<PubSubClient> {
  const client = (await queue.backend.client) as unknown as Partial<PubSubClient>;
  if (typeof client.publish !== 'function' || typeof client.duplicate !== 'function') {
    throw new TypeError('run cancellation needs BullMQ on an ioredis connection (publish/subscribe)');
  }
  return client as PubSubClient;
}

/**
 * The subscriber's own command timeout, whatever the worker's client says: SUBSCRIBE is answered at
 * once by a Redis that is there, so a reply later than this means Redis stopped answering (a network
 * partition, a stopped host), and starting the worker must not wait for it forever.
 */
const SUBSCRIBER_COMMAND_TIMEOUT_MS = 5000;
/** TCP keep-alive of the subscriber (ms before the first probe) when the worker's client sets none. */
const SUBSCRIBER_KEEP_ALIVE_MS = 10_000;

/** The pub/sub channel of a queue's cancellations: next to BullMQ's own keys of the queue. @internal */
export function cancellationChannel(queue: Queue): string {
  return `${queue.toKey('')}baton-cancel`;
}

/** Publishes a cancellation of `workflowId` to every worker of `queue`. @internal */
export async function publishCancellation(queue: Queue, workflowId: string): Promise<void> {
  await (await pubSubClientOf(queue)).publish(cancellationChannel(queue), workflowId);
}

/**
 * Calls `onCancel(workflowId)` for each cancellation published to `queue`'s workers, on a connection
 * of its own (a subscribed connection can do nothing else). Resolves once subscribed, to the function
 * that ends the subscription.
 * @internal
 */
export async function subscribeToCancellations(
  queue: Queue,
  onCancel: (workflowId: string) => void,
  onError: (error: Error) => void,
): Promise<() => Promise<void>> {
  const client = await pubSubClientOf(queue);
  const keepAlive = client.options?.keepAlive;
  const subscriber = client.duplicate({
    commandTimeout: SUBSCRIBER_COMMAND_TIMEOUT_MS,
    keepAlive: typeof keepAlive === 'number' && keepAlive > 0 ? keepAlive : SUBSCRIBER_KEEP_ALIVE_MS,
  });
  subscriber.on('error', onError);
  const channel = cancellationChannel(queue);
  subscriber.on('message', (from: string, workflowId: string) => {
    if (from === channel) onCancel(workflowId);
  });
  await subscriber.subscribe(channel);
  // Nothing is ever pending on a subscribed connection, so it is dropped rather than QUIT: no wait
  // for a reply that a Redis that stopped answering would never send.
  return async () => subscriber.disconnect();
}
