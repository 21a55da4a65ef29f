import { runEngine } from './engine-runner.js';
import { createWidget } from './widgets.js';

// A local class that happens to share a legacy name is not an import of the old engine.
class ExecutionEngine {
  run(): string {
    return 'local';
  }
}

export function main(): string[] {
  return [createWidget(), runEngine(), new ExecutionEngine().run()];
}
