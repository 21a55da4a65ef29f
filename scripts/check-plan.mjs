// What `pnpm check` runs (scripts/check.mjs), in which order and what runs at the same time, and the
// phase-timing table it prints. Pure data and formatting, so that scripts/check-plan.test.ts can test it.

/**
 * @typedef {object} CheckPhase
 * @property {string} name shown in the table (the root script of the same name runs it alone)
 * @property {string} command a binary of the root node_modules/.bin, or `node`
 * @property {string[]} args
 * @property {Record<string, string>} [env] added to the environment
 * @property {boolean} [printsTimings] it prints the phase table itself (the vitest reporter)
 */

/** TypeScript 7's `tsc` (root devDependency `typescript-7`, an npm alias), by path: both it and
 * TypeScript 5.9 provide a `tsc` bin, and which one pnpm links into node_modules/.bin is not ours to pick. */
export const TYPE_CHECK_COMPILER = 'node_modules/typescript-7/bin/tsc';

/**
 * The phases, as groups: the phases of a group run at the same time (the next group starts when all
 * of them are done), a group of one streams its output as it comes. Each phase does its work once:
 * - build: every package's dist (tsup) and the demo (emitted with --noCheck: type-check checks it);
 * - type-check: one `tsc -b` over the composite projects of every workspace (root tsconfig.json),
 *   which also checks the *.test-d.ts type tests, so vitest does not run tsc on them again
 *   (BATON_TYPE_TESTS_DONE turns vitest's typecheck off in the packages' configs). It is TypeScript 7's
 *   native compiler (the root devDependency `typescript-7`): 9 s alone where TypeScript 5.9 took 80 s
 *   on 2 cores (about a minute here, sharing the cores with publint + attw). TypeScript 5.9 still checks every package's sources when tsup emits their declarations,
 *   and the release rehearsal type-checks the README examples with typescript@5, as users have it;
 * - lint:packages (publint + attw on the built packages), boundaries and deps:check need only the
 *   build: they run beside tsc;
 * - test: vitest, last, so that the output ends with its summary line; the packages are built
 *   already (`pnpm test` alone rebuilds them first, a turbo cache hit after `pnpm build`).
 * @type {CheckPhase[][]}
 */
export const CHECK_PLAN = [
  [{ name: 'lint', command: 'biome', args: ['check', '.'] }],
  [{ name: 'build', command: 'turbo', args: ['run', 'build', '--output-logs=errors-only'] }],
  [
    { name: 'type-check', command: 'node', args: [TYPE_CHECK_COMPILER, '-b'] },
    { name: 'lint:packages', command: 'turbo', args: ['run', 'lint:package', '--output-logs=errors-only'] },
    { name: 'boundaries', command: 'turbo', args: ['boundaries'] },
    { name: 'deps:check', command: 'node', args: ['scripts/check-deps.mjs'] },
  ],
  [
    {
      name: 'test',
      command: 'vitest',
      // The timing reporter comes first: it prints the phase table, then the default reporter prints
      // vitest's summary, the last lines of the output.
      args: ['run', '--reporter=./scripts/check-timing-reporter.mjs', '--reporter=default'],
      env: { BATON_TYPE_TESTS_DONE: '1' },
      printsTimings: true,
    },
  ],
];

/** The environment variable through which check.mjs hands the timings so far to the vitest reporter. */
export const TIMINGS_VARIABLE = 'BATON_CHECK_TIMINGS';

/**
 * @typedef {object} PhaseTiming
 * @property {string} name
 * @property {number} seconds wall-clock seconds
 * @property {string} status `passed`, `failed (exit 2)`, ...
 * @property {boolean} [parallel] ran at the same time as the other phases of its group
 */

/**
 * The phase table: one line per phase (wall-clock seconds, status, `‖` for phases that ran at the
 * same time as their neighbours marked so), then the total.
 * @param {PhaseTiming[]} phases
 * @param {number} totalSeconds
 * @param {string} [nodeVersion]
 * @returns {string[]}
 */
export function formatPhaseTable(phases, totalSeconds, nodeVersion = process.version) {
  const width = Math.max(5, ...phases.map((phase) => phase.name.length));
  const seconds = (value) => value.toFixed(1).padStart(7);
  return [
    `check phases (wall-clock seconds, Node ${nodeVersion}; ‖ = at the same time as the other ‖ phases next to it):`,
    ...phases.map((phase) => `  ${phase.name.padEnd(width)} ${seconds(phase.seconds)}  ${phase.parallel ? '‖ ' : '  '}${phase.status}`),
    `  ${'total'.padEnd(width)} ${seconds(totalSeconds)}`,
  ];
}

/**
 * Reads what check.mjs put in `TIMINGS_VARIABLE`; `undefined` when it is absent or not a timing
 * record (vitest run outside `pnpm check`: the reporter then prints nothing).
 * @param {Record<string, string | undefined>} env
 * @returns {{ startedAt: number, testStartedAt: number, phases: PhaseTiming[] } | undefined}
 */
export function readTimings(env) {
  const text = env[TIMINGS_VARIABLE];
  if (text === undefined) return undefined;
  try {
    const value = JSON.parse(text);
    const valid =
      typeof value === 'object' &&
      value !== null &&
      Number.isFinite(value.startedAt) &&
      Number.isFinite(value.testStartedAt) &&
      Array.isArray(value.phases) &&
      value.phases.every((phase) => typeof phase?.name === 'string' && Number.isFinite(phase.seconds) && typeof phase.status === 'string');
    return valid ? value : undefined;
  } catch {
    return undefined;
  }
}
