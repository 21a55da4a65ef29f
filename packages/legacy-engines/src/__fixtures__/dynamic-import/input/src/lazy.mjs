export async function handle(request) {
  const { createRequestScopedEngine } = await import('@baton/legacy-engines');
  const engine = createRequestScopedEngine(request);
  return engine.execute(request);
}

export function later() {
  return import('./old/execution-engine.mjs').then(({ ExecutionEngine }) => new ExecutionEngine());
}

export async function property() {
  return new (await import('@baton/legacy-engines')).ConsolidatedExecutionEngine();
}
