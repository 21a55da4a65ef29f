import { createLegacyClass, type LegacyClass, type LegacyInstance } from './legacy-class.js';

/**
 * The old supervisor that ran the triage workflow on a shared engine. Its instance type: every member is typed loosely so old code compiles.
 * @deprecated `SupervisorAgent` has been removed. Use `new WorkflowOrchestrator({ engine })` from `@baton/orchestrator` instead.
 * Every use throws `EngineMigrationError` with a working example (also in `getMigrationGuide('SupervisorAgent')`);
 * `npx @baton/legacy-engines check` lists every use in your code.
 */
export interface SupervisorAgent extends LegacyInstance {}

/**
 * The old supervisor that ran the triage workflow on a shared engine. Constructing it, calling it or touching a static member throws.
 * @deprecated `SupervisorAgent` has been removed. Use `new WorkflowOrchestrator({ engine })` from `@baton/orchestrator` instead.
 * Every use throws `EngineMigrationError` with a working example (also in `getMigrationGuide('SupervisorAgent')`);
 * `npx @baton/legacy-engines check` lists every use in your code.
 */
export const SupervisorAgent: LegacyClass<SupervisorAgent> = /* @__PURE__ */ createLegacyClass<SupervisorAgent>('SupervisorAgent');
