import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

/** One script invocation: its keys and arguments. @internal */
export interface LuaCall {
  readonly keys: readonly string[];
  readonly args: readonly (string | number)[];
}

/** `[error, result]` per call, as ioredis pipelines report them. @internal */
export type LuaResult = [error: Error | null, result: unknown];

function isNoScript(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith('NOSCRIPT');
}

/**
 * A Lua script run by SHA (EVALSHA) with a fallback to EVAL when the server does not know it yet
 * (first use, after a restart or a SCRIPT FLUSH). Kept here rather than `redis.defineCommand` so that
 * nothing is added to a client the caller passed in.
 * @internal
 */
export class LuaScript {
  /** SHA1 of `source`, the name EVALSHA knows the script by. */
  readonly sha: string;

  constructor(readonly source: string) {
    this.sha = createHash('sha1').update(source).digest('hex');
  }

  /** Runs the script once. Rejects with the ioredis error when Redis fails. */
  async run(client: Redis, call: LuaCall): Promise<unknown> {
    try {
      return await client.evalsha(this.sha, call.keys.length, ...call.keys, ...call.args);
    } catch (error) {
      if (!isNoScript(error)) throw error;
      return client.eval(this.source, call.keys.length, ...call.keys, ...call.args);
    }
  }

  /**
   * Runs the script once per call in one pipeline (one round trip); calls that met NOSCRIPT are
   * repeated with EVAL in a second pipeline. Rejects only when the pipeline as a whole fails.
   */
  async runMany(client: Redis, calls: readonly LuaCall[]): Promise<LuaResult[]> {
    const first = client.pipeline();
    for (const call of calls) first.evalsha(this.sha, call.keys.length, ...call.keys, ...call.args);
    const results = ((await first.exec()) ?? []) as LuaResult[];
    const retry = calls.map((_, index) => index).filter((index) => isNoScript(results[index]?.[0]));
    if (retry.length === 0) return results;
    const second = client.pipeline();
    for (const index of retry) {
      const call = calls[index] as LuaCall;
      second.eval(this.source, call.keys.length, ...call.keys, ...call.args);
    }
    const retried = ((await second.exec()) ?? []) as LuaResult[];
    retry.forEach((index, position) => {
      results[index] = retried[position] ?? [new Error('missing pipeline reply'), null];
    });
    return results;
  }
}
