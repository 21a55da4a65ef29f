import type { AgentRunResult } from '@baton/engine-contract';
import { describe, expect, it } from 'vitest';
import { stageResult } from './__fixtures__/run-store.js';
import { completedStagesOf } from './completed-stages.js';
import { defineWorkflow } from './define-workflow.js';
import { triageWorkflow } from './triage-workflow.js';

const priorOf = (...results: AgentRunResult[]): Map<string, AgentRunResult> =>
  new Map(results.map((result) => [result.stage as string, result]));

describe('completedStagesOf', () => {
  it('lists the succeeded stages of a linear workflow in plan order, whatever order they were stored in', () => {
    const workflow = defineWorkflow({ id: 'chain', stages: ['a', 'b', 'c', 'd'] });
    expect(completedStagesOf(workflow, priorOf(stageResult('c'), stageResult('a'), stageResult('b', 'failed')))).toEqual(['a', 'c']);
    expect(completedStagesOf(workflow, new Map())).toEqual([]);
  });

  it('follows the plan order of dependsOn, not the listed order, and puts `finally` last', () => {
    const workflow = defineWorkflow({
      id: 'deps',
      stages: [
        { agent: 'write', dependsOn: ['research'] },
        { agent: 'research', dependsOn: [] },
      ],
      finally: 'publish',
    });
    const prior = priorOf(stageResult('publish'), stageResult('write'), stageResult('research'));
    expect(completedStagesOf(workflow, prior)).toEqual(['research', 'write', 'publish']);
  });

  it('lists a triage-form run’s triage first, then the stages of the path its output chooses', () => {
    const prior = priorOf(
      stageResult('reporting'),
      stageResult('actions', 'timed_out'),
      stageResult('data'),
      // A stage of another path (left by a classifier that changed its mind) is not listed.
      stageResult('data_helper'),
      stageResult('triage', 'succeeded', { dataSufficiency: 'sufficient' }),
    );
    expect(completedStagesOf(triageWorkflow, prior)).toEqual(['triage', 'data', 'reporting']);
  });

  it('lists nothing for a triage-form run whose triage has no finished result', () => {
    expect(completedStagesOf(triageWorkflow, priorOf(stageResult('data_helper')))).toEqual([]);
  });

  it('after a failed triage, lists the fallback path’s succeeded stages without triage', () => {
    const prior = priorOf(stageResult('triage', 'failed'), stageResult('data_helper'));
    expect(completedStagesOf(triageWorkflow, prior)).toEqual(['data_helper']);
  });

  it('uses `fallback` when classify throws, as a run would', () => {
    const workflow = defineWorkflow({
      id: 'picky',
      classify: () => {
        throw new Error('cannot tell');
      },
      paths: { main: [{ agent: 'm' }], safe: [{ agent: 's' }] },
      fallback: 'safe',
    });
    expect(completedStagesOf(workflow, priorOf(stageResult('triage'), stageResult('m'), stageResult('s')))).toEqual(['triage', 's']);
  });
});
