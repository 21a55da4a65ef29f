/** `0.42 s`, `3.1 s`, `1 min 04 s`: tabular, so numbers do not jitter as they tick. */
export function formatDuration(ms: number): string {
  if (ms < 10_000) return `${(ms / 1000).toFixed(2)} s`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.floor((ms % 60_000) / 1000);
  return `${minutes} min ${seconds.toString().padStart(2, '0')} s`;
}

const STAGE_LABELS: Record<string, string> = {
  triage: 'Triage',
  data_helper: 'Fill in missing facts',
  data: 'Billing data',
  optimization: 'Find savings',
  actions: 'Action plan',
  reporting: 'Write the answer',
};

/** A human name for a stage (falls back to the agent name). */
export function stageLabel(name: string): string {
  return STAGE_LABELS[name] ?? name;
}

const PATH_LABELS: Record<string, string> = {
  sufficient: 'Full analysis',
  partial: 'Fill gaps, then analyse',
  insufficient: 'General guidance',
  fallback: 'Fallback',
};

/** A human name for a workflow path. */
export function pathLabel(path: string): string {
  return PATH_LABELS[path] ?? path;
}
