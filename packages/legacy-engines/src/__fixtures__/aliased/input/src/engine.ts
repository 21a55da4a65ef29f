import {
  ExecutionEngine as EE,
  UnifiedExecutionEngineFactory as Factory,
  configureExecutionEngineFactory as configure,
} from '@baton/legacy-engines';

configure({ maxEngines: 10 });

export function makeEngine(config: object) {
  const factory = Factory.getInstance();
  return factory.create(config) ?? new EE(config);
}

export function shadowed(EE: number): number {
  // A parameter named like the alias is not the legacy class.
  return EE * 2;
}

export const engines = { EE };

export function engineCount(): number {
  // @ts-expect-error an engine was never a number
  return new EE({});
}
