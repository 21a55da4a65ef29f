import type { ActionsOutput } from './actions-agent.js';
import { firstCheck, vocabulary } from './cloud-catalogue.js';
import type { DataOutput } from './data-agent.js';
import type { DataHelperOutput } from './data-helper-agent.js';
import { formatMoney, formatPercent } from './format-money.js';
import type { OptimizationOutput } from './optimization-agent.js';
import type { TriageOutput } from './triage-agent.js';

/** Everything reporting may build on; absent fields are stages that did not run or did not succeed. */
export interface AnswerSources {
  triage?: TriageOutput;
  helper?: DataHelperOutput;
  data?: DataOutput;
  optimization?: OptimizationOutput;
  actions?: ActionsOutput;
  failedStages: readonly string[];
}

/** The final answer: a one-line headline and a body in a small Markdown subset (`### `, `- `, `**bold**`). */
export interface ComposedAnswer {
  headline: string;
  answer: string;
}

const STAGE_LABEL: Record<string, string> = {
  triage: 'triage',
  data_helper: 'benchmark',
  data: 'billing data',
  optimization: 'optimisation',
  actions: 'planning',
};

/**
 * Writes the answer from whatever the earlier stages produced: a full savings plan on the
 * `sufficient` path, a where-to-look answer on `partial`, a playbook with follow-up questions otherwise.
 * Pure, so the same outputs always give the same words.
 */
export function composeAnswer(sources: AnswerSources): ComposedAnswer {
  const composed =
    sources.optimization && sources.data
      ? savingsAnswer(sources.data, sources.optimization, sources.actions, sources.triage)
      : sources.data
        ? whereToLookAnswer(sources.data, sources.helper)
        : playbookAnswer(sources.helper, sources.triage);
  if (sources.failedStages.length === 0) return composed;
  const names = sources.failedStages.map((stage) => STAGE_LABEL[stage] ?? stage).join(', ');
  const note = `Note: the ${names} step${sources.failedStages.length === 1 ? '' : 's'} did not finish, so this answer rests on what the other steps found.`;
  return { headline: composed.headline, answer: `${note}\n\n${composed.answer}` };
}

function savingsAnswer(
  data: DataOutput,
  optimization: OptimizationOutput,
  actions: ActionsOutput | undefined,
  triage: TriageOutput | undefined,
): ComposedAnswer {
  const provider = data.provider ?? 'cloud';
  const total = optimization.totalMonthlySavings;
  const target = actions?.targetMonthlySavings ?? null;
  const headline =
    target !== null && actions
      ? actions.meetsTarget
        ? `A ${triage?.targetPercent}% cut (${formatMoney(target)} a month) is within reach on your ${provider} bill, mostly with low-effort changes.`
        : `A ${triage?.targetPercent}% cut is ambitious: the plan below reaches ${formatPercent(actions.plannedMonthlySavings / data.monthlySpend)} (${formatMoney(actions.plannedMonthlySavings)} a month).`
      : `About ${formatMoney(total)} a month (${formatPercent(optimization.savingsRatio)}) can come off your ${provider} bill.`;
  const sections = [
    '### What is driving the bill',
    data.findings.join(' '),
    '### Where to save',
    optimization.opportunities
      .slice(0, 5)
      .map((item) => `- **${item.title}**: about ${formatMoney(item.monthlySavings)} a month, ${item.effort} effort. ${item.detail}`)
      .join('\n'),
  ];
  if (actions) {
    sections.push(
      '### Plan',
      actions.steps
        .map(
          (step) =>
            `- **${step.when}** (${step.owner}): ${step.action}${step.monthlySavings > 0 ? `, about ${formatMoney(step.monthlySavings)} a month` : ''}.`,
        )
        .join('\n'),
    );
  }
  sections.push(
    `In total the opportunities found are worth about ${formatMoney(total)} a month, ${formatMoney(total * 12)} a year. Figures are estimates from a typical ${provider} bill of this size; your own billing export will sharpen them.`,
  );
  return { headline, answer: sections.join('\n\n') };
}

function whereToLookAnswer(data: DataOutput, helper: DataHelperOutput | undefined): ComposedAnswer {
  const key = data.provider ?? 'generic';
  // "Other services" is a bucket, not something to act on.
  const top = data.lines
    .filter((line) => line.category !== 'other')
    .sort((a, b) => b.monthly - a.monthly)
    .slice(0, 4);
  const [first, second] = top;
  const headline =
    first && second
      ? `Start with ${first.service} and ${second.service}: together about ${formatPercent(first.share + second.share)} of a typical ${data.provider ?? 'cloud'} bill.`
      : 'Start with the largest lines of your bill.';
  const sections: string[] = [];
  if (helper && helper.assumptions.length > 0) sections.push(helper.assumptions.join(' '));
  sections.push(
    `### Where the money ${data.estimated ? 'likely ' : ''}goes`,
    top
      .map(
        (line) =>
          `- **${line.service}**: ${data.estimated ? 'about ' : ''}${formatMoney(line.monthly)} a month (${formatPercent(line.share)})`,
      )
      .join('\n'),
    '### What to check first',
    top
      .slice(0, 3)
      .map((line) => `- **${line.service}**: ${firstCheck(line.category, key)}.`)
      .join('\n'),
    `Teams that work through these usually take 15-25% off the bill within a quarter. Set up ${vocabulary(key).budgets} first, so you can see the effect.`,
  );
  if (helper && helper.questions.length > 0) {
    sections.push('### To make this precise, tell me', helper.questions.map((question) => `- ${question}`).join('\n'));
  }
  return { headline, answer: sections.join('\n\n') };
}

function playbookAnswer(helper: DataHelperOutput | undefined, triage: TriageOutput | undefined): ComposedAnswer {
  const key = helper?.provider ?? triage?.provider ?? 'generic';
  const words = vocabulary(key);
  const spend = helper?.monthlySpend ?? null;
  const sections = [
    'Without your figures, here is the order that works for most teams, cheapest changes first:',
    [
      `- **Make spend visible**: tag every resource with an owner and a product, and set up ${words.budgets}.`,
      '- **Switch off what nobody uses**: non-production at night and at weekends, unattached disks, old snapshots. Often 5-10% of the bill.',
      `- **Rightsize**: follow ${words.rightsizingTool}; most instances run below 30% CPU.`,
      `- **Commit to the steady baseline**: ${words.commitments} save around 28% on usage you will have anyway. Only after rightsizing.`,
      `- **Tier your data**: ${words.storageTiering}.`,
    ].join('\n'),
  ];
  if (spend !== null) {
    sections.push(
      `On a typical bill of ${formatMoney(spend)} a month these steps save 20-30%: ${formatMoney(spend * 0.2)} to ${formatMoney(spend * 0.3)} a month.`,
    );
  }
  const questions = helper?.questions ?? ['Which provider do you use, and what was your bill last month?'];
  sections.push('### To give you numbers, tell me', questions.map((question) => `- ${question}`).join('\n'));
  return { headline: 'Five steps to get cloud spend under control, cheapest first.', answer: sections.join('\n\n') };
}
