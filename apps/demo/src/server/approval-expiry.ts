import type { RunStore } from '@baton/engine-contract';
import type { ExpiryOutcome } from './run-decisions.js';

/** Calls `callback` once, `delayMs` from now; returns the function that cancels it. Tests inject a manual one. */
export type ScheduleTimer = (delayMs: number, callback: () => void) => () => void;

// setTimeout fires at once beyond this; a longer wait is cut into pieces (the expiry is checked again).
const MAX_TIMER_MS = 2 ** 31 - 1;

/** The default timer: `setTimeout`, `unref`'d, so a waiting approval never keeps the process alive. */
export const scheduleUnrefTimer: ScheduleTimer = (delayMs, callback) => {
  const timer = setTimeout(callback, Math.min(Math.max(0, delayMs), MAX_TIMER_MS));
  timer.unref();
  return () => clearTimeout(timer);
};

/** Options of `ApprovalExpiry`. */
export interface ApprovalExpiryOptions {
  /** Where the suspension (and its `expiresAt`) is read from. */
  store: RunStore;
  /** Resumes a run whose approval may have expired (`expireRun`). */
  expire(workflowId: string): Promise<ExpiryOutcome>;
  /** The orchestrator's clock (epoch ms). */
  now: () => number;
  /** Default `scheduleUnrefTimer`. */
  schedule?: ScheduleTimer;
  /** When a timeout could not be started (the user's limit is full, Redis is away), try again this much later (ms). Default 30 s. */
  retryDelayMs?: number;
  log: { warn(details: object, message: string): void };
}

/**
 * Enforces approval timeouts in memory mode. The server `watch`es each run that suspended: a timer at
 * the suspension's `expiresAt` resumes it without a decision (`expire`), which fails the gated stage
 * with `APPROVAL_TIMEOUT`, unless a decision came first (the store's compare-and-set). `close` stops
 * every timer. (Redis mode needs none of this: the worker tier schedules each timeout as a delayed
 * BullMQ job, which outlives any one instance.)
 */
export class ApprovalExpiry {
  readonly #options: ApprovalExpiryOptions;
  readonly #schedule: ScheduleTimer;
  readonly #timers = new Map<string, () => void>();
  #closed = false;

  constructor(options: ApprovalExpiryOptions) {
    this.#options = options;
    this.#schedule = options.schedule ?? scheduleUnrefTimer;
  }

  /** A run suspended: schedules its timeout. Never rejects. */
  async watch(workflowId: string): Promise<void> {
    if (this.#closed) return;
    const { store, log } = this.#options;
    let expiresAt: number | undefined;
    try {
      const record = await store.get(workflowId);
      expiresAt = record?.status === 'suspended' ? record.suspension?.expiresAt : undefined;
    } catch (error) {
      log.warn({ err: error, workflowId }, "could not read a suspended run's expiry; a decision after it still counts as a timeout");
      return;
    }
    if (expiresAt === undefined) return;
    this.#arm(workflowId, expiresAt);
  }

  /** Stops every timer (shutdown). */
  close(): void {
    this.#closed = true;
    for (const cancel of this.#timers.values()) cancel();
    this.#timers.clear();
  }

  #arm(workflowId: string, at: number): void {
    if (this.#closed) return;
    this.#timers.get(workflowId)?.();
    const cancel = this.#schedule(at - this.#options.now(), () => {
      this.#timers.delete(workflowId);
      void this.#fire(workflowId);
    });
    this.#timers.set(workflowId, cancel);
  }

  /** Resumes the run, and re-arms what has to be tried again. */
  async #fire(workflowId: string): Promise<void> {
    if (this.#closed) return;
    const { expire, now } = this.#options;
    const outcome = await expire(workflowId);
    if (outcome.kind === 'done') return;
    const at = outcome.kind === 'later' ? outcome.expiresAt : now() + (this.#options.retryDelayMs ?? 30_000);
    this.#arm(workflowId, at);
  }
}
