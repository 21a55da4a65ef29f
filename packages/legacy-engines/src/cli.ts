/**
 * The `legacy-engines` bin: `npx @baton/legacy-engines check [paths...] [--json] [--fix]`.
 * See `checker/run-cli.ts` for the behaviour and the package README for the rules.
 */
import { EXIT_CODES, runCli } from './checker/run-cli.js';

// `legacy-engines check | head` closes stdout early: stop quietly instead of crashing on EPIPE.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  process.exit(process.exitCode ?? EXIT_CODES.found);
});

runCli(process.argv.slice(2), {
  cwd: process.cwd(),
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
}).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`legacy-engines: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = EXIT_CODES.usage;
  },
);
