/** What a redacted value is replaced with. */
export const REDACTED = '[REDACTED]';

/**
 * Words that name a secret wherever they stand in a key (lower-cased, `-` and `_` removed):
 * `db_password_hash`, `AWS_SECRET_ACCESS_KEY`, `refreshToken`, `connectionString`, `MYSQL_PWD`.
 */
const SECRET_WORD =
  /password|passwd|passphrase|pwd|secret|token|apikey|accesskey|authorization|cookie|privatekey|credential|connectionstring|jwt/;
/**
 * Words that name a secret only as a word of their own (`auth`, `X-Auth`, `authHeader`, `oauth`),
 * because as a part of a longer word they mostly do not (`author`, `authority`).
 */
const SECRET_WHOLE_WORDS: ReadonlySet<string> = new Set(['auth', 'oauth']);
const SEPARATORS = /[-_]/g;
/** The words of a key: camelCase humps, runs of capitals, digits; anything else separates. */
const WORDS = /[A-Z]?[a-z]+|[A-Z]+(?![a-z])|[0-9]+/g;
// Events repeat the same few keys, so the verdict per key is cached (bounded: cleared when full).
const MAX_CACHED_KEYS = 2048;
const secretKeyCache = new Map<string, boolean>();

function hasSecretWholeWord(key: string): boolean {
  const words = key.match(WORDS);
  if (words === null) return false;
  for (const word of words) if (SECRET_WHOLE_WORDS.has(word.toLowerCase())) return true;
  return false;
}

/**
 * True when a key names a secret, in any case and with any separators: lower-cased, without `-` and
 * `_`, it contains `password`, `passwd`, `passphrase`, `pwd`, `secret`, `token`, `apikey`,
 * `accesskey`, `authorization`, `cookie`, `privatekey`, `credential`, `connectionstring` or `jwt`; or
 * one of its words (camelCase humps, or parts between separators) is `auth` or `oauth`.
 * @example isSecretKey('accessKey') // → true; isSecretKey('X-Auth') // → true; isSecretKey('author') // → false
 */
export function isSecretKey(key: string): boolean {
  const cached = secretKeyCache.get(key);
  if (cached !== undefined) return cached;
  const secret = SECRET_WORD.test(key.toLowerCase().replace(SEPARATORS, '')) || hasSecretWholeWord(key);
  if (secretKeyCache.size >= MAX_CACHED_KEYS) secretKeyCache.clear();
  secretKeyCache.set(key, secret);
  return secret;
}
