import { type AgentDefinition, defineAgent } from '@baton/engine-contract';
import { describe, expectTypeOf, it } from 'vitest';
import type { StageInput } from './stage-input.js';

type Schema<T> = NonNullable<AgentDefinition<unknown, T>['output']>;
interface Facts {
  facts: string[];
}
interface Sources {
  urls: string[];
}
declare const factsSchema: Schema<Facts>;
declare const sourcesSchema: Schema<Sources>;

const research = defineAgent({ name: 'research', output: factsSchema, run: () => ({ facts: [] }) });
const sources = defineAgent({ name: 'sources', output: sourcesSchema, run: () => ({ urls: [] }) });

describe('StageInput', () => {
  it('without an argument is what it always was: any outputs by name', () => {
    expectTypeOf<StageInput['previous']>().toEqualTypeOf<Readonly<Record<string, unknown>>>();
    expectTypeOf<StageInput['request']>().toEqualTypeOf<unknown>();
    expectTypeOf<StageInput['failedStages']>().toEqualTypeOf<readonly string[] | undefined>();
  });

  it('types previous.<name> by an agent definition, without a cast', () => {
    const input = {} as StageInput<typeof research>;
    expectTypeOf(input.previous.research).toEqualTypeOf<Facts>();
    expectTypeOf(input.previous).toEqualTypeOf<{ readonly research: Facts }>();
    // @ts-expect-error only the named agents are typed: a typo is caught
    void input.previous.reserch;
  });

  it('types several agents given as a tuple', () => {
    const input = {} as StageInput<[typeof research, typeof sources]>;
    expectTypeOf(input.previous.research).toEqualTypeOf<Facts>();
    expectTypeOf(input.previous.sources).toEqualTypeOf<Sources>();
  });

  it('takes a record type, optional keys included (for finally or after continueOnError)', () => {
    expectTypeOf<StageInput<{ research: Facts }>['previous']['research']>().toEqualTypeOf<Facts>();
    expectTypeOf<StageInput<{ research?: Facts }>['previous']['research']>().toEqualTypeOf<Facts | undefined>();
  });

  it('types the input of an agent that reads previous', () => {
    const write = defineAgent({ name: 'write', run: ({ previous }: StageInput<typeof research>) => previous.research.facts.length });
    expectTypeOf(write).toEqualTypeOf<AgentDefinition<StageInput<typeof research>, number, 'write'>>();
  });

  it('uses the output of run for agents without an output schema', () => {
    const counted = defineAgent({ name: 'counted', run: async () => 3 });
    expectTypeOf<StageInput<typeof counted>['previous']['counted']>().toEqualTypeOf<number>();
  });
});
