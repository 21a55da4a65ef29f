import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AgentRunResult } from './agent-run-result.js';
import { InvalidConfigError } from './errors/invalid-config-error.js';
import { RunNotResumableError } from './errors/run-not-resumable-error.js';
import { RunRecordRejectedError } from './errors/run-record-rejected-error.js';
import {
  checkNewRunRecord,
  checkStageResult,
  checkStoredResult,
  checkSuspension,
  DEFAULT_LIST_RUNS_LIMIT,
  DEFAULT_MAX_STAGE_OUTPUT_BYTES,
  encodeRunValue,
  MAX_LIST_RUNS_LIMIT,
  notInStatus,
  positiveIntegerOption,
  readListRunsOptions,
  readMarkRunningFrom,
  stageKeyOf,
} from './run-store-rules.js';

const STAGE: AgentRunResult = {
  status: 'succeeded',
  executionId: 'e1',
  agentName: 'writer',
  runId: 'r1',
  requestId: 'q1',
  stage: 'draft',
  output: { text: 'hello' },
  durationMs: 3,
  queuedMs: 0,
};

/** The error `run` throws (fails the test when it does not throw). */
function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('constants', () => {
  it('bound a value at 256 KiB and list 20 runs by default, at most 100', () => {
    expect(DEFAULT_MAX_STAGE_OUTPUT_BYTES).toBe(262_144);
    expect(DEFAULT_LIST_RUNS_LIMIT).toBe(20);
    expect(MAX_LIST_RUNS_LIMIT).toBe(100);
  });
});

describe('encodeRunValue', () => {
  it('returns the JSON of the value', () => {
    expect(encodeRunValue({ a: [1, 'b', null], c: { d: true } }, 'x', 100)).toBe('{"a":[1,"b",null],"c":{"d":true}}');
    expect(encodeRunValue('text', 'x', 100)).toBe('"text"');
    expect(encodeRunValue(new Date(0), 'x', 100)).toBe('"1970-01-01T00:00:00.000Z"');
  });

  it('stores a whole value JSON cannot express (undefined, a function) as null', () => {
    expect(encodeRunValue(undefined, 'x', 100)).toBe('null');
    expect(encodeRunValue(() => 1, 'x', 100)).toBe('null');
  });

  it('accepts a value of exactly maxBytes bytes and refuses one more byte, never cutting it', () => {
    expect(encodeRunValue('x'.repeat(8), 'x', 10)).toBe(`"${'x'.repeat(8)}"`);
    const error = thrown(() => encodeRunValue('x'.repeat(9), 'The result of stage "draft"', 10));
    expect(RunRecordRejectedError.isInstance(error)).toBe(true);
    expect((error as Error).message).toBe(
      'The result of stage "draft" is 11 bytes as JSON, over the store\'s maxStageOutputBytes (10); it was not stored (nothing is cut)',
    );
  });

  it.each([
    ['two-byte', 'é', 2],
    ['three-byte', '€', 3],
    ['four-byte (a surrogate pair)', '😀', 4],
  ])('counts %s UTF-8 characters in bytes, not in UTF-16 units', (_kind, character, width) => {
    const value = character.repeat(5);
    const bytes = 5 * width + 2;
    expect(encodeRunValue(value, 'x', bytes)).toBe(`"${value}"`);
    expect(() => encodeRunValue(value, 'x', bytes - 1)).toThrow(`x is ${bytes} bytes as JSON`);
  });

  it.each([
    ['U+007F', '\u007f', 1],
    ['U+0080', '\u0080', 2],
    ['U+07FF', '\u07ff', 2],
    ['U+0800', '\u0800', 3],
    ['U+FFFF', '\uffff', 3],
    ['U+10000 (the first surrogate pair)', '\ud800\udc00', 4],
    ['U+10FFFF (the last surrogate pair)', '\udbff\udfff', 4],
  ])('counts %s as %i UTF-8 byte(s), exactly at the bound', (_name, character, width) => {
    const bytes = width + 2;
    expect(encodeRunValue(character, 'x', bytes)).toBe(`"${character}"`);
    expect(() => encodeRunValue(character, 'x', bytes - 1)).toThrow(`x is ${bytes} bytes as JSON`);
  });

  it.each([
    ['a lone high surrogate at the end', 'a\udbff', '"a\\udbff"'],
    ['a high surrogate followed by a letter', '\ud83dx', '"\\ud83dx"'],
    ['a lone low surrogate', '\udc00', '"\\udc00"'],
  ])('counts %s as the 6-byte escape JSON writes for it', (_name, text, json) => {
    const bytes = json.length;
    expect(encodeRunValue(text, 'x', bytes)).toBe(json);
    expect(() => encodeRunValue(text, 'x', bytes - 1)).toThrow(`x is ${bytes} bytes as JSON`);
  });

  it('counts a lone surrogate by what JSON makes of it (an ASCII escape)', () => {
    expect(encodeRunValue('\ud800', 'x', 8)).toBe('"\\ud800"');
    expect(() => encodeRunValue('\ud800', 'x', 7)).toThrow('x is 8 bytes as JSON');
  });

  it('agrees with Buffer.byteLength on any string: exactly the bound is accepted, one byte less refused', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (text) => {
        const bytes = Buffer.byteLength(JSON.stringify(text));
        expect(encodeRunValue(text, 'x', bytes)).toBe(JSON.stringify(text));
        expect(() => encodeRunValue(text, 'x', bytes - 1)).toThrow(`x is ${bytes} bytes as JSON`);
      }),
    );
  });

  it('refuses a cycle, naming the value, with the serialiser error as cause', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const error = thrown(() => encodeRunValue(cyclic, 'The run input', 1000));
    expect(RunRecordRejectedError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/^The run input is not JSON-serialisable, so it cannot be stored: TypeError/);
    expect((error as Error).cause).toBeInstanceOf(TypeError);
  });

  it('refuses a BigInt and a throwing toJSON', () => {
    expect(() => encodeRunValue({ n: 1n }, 'The run result', 1000)).toThrow(RunRecordRejectedError);
    expect(() => encodeRunValue({ n: 1n }, 'The run result', 1000)).toThrow('The run result is not JSON-serialisable');
    const broken = {
      toJSON() {
        throw new Error('no');
      },
    };
    expect(() => encodeRunValue(broken, 'x', 1000)).toThrow('x is not JSON-serialisable, so it cannot be stored: Error: no');
  });
});

describe('checkNewRunRecord', () => {
  const record = { workflowId: 'wf', workflowName: 'flow', userId: 'u', threadId: 't', runId: 'r', input: { q: 1 } };

  it('returns the record without unknown keys (a caller cannot set status or stages)', () => {
    expect(checkNewRunRecord({ ...record, status: 'succeeded', stages: [STAGE] })).toEqual(record);
  });

  it('accepts an undefined input but not a missing one (the type requires the key)', () => {
    expect(checkNewRunRecord({ ...record, input: undefined })).toEqual({ ...record, input: undefined });
    const { input: _input, ...withoutInput } = record;
    expect(() => checkNewRunRecord(withoutInput)).toThrow(/^RunStore\.create: input: /);
  });

  it.each(['workflowId', 'workflowName', 'userId', 'threadId', 'runId'])('refuses an empty or missing %s, naming it', (field) => {
    const error = thrown(() => checkNewRunRecord({ ...record, [field]: '' }));
    expect(RunRecordRejectedError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(new RegExp(`^RunStore\\.create: ${field}: `));
    expect(() => checkNewRunRecord({ ...record, [field]: undefined })).toThrow(`RunStore.create: ${field}: `);
  });

  it('refuses a non-object as the record', () => {
    expect(() => checkNewRunRecord(null)).toThrow(/^RunStore\.create: record: /);
  });
});

describe('checkStageResult', () => {
  it('returns a valid result', () => {
    expect(checkStageResult(STAGE)).toEqual(STAGE);
  });

  it('refuses a bad status or a missing field, naming it', () => {
    expect(() => checkStageResult({ ...STAGE, status: 'done' })).toThrow(/^RunStore\.saveStage: status: /);
    const { executionId: _executionId, ...partial } = STAGE;
    expect(() => checkStageResult(partial)).toThrow(RunRecordRejectedError);
    expect(() => checkStageResult('stage')).toThrow(/^RunStore\.saveStage: stage: /);
  });
});

describe('checkSuspension', () => {
  it('returns a valid suspension, with or without expiresAt', () => {
    expect(checkSuspension({ stage: 'review', prompt: 'OK?', suspendedAt: 5 })).toEqual({ stage: 'review', prompt: 'OK?', suspendedAt: 5 });
    expect(checkSuspension({ stage: 'review', prompt: '', suspendedAt: 5, expiresAt: 9 })).toMatchObject({ expiresAt: 9 });
  });

  it('refuses an empty stage or a missing time', () => {
    expect(() => checkSuspension({ stage: '', prompt: 'OK?', suspendedAt: 5 })).toThrow(/^RunStore\.suspend: stage: /);
    expect(() => checkSuspension({ stage: 'review', prompt: 'OK?' })).toThrow(/^RunStore\.suspend: suspendedAt: /);
    expect(() => checkSuspension(undefined)).toThrow(RunRecordRejectedError);
    expect(() => checkSuspension(undefined)).toThrow(/^RunStore\.suspend: suspension: /);
  });
});

describe('checkStoredResult', () => {
  it('returns a valid result', () => {
    const result = { status: 'failed' as const, path: 'main', durationMs: 0, output: [1] };
    expect(checkStoredResult(result)).toEqual(result);
  });

  it('refuses a status that is not how a workflow ends, and a negative duration', () => {
    expect(() => checkStoredResult({ status: 'running', path: 'main', durationMs: 1 })).toThrow(/^RunStore\.complete: status: /);
    expect(() => checkStoredResult({ status: 'succeeded', path: 'main', durationMs: -1 })).toThrow(/^RunStore\.complete: durationMs: /);
    expect(() => checkStoredResult(7)).toThrow(/^RunStore\.complete: result: /);
  });
});

describe('stageKeyOf', () => {
  it('is the stage name, else the agent name', () => {
    expect(stageKeyOf(STAGE)).toBe('draft');
    const { stage: _stage, ...withoutStage } = STAGE;
    expect(stageKeyOf(withoutStage)).toBe('writer');
  });
});

describe('readListRunsOptions', () => {
  it('defaults to 20 runs with no bound on createdAt', () => {
    expect(readListRunsOptions(undefined)).toEqual({ limit: 20, before: Number.POSITIVE_INFINITY });
    expect(readListRunsOptions({})).toEqual({ limit: 20, before: Number.POSITIVE_INFINITY });
  });

  it('passes valid values through, 1 and 100 included', () => {
    expect(readListRunsOptions({ limit: 1, before: 0 })).toEqual({ limit: 1, before: 0 });
    expect(readListRunsOptions({ limit: 100, before: -5 })).toEqual({ limit: 100, before: -5 });
    expect(readListRunsOptions({ before: Number.POSITIVE_INFINITY })).toEqual({ limit: 20, before: Number.POSITIVE_INFINITY });
  });

  it.each([0, 101, 1.5, -1, Number.NaN, '5'])('refuses limit %s', (limit) => {
    const error = thrown(() => readListRunsOptions({ limit } as never));
    expect(InvalidConfigError.isInstance(error)).toBe(true);
    expect((error as Error).message).toBe('listRuns: limit must be an integer from 1 to 100');
  });

  it.each([Number.NaN, '5', null])('refuses before %s', (before) => {
    expect(() => readListRunsOptions({ before } as never)).toThrow('listRuns: before must be a createdAt in epoch milliseconds');
  });

  it.each([null, 'x', 5])('refuses options %s', (options) => {
    expect(() => readListRunsOptions(options as never)).toThrow(InvalidConfigError);
    expect(() => readListRunsOptions(options as never)).toThrow('listRuns: options must be { limit?, before? }');
  });
});

describe('positiveIntegerOption', () => {
  it('returns the fallback for undefined and the value when it is a positive safe integer', () => {
    expect(positiveIntegerOption(undefined, 'opt', 7)).toBe(7);
    expect(positiveIntegerOption(1, 'opt', 7)).toBe(1);
    expect(positiveIntegerOption(Number.MAX_SAFE_INTEGER, 'opt', 7)).toBe(Number.MAX_SAFE_INTEGER);
  });

  it.each([
    [0, 'got 0'],
    [-1, 'got -1'],
    [1.5, 'got 1.5'],
    [Number.NaN, 'got NaN'],
    [2 ** 53, `got ${2 ** 53}`],
    ['3', 'got string'],
    [null, 'got object'],
  ])('refuses %s, naming the option', (value, got) => {
    const error = thrown(() => positiveIntegerOption(value, 'Store: maxRunsPerUser', 7));
    expect(InvalidConfigError.isInstance(error)).toBe(true);
    expect((error as Error).message).toBe(`Store: maxRunsPerUser must be a positive integer, ${got}`);
  });
});

describe('readMarkRunningFrom', () => {
  it('is undefined when no options or no from is given', () => {
    expect(readMarkRunningFrom(undefined)).toBeUndefined();
    expect(readMarkRunningFrom({})).toBeUndefined();
    expect(readMarkRunningFrom({ from: undefined })).toBeUndefined();
  });

  it.each(['running', 'suspended', 'succeeded', 'failed', 'cancelled', 'interrupted'] as const)('returns from %s', (from) => {
    expect(readMarkRunningFrom({ from })).toBe(from);
  });

  it.each([null, 'suspended', 5, true, () => ({ from: 'suspended' })])('refuses options %s with an InvalidConfigError', (options) => {
    const error = thrown(() => readMarkRunningFrom(options as never));
    expect(InvalidConfigError.isInstance(error)).toBe(true);
    expect((error as InvalidConfigError).code).toBe('INVALID_CONFIG');
    expect((error as Error).message).toBe('markRunning expects options { from? }');
  });

  it.each(['done', '', 'SUSPENDED', 1, null, ['suspended']])('refuses from %j, listing the run statuses', (from) => {
    const error = thrown(() => readMarkRunningFrom({ from } as never));
    expect(InvalidConfigError.isInstance(error)).toBe(true);
    expect((error as InvalidConfigError).code).toBe('INVALID_CONFIG');
    expect((error as Error).message).toBe(
      'markRunning: from must be a run status (running, suspended, succeeded, failed, cancelled, interrupted)',
    );
  });
});

describe('notInStatus', () => {
  it('is a RunNotResumableError naming the run, its status and the one expected', () => {
    const error = notInStatus('wf-7', 'succeeded', 'suspended');
    expect(RunNotResumableError.isInstance(error)).toBe(true);
    expect(error.code).toBe('RUN_NOT_RESUMABLE');
    expect(error.message).toBe('Run wf-7 is succeeded, not suspended: another resume or decision came first');
  });
});
