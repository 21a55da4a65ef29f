import { describe, expectTypeOf, it } from 'vitest';
import {
  BatonError,
  type BatonErrorCode,
  EngineMigrationError,
  InvalidUserContextError,
  UnknownAgentError,
  UserLimitExceededError,
} from './index.js';

describe('error types', () => {
  it('BatonErrorCode is the union of the documented codes', () => {
    expectTypeOf<BatonErrorCode>().toEqualTypeOf<
      | 'INVALID_USER_CONTEXT'
      | 'INVALID_CONFIG'
      | 'INVALID_EVENT'
      | 'INVALID_ENGINE'
      | 'ENGINE_MIGRATION'
      | 'UNKNOWN_AGENT'
      | 'USER_LIMIT_EXCEEDED'
      | 'ENGINE_DISPOSED'
      | 'FACTORY_SHUTDOWN'
      | 'USER_ISOLATION_VIOLATION'
      | 'REPLAY_UNAVAILABLE'
      | 'TRANSPORT_ERROR'
      | 'UNTRUSTED_REGISTRY'
      | 'RUN_NOT_FOUND'
      | 'RUN_NOT_RESUMABLE'
      | 'RUN_RECORD_REJECTED'
      | 'RUN_INTERRUPTED'
      | 'DUPLICATE_RUN'
    >();
    expectTypeOf<BatonError['code']>().toEqualTypeOf<BatonErrorCode>();
  });

  it('isInstance narrows unknown to the class', () => {
    const error: unknown = null;
    if (BatonError.isInstance(error)) expectTypeOf(error).toEqualTypeOf<BatonError>();
    if (UserLimitExceededError.isInstance(error)) {
      expectTypeOf(error.userId).toEqualTypeOf<string>();
      expectTypeOf(error.limit).toEqualTypeOf<number>();
    }
    if (InvalidUserContextError.isInstance(error)) expectTypeOf(error.field).toEqualTypeOf<string>();
    if (UnknownAgentError.isInstance(error)) expectTypeOf(error.knownAgents).toEqualTypeOf<readonly string[]>();
    if (EngineMigrationError.isInstance(error)) {
      expectTypeOf(error).toHaveProperty('legacyName').toEqualTypeOf<string>();
      expectTypeOf(error).toHaveProperty('importPath').toEqualTypeOf<string>();
      expectTypeOf(error).toHaveProperty('codeExample').toEqualTypeOf<string>();
    }
  });

  it('refuses unknown codes', () => {
    // @ts-expect-error not a Baton error code
    new BatonError({ code: 'NOPE', message: 'x' });
  });
});
