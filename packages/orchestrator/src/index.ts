export {
  classifyDataSufficiency,
  type DataSufficiency,
  PARTIAL_COMPLETENESS,
  SUFFICIENT_COMPLETENESS,
} from './classify-data-sufficiency.js';
export { defineWorkflow, isWorkflowDefinition } from './define-workflow.js';
export type {
  AgentName,
  AgentOutput,
  AgentReference,
  LinearStage,
  LinearStageSpec,
  LinearWorkflowDefinitionInput,
  LinearWorkflowOutput,
} from './linear-workflow-input.js';
export type { StageInput, StagePrevious } from './stage-input.js';
export { triageWorkflow } from './triage-workflow.js';
export {
  LINEAR_WORKFLOW_PATH,
  type LinearWorkflowDefinition,
  type StageApproval,
  type StageSpec,
  type TriageWorkflowDefinition,
  type WorkflowClassifier,
  type WorkflowDefinition,
  type WorkflowDefinitionBase,
  type WorkflowDefinitionInput,
} from './workflow-definition.js';
export { createWorkflowOrchestrator, WorkflowOrchestrator, type WorkflowOrchestratorOptions } from './workflow-orchestrator.js';
export type { WorkflowResult, WorkflowResultStatus } from './workflow-result.js';
export type {
  ApprovalDecision,
  WorkflowResumeOptions,
  WorkflowRunOptions,
  WorkflowRunRequest,
  WorkflowUserIds,
} from './workflow-run-request.js';
