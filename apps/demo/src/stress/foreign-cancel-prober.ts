import type { FrameClient } from '../test-support/demo-test-client.js';
import type { WireChecker } from './wire-checker.js';

/** Serialises a prober's cancels, so each UNKNOWN_RUN answer can be attributed to its request. */
export class ForeignCancelProber {
  #chain: Promise<void> = Promise.resolve();
  constructor(
    readonly client: FrameClient,
    private readonly checker: WireChecker,
    private readonly silenceMs: number,
  ) {}

  /** Tries to cancel another user's run; resolves once the server has answered (it must be UNKNOWN_RUN). */
  cancelForeign(runId: string, owner: string): Promise<void> {
    const attempt = async () => {
      const seen = this.client.frames.length;
      this.client.send({ type: 'cancel', runId });
      try {
        const answer = await this.client.waitFor((frame) => this.client.frames.indexOf(frame) >= seen, this.silenceMs);
        if (answer.type !== 'error' || answer.code !== 'UNKNOWN_RUN') {
          this.checker.add('foreign-cancel', `a foreign cancel of ${owner}'s run ${runId} got ${JSON.stringify(answer).slice(0, 200)}`);
        }
      } catch {
        this.checker.add('foreign-cancel', `a foreign cancel of ${owner}'s run ${runId} got no answer (did it cancel the run?)`);
      }
    };
    const next = this.#chain.then(attempt);
    this.#chain = next;
    return next;
  }
}
