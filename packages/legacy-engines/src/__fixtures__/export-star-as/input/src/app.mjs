import { engines } from './legacy.mjs';

export function start(config) {
  return new engines.ExecutionEngine(config);
}

export function supervise(request) {
  const { SupervisorAgent: Supervisor } = engines;
  return new Supervisor({}).execute(request);
}

export function guide() {
  return engines.getMigrationGuide('ExecutionEngine').importPath;
}
