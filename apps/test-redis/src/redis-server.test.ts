import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { findRedisServerBinary, startRedisServer } from './redis-server.js';

/** One PING over a raw socket: resolves the server's reply line. */
function ping(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write('PING\r\n'));
    socket.once('data', (chunk) => {
      resolve(chunk.toString().trim());
      socket.end();
    });
    socket.once('error', reject);
  });
}

describe('startRedisServer', () => {
  it('starts a redis-server that answers on its port, and stop() ends it (idempotent)', async () => {
    const binary = findRedisServerBinary();
    if (binary === undefined) throw new Error('redis-server is not installed (apt-get install redis-server)');
    const server = await startRedisServer(binary);
    expect(server.url).toBe(`redis://127.0.0.1:${server.port}`);
    expect(await ping(server.port)).toBe('+PONG');
    await server.stop();
    await server.stop();
    await expect(ping(server.port)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });
});
