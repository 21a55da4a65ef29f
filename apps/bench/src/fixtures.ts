import { createUserExecutionContext, type UserExecutionContext } from '@baton/engine-contract';

/** A context for bench user `index` (ids are real-looking, never placeholders). */
export function benchContext(index = 0): UserExecutionContext {
  return createUserExecutionContext({
    userId: `bench-user-${index.toString().padStart(5, '0')}`,
    threadId: `bench-thread-${index}`,
    runId: `bench-run-${index}`,
  });
}

/**
 * Keeps results observable so that the optimiser cannot drop the measured work.
 * Cases add what each operation returned; main prints nothing of it.
 */
export const sink = { value: 0 };

/** The trivial unit of work every contender of a case performs (an async function, as agents are). */
export async function trivialWork(value: number): Promise<number> {
  return value + 1;
}
