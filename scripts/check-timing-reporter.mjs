// A vitest reporter for `pnpm check` (scripts/check.mjs): at the end of the run it prints the table of
// every phase's time, the test phase's included, just before the default reporter prints vitest's
// summary, so that the output still ends with vitest's summary line. Outside `pnpm check` it is silent.
import { formatPhaseTable, readTimings } from './check-plan.mjs';

/** Prints the phase table when the test run ends (listed before `default` in `--reporter`). */
export default class CheckTimingReporter {
  /**
   * @param {unknown} _testModules
   * @param {unknown} _unhandledErrors
   * @param {'passed' | 'failed' | 'interrupted'} reason
   */
  onTestRunEnd(_testModules, _unhandledErrors, reason) {
    const timings = readTimings(process.env);
    if (timings === undefined) return;
    const now = Date.now();
    const test = { name: 'test', seconds: (now - timings.testStartedAt) / 1000, status: `${reason} (vitest's summary follows)` };
    process.stdout.write(`\n${formatPhaseTable([...timings.phases, test], (now - timings.startedAt) / 1000).join('\n')}\n`);
  }
}
