import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const INTEGRATION_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** A child process and the messages it reported so far (one JSON object per stdout line). */
export interface ReportingChild<TMessage> {
  readonly child: ChildProcess;
  readonly messages: TMessage[];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderr(): string;
  /** Resolves at the first message matching (already reported or to come); rejects if the child exits first. */
  until(matches: (message: TMessage) => boolean): Promise<TMessage>;
}

/**
 * Starts `node <script> <JSON config>` in apps/integration (so it loads the built packages as a
 * deployment would) and collects what it reports. No timers: callers wait for messages.
 */
export function startReportingChild<TMessage>(script: string, config: Record<string, unknown>): ReportingChild<TMessage> {
  const child: ChildProcess = spawn(process.execPath, [script, JSON.stringify(config)], {
    cwd: INTEGRATION_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const messages: TMessage[] = [];
  const waiters: Array<{ matches: (message: TMessage) => boolean; resolve: (message: TMessage) => void }> = [];
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
    const message = JSON.parse(line) as TMessage;
    messages.push(message);
    for (const waiter of waiters) if (waiter.matches(message)) waiter.resolve(message);
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return {
    child,
    messages,
    exited,
    stderr: () => stderr,
    until(matches) {
      const found = messages.find(matches);
      if (found !== undefined) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        waiters.push({ matches, resolve });
        void exited.then(({ code, signal }) => reject(new Error(`child exited (${code ?? signal}) first:\n${stderr}`)));
      });
    },
  };
}
