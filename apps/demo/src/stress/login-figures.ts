import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDemoServer, type DemoServerOptions } from '../server/create-demo-server.js';

// Reproduces issue 18's login figures against a real demo server on loopback (in this process, like
// wire-stress.ts): how many of 200 parallel wrong guesses from one address get a 401 (a hash was
// checked) rather than a 429, and how slow the page (`GET /`, read from disk through libuv's pool,
// the same threads scrypt uses) gets while 60 logins for unknown users arrive at once.

/** What `measureLoginFigures` does; every field has the default. */
export interface LoginFiguresOptions {
  /** Parallel wrong passwords for one account from one address. Default 200. */
  wrongGuesses?: number;
  /** Parallel logins for unknown users, each from its own loopback address (127.0.1.x). Default 60. */
  parallelLogins?: number;
  /** Page readers requesting `GET /` one after the other, at the same time. Default 2. */
  pageReaders?: number;
  /** Extra server options (e.g. a lower `scryptCost` for a quick check); the default is production's. */
  server?: DemoServerOptions;
}

/** Answers by HTTP status (`"401": 12`); `error` counts requests that got no answer. */
export type StatusCounts = Record<string, number>;

/** The login figures of issue 18. */
export interface LoginFigures {
  wrongGuesses: {
    sent: number;
    byStatus: StatusCounts;
    /** Guesses whose password was actually checked (answered 401). Target: at most 10 of 200. */
    checked: number;
    seconds: number;
  };
  parallelLogins: { sent: number; byStatus: StatusCounts; seconds: number };
  /** `GET /` requests sent while the parallel logins were in progress. Target: p99 under 300 ms. */
  page: { samples: number; p50Ms: number; p99Ms: number; maxMs: number };
}

/** The targets. */
export const LOGIN_TARGETS = Object.freeze({ maxCheckedOf200: 10, pageP99Ms: 300 });

/** Nearest-rank percentile (`p` in 0..100) of the samples; NaN when there are none. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1]!;
}

/** Counts answers by status; `undefined` (no answer) counts as `error`. */
export function countStatuses(statuses: ReadonlyArray<number | undefined>): StatusCounts {
  const counts: StatusCounts = {};
  for (const status of statuses) {
    const key = status === undefined ? 'error' : String(status);
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

/** Which targets the figures miss (empty when they meet both), scaled to the number of guesses sent. */
export function missedLoginTargets(figures: LoginFigures): string[] {
  const missed: string[] = [];
  const allowed = Math.floor((LOGIN_TARGETS.maxCheckedOf200 * figures.wrongGuesses.sent) / 200);
  if (figures.wrongGuesses.checked > allowed) {
    missed.push(
      `${figures.wrongGuesses.checked} of ${figures.wrongGuesses.sent} parallel wrong guesses were checked (401); at most ${allowed}`,
    );
  }
  if (!(figures.page.p99Ms < LOGIN_TARGETS.pageP99Ms)) {
    missed.push(
      `GET / p99 was ${figures.page.p99Ms.toFixed(0)} ms during the parallel logins; must be under ${LOGIN_TARGETS.pageP99Ms} ms`,
    );
  }
  return missed;
}

function formatCounts(counts: StatusCounts): string {
  return (
    Object.entries(counts)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([status, count]) => `${status}:${count}`)
      .join(',') || 'none'
  );
}

/** One line per figure, for the console. */
export function formatLoginFigures(figures: LoginFigures): string {
  const { wrongGuesses, parallelLogins, page } = figures;
  return [
    `login: ${wrongGuesses.sent} parallel wrong guesses from one address -> ${formatCounts(wrongGuesses.byStatus)} (checked ${wrongGuesses.checked}) in ${wrongGuesses.seconds.toFixed(1)} s`,
    `login: ${parallelLogins.sent} parallel logins of unknown users -> ${formatCounts(parallelLogins.byStatus)} in ${parallelLogins.seconds.toFixed(1)} s`,
    `page: GET / during them: p50 ${page.p50Ms.toFixed(0)} ms, p99 ${page.p99Ms.toFixed(0)} ms, max ${page.maxMs.toFixed(0)} ms (${page.samples} samples)`,
  ].join('\n');
}

interface Answer {
  status: number | undefined;
  ms: number;
}

/** One HTTP request on its own connection (`agent: false`, like separate clients) or on `agent`. */
function send(url: string, init: { method: string; body?: string; localAddress?: string; agent?: Agent }): Promise<Answer> {
  const target = new URL(url);
  const startedAt = performance.now();
  return new Promise((resolve) => {
    const done = (status: number | undefined) => resolve({ status, ms: performance.now() - startedAt });
    const outgoing = request(
      {
        host: target.hostname,
        port: target.port,
        path: target.pathname,
        method: init.method,
        agent: init.agent ?? false,
        ...(init.localAddress === undefined ? {} : { localAddress: init.localAddress }),
        headers: init.body === undefined ? {} : { 'content-type': 'application/json', origin: target.origin },
      },
      (response) => {
        response.resume();
        response.on('end', () => done(response.statusCode));
        response.on('error', () => done(undefined));
      },
    );
    outgoing.on('error', () => done(undefined));
    outgoing.end(init.body);
  });
}

function loginBody(username: string, password: string): string {
  return JSON.stringify({ username, password });
}

/** A folder with a page, so that `GET /` is a file read (through libuv's pool) as in production. */
async function pageFolder(): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), 'baton-login-figures-'));
  const filler = '<p>Baton demo page placeholder, read from disk on every request.</p>\n'.repeat(60);
  await writeFile(
    join(folder, 'index.html'),
    `<!doctype html><html><head><title>Baton demo</title></head><body>\n${filler}</body></html>\n`,
  );
  return folder;
}

async function withServer<T>(options: DemoServerOptions, staticDir: string, body: (url: string) => Promise<T>): Promise<T> {
  const server = await createDemoServer({ staticDir, delayScale: 0, ...options });
  try {
    return await body(await server.listen({ port: 0 }));
  } finally {
    await server.close();
  }
}

/**
 * Measures the login figures, each phase on a fresh server (so one phase's throttle state cannot
 * help the other): first `wrongGuesses` parallel wrong passwords for `alice` from 127.0.0.1; then
 * `parallelLogins` logins for unknown users, each from its own loopback address, while `pageReaders`
 * clients keep requesting `GET /` (a file on disk), one request after the other, until every login
 * is answered.
 * @example
 * const figures = await measureLoginFigures();
 * console.log(formatLoginFigures(figures), missedLoginTargets(figures));
 */
export async function measureLoginFigures(options: LoginFiguresOptions = {}): Promise<LoginFigures> {
  const wrongGuesses = options.wrongGuesses ?? 200;
  const parallelLogins = options.parallelLogins ?? 60;
  const pageReaders = options.pageReaders ?? 2;
  const serverOptions = options.server ?? {};
  const staticDir = await pageFolder();
  try {
    const guesses = await withServer(serverOptions, staticDir, async (url) => {
      const startedAt = performance.now();
      const answers = await Promise.all(
        Array.from({ length: wrongGuesses }, () => send(`${url}/api/login`, { method: 'POST', body: loginBody('alice', 'wrong-guess') })),
      );
      const byStatus = countStatuses(answers.map((answer) => answer.status));
      return { sent: wrongGuesses, byStatus, checked: byStatus['401'] ?? 0, seconds: (performance.now() - startedAt) / 1000 };
    });

    const { logins, page } = await withServer(serverOptions, staticDir, async (url) => {
      const startedAt = performance.now();
      const pending = Array.from({ length: parallelLogins }, (_, index) =>
        send(`${url}/api/login`, {
          method: 'POST',
          body: loginBody(`unknown-${index}`, 'any-password'),
          // 127.0.0.0/8 is all loopback: a distinct client address per login, so no per-address limit applies.
          localAddress: `127.0.1.${(index % 250) + 1}`,
        }),
      );
      let answered = false;
      const loginAnswers = Promise.all(pending).finally(() => {
        answered = true;
      });
      const agent = new Agent({ keepAlive: true, maxSockets: pageReaders });
      const pageMs: number[] = [];
      const reader = async () => {
        while (!answered) {
          const answer = await send(`${url}/`, { method: 'GET', agent });
          if (answer.status !== 200) throw new Error(`GET / answered ${answer.status ?? 'nothing'} during the parallel logins`);
          pageMs.push(answer.ms);
        }
      };
      try {
        await Promise.all(Array.from({ length: pageReaders }, reader));
      } finally {
        agent.destroy();
      }
      const answers = await loginAnswers;
      return {
        logins: {
          sent: parallelLogins,
          byStatus: countStatuses(answers.map((answer) => answer.status)),
          seconds: (performance.now() - startedAt) / 1000,
        },
        page: { samples: pageMs.length, p50Ms: percentile(pageMs, 50), p99Ms: percentile(pageMs, 99), maxMs: Math.max(...pageMs) },
      };
    });
    return { wrongGuesses: guesses, parallelLogins: logins, page };
  } finally {
    await rm(staticDir, { recursive: true, force: true });
  }
}
