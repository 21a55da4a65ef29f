import { describe, expectTypeOf, it } from 'vitest';
import type { AdmissionLease, InMemoryUserAdmission, UserAdmission } from './user-admission.js';

describe('UserAdmission types', () => {
  it('InMemoryUserAdmission implements UserAdmission', () => {
    expectTypeOf<InMemoryUserAdmission>().toMatchTypeOf<UserAdmission>();
    expectTypeOf<UserAdmission['acquire']>().toEqualTypeOf<(userId: string, limit: number) => Promise<AdmissionLease | null>>();
    expectTypeOf<AdmissionLease['release']>().toEqualTypeOf<() => Promise<void>>();
    expectTypeOf<InMemoryUserAdmission['held']>().toEqualTypeOf<(userId: string) => number>();
  });
});
