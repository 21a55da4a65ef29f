import { trace } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it } from 'vitest';
import { EXAMPLE_QUESTIONS } from '../shared/example-questions.js';
import { FrameClient, login } from '../test-support/demo-test-client.js';
import { createTestDemoServer } from '../test-support/test-demo-server.js';
import type { DemoServer } from './create-demo-server.js';
import { type DemoTelemetry, startDemoTelemetry } from './demo-telemetry.js';

const USERS = [{ username: 'alice', password: 'alice-demo-pw' }];
const PARTIAL = EXAMPLE_QUESTIONS[1]!.text;

let telemetry: DemoTelemetry | undefined;
let server: DemoServer | undefined;
afterEach(async () => {
  await server?.close();
  await telemetry?.shutdown();
  server = undefined;
  telemetry = undefined;
});

/** The SDK as main.ts starts it, with an in-memory exporter in place of the network (no metrics, no logs). */
function startInMemory(env: NodeJS.ProcessEnv) {
  const exporter = new InMemorySpanExporter();
  const processor = new SimpleSpanProcessor(exporter);
  telemetry = startDemoTelemetry(env, { spanProcessors: [processor], metricReaders: [], logRecordProcessors: [] });
  return { exporter, processor };
}

describe('startDemoTelemetry', () => {
  it('does nothing without OTEL_EXPORTER_OTLP_ENDPOINT: no SDK is registered', async () => {
    telemetry = startDemoTelemetry({ OTEL_EXPORTER_OTLP_ENDPOINT: '' });
    expect(telemetry.tracesEndpoint).toBeUndefined();
    const span = trace.getTracer('probe').startSpan('probe');
    expect(span.isRecording()).toBe(false);
    span.end();
    await telemetry.shutdown();
  });

  it('exports to OTEL_EXPORTER_OTLP_ENDPOINT/v1/traces, or to OTEL_EXPORTER_OTLP_TRACES_ENDPOINT as given', async () => {
    startInMemory({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' });
    expect(telemetry?.tracesEndpoint).toBe('http://collector:4318/v1/traces');
    expect(trace.getTracer('probe').startSpan('probe').isRecording()).toBe(true);
    await telemetry?.shutdown();
    // Unregistered on shutdown: a second start registers again.
    expect(trace.getTracer('probe').startSpan('probe').isRecording()).toBe(false);
    startInMemory({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://traces:4318/custom',
    });
    expect(telemetry?.tracesEndpoint).toBe('http://traces:4318/custom');
  });

  it("traces a user's run through the demo: one workflow span, a child per stage, the user's ids on each", async () => {
    const { exporter, processor } = startInMemory({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318',
      OTEL_SERVICE_NAME: 'demo-under-test',
    });
    server = await createTestDemoServer({ users: USERS, scryptCost: 2 ** 10, delayScale: 0 });
    const url = await server.listen({ port: 0 });
    const client = await FrameClient.connect(url, { cookie: await login(url, 'alice', 'alice-demo-pw') });
    const runId = await client.ask(PARTIAL);
    expect((await client.result(runId)).result.status).toBe('succeeded');
    const stages = client.events().filter((frame) => frame.event.runId === runId && frame.event.type === 'agent_started');
    await client.close();
    await processor.forceFlush();

    const spans = exporter.getFinishedSpans();
    const workflows = spans.filter((span) => span.name.startsWith('baton.workflow '));
    expect(workflows).toHaveLength(1);
    const workflow = workflows[0] as ReadableSpan;
    expect(workflow.attributes).toMatchObject({ 'baton.user_id': 'alice', 'baton.run_id': runId, 'baton.status': 'succeeded' });
    expect(workflow.resource.attributes['service.name']).toBe('demo-under-test');
    const agents = spans.filter((span) => span.name.startsWith('baton.agent '));
    expect(agents.map((span) => span.name).sort()).toEqual(stages.map((frame) => `baton.agent ${frame.event.agentName}`).sort());
    for (const agent of agents) {
      expect(agent.parentSpanContext?.spanId).toBe(workflow.spanContext().spanId);
      expect(agent.spanContext().traceId).toBe(workflow.spanContext().traceId);
      expect(agent.attributes['baton.user_id']).toBe('alice');
    }
    expect(agents.every((span) => span.attributes['gen_ai.operation.name'] === 'invoke_agent')).toBe(true);
  });
});
