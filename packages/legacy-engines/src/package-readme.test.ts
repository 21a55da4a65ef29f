import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { LEGACY_ENGINE_NAMES } from './legacy-names.js';
import { getMigrationGuide } from './migration-guides.js';

const readme = readFileSync(join(dirname(fileURLToPath(import.meta.url)), '..', 'README.md'), 'utf8');

describe('README', () => {
  it.each(['ExecutionEngine', 'RequestScopedExecutionEngine', 'UnifiedExecutionEngineFactory', 'SupervisorAgent'] as const)(
    'shows the current code example of %s verbatim',
    (name) => {
      expect(readme).toContain(getMigrationGuide(name).codeExample);
    },
  );

  it('has a migration table row for every legacy name', () => {
    for (const name of LEGACY_ENGINE_NAMES) expect(readme).toMatch(new RegExp(`^\\| \`${name}\` \\|`, 'm'));
  });
});
