import { TransportError } from '@baton/engine-contract';

/**
 * `reply`, or a `TransportError` once `ms` have passed without it: a Redis that stops answering
 * (a network partition, a stopped host) keeps its connection open, so nothing else would ever end the
 * wait. `onExpire` runs first (drop the connection, so that the late reply is never read); the
 * reply's own later rejection is then ignored.
 * @internal
 */
export function replyWithin<T>(reply: Promise<T>, ms: number, action: string, onExpire: () => void): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      reply.catch(() => undefined);
      onExpire();
      reject(new TransportError({ message: `Redis ${action} failed: no reply within ${ms} ms (Redis is not answering)` }));
    }, ms);
    reply.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
