// Migrated by hand after a first `check --fix`: the legacy imports are left over.
// TODO(baton-migrate): ExecutionEngine → createEngineFactory(...).createEngine(userContext) from @baton/engine-factory
import { ExecutionEngine, getMigrationGuide } from '@baton/legacy-engines';
// TODO(baton-migrate): SupervisorAgent → new WorkflowOrchestrator({ engine }) from @baton/orchestrator
import type { SupervisorAgent } from '@baton/legacy-engines';

export function describe(): string {
  return getMigrationGuide('ExecutionEngine').replacement;
}

export function engineFor(userId: string): string {
  // TODO(baton-migrate): ExecutionEngine → createEngineFactory(...).createEngine(userContext) from @baton/engine-factory
  return `engine-for-${userId}`;
}
