import { isSecretKey, REDACTED } from '@baton/engine-contract';

/** `Authorization`-style credentials: `Bearer <token>`, `Basic <token>`. */
const AUTH_SCHEME = /\b(Bearer|Basic|Token)\s+[A-Za-z0-9._~+/=-]{6,}/gi;
/** `name=value`, `name: value`, `"name": "value"`: the value goes when the name names a secret. */
const NAMED_VALUE = /([A-Za-z][A-Za-z0-9_.-]*)(["']?\s*[:=]\s*["']?)([^\s"'&,;})\]]+)/g;
/** Key shapes providers issue (OpenAI/Anthropic `sk-`, Google `AIza`, GitHub, Slack, AWS, JWTs). */
const KEY_SHAPES = [
  /\b(?:sk|pk|rk)-[A-Za-z0-9_-]{8,}/g,
  /\bAIza[0-9A-Za-z_-]{20,}/g,
  /\bgh[opsur]_[A-Za-z0-9]{20,}/g,
  /\bxox[abprs]-[A-Za-z0-9-]{10,}/g,
  /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g,
  /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g,
];

/** `Authorization: Bearer …`: the scheme stays, the credential after it is redacted by `AUTH_SCHEME`. */
const SCHEME_WORD = /^(?:Bearer|Basic|Token)$/i;
/** Numbers and booleans stay, as in the contract's `redact` (`maxTokens: 512` is no secret). */
const PLAIN_VALUE = /^(?:-?\d+(?:\.\d+)?|true|false)$/i;

/** Query parameters that carry keys although their names are not secret words (`?key=` for Google). */
function isSecretName(name: string): boolean {
  const lower = name.toLowerCase();
  return lower === 'key' || lower === 'x-api-key' || lower === 'api-key' || isSecretKey(name);
}

/**
 * `text` with the credentials it may hold replaced by `'[REDACTED]'`: values named by a secret word
 * (the contract's `isSecretKey`, e.g. `api_key=…`, `"token": "…"`, plus `key=…`), `Bearer …`
 * credentials and the key shapes providers issue. The rest of the text is kept, so an error message
 * still says what went wrong.
 * @example redactSecretsInText('401 for https://x.test/v1?key=AIzaSyA-123 (Bearer sk-abc123456789)')
 * // → '401 for https://x.test/v1?key=[REDACTED] (Bearer [REDACTED])'
 * @internal
 */
export function redactSecretsInText(text: string): string {
  let redacted = text.replace(AUTH_SCHEME, (_match, scheme: string) => `${scheme} ${REDACTED}`);
  redacted = redacted.replace(NAMED_VALUE, (match, name: string, separator: string, value: string) =>
    !value.startsWith('[') && !SCHEME_WORD.test(value) && !PLAIN_VALUE.test(value) && isSecretName(name)
      ? `${name}${separator}${REDACTED}`
      : match,
  );
  for (const shape of KEY_SHAPES) redacted = redacted.replace(shape, REDACTED);
  return redacted;
}
