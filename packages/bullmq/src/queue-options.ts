import { describeZodIssue, InvalidConfigError } from '@baton/engine-contract';
import type { ConnectionOptions } from 'bullmq';
import { z } from 'zod';

/** The default `queueName`. */
export const DEFAULT_QUEUE_NAME = 'baton-workflows';

/** Where the workflow jobs live: the options the queue and the worker share, handed to BullMQ unchanged. */
export interface WorkflowQueueLocation {
  /**
   * An ioredis client or BullMQ connection options (`{ host, port, … }`). A client is shared and left
   * open by `close()`; a worker's client must have `maxRetriesPerRequest: null`, as BullMQ requires of
   * the connections it blocks on. From options, BullMQ makes (and closes) its own connections.
   */
  connection: ConnectionOptions;
  /** The BullMQ queue name. Default `'baton-workflows'`. */
  queueName?: string;
  /** BullMQ's key prefix (BullMQ's default `'bull'` when absent). */
  prefix?: string;
}

/** The zod shape of `WorkflowQueueLocation`, for the option schemas of the queue and the worker. @internal */
export const queueLocationShape = {
  connection: z.custom<ConnectionOptions>((value) => typeof value === 'object' && value !== null && !Array.isArray(value), {
    error: 'must be an ioredis client or BullMQ connection options (an object)',
  }),
  // ':' separates the parts of BullMQ's keys; whitespace breaks CLIENT SETNAME.
  queueName: z
    .string()
    .min(1)
    .max(256)
    .regex(/^[^\s:]+$/, 'must not contain whitespace or ":"')
    .optional(),
  prefix: z.string().min(1).max(256).regex(/^\S+$/, 'must not contain whitespace').optional(),
};

/**
 * Parses the options given to one of this package's functions with `schema`.
 * @throws InvalidConfigError naming the function, the option and the rule (never the value).
 * @internal
 */
export function parseOptions<T>(schema: z.ZodType<T>, options: unknown, functionName: string): T {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new InvalidConfigError({ message: `${functionName} expects an options object` });
  }
  const parsed = schema.safeParse(options);
  if (!parsed.success) {
    throw new InvalidConfigError({ message: `${functionName}: ${describeZodIssue(parsed.error, { root: 'options' })}` });
  }
  return parsed.data;
}

/** The BullMQ options of a queue or worker at `location`: `prefix` only when given (BullMQ keeps its default). @internal */
export function bullmqLocation(location: WorkflowQueueLocation): { connection: ConnectionOptions; prefix?: string } {
  return location.prefix === undefined ? { connection: location.connection } : { connection: location.connection, prefix: location.prefix };
}
