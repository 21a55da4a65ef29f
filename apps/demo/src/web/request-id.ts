/**
 * A random id for `clientRequestId`. `crypto.randomUUID` exists only in secure contexts (not on
 * http://192.168.x.x), `getRandomValues` everywhere.
 */
export function newRequestId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `req-${Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('')}`;
}
