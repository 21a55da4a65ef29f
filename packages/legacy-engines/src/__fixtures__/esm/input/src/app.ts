import { ExecutionEngine, getMigrationGuide } from '@baton/legacy-engines';
import { SupervisorAgent as Supervisor, formatReport } from './legacy/supervisor-agent.js';
import type { ExecutionEngineFactory } from '@baton/legacy-engines';

export class ReportService {
  private readonly engine = new ExecutionEngine({ maxConcurrency: 4 });

  constructor(private readonly factory: ExecutionEngineFactory) {}

  async run(request: string): Promise<string> {
    const supervisor = new Supervisor({ engine: this.engine, factory: this.factory });
    const result = await supervisor.execute(request);
    return formatReport(result);
  }
}

export const guide = getMigrationGuide('ExecutionEngine');
