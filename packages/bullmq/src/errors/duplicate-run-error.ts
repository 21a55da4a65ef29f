import { BatonError } from '@baton/engine-contract';

const name = 'DuplicateRunError';
const marker = `baton.error.${name}`;
const symbol = Symbol.for(marker);

/** The `code` of a `DuplicateRunError`. */
export const DUPLICATE_RUN = 'DUPLICATE_RUN' as const;

/**
 * Thrown by `queue.enqueue` when the run's job still exists: the same `userId` and `runId` were
 * enqueued before and that job is waiting, running, or finished within the queue's retention
 * (`code: 'DUPLICATE_RUN'`). Nothing is enqueued then.
 */
export class DuplicateRunError extends BatonError {
  // biome-ignore lint/correctness/noUnusedPrivateClassMembers: the brand is read through Symbol.for by isInstance, which the rule cannot see.
  private readonly [symbol] = true;
  /** The workflow id (job id) the run already has. */
  readonly workflowId: string;

  constructor(options: { workflowId: string; message?: string; cause?: unknown }) {
    super({
      code: DUPLICATE_RUN,
      message:
        options.message ??
        `Run ${options.workflowId} is already enqueued (its job is waiting, running or was kept after it finished): each userId and runId runs once`,
      cause: options.cause,
    });
    this.name = name;
    this.workflowId = options.workflowId;
  }

  /** True for a `DuplicateRunError` from any copy of this package; false for other errors. */
  static override isInstance(error: unknown): error is DuplicateRunError {
    return BatonError.hasMarker(error, marker);
  }
}
