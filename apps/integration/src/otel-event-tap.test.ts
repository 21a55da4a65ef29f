import { createUserExecutionContext, defineAgent } from '@baton/engine-contract';
import { createEngineFactory } from '@baton/engine-factory';
import { defineWorkflow, WorkflowOrchestrator } from '@baton/orchestrator';
import { createOtelEventTap } from '@baton/otel';
import { metrics, SpanStatusCode, trace } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deferred, untilAborted } from './orchestrator-fixtures.js';

/** What each run of the workload does, by its index. */
type Outcome = 'succeeds' | 'agent-fails' | 'tool-fails' | 'cancelled' | 'queued-cancel';
const OUTCOMES: readonly Outcome[] = ['succeeds', 'agent-fails', 'tool-fails', 'cancelled', 'queued-cancel'];

let exporter: InMemorySpanExporter;
let provider: BasicTracerProvider;
beforeEach(() => {
  exporter = new InMemorySpanExporter();
  provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  trace.setGlobalTracerProvider(provider);
});
afterEach(async () => {
  trace.disable();
  metrics.disable();
  await provider.shutdown();
});

describe('createOtelEventTap on real engines and workflows', () => {
  it('leaves no span open after 10,000 workflow runs with failures, failed tools, cancellations and queued cancellations', async () => {
    const tap = createOtelEventTap();
    // Told when `research` has started, so that the test cancels a run exactly then (no timing).
    let started = deferred<void>();
    const research = defineAgent({
      name: 'research',
      run: async (input: { request: Outcome }, ctx) => {
        const found = await ctx.tool('search', { q: 'tides' }, () => {
          if (input.request === 'tool-fails') throw new TypeError('search is down');
          return ['The Moon pulls the sea.'];
        });
        // After the tool call: a cancellation never cuts it short (its span's status stays exact).
        started.resolve();
        if (input.request === 'agent-fails') throw new Error('research gave up');
        if (input.request === 'cancelled') await untilAborted(ctx.signal);
        return found;
      },
    });
    const answer = defineAgent({ name: 'answer', run: () => 'Tides follow the Moon.' });
    const factory = createEngineFactory({ agents: [research, answer], onEvent: [tap], limits: { maxConcurrentRunsPerEngine: 1 } });
    const engine = await factory.createEngine(createUserExecutionContext({ userId: 'u_otel', threadId: 't_otel', runId: 'r_otel' }));
    const orchestrator = new WorkflowOrchestrator({ engine, workflow: defineWorkflow({ id: 'tides', stages: [research, answer] }) });
    const counts = { workflow: 0, agent: 0, tool: 0, errors: 0, queued: 0 };
    const check = (spans: ReadableSpan[]) => {
      const workflowIds = new Set(spans.filter((span) => span.name === 'baton.workflow tides').map((span) => span.spanContext().spanId));
      for (const span of spans) {
        expect(span.attributes['baton.status']).not.toBe('abandoned');
        if (span.status.code === SpanStatusCode.ERROR) counts.errors++;
        if (span.name === 'baton.workflow tides') counts.workflow++;
        else if (span.name === 'baton.tool search') counts.tool++;
        else if (span.attributes['baton.stage'] !== undefined) {
          counts.agent++;
          expect(workflowIds.has(span.parentSpanContext?.spanId ?? '')).toBe(true);
        } else counts.queued++;
      }
    };
    try {
      for (let index = 0; index < 10_000; index++) {
        const outcome = OUTCOMES[index % OUTCOMES.length]!;
        started = deferred<void>();
        if (outcome === 'queued-cancel') {
          // A call holds the engine's one slot; a second one waits in the queue and is cancelled there.
          const holder = new AbortController();
          const holding = engine.executeAgent({ agentName: 'research', input: { request: 'cancelled' } }, { signal: holder.signal });
          await started.promise;
          const waiter = new AbortController();
          const queued = engine.executeAgent({ agentName: 'answer', input: null }, { signal: waiter.signal });
          waiter.abort();
          holder.abort();
          expect((await queued).status).toBe('cancelled');
          expect((await holding).status).toBe('cancelled');
        } else {
          const controller = new AbortController();
          const running = orchestrator.run({ input: outcome }, { signal: controller.signal });
          if (outcome === 'cancelled') {
            await started.promise;
            controller.abort();
          }
          const result = await running;
          expect(result.status).toBe(outcome === 'succeeds' ? 'succeeded' : outcome === 'cancelled' ? 'cancelled' : 'failed');
        }
        // Checked and dropped every 1,000 runs, so that the exporter does not hold 40,000 spans.
        if (index % 1_000 === 999) {
          check(exporter.getFinishedSpans());
          exporter.reset();
        }
        expect(tap.openSpanCount()).toBe(0);
      }
    } finally {
      await factory.shutdown();
    }
    // 8,000 workflow runs (2 stages, or 1 when research ends the run), 2,000 runs of two direct calls.
    expect(counts.workflow).toBe(8_000);
    expect(counts.agent).toBe(2_000 * 2 + 6_000);
    expect(counts.queued).toBe(4_000);
    expect(counts.tool).toBe(10_000);
    // Failed: 2,000 agents + their workflows; failed tools: 2,000 tools + their agents + their workflows.
    expect(counts.errors).toBe(4_000 + 6_000);
    expect(tap.openSpanCount()).toBe(0);
  }, 600_000);
});
