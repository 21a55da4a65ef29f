import type { AgentContext } from '@baton/engine-contract';

interface PendingToolCall {
  readonly resolve: (output: unknown) => void;
  readonly reject: (error: unknown) => void;
  /** Settles once `ctx.tool` has emitted `tool_completed`; never rejects. */
  readonly finished: Promise<void>;
}

/**
 * The model's tool calls as Baton tool calls. The AI SDK runs the tools itself (or the provider
 * does); each call is mirrored by a `ctx.tool` whose work is "wait for the SDK's result", so the
 * engine emits `tool_executing` when the model's call arrives and `tool_completed` when its result
 * or error does, with inputs and outputs redacted as for any tool.
 * @internal
 */
export class ModelToolCalls {
  readonly #ctx: AgentContext;
  readonly #pending = new Map<string, PendingToolCall>();

  constructor(ctx: AgentContext) {
    this.#ctx = ctx;
  }

  /** The model called a tool: `tool_executing` now (`ctx.tool` emits it synchronously). */
  start(toolCallId: string, toolName: string, input: unknown): void {
    if (this.#pending.has(toolCallId)) return;
    let resolve!: (output: unknown) => void;
    let reject!: (error: unknown) => void;
    const result = new Promise<unknown>((resolveResult, rejectResult) => {
      resolve = resolveResult;
      reject = rejectResult;
    });
    let call: Promise<unknown>;
    try {
      // The model's id, so that the events match what the AI SDK and a UI key the call on.
      call = this.#ctx.tool(toolName, input, () => result, { toolCallId });
    } catch (error) {
      call = Promise.reject(error);
    }
    this.#pending.set(toolCallId, { resolve, reject, finished: call.then(ignore, ignore) });
  }

  /** The tool's result (`succeeded`) or error (`failed`) arrived: resolves once `tool_completed` is out. */
  async settle(toolCallId: string, succeeded: boolean, value: unknown): Promise<void> {
    const call = this.#pending.get(toolCallId);
    if (call === undefined) return;
    this.#pending.delete(toolCallId);
    if (succeeded) call.resolve(value);
    else call.reject(value);
    // Waited for, so that `tool_completed` comes before the deltas that follow the result.
    await call.finished;
  }

  /**
   * Fails the calls that got no result (a tool without `execute`, one awaiting approval, an aborted
   * stream) with `error`, so that every `tool_executing` has its `tool_completed`.
   */
  async settleAll(error: unknown): Promise<void> {
    await Promise.all([...this.#pending.keys()].map((toolCallId) => this.settle(toolCallId, false, error)));
  }
}

function ignore(): void {}
