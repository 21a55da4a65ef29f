import { InvalidConfigError, isAbortSignal } from '@baton/engine-contract';

/** Why a wait ended without the gate opening: the signal's reason, or an AbortError when it has none. */
function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('The wait at the gate was aborted', 'AbortError');
}

/**
 * A point where agents (or any code) wait until the test opens it: holds a run exactly where the test
 * wants it, whatever the machine's speed. `reached(n)` tells the test that `n` waits have begun, so it
 * acts on events, never on time. Once opened it stays open.
 */
export class Gate {
  #open = false;
  #arrived = 0;
  readonly #openers = new Set<() => void>();
  readonly #arrivals = new Set<{ count: number; resolve: () => void }>();

  /** True once `open()` was called. */
  get isOpen(): boolean {
    return this.#open;
  }

  /** How many waits have begun in all (open or not). */
  get arrived(): number {
    return this.#arrived;
  }

  /** How many waits are still waiting. */
  get waiting(): number {
    return this.#openers.size;
  }

  /** Opens the gate: every wait resolves, and later ones resolve at once. Idempotent. */
  open(): void {
    this.#open = true;
    for (const release of [...this.#openers]) release();
  }

  /**
   * Waits until the gate opens. With a `signal` (pass the agent's `ctx.signal`), an abort rejects the
   * wait with the signal's reason, so a cancelled or timed-out run never stays stuck here.
   * @throws InvalidConfigError (as a rejection) when `signal` is given but is not an AbortSignal.
   */
  wait(signal?: AbortSignal): Promise<void> {
    if (signal !== undefined && !isAbortSignal(signal)) {
      return Promise.reject(new InvalidConfigError({ message: 'gate.wait(signal): signal must be an AbortSignal' }));
    }
    this.#arrived++;
    for (const arrival of [...this.#arrivals]) {
      if (this.#arrived < arrival.count) continue;
      this.#arrivals.delete(arrival);
      arrival.resolve();
    }
    if (this.#open) return Promise.resolve();
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    return new Promise((resolve, reject) => {
      const release = (): void => {
        this.#openers.delete(release);
        signal?.removeEventListener('abort', abort);
        resolve();
      };
      const abort = (): void => {
        this.#openers.delete(release);
        reject(abortReason(signal!));
      };
      this.#openers.add(release);
      signal?.addEventListener('abort', abort, { once: true });
    });
  }

  /**
   * Resolves once `count` waits (in all, since the gate was made) have begun.
   * @throws InvalidConfigError (as a rejection) when `count` is not an integer ≥ 1.
   */
  reached(count = 1): Promise<void> {
    if (!Number.isInteger(count) || count < 1) {
      return Promise.reject(new InvalidConfigError({ message: 'gate.reached(count): count must be an integer ≥ 1' }));
    }
    if (this.#arrived >= count) return Promise.resolve();
    return new Promise((resolve) => this.#arrivals.add({ count, resolve }));
  }
}

/**
 * A new, closed gate.
 * @example
 * const gate = createGate();
 * const agent = scriptedAgent({ name: 'slow', script: [{ until: gate }, { write: 'done' }] });
 * // ... start a call, then:
 * await gate.reached(); // the call is waiting at the gate
 * gate.open();
 */
export function createGate(): Gate {
  return new Gate();
}
