/** Held while a user has one engine; `release()` frees the slot (idempotent). */
export interface AdmissionLease {
  release(): Promise<void>;
}

/**
 * Decides whether a user may have one more engine. The factory calls `acquire` in `createEngine`
 * and releases the lease when the engine is disposed. Implement it to make the limit hold across
 * processes (e.g. `@baton/redis`).
 */
export interface UserAdmission {
  /** A lease when the user holds fewer than `limit` leases, else `null`. */
  acquire(userId: string, limit: number): Promise<AdmissionLease | null>;
}

/** The default admission: counts per user in this process. */
export class InMemoryUserAdmission implements UserAdmission {
  readonly #counts = new Map<string, number>();

  /** A lease when `userId` holds fewer than `limit` leases in this process, else `null`. */
  async acquire(userId: string, limit: number): Promise<AdmissionLease | null> {
    const held = this.#counts.get(userId) ?? 0;
    // `!(held < limit)` rather than `held >= limit`: a NaN (or non-number) limit admits no one.
    if (!(held < limit)) return null;
    this.#counts.set(userId, held + 1);
    let released = false;
    return {
      release: async () => {
        if (released) return;
        released = true;
        const now = (this.#counts.get(userId) ?? 1) - 1;
        if (now <= 0) this.#counts.delete(userId);
        else this.#counts.set(userId, now);
      },
    };
  }

  /** How many leases `userId` holds now. */
  held(userId: string): number {
    return this.#counts.get(userId) ?? 0;
  }
}
