export { type AdmissionBackoffOptions, DEFAULT_ADMISSION_BACKOFF } from './admission-backoff.js';
export type { WorkflowErrorHandler } from './error-handler.js';
export { DUPLICATE_RUN, DuplicateRunError } from './errors/index.js';
export { DEFAULT_QUEUE_NAME, type WorkflowQueueLocation } from './queue-options.js';
export { workflowIdFor } from './workflow-id.js';
export type { WorkflowJobSummary } from './workflow-job.js';
export {
  createWorkflowQueue,
  DEFAULT_RETENTION_MS,
  type EnqueueRequest,
  type WorkflowQueue,
  type WorkflowQueueOptions,
} from './workflow-queue.js';
export { createWorkflowWorker, type WorkflowWorker } from './workflow-worker.js';
export { DEFAULT_CLOSE_GRACE_MS, DEFAULT_MAX_STALLED_COUNT, type WorkflowWorkerOptions } from './workflow-worker-options.js';
