export {
  DEFAULT_MAX_STEPS,
  defineModelAgent,
  type ModelAgentSettings,
  type ModelCallSettings,
  type ModelProviderOptions,
} from './define-model-agent.js';
export type { LanguageModelV3 } from './language-model-v3.js';
export { createScriptedModel, type ScriptedModelOptions, type ScriptedToolCall, type ScriptedUsage } from './scripted-model.js';
export { type ToUIMessageStreamOptions, toUIMessageStream } from './to-ui-message-stream.js';
export type { BatonApprovalData, BatonStageData, BatonUIDataTypes, BatonUIMessage, BatonUIMessageChunk } from './ui-message-types.js';
