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

  it('freeze() leaves connections open but unanswered until thaw(), and stop() ends a frozen server', async () => {
    const binary = findRedisServerBinary();
    if (binary === undefined) throw new Error('redis-server is not installed (apt-get install redis-server)');
    const server = await startRedisServer(binary);
    try {
      server.freeze();
      let answered = false;
      const reply = ping(server.port).then((line) => {
        answered = true;
        return line;
      });
      // Absence can only be sampled: a frozen server must not have answered by now (a working one
      // answers in well under a millisecond; a slow machine can only make this pass, never fail).
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(answered).toBe(false);
      server.thaw();
      expect(await reply).toBe('+PONG');
      server.freeze();
    } finally {
      await server.stop();
    }
    await expect(ping(server.port)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });
});
