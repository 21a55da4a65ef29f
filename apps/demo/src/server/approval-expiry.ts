import type { RunStore } from '@baton/engine-contract';
import type { ApprovalExpiryIndex } from './approval-expiry-index.js';
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

/** How many due entries one sweep takes at most; the next sweep takes the rest. */
const SWEEP_BATCH = 100;

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
  /** Redis mode: the expiries shared by every instance; each one sweeps the due entries. */
  index?: ApprovalExpiryIndex | undefined;
  /** Redis mode: how often the shared index is swept (ms). Default 60 s. */
  sweepIntervalMs?: number;
  /** When a timeout could not be started (the user's limit is full, Redis is away), try again this much later (ms). Default 30 s. */
  retryDelayMs?: number;
  log: { warn(details: object, message: string): void };
}

/**
 * Enforces approval timeouts. The instance that ran a run until it suspended `watch`es it: a timer at
 * the suspension's `expiresAt` resumes it without a decision (`expire`), which fails the gated stage
 * with `APPROVAL_TIMEOUT`, unless a decision came first (the store's compare-and-set). In Redis mode
 * the expiry is also noted in a shared index that every instance sweeps at `start` and then every
 * `sweepIntervalMs`, so a run whose instance is gone still times out (at most one sweep late); the
 * index's atomic claim lets one instance handle each entry. `close` stops every timer.
 */
export class ApprovalExpiry {
  readonly #options: ApprovalExpiryOptions;
  readonly #schedule: ScheduleTimer;
  readonly #timers = new Map<string, () => void>();
  #stopSweeping: (() => void) | undefined;
  #closed = false;

  constructor(options: ApprovalExpiryOptions) {
    this.#options = options;
    this.#schedule = options.schedule ?? scheduleUnrefTimer;
  }

  /** A run suspended: schedules its timeout (and, in Redis mode, notes it in the shared index). Never rejects. */
  async watch(workflowId: string): Promise<void> {
    if (this.#closed) return;
    const { store, index, log } = this.#options;
    let expiresAt: number | undefined;
    try {
      const record = await store.get(workflowId);
      expiresAt = record?.status === 'suspended' ? record.suspension?.expiresAt : undefined;
    } catch (error) {
      log.warn({ err: error, workflowId }, "could not read a suspended run's expiry; the shared sweep times it out if it was noted");
      return;
    }
    if (expiresAt === undefined) return;
    await index?.add(workflowId, expiresAt);
    this.#arm(workflowId, expiresAt);
  }

  /** Redis mode: sweeps the due entries now, then every `sweepIntervalMs` until `close`. Resolves after the first sweep. */
  async start(): Promise<void> {
    if (this.#options.index === undefined || this.#closed || this.#stopSweeping) return;
    this.#stopSweeping = () => undefined;
    await this.sweep();
    this.#armSweep();
  }

  /** Times out the due entries of the shared index (Redis mode); returns how many were due. Never rejects. */
  async sweep(): Promise<number> {
    const { index, now, log } = this.#options;
    if (index === undefined || this.#closed) return 0;
    let due: string[];
    try {
      due = await index.due(now(), SWEEP_BATCH);
    } catch (error) {
      log.warn({ err: error }, 'could not read the approvals due for a timeout; trying again at the next sweep');
      return 0;
    }
    for (const workflowId of due) await this.#fire(workflowId);
    return due.length;
  }

  /** Stops every timer and the sweep (shutdown). Entries of the shared index stay for the other instances. */
  close(): void {
    this.#closed = true;
    for (const cancel of this.#timers.values()) cancel();
    this.#timers.clear();
    this.#stopSweeping?.();
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

  #armSweep(): void {
    if (this.#closed) return;
    this.#stopSweeping = this.#schedule(this.#options.sweepIntervalMs ?? 60_000, () => {
      void this.sweep().finally(() => this.#armSweep());
    });
  }

  /** Claims the entry (Redis mode), resumes the run, and re-arms what has to be tried again. */
  async #fire(workflowId: string): Promise<void> {
    if (this.#closed) return;
    const { index, expire, now, log } = this.#options;
    if (index !== undefined) {
      try {
        // Another instance's sweep (or this one's) took it first.
        if (!(await index.claim(workflowId))) return;
      } catch (error) {
        log.warn({ err: error, workflowId }, 'could not claim an expired approval; the next sweep tries again');
        return;
      }
    }
    const outcome = await expire(workflowId);
    if (outcome.kind === 'done') return;
    const at = outcome.kind === 'later' ? outcome.expiresAt : now() + (this.#options.retryDelayMs ?? 30_000);
    await index?.add(workflowId, at);
    this.#arm(workflowId, at);
  }
}
