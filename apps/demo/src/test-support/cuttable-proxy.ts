import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy in front of a server that a test can cut and restore, like a network partition: while
 * cut, open connections are dropped and new ones are closed at once, but the server behind it keeps
 * its data (unlike stopping a redis-server started without persistence).
 */
export class CuttableProxy {
  readonly #server: Server;
  readonly #pairs = new Set<[Socket, Socket]>();
  #cut = false;

  private constructor(server: Server) {
    this.#server = server;
  }

  /** Starts a proxy on 127.0.0.1 (a free port) to `target` (`host:port`). */
  static async start(target: { host: string; port: number }): Promise<CuttableProxy> {
    let proxy: CuttableProxy | undefined;
    const server = createServer((client) => {
      client.on('error', () => undefined);
      if (!proxy || proxy.#cut) {
        client.destroy();
        return;
      }
      const upstream = connect(target.port, target.host);
      upstream.on('error', () => client.destroy());
      client.on('error', () => upstream.destroy());
      const pair: [Socket, Socket] = [client, upstream];
      const pairs = proxy.#pairs;
      pairs.add(pair);
      const forget = () => pairs.delete(pair);
      client.on('close', () => {
        forget();
        upstream.destroy();
      });
      upstream.on('close', () => {
        forget();
        client.destroy();
      });
      client.pipe(upstream);
      upstream.pipe(client);
    });
    proxy = new CuttableProxy(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  /** The proxy's port on 127.0.0.1. */
  get port(): number {
    const address = this.#server.address();
    if (address === null || typeof address === 'string') throw new Error('the proxy is not listening');
    return address.port;
  }

  /** Drops every connection and refuses new ones until `restore`. */
  cut(): void {
    this.#cut = true;
    for (const [client, upstream] of this.#pairs) {
      client.destroy();
      upstream.destroy();
    }
    this.#pairs.clear();
  }

  /** Lets connections through again. */
  restore(): void {
    this.#cut = false;
  }

  /** Drops every connection and stops listening. */
  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}
