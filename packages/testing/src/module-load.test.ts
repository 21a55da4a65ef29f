import { describe, expect, it } from 'vitest';

/**
 * The package is imported inside the tests, not at the top of the file: top-level code that breaks
 * must fail a test (a file that fails to load has no tests to fail).
 */
describe('module loading', () => {
  it('loads the entry point, with every export defined', async () => {
    const api = await import('./index.js');
    for (const [name, value] of Object.entries(api)) expect(value, name).toBeDefined();
    expect(Object.keys(api).sort()).toEqual([
      'DEFAULT_CLOCK_START',
      'EventGuaranteeError',
      'EventRecorder',
      'Gate',
      'ManualClock',
      'TEST_ENGINE_LIMITS',
      'assertEventGuarantees',
      'createGate',
      'createManualClock',
      'createTestFactory',
      'recordEvents',
      'scriptedAgent',
    ]);
  });
});
