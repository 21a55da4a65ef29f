import { describe, expectTypeOf, it } from 'vitest';
import {
  type AgentRunResult,
  encodeRunValue,
  InMemoryRunStore,
  type ListRunsOptions,
  type NewRunRecord,
  type RunRecord,
  type RunStore,
  readListRunsOptions,
} from './index.js';

describe('RunStore: types', () => {
  it('InMemoryRunStore is a RunStore', () => {
    expectTypeOf(new InMemoryRunStore()).toExtend<RunStore>();
    // @ts-expect-error an unknown option is a type error
    new InMemoryRunStore({ maxRuns: 3 });
  });

  it('reads records, writes results', () => {
    expectTypeOf<RunStore['get']>().returns.toEqualTypeOf<Promise<RunRecord | null>>();
    expectTypeOf<RunStore['listRuns']>().parameters.toEqualTypeOf<[userId: string, options?: ListRunsOptions]>();
    expectTypeOf<RunStore['create']>().parameter(0).toEqualTypeOf<NewRunRecord>();
    expectTypeOf<RunStore['saveStage']>().parameter(1).toEqualTypeOf<AgentRunResult>();
    expectTypeOf<RunRecord['status']>().toEqualTypeOf<'running' | 'suspended' | 'succeeded' | 'failed' | 'cancelled' | 'interrupted'>();
  });

  it('the shared rules return what a store keeps', () => {
    expectTypeOf(encodeRunValue).returns.toEqualTypeOf<string>();
    expectTypeOf(readListRunsOptions).returns.toEqualTypeOf<{ limit: number; before: number }>();
  });
});
