import { describe, expectTypeOf, it } from 'vitest';
import {
  type ContextMetadata,
  createUserExecutionContext,
  isUserExecutionContext,
  type JsonValue,
  type UserExecutionContext,
  type UserExecutionContextInput,
} from './user-execution-context.js';

describe('UserExecutionContext types', () => {
  it('has the documented fields', () => {
    expectTypeOf<UserExecutionContext['userId']>().toEqualTypeOf<string>();
    expectTypeOf<UserExecutionContext['threadId']>().toEqualTypeOf<string>();
    expectTypeOf<UserExecutionContext['runId']>().toEqualTypeOf<string>();
    expectTypeOf<UserExecutionContext['requestId']>().toEqualTypeOf<string>();
    expectTypeOf<UserExecutionContext['sessionId']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<UserExecutionContext['connectionId']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<UserExecutionContext['parentRequestId']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<UserExecutionContext['metadata']>().toEqualTypeOf<ContextMetadata>();
    expectTypeOf<UserExecutionContext['depth']>().toEqualTypeOf<number>();
    expectTypeOf<UserExecutionContext['createdAt']>().toEqualTypeOf<number>();
    expectTypeOf<UserExecutionContext['child']>().toEqualTypeOf<
      (operationName: string, metadata?: Record<string, unknown>) => UserExecutionContext
    >();
  });

  it('has readonly fields and readonly metadata', () => {
    const ctx = createUserExecutionContext({ userId: 'u', threadId: 't', runId: 'r' });
    expectTypeOf(ctx).toEqualTypeOf<UserExecutionContext>();
    // @ts-expect-error readonly
    ctx.userId = 'other';
    // @ts-expect-error readonly
    ctx.depth = 3;
    // @ts-expect-error readonly
    ctx.metadata = {};
    // @ts-expect-error readonly metadata
    ctx.metadata.plan = 'pro';
    expectTypeOf(ctx.metadata.anything).toEqualTypeOf<JsonValue | undefined>();
  });

  it('requires userId, threadId and runId and knows no other keys', () => {
    // @ts-expect-error runId missing
    createUserExecutionContext({ userId: 'u', threadId: 't' });
    // @ts-expect-error unknown key
    createUserExecutionContext({ userId: 'u', threadId: 't', runId: 'r', role: 'admin' });
    expectTypeOf<UserExecutionContextInput>().toEqualTypeOf<{
      userId: string;
      threadId: string;
      runId: string;
      requestId?: string;
      sessionId?: string;
      connectionId?: string;
      metadata?: Record<string, unknown>;
    }>();
  });

  it('isUserExecutionContext narrows unknown', () => {
    const value: unknown = null;
    if (isUserExecutionContext(value)) expectTypeOf(value).toEqualTypeOf<UserExecutionContext>();
  });
});
