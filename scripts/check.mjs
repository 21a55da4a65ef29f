#!/usr/bin/env node
// `pnpm check`: every check and test, in the order and groups of CHECK_PLAN (scripts/check-plan.mjs),
// with the wall-clock time of each phase. The table comes right before vitest's summary (printed by
// scripts/check-timing-reporter.mjs), which stays the last thing printed; when an earlier phase fails,
// the run stops after its group and prints the table. Exits with the first failing phase's code.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHECK_PLAN } from './check-plan.mjs';
import { runCheck } from './check-runner.mjs';

process.exitCode = await runCheck(CHECK_PLAN, { root: join(dirname(fileURLToPath(import.meta.url)), '..') });
