import { BatonError, InvalidConfigError, RunNotResumableError } from '@baton/engine-contract';
import { describe, expect, it } from 'vitest';
import { DUPLICATE_RUN, DuplicateRunError } from './duplicate-run-error.js';

describe('DuplicateRunError', () => {
  it('is a BatonError with code DUPLICATE_RUN, its name, the workflow id and a message that names it', () => {
    const cause = new Error('underneath');
    const error = new DuplicateRunError({ workflowId: 'wf-1', cause });
    expect(error.code).toBe(DUPLICATE_RUN);
    expect(error.code).toBe('DUPLICATE_RUN');
    expect(error.name).toBe('DuplicateRunError');
    expect(error.workflowId).toBe('wf-1');
    expect(error.message).toMatch(/Run wf-1 is already enqueued/);
    expect(error.cause).toBe(cause);
    expect(error).toBeInstanceOf(Error);
    expect(BatonError.isInstance(error)).toBe(true);
  });

  it('isInstance accepts its own instances and rejects a sibling Baton error and a plain Error', () => {
    expect(DuplicateRunError.isInstance(new DuplicateRunError({ workflowId: 'wf-1' }))).toBe(true);
    expect(DuplicateRunError.isInstance(new RunNotResumableError({ message: 'no' }))).toBe(false);
    expect(DuplicateRunError.isInstance(new InvalidConfigError({ message: 'no' }))).toBe(false);
    expect(DuplicateRunError.isInstance(new Error('DUPLICATE_RUN'))).toBe(false);
    expect(DuplicateRunError.isInstance({ code: 'DUPLICATE_RUN' })).toBe(false);
  });

  it('is recognised across copies of the package (the brand lives in the global symbol registry)', () => {
    const foreign = Object.assign(new Error('from another copy'), { [Symbol.for('baton.error.DuplicateRunError')]: true });
    expect(DuplicateRunError.isInstance(foreign)).toBe(true);
  });
});
