/**
 * `pnpm bench` entry: runs every case, prints one table and writes `latest.json` and `latest.md`.
 *
 *   node --import tsx src/main.ts [--smoke] [--out <dir>] [--only <case,case>]
 *
 * --smoke  runs each case once with small sizes (< 30 s) and writes to a temporary directory
 *          unless --out is given; it never writes to results/.
 * --out    directory for latest.json and latest.md (default: apps/bench/results).
 * --only   comma-separated case ids: one-step, workflow, event-throughput, many-users, memory, model-stream, run-store,
 *          worker-tier, otel-tap.
 *
 * Each case runs in its own child process (`--child <id>`, always with --expose-gc), and compares its
 * contenders side by side in that process: a case starts from a clean heap, and the process-wide
 * promise hooks that LangGraph.js installs (AsyncLocalStorage) never leak into another case. A smoke
 * run puts every case in one child, to stay fast (its figures mean nothing anyway).
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { CaseOptions, CaseResult } from './case-result.js';
import { machineInfo } from './machine-info.js';
import { loadAverage, type Report, renderTable, standings, writeReport } from './report.js';

type CaseRunner = (options: CaseOptions) => Promise<CaseResult>;

// Loaded lazily, in the child that runs the case only.
const CASES: Record<string, () => Promise<CaseRunner>> = {
  'one-step': async () => (await import('./cases/one-step.js')).runOneStep,
  workflow: async () => (await import('./cases/workflow.js')).runWorkflow,
  'event-throughput': async () => (await import('./cases/event-throughput.js')).runEventThroughput,
  'many-users': async () => (await import('./cases/many-users.js')).runManyUsers,
  memory: async () => (await import('./cases/memory.js')).runMemory,
  'model-stream': async () => (await import('./cases/model-stream.js')).runModelStream,
  'run-store': async () => (await import('./cases/run-store.js')).runRunStore,
  'worker-tier': async () => (await import('./cases/worker-tier.js')).runWorkerTier,
  'otel-tap': async () => (await import('./cases/otel-tap.js')).runOtelTap,
};

const scriptPath = fileURLToPath(import.meta.url);
/** The tracked results directory, which smoke runs must never write to. */
const RESULTS_DIRECTORY = resolve(dirname(scriptPath), '..', 'results');

const log = (message: string) => process.stderr.write(`[bench] ${message}\n`);

/** What a child hands back to the parent. */
interface ChildOutput {
  results: CaseResult[];
  gcExposed: boolean;
}

/** Child mode: runs the given cases in this process, in order, and writes their results to `resultFile`. */
async function runChild(ids: readonly string[], smoke: boolean, resultFile: string): Promise<void> {
  const results: CaseResult[] = [];
  for (const id of ids) {
    const load = CASES[id];
    if (load === undefined) throw new Error(`Unknown case ${id}`);
    const caseStart = performance.now();
    results.push(await (await load())({ smoke, log }));
    log(`${id} done in ${((performance.now() - caseStart) / 1000).toFixed(1)} s`);
  }
  const output: ChildOutput = { results, gcExposed: typeof globalThis.gc === 'function' };
  await writeFile(resultFile, JSON.stringify(output));
}

/** Runs cases in a child process with --expose-gc (keeping the loader flags this process got, e.g. tsx's). */
async function runInChild(ids: readonly string[], smoke: boolean, scratch: string): Promise<ChildOutput> {
  const id = ids.join(',');
  const resultFile = join(scratch, `${ids.length === 1 ? id : 'cases'}.json`);
  const args = [
    ...process.execArgv.filter((flag) => flag !== '--expose-gc'),
    '--expose-gc',
    scriptPath,
    '--child',
    id,
    '--result-file',
    resultFile,
    ...(smoke ? ['--smoke'] : []),
  ];
  const code = await new Promise<number | null>((settle, fail) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('error', fail);
    child.on('exit', (exitCode, signal) => settle(signal === null ? exitCode : 128));
  });
  if (code !== 0) throw new Error(`Case(s) ${id} failed (child exited with ${code})`);
  return JSON.parse(await readFile(resultFile, 'utf8')) as ChildOutput;
}

async function main(): Promise<void> {
  // `pnpm bench -- --smoke` may pass the separator through; it carries no meaning here.
  const args = process.argv.slice(2).filter((arg) => arg !== '--');
  const { values } = parseArgs({
    args,
    options: {
      smoke: { type: 'boolean', default: false },
      out: { type: 'string' },
      only: { type: 'string' },
      child: { type: 'string' },
      'result-file': { type: 'string' },
    },
    strict: true,
  });
  const smoke = values.smoke ?? false;
  if (values.child !== undefined) {
    if (values['result-file'] === undefined) throw new Error('--child needs --result-file');
    await runChild(values.child.split(','), smoke, values['result-file']);
    return;
  }

  const selected = values.only === undefined ? Object.keys(CASES) : values.only.split(',').map((id) => id.trim());
  const unknown = selected.filter((id) => !(id in CASES));
  if (unknown.length > 0) throw new Error(`Unknown case(s) ${unknown.join(', ')}; known: ${Object.keys(CASES).join(', ')}`);
  const out =
    values.out === undefined ? (smoke ? await mkdtemp(join(os.tmpdir(), 'baton-bench-smoke-')) : RESULTS_DIRECTORY) : resolve(values.out);
  if (smoke && out === RESULTS_DIRECTORY) throw new Error('A smoke run must not overwrite results/latest.*; pass another --out');

  const nodeCommand = ['node --import tsx src/main.ts', ...args].join(' ');
  const command = process.env.npm_lifecycle_event === 'bench' ? ['pnpm bench', ...args].join(' ') : nodeCommand;
  const machine = machineInfo();
  const startedAt = new Date();
  const started = performance.now();
  log(
    `${smoke ? 'smoke' : 'full'} run of ${selected.join(', ')}; ${machine.cpus.count} CPUs, load ${machine.loadAverageAtStart.join(' ')}`,
  );

  const scratch = await mkdtemp(join(os.tmpdir(), 'baton-bench-cases-'));
  const cases: CaseResult[] = [];
  let gcExposed = true;
  try {
    for (const group of smoke ? [selected] : selected.map((id) => [id])) {
      const output = await runInChild(group, smoke, scratch);
      cases.push(...output.results);
      gcExposed &&= output.gcExposed;
    }
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }

  const report: Report = {
    schemaVersion: 1,
    mode: smoke ? 'smoke' : 'full',
    command,
    nodeCommand,
    startedAt: startedAt.toISOString(),
    durationSeconds: (performance.now() - started) / 1000,
    machine: { ...machine, exposeGc: gcExposed },
    loadAverageAtEnd: loadAverage(),
    cases,
    targets: standings(cases),
  };
  process.stdout.write(`${renderTable(report)}\n`);
  const written = await writeReport(report, out);
  log(`wrote ${written.json} and ${written.markdown}`);
}

main().catch((error: unknown) => {
  log(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exitCode = 1;
});
