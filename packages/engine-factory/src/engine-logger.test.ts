import { describe, expect, it, vi } from 'vitest';
import { type EngineLogger, loggerStyleOf, toSafeLogger, withBaseDetails } from './engine-logger.js';

/**
 * A logger shaped as pino makes them: methods on a prototype that carries pino's registry symbol
 * (`Symbol.for('pino.serializers')`), and a child made with Object.create, as pino's `child` does.
 */
function pinoLikeLogger() {
  const calls: { level: string; args: unknown[] }[] = [];
  const method = (level: string) =>
    function (this: unknown, ...args: unknown[]) {
      calls.push({ level, args });
    };
  const proto = {
    [Symbol.for('pino.serializers')]: {},
    debug: method('debug'),
    info: method('info'),
    warn: method('warn'),
    error: method('error'),
  };
  const root = Object.create(proto) as EngineLogger;
  const child = Object.create(root) as EngineLogger;
  return { root, child, calls };
}

describe('loggerStyleOf', () => {
  it('tells a pino logger (and a child of one) from every other logger by its registry brand', () => {
    const { root, child } = pinoLikeLogger();
    expect(loggerStyleOf(root)).toBe('pino');
    expect(loggerStyleOf(child)).toBe('pino');
    expect(loggerStyleOf(console)).toBe('message-first');
    expect(loggerStyleOf({ warn: () => {} })).toBe('message-first');
    // A pino look-alike without the brand (e.g. a hand-made object with child/bindings) is not guessed at.
    expect(loggerStyleOf({ warn: () => {}, child: () => ({}), bindings: () => ({}) })).toBe('message-first');
  });

  it('treats a proxy whose `has` trap throws as message-first instead of throwing', () => {
    const hostile = new Proxy(
      {},
      {
        has() {
          throw new Error('no');
        },
      },
    );
    expect(loggerStyleOf(hostile)).toBe('message-first');
  });
});

describe('toSafeLogger', () => {
  it('calls a pino logger with the details first, as fields, and the message second; `error` becomes `err`', () => {
    const { child, calls } = pinoLikeLogger();
    const logger = toSafeLogger(child);
    const error = new Error('listener down');
    logger.warn('Baton: something happened', { engineId: 'e-1', userId: 'u_1', error });
    logger.info('Baton: no details');
    expect(calls).toEqual([
      { level: 'warn', args: [{ engineId: 'e-1', userId: 'u_1', err: error }, 'Baton: something happened'] },
      { level: 'info', args: [{}, 'Baton: no details'] },
    ]);
  });

  it('calls any other logger with the message first and the details second, unchanged', () => {
    const logger = { warn: vi.fn(), error: vi.fn() };
    const safe = toSafeLogger(logger);
    const error = new Error('x');
    safe.error('Baton: failed', { engineId: 'e-1', error });
    expect(logger.error).toHaveBeenCalledWith('Baton: failed', { engineId: 'e-1', error });
    // The method is called on its logger (methods that use `this`, like console's, keep working).
    expect(logger.error.mock.contexts[0]).toBe(logger);
  });

  it('makes missing and throwing methods silent in both styles', () => {
    const { root } = pinoLikeLogger();
    const throwing = Object.assign(Object.create(root) as object, {
      warn() {
        throw new Error('broken transport');
      },
    }) as EngineLogger;
    expect(() => toSafeLogger(throwing).warn('m', {})).not.toThrow();
    expect(() => toSafeLogger({ error: 'not a function' } as never).error('m')).not.toThrow();
    expect(() => toSafeLogger(undefined).debug('m')).not.toThrow();
  });
});

describe('withBaseDetails', () => {
  it("adds the base details to every line, the line's own details winning", () => {
    const logger = { info: vi.fn(), warn: vi.fn() };
    const scoped = withBaseDetails(toSafeLogger(logger), { engineId: 'e-1', userId: 'u_1' });
    scoped.warn('Baton: w', { engineId: 'e-2', seq: 3 });
    scoped.info('Baton: i');
    expect(logger.warn).toHaveBeenCalledWith('Baton: w', { engineId: 'e-2', userId: 'u_1', seq: 3 });
    expect(logger.info).toHaveBeenCalledWith('Baton: i', { engineId: 'e-1', userId: 'u_1' });
  });
});
