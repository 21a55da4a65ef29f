import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login } from '../test-support/demo-test-client.js';
import { createTestDemoServer } from '../test-support/test-demo-server.js';
import type { DemoServer } from './create-demo-server.js';

// Issue 18, item 7: a refused upgrade says it closes the connection, and a body over the limit is
// answered as too large, not as malformed.

let server: DemoServer;
let url: URL;
beforeAll(async () => {
  server = await createTestDemoServer({ users: [{ username: 'alice', password: 'alice-demo-pw' }], scryptCost: 2 ** 10, delayScale: 0 });
  url = new URL(await server.listen({ port: 0 }));
});
afterAll(async () => {
  await server.close();
});

/** Sends a raw WebSocket upgrade request and resolves with the head of the answer (status line and headers). */
function upgradeHead(extraHeaders: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname);
    let received = '';
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('latin1');
      const end = received.indexOf('\r\n\r\n');
      if (end >= 0) {
        socket.destroy();
        resolve(received.slice(0, end));
      }
    });
    socket.on('error', reject);
    socket.write(
      [
        'GET /ws HTTP/1.1',
        `Host: ${url.host}`,
        'Connection: Upgrade',
        'Upgrade: websocket',
        'Sec-WebSocket-Version: 13',
        'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
        ...extraHeaders,
        '',
        '',
      ].join('\r\n'),
    );
  });
}

describe('refused WebSocket upgrades', () => {
  it('answer 401 without a session with Connection: close (the server drops the connection after it)', async () => {
    const head = await upgradeHead([`Origin: ${url.origin}`]);
    expect(head).toMatch(/^HTTP\/1\.1 401 /);
    expect(head).toMatch(/^connection: close$/im);
    expect(head).not.toMatch(/keep-alive/i);
  });

  it('answer 403 for a foreign Origin with Connection: close', async () => {
    const cookie = await login(url.origin, 'alice', 'alice-demo-pw');
    const head = await upgradeHead([`Cookie: ${cookie}`, 'Origin: http://evil.example']);
    expect(head).toMatch(/^HTTP\/1\.1 403 /);
    expect(head).toMatch(/^connection: close$/im);
  });
});

describe('request bodies', () => {
  it('answers a 1 MB login body with 413 and a message saying it is too large', async () => {
    const response = await fetch(`${url.origin}/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'alice', password: 'x'.repeat(1024 * 1024) }),
    });
    expect(response.status).toBe(413);
    const { error } = await response.json();
    expect(error.code).toBe('INVALID_REQUEST');
    expect(error.message).toMatch(/too large/);
    expect(error.message).not.toMatch(/JSON object/);
  });

  it('still calls a body that is not JSON malformed (400)', async () => {
    const response = await fetch(`${url.origin}/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"username":',
    });
    expect(response.status).toBe(400);
    expect((await response.json()).error.message).toMatch(/JSON/);
  });
});
