import { request } from 'node:http';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestDemoServer } from '../test-support/test-demo-server.js';
import type { DemoServer, DemoServerOptions } from './create-demo-server.js';

// Issue 18, item 5: the server answers only for its own origin (421 for any other Host, against DNS
// rebinding), checks Origin against it, and marks the cookie Secure when that origin is https.

const USERS = [{ username: 'alice', password: 'alice-demo-pw' }];
const LOGIN = JSON.stringify({ username: 'alice', password: 'alice-demo-pw' });

const servers: DemoServer[] = [];
afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
});

async function start(options: DemoServerOptions = {}): Promise<URL> {
  const server = await createTestDemoServer({ users: USERS, scryptCost: 2 ** 10, delayScale: 0, ...options });
  servers.push(server);
  return new URL(await server.listen({ port: 0 }));
}

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A request with exactly these headers (fetch will not send a Host other than the URL's). */
function send(base: URL, path: string, headers: Record<string, string>, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const outgoing = request(
      {
        host: base.hostname,
        port: base.port,
        path,
        method: body === undefined ? 'GET' : 'POST',
        agent: false,
        headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
      },
      (response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: text }));
      },
    );
    outgoing.on('upgrade', (response, socket) => {
      socket.destroy();
      resolve({ status: response.statusCode ?? 0, headers: response.headers, body: '' });
    });
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

function cookieOf(answer: Answer): string {
  const setCookie = answer.headers['set-cookie']?.[0];
  if (!setCookie) throw new Error(`no cookie in ${answer.status} ${answer.body}`);
  return setCookie.split(';')[0]!;
}

const UPGRADE = {
  connection: 'Upgrade',
  upgrade: 'websocket',
  'sec-websocket-version': '13',
  'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
};

describe('without publicOrigin', () => {
  it('refuses a Host that is a foreign name (DNS rebinding) with 421, even with a matching Origin', async () => {
    const base = await start();
    const rebound = `evil.example:${base.port}`;
    const login = await send(base, '/api/login', { host: rebound, origin: `http://${rebound}` }, LOGIN);
    expect(login.status).toBe(421);
    expect(JSON.parse(login.body).error.code).toBe('MISDIRECTED_REQUEST');
    expect(login.headers['set-cookie']).toBeUndefined();
    expect((await send(base, '/', { host: rebound })).status).toBe(421);
    expect((await send(base, '/api/me', { host: rebound })).status).toBe(421);
  });

  it('answers for loopback names and IP addresses, with http:// plus that Host as its own origin', async () => {
    const base = await start();
    for (const host of [`localhost:${base.port}`, `127.0.0.1:${base.port}`, `[::1]:${base.port}`]) {
      const login = await send(base, '/api/login', { host, origin: `http://${host}` }, LOGIN);
      expect(login.status, host).toBe(200);
      expect(login.headers['set-cookie']?.[0]).not.toContain('Secure');
    }
  });

  it('answers /healthz whatever the Host (probes use the pod address)', async () => {
    const base = await start();
    expect((await send(base, '/healthz', { host: 'demo-7f9c.internal:8080' })).status).toBe(200);
  });
});

describe('with publicOrigin https://demo.example.com', () => {
  const publicOrigin = 'https://demo.example.com';
  const host = 'demo.example.com';

  it('logs in from its own origin with a Secure cookie, and opens the socket with Origin https://', async () => {
    const base = await start({ publicOrigin });
    const login = await send(base, '/api/login', { host, origin: publicOrigin }, LOGIN);
    expect(login.status).toBe(200);
    expect(login.headers['set-cookie']?.[0]).toMatch(/; Secure/);
    const cookie = cookieOf(login);
    expect((await send(base, '/api/me', { host, cookie })).status).toBe(200);
    expect((await send(base, '/ws', { ...UPGRADE, host, cookie, origin: publicOrigin })).status).toBe(101);
    const logout = await send(base, '/api/logout', { host, cookie, origin: publicOrigin }, '');
    expect(logout.headers['set-cookie']?.[0]).toMatch(/; Secure/);
  });

  it('refuses any other Host with 421, its own address included', async () => {
    const base = await start({ publicOrigin });
    expect((await send(base, '/api/me', { host: `127.0.0.1:${base.port}` })).status).toBe(421);
    expect((await send(base, '/api/login', { host: 'evil.example', origin: 'https://evil.example' }, LOGIN)).status).toBe(421);
    expect((await send(base, '/ws', { ...UPGRADE, host: 'evil.example', origin: publicOrigin })).status).toBe(421);
  });

  it('refuses an Origin that differs in scheme from the public origin (403)', async () => {
    const base = await start({ publicOrigin });
    const login = await send(base, '/api/login', { host, origin: 'http://demo.example.com' }, LOGIN);
    expect(login.status).toBe(403);
    const cookie = cookieOf(await send(base, '/api/login', { host, origin: publicOrigin }, LOGIN));
    expect((await send(base, '/ws', { ...UPGRADE, host, cookie, origin: 'http://demo.example.com' })).status).toBe(403);
  });

  it('behind a proxy (trustProxy), checks the forwarded Host', async () => {
    const base = await start({ publicOrigin, trustProxy: true });
    const forwarded = { host: `127.0.0.1:${base.port}`, 'x-forwarded-host': host, 'x-forwarded-proto': 'https' };
    expect((await send(base, '/api/login', { ...forwarded, origin: publicOrigin }, LOGIN)).status).toBe(200);
    expect((await send(base, '/api/me', { ...forwarded, 'x-forwarded-host': 'evil.example' })).status).toBe(421);
  });

  it.each([
    ['a path', 'https://demo.example.com/app'],
    ['another scheme', 'ftp://demo.example.com'],
    ['no URL at all', 'demo.example.com'],
    ['credentials', 'https://user:pw@demo.example.com'],
  ])('refuses a publicOrigin with %s at start-up, naming BATON_PUBLIC_ORIGIN', async (_name, value) => {
    await expect(createTestDemoServer({ users: USERS, scryptCost: 2 ** 10, publicOrigin: value })).rejects.toThrow(/BATON_PUBLIC_ORIGIN/);
  });

  it('accepts a publicOrigin with a trailing slash or a port, and compares Host with its port', async () => {
    const base = await start({ publicOrigin: 'http://demo.example.com:8443/' });
    expect((await send(base, '/api/login', { host: 'demo.example.com:8443', origin: 'http://demo.example.com:8443' }, LOGIN)).status).toBe(
      200,
    );
    expect((await send(base, '/api/me', { host: 'demo.example.com' })).status).toBe(421);
  });
});
