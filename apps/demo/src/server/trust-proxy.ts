import { isIP } from 'node:net';

/**
 * Parses `BATON_DEMO_TRUST_PROXY` into Fastify's `trustProxy`: unset or empty → undefined (forwarded
 * headers ignored); `true` or `false`; otherwise a comma-separated list of proxy addresses or CIDR
 * ranges (`127.0.0.1,10.0.0.0/8`), each checked, so that a typo cannot silently trust nobody.
 */
export function parseTrustProxy(value: string | undefined): boolean | string[] | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const trimmed = value.trim();
  if (trimmed === 'true') return true;
  if (trimmed === 'false') return false;
  const entries = trimmed.split(',').map((entry) => entry.trim());
  for (const entry of entries) {
    const [address = '', bits, ...rest] = entry.split('/');
    const family = isIP(address);
    const maxBits = family === 6 ? 128 : 32;
    const validBits = bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= maxBits);
    if (family === 0 || !validBits || rest.length > 0) {
      throw new Error(
        `BATON_DEMO_TRUST_PROXY must be true, false, or a comma-separated list of proxy addresses or CIDR ranges (like 127.0.0.1,10.0.0.0/8); ${JSON.stringify(entry)} is none of these`,
      );
    }
  }
  return entries;
}
