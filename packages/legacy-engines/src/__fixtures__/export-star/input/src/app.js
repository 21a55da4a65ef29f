import { ENGINE_VERSION, ExecutionEngine, createExecutionEngine } from './engines.js';

export function start(config) {
  return new ExecutionEngine(config);
}

export function create(config) {
  return createExecutionEngine(config);
}

export function version() {
  return ENGINE_VERSION;
}
