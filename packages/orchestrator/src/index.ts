export { classifyDataSufficiency, PARTIAL_COMPLETENESS, SUFFICIENT_COMPLETENESS, type DataSufficiency } from './classify-data-sufficiency.js';
export { defineWorkflow, isWorkflowDefinition } from './define-workflow.js';
export type { StageInput } from './stage-input.js';
export { triageWorkflow } from './triage-workflow.js';
export type { StageSpec, WorkflowClassifier, WorkflowDefinition, WorkflowDefinitionInput } from './workflow-definition.js';
export { WorkflowOrchestrator, createWorkflowOrchestrator, type WorkflowOrchestratorOptions } from './workflow-orchestrator.js';
export type { WorkflowResult } from './workflow-result.js';
export type { WorkflowRunOptions, WorkflowRunRequest, WorkflowUserIds } from './workflow-run-request.js';
