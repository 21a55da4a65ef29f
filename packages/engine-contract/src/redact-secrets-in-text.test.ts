import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { credential, MARKER, prose } from './__fixtures__/credential-arbitraries.js';
import { redact } from './redact.js';
import { redactEveryPattern, redactSecretsInText } from './redact-secrets-in-text.js';
import { REDACTED } from './secret-key.js';

describe('redactSecretsInText', () => {
  it.each([
    ['Incorrect API key provided: sk-proj-abcdef123456.', 'Incorrect API key provided: [REDACTED].'],
    ['invalid x-api-key: sk-ant-api03-abcdefghijkl', 'invalid x-api-key: [REDACTED]'],
    ['Authorization: Bearer eyJhbGciOi.payload1234.signature12', 'Authorization: Bearer [REDACTED]'],
    [
      'GET https://gen.test/v1/models?key=AIzaSyD-0123456789abcdefghij&alt=sse failed',
      'GET https://gen.test/v1/models?key=[REDACTED]&alt=sse failed',
    ],
    ['{"api_key": "abc123", "model": "gpt"}', '{"api_key": "[REDACTED]", "model": "gpt"}'],
    ['password=hunter2; user=ann', 'password=[REDACTED]; user=ann'],
    ['access_token: 0a1b2c3d rejected', 'access_token: [REDACTED] rejected'],
    ['using ghp_abcdefghijklmnopqrstuvwxyz0123', 'using [REDACTED]'],
    ['AWS AKIAABCDEFGHIJKLMNOP denied', 'AWS [REDACTED] denied'],
    ['client secret: s3cr3t', 'client secret: [REDACTED]'],
    ['401 for api_key=sk-live-0123456789', '401 for api_key=[REDACTED]'],
  ])('redacts %j', (text, expected) => {
    expect(redactSecretsInText(text)).toBe(expected);
  });

  it.each([
    ['accessKey=AKIDEXAMPLE123', 'accessKey=[REDACTED]'],
    ['auth: letmein', 'auth: [REDACTED]'],
    ['X-Auth: letmein', 'X-Auth: [REDACTED]'],
    ['MYSQL_PWD=letmein mysql -u root', 'MYSQL_PWD=[REDACTED] mysql -u root'],
    ['connectionString="Server=db;User Id=sa;Password=p@ss w0rd;"', 'connectionString="[REDACTED]"'],
    ["credentials: 'ann:hunter two'", "credentials: '[REDACTED]'"],
    ['{"password":"with \\"quotes\\" inside"} ok', '{"password":"[REDACTED]"} ok'],
    ['body: {\\"token\\":\\"abc123\\"}', 'body: {\\"token\\":\\"[REDACTED]\\"}'],
    [
      'connect ECONNREFUSED postgres://admin:hunter2@db.internal:5432/app',
      'connect ECONNREFUSED postgres://[REDACTED]@db.internal:5432/app',
    ],
    ['cloning https://ghp_token123@github.com/o/r.git', 'cloning https://[REDACTED]@github.com/o/r.git'],
    ['redis://:s3cret@cache:6379 refused', 'redis://[REDACTED]@cache:6379 refused'],
    ['sent Bearer abc123xyz to the API', 'sent Bearer [REDACTED] to the API'],
    ['Authorization: Basic dXNlcjpwYXNz', 'Authorization: Basic [REDACTED]'],
    ['authorization: token ghp_abcdefghijklmnopqrstuvwxyz0123', 'authorization: token [REDACTED]'],
    ['stripe sk_live_abcdefgh12345678 rejected', 'stripe [REDACTED] rejected'],
    ['slack xoxb-123456789012-abcdef', 'slack [REDACTED]'],
    ['gitlab glpat-abcdefghij0123456789', 'gitlab [REDACTED]'],
    ['npm npm_abcdefghijklmnopqrstuvwxyz0123456789 expired', 'npm [REDACTED] expired'],
    ['key:\n-----BEGIN RSA PRIVATE KEY-----\nMIIEow\nIBAAK\n-----END RSA PRIVATE KEY-----\nend', 'key:\n[REDACTED]\nend'],
    ['cut -----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBg', 'cut [REDACTED]'],
  ])('redacts %j (the widened rules)', (text, expected) => {
    expect(redactSecretsInText(text)).toBe(expected);
  });

  it.each([
    'Rate limit reached for model gpt-4.1 (tokens per min: 30000, maxTokens: 512). Retry after 20s.',
    'Basic plan costs less. Token limits apply. Bearer bonds are paper.',
    'The author: Ann. The authority: the board.',
    'considering the next step',
    'See https://example.org/docs?page=2 and mail ann@example.org',
    'hasPassword: false, retries: 3',
    'Asia and AKIA are words; sk- alone is not a key',
  ])('keeps %j as it is', (text) => {
    expect(redactSecretsInText(text)).toBe(text);
  });

  it('returns text shorter than any credential, and text without a trigger, as the same string', () => {
    for (const text of ['', 'a', 'pwd=', 'the next words ', 'no colon, no equals, no at sign here']) {
      expect(redactSecretsInText(text)).toBe(text);
    }
  });

  it.each(['Bearer', 'bearer', 'BEARER', 'Basic', 'basic', 'BASIC', 'Token', 'token', 'TOKEN'])(
    'redacts the credential after %s in text with no "=", ":", "@", "_" or "-"',
    (scheme) => {
      expect(redactSecretsInText(`sent ${scheme} abc123xyz`)).toBe(`sent ${scheme} [REDACTED]`);
      expect(redactSecretsInText(`${scheme} dXNlcjpwYXNz`)).toBe(`${scheme} [REDACTED]`);
    },
  );

  it('redacts a credential separated from its scheme by several spaces or a tab', () => {
    expect(redactSecretsInText('Bearer  abc123xyz')).toBe('Bearer  [REDACTED]');
    expect(redactSecretsInText('Token\tabc123xyz')).toBe('Token\t[REDACTED]');
  });

  it('redacts a letters-only credential with a capital after a small letter, or of 20 letters or more', () => {
    expect(redactSecretsInText('Bearer abcDefghij')).toBe('Bearer [REDACTED]');
    expect(redactSecretsInText('Bearer abcdefghijklmnopqrst')).toBe('Bearer [REDACTED]');
    expect(redactSecretsInText('Bearer abcdefghijklmnopqrs')).toBe('Bearer abcdefghijklmnopqrs');
    expect(redactSecretsInText('Basic PLANNING is cheaper')).toBe('Basic PLANNING is cheaper');
  });

  it('redacts the shortest credentials it knows: "pwd=x" (5 characters) and "Token abc123" (12, no "=" or ":")', () => {
    expect(redactSecretsInText('pwd=x')).toBe('pwd=[REDACTED]');
    expect(redactSecretsInText('Token abc123')).toBe('Token [REDACTED]');
    expect(redactSecretsInText('Token abc12')).toBe('Token abc12');
  });

  it.each([
    ['key=abc123', 'key=[REDACTED]'],
    ['KEY: abc123', 'KEY: [REDACTED]'],
    ['x-api-key: abc123', 'x-api-key: [REDACTED]'],
    ['X-Api-Key=abc123', 'X-Api-Key=[REDACTED]'],
    ['api-key=abc123', 'api-key=[REDACTED]'],
    ['monkey=abc123 keys=abc123', 'monkey=abc123 keys=abc123'],
  ])('treats key, x-api-key and api-key (any case) as secret names: %j', (text, expected) => {
    expect(redactSecretsInText(text)).toBe(expected);
  });

  it.each([
    ['password="hunter2 (cut', 'password="[REDACTED] (cut'],
    ["password='hunter2", "password='[REDACTED]"],
    ['{"password": ""}', '{"password": "[REDACTED]"}'],
    ["{'password': ''}", "{'password': '[REDACTED]'}"],
  ])('keeps the quotes a quoted value had, closed or not: %j', (text, expected) => {
    expect(redactSecretsInText(text)).toBe(expected);
  });

  it('keeps a scheme word that is a whole value, but not a value that merely starts or ends with one', () => {
    expect(redactSecretsInText('{"authScheme": "Basic"}')).toBe('{"authScheme": "Basic"}');
    expect(redactSecretsInText('authScheme=Bearer')).toBe('authScheme=Bearer');
    expect(redactSecretsInText('token=abcToken')).toBe('token=[REDACTED]');
    expect(redactSecretsInText('password=BasicallySecret')).toBe('password=[REDACTED]');
  });

  it('keeps unquoted numbers (decimals, negatives and exponents included) and booleans in any case under secret names', () => {
    const text = 'tokensPerSecond: 12.75, maxTokens: -512, tokenRate: 1.5e-7, hasToken: TRUE, tokenExpired: False';
    expect(redactSecretsInText(text)).toBe(text);
  });

  it.each([
    ['{"password":"123456"}', '{"password":"[REDACTED]"}'],
    ['{"pin_secret": "true"}', '{"pin_secret": "[REDACTED]"}'],
    ["password: '-1.5'", "password: '[REDACTED]'"],
    ['{\\"token\\":\\"000000\\"}', '{\\"token\\":\\"[REDACTED]\\"}'],
  ])('redacts a quoted number or boolean under a secret name: a string, as in redact: %j', (text, expected) => {
    expect(redactSecretsInText(text)).toBe(expected);
  });

  it('hides in JSON text what redact hides in the object: JSON.stringify then scrub equals redact then JSON.stringify', () => {
    const name = fc.constantFrom('password', 'MYSQL_PWD', 'apiKey', 'maxTokens', 'hasToken', 'count', 'label', 'author');
    const value = fc.oneof(
      fc.integer({ min: -1e6, max: 1e6 }),
      fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }),
      fc.boolean(),
      fc.stringMatching(/^-?[0-9]{1,10}$/),
      fc.constantFrom('true', 'FALSE', 'hunter2', 'two words', 'sk-abcdefgh12345678', ''),
    );
    fc.assert(
      fc.property(fc.dictionary(name, value), (object) => {
        expect(redactSecretsInText(JSON.stringify(object))).toBe(JSON.stringify(redact(object)));
      }),
    );
  });

  it('redacts a secret name that stands in the value of another name', () => {
    expect(redactSecretsInText('error: password=hunter2')).toBe('error: password=[REDACTED]');
    expect(redactSecretsInText('a: "token": "abc123"')).toBe('a: "token": "[REDACTED]"');
  });

  it('redacts a whole JWT standing on its own, its signature included', () => {
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c';
    expect(redactSecretsInText(`session ${jwt} expired`)).toBe('session [REDACTED] expired');
  });

  it('is idempotent', () => {
    const once = redactSecretsInText('token=abc Bearer sk-abcdefghijk key=AIzaSy0123456789abcdefghijk https://u:p@h');
    expect(redactSecretsInText(once)).toBe(once);
    expect(once).toBe('token=[REDACTED] Bearer [REDACTED] key=[REDACTED] https://[REDACTED]@h');
  });

  it('scrubs a long text without a quadratic pass (runs of letters, dots and separators)', () => {
    const runs = ['a'.repeat(100_000), 'a.'.repeat(50_000), 'x='.repeat(50_000), 'p://'.repeat(25_000)];
    for (const text of runs) expect(redactSecretsInText(`${text} password=hunter2`)).toContain(`password=${REDACTED}`);
  }, 120_000);
});

describe('redactSecretsInText: properties', () => {
  const gap = fc.constantFrom(' ', '\n', ', ', ' (', '; ', '. ');

  it('leaves no part of a credential, wherever it stands in random text', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(prose, gap, credential, gap), { minLength: 1, maxLength: 4 }), prose, (parts, end) => {
        const text = parts.map(([before, left, found, right]) => `${before}${left}${found}${right}`).join('') + end;
        expect(redactSecretsInText(text)).not.toContain(MARKER);
      }),
      { numRuns: 1000 },
    );
  }, 120_000);

  it('is idempotent on any text', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.tuple(prose, credential, prose).map((parts) => parts.join(' ')),
        ),
        (text) => {
          const once = redactSecretsInText(text);
          expect(redactSecretsInText(once)).toBe(once);
        },
      ),
      { numRuns: 1000 },
    );
  }, 120_000);

  it('agrees with every pass run without the pre-check: the pre-check never turns away text a pass would change', () => {
    const fragment = fc.oneof(
      fc.string({ maxLength: 12 }),
      credential,
      fc.constantFrom('Bearer ', 'basic ', 'TOKEN ', 'AIza', 'AKIA', 'eyJ', '://', '@', 'pwd', 'sk-', '-----BEGIN ', 'x'.repeat(20)),
      fc.stringMatching(/^[A-Za-z0-9 ._~+/-]{0,30}$/),
    );
    fc.assert(
      fc.property(fc.array(fragment, { maxLength: 6 }), (fragments) => {
        const text = fragments.join('');
        expect(redactSecretsInText(text)).toBe(redactEveryPattern(text));
      }),
      { numRuns: 3000 },
    );
  }, 120_000);

  it('returns text without "=", ":", "@" or a credential word or prefix unchanged', () => {
    const plain = fc
      .stringMatching(/^[a-z ,.!?0-9]{0,80}$/)
      .filter((text) => !/token|basic|bearer|sk|pk|rk|aiza|asia|akia|gh|xox|eyj|npm|glpat/i.test(text));
    fc.assert(
      fc.property(plain, (text) => {
        expect(redactSecretsInText(text)).toBe(text);
      }),
      { numRuns: 500 },
    );
  });
});
