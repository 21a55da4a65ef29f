import { createRequire } from 'node:module';
import { BatonError, InvalidConfigError, InvalidEventError } from '@baton/engine-contract';
import { describe, expect, it } from 'vitest';
import * as source from '../index.js';
import { EventGuaranteeError } from './index.js';

const require = createRequire(import.meta.url);

describe('EventGuaranteeError', () => {
  const error = new EventGuaranteeError({ guarantee: 'tool-pairing', message: 'tool_completed (seq 3): no tool_executing', index: 3 });

  it('names the guarantee in a stable message, with code INVALID_EVENT', () => {
    expect(error).toMatchObject({
      name: 'EventGuaranteeError',
      code: 'INVALID_EVENT',
      guarantee: 'tool-pairing',
      index: 3,
      event: undefined,
      message: 'Event guarantee "tool-pairing" broken: tool_completed (seq 3): no tool_executing',
    });
    expect(new EventGuaranteeError({ guarantee: 'valid-event', message: 'm', cause: 'why' }).cause).toBe('why');
  });

  it('isInstance accepts its own instances and rejects a sibling, its parent and a plain Error', () => {
    expect(EventGuaranteeError.isInstance(error)).toBe(true);
    expect(InvalidEventError.isInstance(error)).toBe(true);
    expect(BatonError.isInstance(error)).toBe(true);
    expect(EventGuaranteeError.isInstance(new InvalidEventError({ message: 'bad event' }))).toBe(false);
    expect(EventGuaranteeError.isInstance(new InvalidConfigError({ message: 'bad config' }))).toBe(false);
    expect(EventGuaranteeError.isInstance(new Error('plain'))).toBe(false);
    expect(EventGuaranteeError.isInstance(null)).toBe(false);
  });

  it('is recognised across the ESM and CJS builds (after `tsup`)', () => {
    const cjs: typeof source = require('../../dist/index.cjs');
    const fromCjs = new cjs.EventGuaranteeError({ guarantee: 'gapless-seq', message: 'gap' });
    expect(fromCjs).not.toBeInstanceOf(source.EventGuaranteeError);
    expect(source.EventGuaranteeError.isInstance(fromCjs)).toBe(true);
    expect(cjs.EventGuaranteeError.isInstance(error)).toBe(true);
  });
});
