import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The packages whose versions go into every report. */
export const REPORTED_PACKAGES = [
  '@baton/engine-contract',
  '@baton/engine-factory',
  '@baton/orchestrator',
  '@baton/ai-sdk',
  '@baton/bullmq',
  'bullmq',
  'ai',
  '@langchain/langgraph',
  '@langchain/core',
  'tinybench',
] as const;

/** Where and with what the bench ran. */
export interface MachineInfo {
  cpus: { model: string; count: number; availableParallelism: number };
  totalMemoryBytes: number;
  os: { type: string; release: string; platform: string; arch: string };
  /** 1, 5 and 15 minute load averages when the run started (the machine is shared). */
  loadAverageAtStart: number[];
  node: string;
  v8: string;
  /** Whether every case process had `global.gc` (each runs with `--expose-gc`; the memory case needs it). */
  exposeGc: boolean;
  versions: Record<string, string>;
  /** The repository commit (`git rev-parse HEAD`), when available. */
  commit?: string;
}

const benchRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The version in the installed `package.json` of `name`, as this app resolves it. */
function installedVersion(name: string): string {
  try {
    const manifest = JSON.parse(readFileSync(join(benchRoot, 'node_modules', name, 'package.json'), 'utf8')) as { version?: string };
    return manifest.version ?? 'unknown';
  } catch {
    return 'not installed';
  }
}

function gitCommit(): string | undefined {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { cwd: benchRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

/** Collects the machine, runtime and library versions. */
export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  const commit = gitCommit();
  return {
    cpus: { model: cpus[0]?.model.trim() ?? 'unknown', count: cpus.length, availableParallelism: os.availableParallelism() },
    totalMemoryBytes: os.totalmem(),
    os: { type: os.type(), release: os.release(), platform: os.platform(), arch: os.arch() },
    loadAverageAtStart: os.loadavg().map((load) => Math.round(load * 100) / 100),
    node: process.version,
    v8: process.versions.v8,
    exposeGc: false,
    versions: Object.fromEntries(REPORTED_PACKAGES.map((name) => [name, installedVersion(name)])),
    ...(commit === undefined ? {} : { commit }),
  };
}
