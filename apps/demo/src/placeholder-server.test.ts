import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import { createPlaceholderServer } from './placeholder-server.js';

const server = createPlaceholderServer();
afterEach(() => new Promise<void>((resolve) => server.close(() => resolve())));

it('answers /healthz with status ok and / with a page', async () => {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const health = await fetch(`http://127.0.0.1:${port}/healthz`);
  expect(health.status).toBe(200);
  expect(await health.json()).toEqual({ status: 'ok' });
  const page = await fetch(`http://127.0.0.1:${port}/`);
  expect(await page.text()).toContain('Baton');
});
