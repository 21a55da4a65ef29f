/**
 * True when `origin` is the server's own: `http://` plus the request's Host header. Browsers always
 * send Origin on WebSocket upgrades and on POST, so a missing one means a non-browser or a forged
 * request; both are refused on the upgrade (cross-site WebSocket hijacking defence).
 */
export function isOwnOrigin(origin: string | undefined, host: string | undefined): boolean {
  if (!origin || !host) return false;
  return origin.toLowerCase() === `http://${host}`.toLowerCase();
}
