// Types spelled as import types, without an import statement.
export type Agent = import('@baton/legacy-engines').SupervisorAgent;

export function makeEngine(Engine: typeof import('@baton/legacy-engines').ExecutionEngine, config: object): unknown {
  return new Engine(config);
}

export interface Services {
  factory: import('./engines.js').Factory;
  guide: import('@baton/legacy-engines').MigrationGuide;
}
