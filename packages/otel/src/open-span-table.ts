import type { Span } from '@opentelemetry/api';

/** What every open entry holds. @internal */
interface OpenEntryBase {
  /** Unique among open entries (see the key helpers below). */
  readonly key: string;
  /** `undefined` when only metrics are recorded (a meter but no tracer). */
  readonly span: Span | undefined;
  /** The tap's clock when the entry was opened: what the timeout is measured from. */
  readonly openedAt: number;
  readonly engineId: string;
}

/** An open workflow run. @internal */
export interface OpenWorkflow extends OpenEntryBase {
  readonly kind: 'workflow';
  readonly workflowId: string;
  /** From `workflow_started`; a resumed run's event does not carry it. */
  readonly workflowName: string | undefined;
  /** The planned stages, once `workflow_planned` came (triage runs before). */
  stages: readonly string[] | undefined;
  /** The code of the first stage that failed or timed out: the run's `error.type` if it fails. */
  firstErrorCode: string | undefined;
}

/** An open agent call (it got a slot: `agent_started`). @internal */
export interface OpenAgent extends OpenEntryBase {
  readonly kind: 'agent';
  /** `agent_started.timestamp` (engine clock): with `agent_completed`'s duration it gives the queue wait. */
  readonly startedAt: number;
  /** The workflow run the call is a stage of, when it is one. */
  readonly workflow: OpenWorkflow | undefined;
  /** Keys of its open tool calls; created on the first one. */
  tools: string[] | undefined;
}

/** An open tool call. @internal */
export interface OpenTool extends OpenEntryBase {
  readonly kind: 'tool';
  readonly agent: OpenAgent;
}

/** Anything the tap holds open. @internal */
export type OpenEntry = OpenWorkflow | OpenAgent | OpenTool;

/** Why the tap ended an entry itself. @internal */
export type AbandonReason = 'timeout' | 'capacity' | 'duplicate' | 'closed' | 'parent_ended';

/** The key of a workflow run's entry (prefixed: a workflow id must never meet an execution id). @internal */
export function workflowKey(workflowId: string): string {
  return `workflow\u0000${workflowId}`;
}

/** The key of a tool call's entry: tool call ids are unique per agent call only (a model's `call_1`). @internal */
export function toolKey(executionId: string, toolCallId: string): string {
  return `${executionId}\u0000${toolCallId}`;
}

/** How the table is bounded. @internal */
export interface OpenSpanTableOptions {
  readonly maxOpenSpans: number;
  readonly timeoutMs: number;
  readonly now: () => number;
  /** Ends an entry the table dropped (its span is still open); may remove other entries (its children). */
  readonly onAbandon: (entry: OpenEntry, reason: AbandonReason) => void;
}

/**
 * The only state the tap keeps: the entries whose terminal event has not come yet, by key. It is
 * bounded twice: an entry older than `timeoutMs` is ended when the next entry is added (insertion
 * order is opening order, so the expired ones are at the front and the check stops at the first
 * live one), and at `maxOpenSpans` the oldest is ended to make room. Ending a run or a call removes
 * its entry at once, so a healthy stream of events keeps the table at the number of runs in flight.
 * @internal
 */
export class OpenSpanTable {
  readonly #entries = new Map<string, OpenEntry>();
  readonly #options: OpenSpanTableOptions;

  constructor(options: OpenSpanTableOptions) {
    this.#options = options;
  }

  /** How many entries are open. */
  get size(): number {
    return this.#entries.size;
  }

  /** The open entry under `key`, if any. */
  get(key: string): OpenEntry | undefined {
    return this.#entries.get(key);
  }

  /** Removes and returns the entry under `key` (its terminal event came). */
  take(key: string): OpenEntry | undefined {
    const entry = this.#entries.get(key);
    if (entry !== undefined) this.#entries.delete(key);
    return entry;
  }

  /** Adds an entry; first ends the expired ones, one under the same key, and (when full) the oldest. */
  add(entry: OpenEntry): void {
    this.sweep(entry.openedAt);
    const previous = this.#entries.get(entry.key);
    if (previous !== undefined) this.#abandon(previous, 'duplicate');
    while (this.#entries.size >= this.#options.maxOpenSpans) {
      const oldest = this.#oldest();
      if (oldest === undefined) break;
      this.#abandon(oldest, 'capacity');
    }
    this.#entries.set(entry.key, entry);
  }

  /** Ends every entry opened `timeoutMs` or more before `now`; returns how many entries it ended (children included). */
  sweep(now: number = this.#options.now()): number {
    const before = this.#entries.size;
    // Deleting during iteration is safe for a Map: entries removed as children of an earlier one in
    // this loop (an agent's tools) are never visited.
    for (const entry of this.#entries.values()) {
      if (now - entry.openedAt < this.#options.timeoutMs) break;
      this.#abandon(entry, 'timeout');
    }
    return before - this.#entries.size;
  }

  /** Ends every entry (the tap is being closed); returns how many were open. */
  abandonAll(): number {
    const open = this.#entries.size;
    for (const entry of this.#entries.values()) this.#abandon(entry, 'closed');
    return open;
  }

  #oldest(): OpenEntry | undefined {
    for (const entry of this.#entries.values()) return entry;
    return undefined;
  }

  #abandon(entry: OpenEntry, reason: AbandonReason): void {
    this.#entries.delete(entry.key);
    this.#options.onAbandon(entry, reason);
  }
}
