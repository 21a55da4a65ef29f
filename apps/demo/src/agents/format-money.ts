/** Formats whole dollars the way a finance person writes them: `$58,000`. */
export function formatMoney(amount: number): string {
  return `$${Math.round(amount).toLocaleString('en-US')}`;
}

/** Formats a ratio (0.2) as a whole percentage (`20%`). */
export function formatPercent(ratio: number): string {
  return `${Math.round(ratio * 100)}%`;
}
