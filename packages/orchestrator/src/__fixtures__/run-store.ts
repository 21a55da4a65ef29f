import { type AgentRunResult, type AgentRunStatus, InMemoryRunStore, type RunStore } from '@baton/engine-contract';
import { defineWorkflow } from '../define-workflow.js';
import type { StageInput } from '../stage-input.js';
import type { LinearWorkflowDefinition } from '../workflow-definition.js';
import { deferred, type FakeAgent } from './fake-engine.js';

/** A store on an injected clock that ticks 10 ms per read: `createdAt` orders runs without wall-clock time. */
export function newStore(options: { maxStageOutputBytes?: number } = {}): InMemoryRunStore {
  let clock = 1_000;
  return new InMemoryRunStore({ ...options, now: () => (clock += 10) });
}

/** The names of the stages of `fiveStages`, in plan order. */
export const FIVE = ['s1', 's2', 's3', 's4', 's5'] as const;

/** A linear workflow of five stages, each after the one before it. */
export function fiveStages(id = 'five'): LinearWorkflowDefinition {
  return defineWorkflow({ id, stages: [...FIVE] });
}

/** Agents that return `{ from: name }`, with overrides by name. */
export function echoAgents(names: readonly string[], overrides: Record<string, FakeAgent> = {}): Record<string, FakeAgent> {
  const agents: Record<string, FakeAgent> = {};
  for (const name of names) agents[name] = overrides[name] ?? (() => ({ from: name }));
  return agents;
}

/** An agent that never settles on its own: only an abort ends its call. */
export const hangs: FakeAgent = () => deferred().promise;

/** A stage result as an engine would give it (the fake engine's shape). */
export function stageResult(name: string, status: AgentRunStatus = 'succeeded', output: unknown = { from: name }): AgentRunResult {
  const base = { executionId: `old-${name}`, agentName: name, runId: 'run-1', requestId: 'req-1', stage: name, durationMs: 1, queuedMs: 0 };
  if (status === 'succeeded') return { ...base, status, output };
  const code = status === 'failed' ? 'AGENT_FAILED' : status === 'timed_out' ? 'RUN_TIMEOUT' : 'RUN_CANCELLED';
  return { ...base, status, error: { code, name: 'Error', message: status } };
}

/** The ids of the fixtures' default engine (`GenuineFakeEngine`'s context). */
export const USER_1 = { userId: 'user-1', threadId: 'thread-1', runId: 'run-1' } as const;

/**
 * What a process that died leaves behind: a `running` record of `workflowName` with `stages` saved.
 * @returns the workflow id.
 */
export async function crashedRun(
  store: RunStore,
  options: { workflowName?: string; userId?: string; workflowId?: string; input?: unknown; stages?: readonly AgentRunResult[] } = {},
): Promise<string> {
  const workflowId = options.workflowId ?? 'wf-crashed';
  await store.create({
    ...USER_1,
    workflowId,
    workflowName: options.workflowName ?? 'five',
    userId: options.userId ?? USER_1.userId,
    input: options.input ?? { question: 'q' },
  });
  for (const stage of options.stages ?? []) await store.saveStage(workflowId, stage);
  return workflowId;
}

/** A store view: every call goes to `inner`, but the view is its own object, as a second process's client would be. */
export interface StoreView extends RunStore {
  /** From now on, this view's calls never settle: its process died mid-write. */
  crash(): void;
  /** The names of the calls made through this view, in order (`saveStage:<stage>` for a stage). */
  readonly calls: string[];
}

/** A view of `inner` with hooks: `before(method, args)` may delay or throw before the call reaches `inner`. */
export function storeView(inner: RunStore, before?: (method: keyof RunStore, args: unknown[]) => unknown): StoreView {
  let crashed = false;
  const calls: string[] = [];
  const forward =
    <K extends keyof RunStore>(method: K) =>
    async (...args: unknown[]): Promise<never> => {
      calls.push(method === 'saveStage' ? `saveStage:${(args[1] as AgentRunResult).stage}` : method);
      if (crashed) return deferred<never>().promise;
      await before?.(method, args);
      if (crashed) return deferred<never>().promise;
      return (inner[method] as (...values: unknown[]) => Promise<never>).apply(inner, args);
    };
  return {
    create: forward('create'),
    saveStage: forward('saveStage'),
    suspend: forward('suspend'),
    markRunning: forward('markRunning'),
    complete: forward('complete'),
    markInterrupted: forward('markInterrupted'),
    get: forward('get'),
    listRuns: forward('listRuns'),
    crash: () => {
      crashed = true;
    },
    calls,
  };
}

/** `previous` of the input a fake agent got. */
export const previousOf = (input: unknown): StageInput['previous'] => (input as StageInput).previous;
