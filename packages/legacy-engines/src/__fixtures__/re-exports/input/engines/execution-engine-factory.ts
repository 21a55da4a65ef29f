// The project's own old factory module: declaring the class is not a use of it.
export class UnifiedExecutionEngineFactory {
  static getInstance(): UnifiedExecutionEngineFactory {
    return new UnifiedExecutionEngineFactory();
  }
}

export function formatReport(value: unknown): string {
  return JSON.stringify(value);
}
