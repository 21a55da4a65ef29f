import { parseCliOptions, type StressCliOptions } from './cli-options.js';
import { runStress } from './run-stress.js';
import { formatOutcomeLines, formatSummaryLine, formatViolations } from './stress-summary.js';

// `pnpm stress --users 2000 --runs 50 --seed X [--clock wall]`: exits 1 on any violation, printing the first ones.
let options: StressCliOptions;
try {
  options = parseCliOptions(process.argv.slice(2));
} catch (error) {
  console.error((error as Error).message);
  process.exit(2);
}
console.log(`stress: ${options.users} users x ${options.runsPerUser} concurrent runs, seed ${options.seed}, ${options.clock} clock`);
const stress = await runStress(options);
for (const line of formatOutcomeLines(stress)) console.log(line);
if (stress.report.violationCount > 0) for (const line of formatViolations(stress)) console.log(line);
console.log(formatSummaryLine(stress));
process.exitCode = stress.report.violationCount > 0 ? 1 : 0;
