// The project's own old supervisor module: declaring the class is not a use of it.
export class SupervisorAgent {
  constructor(readonly options: unknown) {}

  async execute(request: string): Promise<string> {
    return request;
  }
}

export function formatReport(result: unknown): string {
  return String(result);
}
