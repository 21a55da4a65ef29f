import fc from 'fast-check';

// Values an agent may hand the engine that hold credentials (each with MARKER in it): in text, under
// secret keys, in errors, behind an own toJSON. A test finds a leak by looking for MARKER in what
// left the engine. The contract's own tests cover each credential shape in depth; these are the ones
// a run meets most.

/** In every generated credential; never produced otherwise. */
export const MARKER = 'S3CR3T';

const alphanumeric = (min: number, max: number) => fc.stringMatching(new RegExp(`^[A-Za-z0-9]{${min},${max}}$`));
const secret = fc.tuple(alphanumeric(0, 6), alphanumeric(0, 6)).map(([before, after]) => `${before}${MARKER}${after}`);
const credential = fc.oneof(
  fc
    .tuple(
      fc.constantFrom('api_key', 'password', 'accessKey', 'auth', 'pwd', 'connectionString', 'token'),
      fc.constantFrom('=', ': '),
      secret,
    )
    .map(([name, separator, value]) => `${name}${separator}${value}`),
  secret.map((value) => `Authorization: Bearer ${value}`),
  fc.tuple(alphanumeric(0, 5), secret).map(([user, password]) => `postgres://${user}:${password}@db.test:5432/app`),
  alphanumeric(4, 10).map((tail) => `sk-proj-${MARKER}${tail}`),
  alphanumeric(14, 20).map((tail) => `ghp_${MARKER}${tail}`),
);
const prose = fc.string({ maxLength: 20 }).filter((text) => !text.includes(MARKER));

/** Text with a credential among random prose. */
export const textWithCredential = fc.tuple(prose, credential, prose).map(([before, found, after]) => `${before} ${found} ${after}`);

/** A thrown value holding a credential: an Error (in its message or name), a string, an object. */
export const hostileThrown = fc.oneof(
  textWithCredential.map((message) => new Error(message)),
  textWithCredential.map((name) => Object.assign(new Error('failed'), { name })),
  textWithCredential,
  secret.map((value) => ({ reason: 'denied', apiKey: value })),
  secret.map((value) => Object.assign(new Error('failed'), { toJSON: () => value, headers: { authorization: value } })),
);

/** Any value holding credentials, at any depth: text, secret keys, errors, own toJSON functions, maps. */
export const { hostileValue } = fc.letrec<{ hostileValue: unknown; container: unknown }>((tie) => ({
  hostileValue: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    textWithCredential,
    fc.integer(),
    fc.constant(null),
    hostileThrown,
    tie('container'),
  ),
  container: fc.oneof(
    fc
      .tuple(fc.dictionary(fc.string({ maxLength: 6 }), tie('hostileValue'), { maxKeys: 3 }), secret, fc.boolean())
      .map(([fields, value, withToJson]) => {
        const object: Record<string, unknown> = { ...fields, accessKey: value, auth: { user: 'ann', pass: value } };
        if (withToJson) object.toJSON = () => ({ accessKey: value });
        return object;
      }),
    fc.array(tie('hostileValue'), { maxLength: 3 }),
    fc.array(fc.tuple(fc.string({ maxLength: 6 }), tie('hostileValue')), { maxLength: 3 }).map((entries) => new Map(entries)),
    secret.map((value) => Object.assign(() => value, { toJSON: () => value })),
  ),
}));
