/** Parsed `pnpm stress` arguments. */
export interface StressCliOptions {
  users: number;
  runsPerUser: number;
  seed: string;
  /** `virtual` (default): deadlines on the run's own clock, the same outcome on any machine; `wall`: real time. */
  clock: 'virtual' | 'wall';
}

/** Defaults: the test-size workload. */
export const DEFAULT_CLI_OPTIONS: Readonly<StressCliOptions> = Object.freeze({
  users: 200,
  runsPerUser: 10,
  seed: '42',
  clock: 'virtual',
});

const USAGE = 'usage: pnpm stress [--users N] [--runs M] [--seed S] [--clock virtual|wall]   (M = concurrent runs per user)';

function positiveInteger(flag: string, value: string | undefined): number {
  const number = Number(value);
  if (value === undefined || !Number.isInteger(number) || number < 1)
    throw new Error(`${flag} needs a positive integer, got ${String(value)}\n${USAGE}`);
  return number;
}

/**
 * Parses `--users N --runs M --seed S --clock virtual|wall` (also `--flag=value`). Unknown flags are errors: a typo must
 * not silently run the default workload.
 * @throws Error with the usage text.
 */
export function parseCliOptions(argv: readonly string[]): StressCliOptions {
  const options: StressCliOptions = { ...DEFAULT_CLI_OPTIONS };
  for (let index = 0; index < argv.length; index++) {
    const argument = argv[index]!;
    // `pnpm stress -- --users 5` passes the separator through.
    if (argument === '--') continue;
    const [flag, inline] = argument.includes('=') ? (argument.split(/=(.*)/s, 2) as [string, string]) : [argument, undefined];
    const value = inline ?? argv[++index];
    if (flag === '--users') options.users = positiveInteger(flag, value);
    else if (flag === '--runs') options.runsPerUser = positiveInteger(flag, value);
    else if (flag === '--seed') {
      if (value === undefined || value === '') throw new Error(`--seed needs a value\n${USAGE}`);
      options.seed = value;
    } else if (flag === '--clock') {
      if (value !== 'virtual' && value !== 'wall') throw new Error(`--clock needs virtual or wall, got ${String(value)}\n${USAGE}`);
      options.clock = value;
    } else throw new Error(`unknown argument ${argument}\n${USAGE}`);
  }
  return options;
}
