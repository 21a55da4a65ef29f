import { isSecretKey, REDACTED } from './secret-key.js';

// Free text (error messages, thoughts, streamed answers, string outputs) is scrubbed on the events'
// hot path, so every pattern is compiled once, the common text is turned away by one pre-check, and
// every repetition that could rescan a long run of text is bounded (no quadratic case).

/** The shortest text a pattern below can match (`pwd=x`); shorter text is returned at once. */
const MIN_LENGTH = 5;
/** The shortest text a `TRIGGER_WORD` pattern can match (`Token abc123`); shorter text needs only the character check. */
const MIN_WORD_TRIGGERED_LENGTH = 12;
/**
 * The pre-check, in two parts that together are implied by every pattern below: a character that
 * named values, URLs, PEM blocks and most key shapes need, or a word that the others start with.
 * Text with neither holds no credential they find and skips the passes. Two plain regexes, because
 * V8 scans a lone character class, and an alternation of literals, much faster than a mix of both.
 */
const TRIGGER_CHARACTER = /[=:@_-]/;
const TRIGGER_WORD = /[Bb]earer\s|BEARER\s|[Bb]asic\s|BASIC\s|[Tt]oken\s|TOKEN\s|AIza|A[KS]IA|eyJ/;
/** A PEM private key, to its end line (or the end of the text, when it was cut). */
const PRIVATE_KEY_BLOCK = /-----BEGIN [A-Z0-9 ]{0,40}PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z0-9 ]{0,40}PRIVATE KEY-----|$)/g;
/** The user information of a URL, `scheme://user:password@` or `scheme://token@`. */
const URL_USER_INFO = /\b([A-Za-z][A-Za-z0-9+.-]{0,31}:\/\/)[^\s/?#@"'<>]{1,512}@/g;
/** `Authorization`-style credentials: `Bearer <token>`, `Basic <token>`, `Token <token>` (capitalised, small or capitals). */
const AUTH_SCHEME = /\b(Bearer|bearer|BEARER|Basic|basic|BASIC|Token|token|TOKEN)(\s+)([A-Za-z0-9._~+/=-]{6,})/g;
/**
 * What makes the word after `Bearer`/`Basic`/`Token` a credential rather than prose ("Basic plan"):
 * a digit or a symbol, a capital after a small letter (base64), or a length no word has.
 */
const CREDENTIAL_CHARACTER = /[0-9._~+/=-]|[a-z][A-Z]/;
const MIN_LETTERS_ONLY_CREDENTIAL = 20;
/**
 * `name=value`, `name: value`, `"name": "value"`, `\"name\":\"value\"` (JSON inside a string): the value
 * goes when the name names a secret. A quoted value goes whole, spaces and escaped quotes included;
 * one already redacted is matched whole, so that a second pass changes nothing.
 */
const NAMED_VALUE =
  /([A-Za-z][A-Za-z0-9_.-]{0,63})(\\?["']?\s*[:=]\s*)("(?:[^"\\\n]|\\.){0,4096}"|'[^'\n]{0,4096}'|(?:\\?["'])?(?:\[REDACTED\]|[^\s"'\\&,;})\]<>]+))/g;
/**
 * Key shapes providers issue: OpenAI/Anthropic `sk-`, Stripe `sk_live_`, Google `AIza`, GitHub `ghp_`,
 * GitLab `glpat-`, npm `npm_`, Slack `xox?-`, AWS `AKIA`/`ASIA` key ids, and JWTs.
 */
const KEY_SHAPE =
  /\b(?:(?:sk|pk|rk)-[A-Za-z0-9_-]{8,}|(?:sk|pk|rk)_(?:live|test)_[A-Za-z0-9]{8,}|AIza[0-9A-Za-z_-]{20,}|gh[opsur]_[A-Za-z0-9]{20,}|glpat-[A-Za-z0-9_-]{20,}|npm_[A-Za-z0-9]{36}|xox[abprs]-[A-Za-z0-9-]{10,}|(?:AKIA|ASIA)[0-9A-Z]{16}\b|eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,})/g;

/** `Authorization: Bearer …`: the scheme stays, the credential after it is redacted by `AUTH_SCHEME`. */
const SCHEME_WORD = /^(?:Bearer|Basic|Token)$/i;
/**
 * Unquoted numbers (JSON's, exponents included) and booleans stay, as numbers and booleans do in `redact` (`maxTokens: 512` is no
 * secret). A quoted one is a string (`"password": "123456"`) and goes, as a string does in `redact`.
 */
const PLAIN_VALUE = /^(?:-?\d+(?:\.\d+)?(?:e[+-]?\d+)?|true|false)$/i;

/** Query parameters that carry keys although their names are not secret words (`?key=` for Google). */
function isSecretName(name: string): boolean {
  const lower = name.toLowerCase();
  return lower === 'key' || lower === 'x-api-key' || lower === 'api-key' || isSecretKey(name);
}

function redactAuthScheme(match: string, scheme: string, space: string, credential: string): string {
  return CREDENTIAL_CHARACTER.test(credential) || credential.length >= MIN_LETTERS_ONLY_CREDENTIAL ? `${scheme}${space}${REDACTED}` : match;
}

/** The redacted form of one `NAMED_VALUE` match, or `undefined` when its value stays. */
function redactedNamedValue(name: string, separator: string, value: string): string | undefined {
  // The quotes around the value stay, so JSON in the text stays JSON.
  const quote = value[0] === '\\' ? value.slice(0, 2) : value[0] === '"' || value[0] === "'" ? value[0] : '';
  const closed = quote.length === 1 && value.length >= 2 && value.endsWith(quote);
  const bare = value.slice(quote.length, closed ? -1 : undefined);
  if (bare === REDACTED || SCHEME_WORD.test(bare) || (quote === '' && PLAIN_VALUE.test(bare)) || !isSecretName(name)) return undefined;
  return `${name}${separator}${quote}${REDACTED}${closed ? quote : ''}`;
}

/**
 * Redacts the values of secret names. By hand rather than `replace`: where the value stays, the scan
 * goes on from the value, not after it, because the value may be the next name (`a: "token": "x"`).
 */
function redactNamedValues(text: string): string {
  let redacted = '';
  let copiedUpTo = 0;
  NAMED_VALUE.lastIndex = 0;
  for (let match = NAMED_VALUE.exec(text); match !== null; match = NAMED_VALUE.exec(text)) {
    const [whole, name = '', separator = '', value = ''] = match;
    const replacement = redactedNamedValue(name, separator, value);
    if (replacement === undefined) {
      NAMED_VALUE.lastIndex = match.index + name.length + separator.length;
    } else {
      redacted += text.slice(copiedUpTo, match.index) + replacement;
      copiedUpTo = match.index + whole.length;
    }
  }
  return copiedUpTo === 0 ? text : redacted + text.slice(copiedUpTo);
}

/**
 * `text` with the credentials it may hold replaced by `'[REDACTED]'`: values named by a secret word
 * (`isSecretKey`, e.g. `api_key=…`, `"token": "…"`, `password: …`, plus `key=…`), `Bearer …`,
 * `Basic …` and `Token …` credentials, the user information of URLs (`postgres://user:pass@host`),
 * PEM private keys and the key shapes providers issue. The rest of the text is kept, so an error
 * message still says what went wrong. Idempotent. Text without `=`, `:`, `@`, `_`, `-` and without
 * `Bearer `, `Basic `, `Token `, `AIza`, `AKIA`, `ASIA` or `eyJ` is returned as it is after a
 * pre-check, so scrubbing ordinary prose costs two quick scans.
 * @example redactSecretsInText('401 for https://x.test/v1?key=AIzaSyA-123 (Bearer sk-abc123456789)')
 * // → '401 for https://x.test/v1?key=[REDACTED] (Bearer [REDACTED])'
 */
export function redactSecretsInText(text: string): string {
  const length = text.length;
  if (length < MIN_LENGTH) return text;
  if (!TRIGGER_CHARACTER.test(text) && (length < MIN_WORD_TRIGGERED_LENGTH || !TRIGGER_WORD.test(text))) return text;
  return redactEveryPattern(text);
}

/**
 * Every pass of `redactSecretsInText`, without its pre-check: what the pre-check must agree with.
 * @internal exported for the test that checks that agreement.
 */
export function redactEveryPattern(text: string): string {
  let redacted = text.replace(PRIVATE_KEY_BLOCK, REDACTED);
  redacted = redacted.replace(URL_USER_INFO, `$1${REDACTED}@`);
  redacted = redacted.replace(AUTH_SCHEME, redactAuthScheme);
  redacted = redactNamedValues(redacted);
  return redacted.replace(KEY_SHAPE, REDACTED);
}
