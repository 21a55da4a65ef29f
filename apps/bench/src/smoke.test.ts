import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { Report } from './report.js';

const benchRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const trackedResults = ['latest.json', 'latest.md'].map((name) => join(benchRoot, 'results', name));

async function modifiedTimes(): Promise<(number | null)[]> {
  return Promise.all(
    trackedResults.map((path) =>
      stat(path).then(
        (stats) => stats.mtimeMs,
        () => null,
      ),
    ),
  );
}

/** How long the bench may print nothing before it counts as hung: its cases each log when done. */
const SILENCE_MS = 60_000;

/**
 * Runs the bench and resolves with its stdout once it exits 0. Only silence fails it, never the
 * total time: under heavy load a smoke run that takes 6 s on a quiet machine takes minutes.
 */
function runBench(args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', ...args], { cwd: benchRoot });
    let stdout = '';
    let stderr = '';
    let silence: NodeJS.Timeout | undefined;
    const heard = () => {
      clearTimeout(silence);
      silence = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`the bench printed nothing for ${SILENCE_MS / 1000} s; its output so far:\n${stderr}`));
      }, SILENCE_MS);
    };
    heard();
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      heard();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      heard();
    });
    child.on('error', (error) => {
      clearTimeout(silence);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(silence);
      if (code === 0) resolve(stdout);
      else reject(new Error(`the bench exited with ${code ?? signal}:\n${stderr}`));
    });
  });
}

// A benchmark, not a test of speed: this only keeps the bench code from rotting. It asserts that
// every case ran and produced finite numbers and that the files were written, never thresholds.
describe('pnpm bench --smoke', () => {
  let out = '';
  afterAll(async () => {
    if (out !== '') await rm(out, { recursive: true, force: true });
  });

  it('runs every case once, with finite figures, and writes latest.json and latest.md to --out only', async () => {
    out = await mkdtemp(join(os.tmpdir(), 'baton-bench-test-'));
    const before = await modifiedTimes();
    const stdout = await runBench(['--smoke', '--out', out]);
    expect(stdout).toContain('Standing');

    const report = JSON.parse(await readFile(join(out, 'latest.json'), 'utf8')) as Report;
    expect(report.mode).toBe('smoke');
    expect(report.cases.map((result) => result.id)).toEqual([
      'one-step',
      'workflow',
      'event-throughput',
      'many-users',
      'memory',
      'model-stream',
      'run-store',
      'worker-tier',
      'otel-tap',
    ]);
    expect(report.machine.exposeGc).toBe(true);
    for (const result of report.cases) {
      expect(result.rows.length, result.id).toBeGreaterThan(0);
      for (const row of result.rows) {
        for (const value of [row.figure.median, row.figure.min, row.figure.max, row.figure.mean, row.figure.p99]) {
          expect(Number.isFinite(value), `${row.key} = ${value}`).toBe(true);
        }
      }
    }
    // The eleven targets of the issues (the OpenTelemetry tap's cost without an SDK last), among them the five-stage workflow's per-stage ratio and the model stream's per-delta ratio.
    expect(report.targets.map((target) => target.key)).toEqual([
      'one-step.baton-overhead-us',
      'one-step.langgraph-vs-baton',
      'workflow.orchestrator-own-cost-vs-bare-execute',
      'workflow.langgraph-vs-baton',
      'events.baton-one-subscriber',
      'many-users.baton-runs-per-s',
      'many-users.baton-p99-ms',
      'memory.idle-engine-kib',
      'memory.growth-kib',
      'model-stream.baton-vs-ai-sdk',
      'otel-tap.no-sdk-overhead-pct',
    ]);
    const workflowKeys = report.cases.find((result) => result.id === 'workflow')?.rows.map((row) => row.key);
    expect(workflowKeys).toEqual(
      expect.arrayContaining([
        'workflow.bare-execute-us',
        'workflow.orchestrator-own-cost-per-stage-us',
        'workflow.baton-linear-us',
        'workflow.linear-own-cost-vs-bare-execute',
      ]),
    );
    const eventKeys = report.cases.find((result) => result.id === 'event-throughput')?.rows.map((row) => row.key);
    expect(eventKeys).toEqual(
      expect.arrayContaining(['events.baton-one-subscriber', 'events.baton-write-output', 'events.write-output-vs-think']),
    );
    const modelStreamKeys = report.cases.find((result) => result.id === 'model-stream')?.rows.map((row) => row.key);
    expect(modelStreamKeys).toEqual(
      expect.arrayContaining([
        'model-stream.ai-sdk-us',
        'model-stream.baton-us',
        'model-stream.ai-sdk-per-delta-us',
        'model-stream.baton-per-delta-us',
        'model-stream.baton-vs-ai-sdk',
      ]),
    );
    const storeKeys = report.cases.find((result) => result.id === 'run-store')?.rows.map((row) => row.key);
    expect(storeKeys).toEqual(expect.arrayContaining(['run-store.no-store-us', 'run-store.in-memory-us', 'run-store.in-memory-added-us']));
    // CI runs with REDIS_URL (a private redis-server): then the Redis store is measured too.
    if (process.env.REDIS_URL) expect(storeKeys).toEqual(expect.arrayContaining(['run-store.redis-us', 'run-store.redis-added-us']));
    const tierKeys = report.cases.find((result) => result.id === 'worker-tier')?.rows.map((row) => row.key);
    expect(tierKeys).toEqual(expect.arrayContaining(['worker-tier.in-process-memory-runs-per-s', 'worker-tier.in-process-memory-p99-ms']));
    // With REDIS_URL the BullMQ tiers (1, 2 and 4 workers) run too, next to the in-process run on the same store.
    if (process.env.REDIS_URL) {
      expect(tierKeys).toEqual(
        expect.arrayContaining([
          'worker-tier.in-process-redis-runs-per-s',
          ...['1w', '2w', '4w'].flatMap((workers) => [
            `worker-tier.bullmq-${workers}-runs-per-s`,
            `worker-tier.bullmq-${workers}-p50-ms`,
            `worker-tier.bullmq-${workers}-p99-ms`,
            `worker-tier.bullmq-${workers}-vs-in-process`,
          ]),
        ]),
      );
    }
    const otelKeys = report.cases.find((result) => result.id === 'otel-tap')?.rows.map((row) => row.key);
    expect(otelKeys).toEqual(
      expect.arrayContaining(['otel-tap.bare-us', 'otel-tap.no-sdk-us', 'otel-tap.sdk-us', 'otel-tap.sdk-overhead-pct']),
    );
    expect(await readFile(join(out, 'latest.md'), 'utf8')).toContain('| Case | Metric |');
    expect(await modifiedTimes()).toEqual(before);
    // Only a hang detector: the bench's own silence check above fails first.
  }, 600_000);
});
