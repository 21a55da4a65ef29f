import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type WebSocket, WebSocketServer } from 'ws';
import { FrameClient } from './demo-test-client.js';

async function startFrameServer() {
  const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise<void>((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;
  /** A connected client and the server's end of its socket. */
  const connect = async (): Promise<{ client: FrameClient; peer: WebSocket }> => {
    const peer = new Promise<WebSocket>((resolve) => server.once('connection', resolve));
    const client = await FrameClient.connect(baseUrl);
    return { client, peer: await peer };
  };
  return { server, connect };
}

describe('FrameClient.waitFor: a hang detector, not a deadline', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('fails only once no socket of the process has received a frame for the whole silence', async () => {
    const { server, connect } = await startFrameServer();
    const { client: waiting, peer: peerOfWaiting } = await connect();
    const { client: other, peer: peerOfOther } = await connect();
    try {
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
      let outcome: string | undefined;
      waiting
        .waitFor((frame) => frame.type === 'result', 1_000)
        .then(
          () => (outcome = 'resolved'),
          (error: Error) => (outcome = error.message),
        );

      await vi.advanceTimersByTimeAsync(800);
      // Another socket's frame is progress: the wait must not fail 1 s after it started.
      peerOfOther.send(JSON.stringify({ type: 'error', code: 'BAD_FRAME', message: 'progress' }));
      await other.waitFor((frame) => frame.type === 'error');
      await vi.advanceTimersByTimeAsync(800);
      expect(outcome).toBeUndefined();

      await vi.advanceTimersByTimeAsync(300);
      expect(outcome).toMatch(/^no frame on any socket for 1000 ms while waiting for a frame; got 0/);
      expect(peerOfWaiting.readyState).toBe(peerOfWaiting.OPEN);
    } finally {
      vi.useRealTimers();
      await Promise.all([waiting.close(), other.close()]);
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('resolves with the matching frame and leaves no pending silence check behind', async () => {
    const { server, connect } = await startFrameServer();
    const { client, peer } = await connect();
    try {
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
      const awaited = client.waitFor((frame) => frame.type === 'error' && frame.code === 'UNKNOWN_RUN', 1_000);
      peer.send(JSON.stringify({ type: 'error', code: 'UNKNOWN_RUN', message: 'no such run' }));
      await expect(awaited).resolves.toMatchObject({ code: 'UNKNOWN_RUN' });
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
      await client.close();
      await new Promise((resolve) => server.close(resolve));
    }
  });
  it('closeCode gives the code the server closed with, and -1 once every socket went silent first', async () => {
    const { server, connect } = await startFrameServer();
    const closing = await connect();
    const silent = await connect();
    try {
      closing.peer.close(1008, 'policy');
      await expect(closing.client.closeCode(1_000)).resolves.toBe(1008);

      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
      const code = silent.client.closeCode(1_000);
      await vi.advanceTimersByTimeAsync(1_000);
      await expect(code).resolves.toBe(-1);
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
      await Promise.all([closing.client.close(), silent.client.close()]);
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
