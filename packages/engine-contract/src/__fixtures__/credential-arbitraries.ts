import fc from 'fast-check';

// Credentials in the shapes `redactSecretsInText` knows, each holding MARKER: a test finds a leak by
// looking for the marker in whatever left the code under test.

/** In every generated secret; never produced otherwise (`prose` excludes it). */
export const MARKER = 'S3CR3T';
const alphanumeric = (min: number, max: number) => fc.stringMatching(new RegExp(`^[A-Za-z0-9]{${min},${max}}$`));
/** A secret value: the marker somewhere among letters and digits. */
export const secret = fc.tuple(alphanumeric(0, 8), alphanumeric(0, 8)).map(([before, after]) => `${before}${MARKER}${after}`);
const secretName = fc.constantFrom(
  'password',
  'PASSWORD',
  'db_password',
  'api_key',
  'x-api-key',
  'apiKey',
  'accessKey',
  'access_token',
  'Authorization',
  'auth',
  'X-Auth',
  'pwd',
  'passwd',
  'connectionString',
  'credentials',
  'client_secret',
  'refreshToken',
  'key',
);
const separator = fc.constantFrom('=', ': ', ':', ' = ', '=\t');
const named = fc.oneof(
  fc.tuple(secretName, separator, secret).map(([name, sep, value]) => `${name}${sep}${value}`),
  fc.tuple(secretName, secret, alphanumeric(0, 6)).map(([name, value, tail]) => `"${name}": "${value} ${tail}"`),
  fc.tuple(secretName, secret).map(([name, value]) => `'${name}'='${value}'`),
  fc.tuple(secretName, secret).map(([name, value]) => `{\\"${name}\\":\\"${value}\\"}`),
);
const bearer = fc
  .tuple(fc.constantFrom('Bearer', 'bearer', 'Basic', 'Token', 'BEARER'), secret)
  .map(([scheme, value]) => `Authorization: ${scheme} ${value}`);
const url = fc
  .tuple(fc.constantFrom('https', 'postgres', 'redis', 'mongodb+srv', 'amqp'), alphanumeric(0, 6), secret, alphanumeric(1, 8))
  .map(([scheme, user, password, host]) => `${scheme}://${user}:${password}@${host}.test/path`);
const tokenUrl = fc.tuple(secret, alphanumeric(1, 8)).map(([token, host]) => `https://${token}@${host}.test`);
const shaped = fc.oneof(
  alphanumeric(2, 10).map((tail) => `sk-proj-${MARKER}${tail}`),
  alphanumeric(2, 10).map((tail) => `sk_live_${MARKER}${tail}`),
  alphanumeric(14, 20).map((tail) => `AIza${MARKER}${tail}`),
  alphanumeric(14, 20).map((tail) => `ghp_${MARKER}${tail}`),
  fc.stringMatching(/^[0-9A-Z]{10}$/).map((tail) => `AKIA${MARKER}${tail}`),
  alphanumeric(4, 10).map((tail) => `xoxb-${MARKER}${tail}`),
  alphanumeric(8, 12).map((tail) => `eyJhbGciOiJIUzI1.eyJzdWIiOiIxMjM0.${MARKER}${tail}`),
  alphanumeric(30, 30).map((tail) => `npm_${MARKER}${tail}`),
  alphanumeric(14, 20).map((tail) => `glpat-${MARKER}${tail}`),
);
const pem = secret.map((body) => `-----BEGIN EC PRIVATE KEY-----\n${body}\n${body}\n-----END EC PRIVATE KEY-----`);
/** One credential in any of the known shapes: named value, auth header, URL, key shape, PEM block. */
export const credential = fc.oneof(named, bearer, url, tokenUrl, shaped, pem);
/** Any text without the marker. */
export const prose = fc.string({ maxLength: 30 }).filter((text) => !text.includes(MARKER));

/** Text with one to three credentials among random prose (each set apart by a space or punctuation). */
export const textWithCredentials = fc
  .array(fc.tuple(prose, fc.constantFrom(' ', '\n', ', ', ' (', '; ', '. '), credential), { minLength: 1, maxLength: 3 })
  .chain((parts) => prose.map((end) => `${parts.map(([before, gap, found]) => `${before}${gap}${found}`).join(' ')} ${end}`));
