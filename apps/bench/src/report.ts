import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import type { CaseResult, Row } from './case-result.js';
import type { MachineInfo } from './machine-info.js';
import type { Figure } from './stats.js';

/** Where a target stands, judged on the median; `spreadCrossesTarget` when min…max straddles it. */
export interface TargetStanding {
  key: string;
  metric: string;
  target: string;
  median: number;
  min: number;
  max: number;
  unit: string;
  met: boolean;
  spreadCrossesTarget: boolean;
}

/** Everything one bench run produced; written as `latest.json`. */
export interface Report {
  schemaVersion: 1;
  mode: 'full' | 'smoke';
  /** The command that produced the report (`pnpm bench` when run through the script). */
  command: string;
  /** What actually ran, in apps/bench. */
  nodeCommand: string;
  startedAt: string;
  durationSeconds: number;
  machine: MachineInfo;
  loadAverageAtEnd: number[];
  cases: CaseResult[];
  targets: TargetStanding[];
}

function satisfies(value: number, row: Row): boolean {
  const target = row.target;
  if (target === undefined) return true;
  return target.comparator === '<=' ? value <= target.value : value >= target.value;
}

/** Judges every row that has a target. */
export function standings(cases: readonly CaseResult[]): TargetStanding[] {
  return cases.flatMap((result) =>
    result.rows.flatMap((row) => {
      if (row.target === undefined) return [];
      const { median, min, max, unit } = row.figure;
      return [
        {
          key: row.key,
          metric: row.metric,
          target: row.target.label,
          median,
          min,
          max,
          unit,
          met: satisfies(median, row),
          spreadCrossesTarget: satisfies(min, row) !== satisfies(max, row),
        },
      ];
    }),
  );
}

/** 3 significant digits, thousands separated, never exponent notation. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const magnitude = Math.abs(value);
  const digits = magnitude >= 100 ? 0 : magnitude >= 10 ? 1 : magnitude >= 1 ? 2 : 3;
  return value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

function spread(figure: Figure): string {
  return `${formatNumber(figure.min)} … ${formatNumber(figure.max)}`;
}

function standingOf(row: Row, targets: readonly TargetStanding[]): string {
  const standing = targets.find((entry) => entry.key === row.key);
  if (standing === undefined) return '';
  return `${standing.met ? 'met' : 'NOT met'}${standing.spreadCrossesTarget ? ' *' : ''}`;
}

const FOOTNOTES = [
  '* the min … max spread straddles the target (targets are judged on the median).',
  "† measured after LangGraph.js first ran in the process: its AsyncLocalStorage promise hooks slow every await, Baton's too.",
  'Ratios and overheads are per round (round medians); times are per sample (the mean over a batch of runs).',
  'Runs/s and latency percentiles of bursts (cases 4 and 8) are per round: one burst, or closed loop, per round and contender.',
];

const HEADERS = ['Case', 'Metric', 'Median', 'Min … Max', 'Unit', 'Target', 'Standing'] as const;

function tableRows(report: Report): string[][] {
  return report.cases.flatMap((result) =>
    result.rows.map((row) => [
      result.title,
      row.metric,
      formatNumber(row.figure.median),
      spread(row.figure),
      row.figure.unit,
      row.target?.label ?? '',
      standingOf(row, report.targets),
    ]),
  );
}

/** The one table printed to stdout: every figure and ratio, its spread and where its target stands. */
export function renderTable(report: Report): string {
  const rows = tableRows(report);
  const widths = HEADERS.map((header, column) => Math.max(header.length, ...rows.map((row) => (row[column] ?? '').length)));
  const numeric = new Set([2, 3]);
  const line = (cells: readonly string[]) =>
    cells.map((cell, column) => (numeric.has(column) ? cell.padStart(widths[column] ?? 0) : cell.padEnd(widths[column] ?? 0))).join(' │ ');
  const rule = widths.map((width) => '─'.repeat(width)).join('─┼─');
  const out = [line(HEADERS), rule];
  let previousCase = '';
  for (const row of rows) {
    const caseTitle = row[0] ?? '';
    if (previousCase !== '' && caseTitle !== previousCase) out.push(rule);
    out.push(line(caseTitle === previousCase ? ['', ...row.slice(1)] : row));
    previousCase = caseTitle;
  }
  out.push('', FOOTNOTES.join('\n'));
  return out.join('\n');
}

const escapeCell = (cell: string) => cell.replaceAll('|', '\\|');

/** `latest.md`: the command, the machine, the table, then what each case measured. */
export function renderMarkdown(report: Report): string {
  const { machine } = report;
  const lines = [
    `# Baton bench results${report.mode === 'smoke' ? ' (smoke run: one iteration per case, figures are not meaningful)' : ''}`,
    '',
    `Made with \`${report.command}\`${report.command === report.nodeCommand ? '' : ` (which runs \`${report.nodeCommand}\` in apps/bench)`} on ${report.startedAt} (${formatNumber(report.durationSeconds)} s).`,
    '',
    `- Machine: ${machine.cpus.count} × ${machine.cpus.model}, ${formatNumber(machine.totalMemoryBytes / 1024 ** 3)} GiB RAM, ${machine.os.type} ${machine.os.release} (${machine.os.platform}/${machine.os.arch}); load average at start ${machine.loadAverageAtStart.join(' / ')}, at end ${report.loadAverageAtEnd.join(' / ')} (shared machine: read the ratios, not the absolute times)`,
    `- Node ${machine.node} (V8 ${machine.v8}), gc exposed: ${machine.exposeGc}${machine.commit === undefined ? '' : `, commit ${machine.commit}`}`,
    `- Versions: ${Object.entries(machine.versions)
      .map(([name, version]) => `${name} ${version}`)
      .join(', ')}`,
    '',
    `| ${HEADERS.join(' | ')} |`,
    `| ${HEADERS.map((_, column) => (column === 2 || column === 3 ? '---:' : '---')).join(' | ')} |`,
    ...tableRows(report).map((row) => `| ${row.map(escapeCell).join(' | ')} |`),
    '',
    ...FOOTNOTES.map((note) => `${note.replace(/^\*/, '\\*')}  `),
    '',
    '## Targets',
    '',
    ...report.targets.map(
      (target) =>
        `- ${target.met ? 'Met' : '**Not met**'}: ${target.metric} — ${formatNumber(target.median)} ${target.unit} (min ${formatNumber(target.min)}, max ${formatNumber(target.max)}); target ${target.target}${target.spreadCrossesTarget ? ' (the spread straddles it)' : ''}`,
    ),
    '',
    '## Cases',
  ];
  for (const result of report.cases) {
    lines.push(
      '',
      `### ${result.title}`,
      '',
      ...result.notes.map((note) => `- ${note}`),
      '',
      `Settings: \`${JSON.stringify(result.settings)}\``,
    );
  }
  lines.push('', `Full figures (mean, p99, rme, sample counts): \`latest.json\`.`, '');
  return lines.join('\n');
}

/** Writes `latest.json` and `latest.md` into `directory` (created if needed); returns their paths. */
export async function writeReport(report: Report, directory: string): Promise<{ json: string; markdown: string }> {
  await mkdir(directory, { recursive: true });
  const json = join(directory, 'latest.json');
  const markdown = join(directory, 'latest.md');
  await writeFile(json, `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(markdown, renderMarkdown(report));
  return { json, markdown };
}

/** The 1, 5 and 15 minute load averages, rounded. */
export function loadAverage(): number[] {
  return os.loadavg().map((load) => Math.round(load * 100) / 100);
}
