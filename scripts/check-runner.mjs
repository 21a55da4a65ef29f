// Runs a check plan (scripts/check-plan.mjs) group by group and times every phase: the engine of
// `pnpm check` (scripts/check.mjs), apart so that scripts/check-plan.test.ts can run small plans.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { formatPhaseTable, TIMINGS_VARIABLE } from './check-plan.mjs';

const statusOf = (code) => (code === 0 ? 'passed' : `failed (exit ${code})`);

/**
 * Runs one phase. A phase that runs beside others has its output collected and written in one block
 * when its group is done, so that parallel logs do not interleave.
 * @param {import('./check-plan.mjs').CheckPhase} phase
 * @param {{ root: string, collect: boolean, env: Record<string, string> }} options
 * @returns {Promise<{ code: number, seconds: number, output: string }>}
 */
function runPhase(phase, { root, collect, env }) {
  const command = phase.command === 'node' ? process.execPath : join(root, 'node_modules', '.bin', phase.command);
  const began = performance.now();
  return new Promise((resolve) => {
    const chunks = [];
    const child = spawn(command, phase.args, {
      cwd: root,
      env: { ...process.env, ...phase.env, ...env },
      stdio: collect ? ['ignore', 'pipe', 'pipe'] : 'inherit',
    });
    if (collect) {
      child.stdout.on('data', (chunk) => chunks.push(chunk));
      child.stderr.on('data', (chunk) => chunks.push(chunk));
    }
    let settled = false;
    const finish = (code) => {
      if (settled) return;
      settled = true;
      resolve({ code, seconds: (performance.now() - began) / 1000, output: Buffer.concat(chunks).toString() });
    };
    child.on('error', (error) => {
      chunks.push(Buffer.from(`could not start ${command}: ${error.message}\n`));
      finish(127);
    });
    child.on('close', (code, signal) => finish(code ?? (signal ? 128 : 1)));
  });
}

/**
 * Runs `plan`: each group's phases at the same time, groups one after the other. Stops after the
 * first group with a failure. Writes the phase table at the end, unless the last phase ran and has
 * `printsTimings` (the vitest reporter then wrote it, before vitest's summary, and exit code 1 is a
 * test failure after the reporters ran). Every phase gets the timings so far in `TIMINGS_VARIABLE`.
 * @param {import('./check-plan.mjs').CheckPhase[][]} plan
 * @param {{ root: string, write?: (text: string) => void }} options
 * @returns {Promise<number>} the exit code: 0, or the first failing phase's
 */
export async function runCheck(plan, { root, write = (text) => process.stdout.write(text) }) {
  const startedAt = Date.now();
  /** @type {import('./check-plan.mjs').PhaseTiming[]} */
  const timings = [];
  const table = () => `\n${formatPhaseTable(timings, (Date.now() - startedAt) / 1000).join('\n')}\n`;
  for (const [groupIndex, group] of plan.entries()) {
    const parallel = group.length > 1;
    const env = { [TIMINGS_VARIABLE]: JSON.stringify({ startedAt, testStartedAt: Date.now(), phases: timings }) };
    write(`\n▶ ${group.map((phase) => phase.name).join(' ‖ ')}${parallel ? ' (at the same time)' : ''}\n`);
    const results = await Promise.all(group.map((phase) => runPhase(phase, { root, collect: parallel, env })));
    for (const [index, phase] of group.entries()) {
      const { code, seconds, output } = results[index];
      if (parallel) write(`\n── ${phase.name}: ${statusOf(code)} in ${seconds.toFixed(1)} s ──\n${output}`);
      timings.push({ name: phase.name, seconds, status: statusOf(code), ...(parallel ? { parallel: true } : {}) });
    }
    const failed = results.find((result) => result.code !== 0);
    if (groupIndex === plan.length - 1) {
      const reported = group.every((phase) => phase.printsTimings) && (failed === undefined || failed.code === 1);
      if (!reported) write(table());
      return failed?.code ?? 0;
    }
    if (failed !== undefined) {
      write(table());
      write(
        `check failed: ${timings
          .filter((timing) => timing.status !== 'passed')
          .map((timing) => timing.name)
          .join(', ')}\n`,
      );
      return failed.code;
    }
  }
  return 0;
}
