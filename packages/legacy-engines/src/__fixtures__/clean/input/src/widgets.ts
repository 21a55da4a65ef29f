export function createWidget(): string {
  return 'widget';
}
