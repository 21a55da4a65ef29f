import { InvalidUserContextError, UserIsolationError } from '@baton/engine-contract';
import { describe, expect, it } from 'vitest';
import { checkUserIsolation } from './check-user-isolation.js';

const engineContext = { userId: 'user-a', threadId: 'thread-a', runId: 'run-a' };

describe('checkUserIsolation', () => {
  it('accepts no context and a context with the same ids', () => {
    expect(() => checkUserIsolation(engineContext, undefined)).not.toThrow();
    expect(() => checkUserIsolation(engineContext, { ...engineContext, requestId: 'other' })).not.toThrow();
  });

  it.each(['userId', 'threadId', 'runId'] as const)('refuses a context whose %s differs, naming the field and not echoing ids', (field) => {
    let caught: unknown;
    try {
      checkUserIsolation(engineContext, { ...engineContext, [field]: 'intruder-id' });
    } catch (error) {
      caught = error;
    }
    expect(UserIsolationError.isInstance(caught)).toBe(true);
    const error = caught as UserIsolationError;
    expect(error.code).toBe('USER_ISOLATION_VIOLATION');
    expect(error.field).toBe(field);
    expect(error.message).toContain(field);
    expect(error.message).toBe(
      `userContext.${field} does not match the ${field} of the orchestrator's engine: an orchestrator runs requests only for ` +
        'the user, thread and run its engine is bound to. Create an engine for this context with ' +
        'createEngineFactory(...).createEngine(userContext) and an orchestrator on it.',
    );
    expect(error.message).not.toContain('intruder-id');
    expect(error.message).not.toContain(engineContext[field]);
  });

  it('refuses a context missing an id', () => {
    expect(() => checkUserIsolation(engineContext, { userId: 'user-a', threadId: 'thread-a' })).toThrow(
      expect.objectContaining({ code: 'USER_ISOLATION_VIOLATION', field: 'runId' }),
    );
  });

  it.each([null, 'user-a', 42])('refuses a non-object context %s with InvalidUserContextError', (value) => {
    let caught: unknown;
    try {
      checkUserIsolation(engineContext, value);
    } catch (error) {
      caught = error;
    }
    expect(InvalidUserContextError.isInstance(caught)).toBe(true);
    expect((caught as InvalidUserContextError).field).toBe('userContext');
    expect((caught as InvalidUserContextError).message).toBe('userContext must be a user execution context (createUserExecutionContext)');
  });
});
