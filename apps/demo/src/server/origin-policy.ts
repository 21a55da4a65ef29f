import { isIP } from 'node:net';

/**
 * Which origin the server is, for a request's Host. Browsers always send Origin on WebSocket upgrades
 * and on POST, so a missing one means a non-browser or a forged request; both are refused on the
 * upgrade (cross-site WebSocket hijacking defence), and the Host itself is checked first (DNS
 * rebinding: a page on a name the attacker controls, resolved to this server, sends that name as Host).
 */
export interface OriginPolicy {
  /**
   * The server's own origin for a request with this Host (`request.host`: the forwarded one behind a
   * trusted proxy), or undefined when the server does not answer for that Host (421).
   */
  ownOrigin(host: string | undefined): string | undefined;
  /** True when the public origin is https: the session cookie gets `Secure`. */
  readonly secureCookies: boolean;
}

/**
 * Checks a public origin (`publicOrigin`, env `BATON_PUBLIC_ORIGIN`) and returns it normalised
 * (`https://demo.example.com`, `http://host:8080`): an http or https URL with nothing after the host
 * but an optional `/`. Throws an Error naming the variable otherwise.
 */
export function parsePublicOrigin(value: string): string {
  const refuse = (why: string): never => {
    throw new Error(
      `The public origin (BATON_PUBLIC_ORIGIN) must be the address users open, like https://demo.example.com or http://host:8080; ${JSON.stringify(value)} ${why}`,
    );
  };
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return refuse('is not a URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') refuse('is not http or https');
  if (url.username !== '' || url.password !== '') refuse('has credentials');
  if (url.pathname !== '/' || url.search !== '' || url.hash !== '') refuse('has a path, query or fragment');
  return url.origin;
}

/** True for `localhost` and IP literals (`127.0.0.1`, `[::1]`), with or without a port: names no DNS answer can move. */
function isLiteralOrLoopbackHost(host: string): boolean {
  const name = host.startsWith('[') ? host.slice(1, host.indexOf(']')) : host.replace(/:\d+$/, '');
  if (!/^(\[[^\]]+\]|[^:]+)(:\d{1,5})?$/.test(host)) return false;
  return name.toLowerCase() === 'localhost' || isIP(name) !== 0;
}

/**
 * The origin policy of a server. With a public origin: only a Host equal to its host (and port) is
 * answered, and the origin is that public origin (https gives Secure cookies). Without one (a
 * developer's machine): only `localhost` and IP addresses are answered, on any port, with `http://`
 * plus the Host as the origin; any other name is refused, since it could only reach this server
 * through someone else's DNS.
 */
export function createOriginPolicy(publicOrigin?: string): OriginPolicy {
  if (publicOrigin === undefined) {
    return {
      secureCookies: false,
      ownOrigin: (host) => (host !== undefined && isLiteralOrLoopbackHost(host) ? `http://${host.toLowerCase()}` : undefined),
    };
  }
  const origin = parsePublicOrigin(publicOrigin);
  const { host: publicHost, protocol } = new URL(origin);
  return {
    secureCookies: protocol === 'https:',
    ownOrigin: (host) => (host?.toLowerCase() === publicHost ? origin : undefined),
  };
}

/** True when `origin` (the request's Origin header) is `expected` (the server's own origin); false when either is missing. */
export function isOwnOrigin(origin: string | undefined, expected: string | undefined): boolean {
  if (!origin || !expected) return false;
  return origin.toLowerCase() === expected.toLowerCase();
}
