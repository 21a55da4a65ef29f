import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { createServer } from 'node:net';
import { delimiter, join } from 'node:path';

/** A private redis-server process for tests (the apps and the libraries' tests share this one, as a dev dependency). */
export interface RedisServerProcess {
  readonly url: string;
  readonly port: number;
  /**
   * Freezes the server (SIGSTOP): its connections stay open and the kernel keeps accepting bytes, but
   * nothing is answered, as with a network partition or a hung host (unlike `stop()`, which refuses).
   */
  freeze(): void;
  /** Resumes a frozen server (SIGCONT); it answers everything it was sent meanwhile. */
  thaw(): void;
  /** Stops the server (SIGTERM, then SIGKILL after 5 s; a frozen one is thawed first) and waits for it to exit. Idempotent. */
  stop(): Promise<void>;
}

/** Path of a `redis-server` executable on PATH (or the Debian location), if any. */
export function findRedisServerBinary(): string | undefined {
  const directories = [...(process.env.PATH ?? '').split(delimiter), '/usr/bin', '/usr/local/bin'];
  for (const directory of directories) {
    if (!directory) continue;
    const candidate = join(directory, 'redis-server');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function waitForExit(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/**
 * Starts `redis-server` (no persistence, loopback only) on `port` or a free one, and waits until it
 * accepts connections. Restarting on the port of a stopped server simulates Redis coming back.
 */
export async function startRedisServer(binary: string, port?: number): Promise<RedisServerProcess> {
  const chosenPort = port ?? (await freePort());
  const child = spawn(binary, ['--port', String(chosenPort), '--save', '', '--appendonly', 'no', '--bind', '127.0.0.1'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`redis-server did not start within 10 s:\n${output}`)), 10_000);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited with code ${code}:\n${output}`));
    });
  });
  // Keep draining the pipes so a chatty server never blocks on a full pipe.
  child.stdout?.resume();
  child.stderr?.resume();
  let stopping: Promise<void> | undefined;
  return {
    url: `redis://127.0.0.1:${chosenPort}`,
    port: chosenPort,
    freeze() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGSTOP');
    },
    thaw() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGCONT');
    },
    stop() {
      stopping ??= (async () => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        const exited = waitForExit(child);
        // A stopped process keeps SIGTERM pending until it runs again.
        child.kill('SIGCONT');
        child.kill('SIGTERM');
        const killTimer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(killTimer);
      })();
      return stopping;
    },
  };
}
