import * as engines from './engines.js';
import { ns } from './engines.js';

let factory: ns.ExecutionEngineFactory | undefined;

export function start(config: object) {
  factory ??= ns.getExecutionEngineFactory();
  return new ns['ExecutionEngine'](config);
}

export function supervisor() {
  return new engines.ns.SupervisorAgent({});
}

export const guide = ns.getMigrationGuide('SupervisorAgent').replacement;
