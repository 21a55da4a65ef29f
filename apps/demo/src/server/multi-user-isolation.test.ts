import type { AgentEvent } from '@baton/engine-contract';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { EXAMPLE_QUESTIONS } from '../shared/example-questions.js';
import { FrameClient, login } from '../test-support/demo-test-client.js';
import { createTestDemoServer } from '../test-support/test-demo-server.js';
import type { DemoServer } from './create-demo-server.js';

const USER_COUNT = 24;
const users = Array.from({ length: USER_COUNT }, (_, index) => ({ username: `user${index + 1}`, password: `password-${index + 1}` }));

let server: DemoServer;
let url: string;
beforeAll(async () => {
  // A little delay so that runs of different users really interleave on the server.
  server = await createTestDemoServer({ users, scryptCost: 2 ** 10, delayScale: 0.02 });
  url = await server.listen({ port: 0 });
});
afterAll(() => server.close());

it(`isolates ${USER_COUNT} users with 2 sockets each, all asking at once`, async () => {
  const sessions = await Promise.all(
    users.map(async (user) => {
      const cookie = await login(url, user.username, user.password);
      const sockets = await Promise.all([FrameClient.connect(url, { cookie }), FrameClient.connect(url, { cookie })]);
      return { userId: user.username, sockets };
    }),
  );

  // Every socket asks one question (a different path per user and socket), all concurrently.
  const asked = await Promise.all(
    sessions.map(async ({ userId, sockets }, userIndex) => {
      const runIds = await Promise.all(
        sockets.map((socket, socketIndex) => {
          const example = EXAMPLE_QUESTIONS[(userIndex + socketIndex) % EXAMPLE_QUESTIONS.length]!;
          // The user's name in the text makes any cross-user leak of a question visible too.
          return socket.ask(`${example.text} (asked by ${userId} on socket ${socketIndex})`);
        }),
      );
      return { userId, sockets, runIds };
    }),
  );

  // A full analysis waits for its approval: each asking socket approves its own, as soon as it is asked.
  await Promise.all(
    asked.flatMap(({ sockets, runIds }) =>
      sockets.map(async (socket, socketIndex) => {
        const runId = runIds[socketIndex]!;
        const first = await socket.waitFor((frame) => frame.type === 'result' && frame.runId === runId);
        if (first.type === 'result' && first.result.status === 'suspended') socket.decide(first.result.workflowId, true);
      }),
    ),
  );
  // Each socket of a user sees the result of every run of that user (fan-out per user).
  await Promise.all(asked.flatMap(({ sockets, runIds }) => sockets.flatMap((socket) => runIds.map((runId) => socket.result(runId)))));

  const allRunIds = new Set(asked.flatMap(({ runIds }) => runIds));
  expect(allRunIds.size).toBe(USER_COUNT * 2);

  for (const { userId, sockets, runIds } of asked) {
    const ownRuns = new Set(runIds);
    for (const socket of sockets) {
      const events = socket.events();
      // Only this user's events, only this user's runs.
      expect(events.length).toBeGreaterThan(0);
      for (const frame of events) {
        expect(frame.event.userId).toBe(userId);
        expect(ownRuns.has(frame.event.runId)).toBe(true);
      }
      const serialized = JSON.stringify(socket.frames);
      for (const other of asked) if (other.userId !== userId) expect(serialized).not.toContain(`asked by ${other.userId} `);

      // Per engine: seq from 0, +1 each time, no gaps, no reordering. One engine per run, and one
      // more for a run resumed after its approval (it ran until the question, then from the decision).
      const byEngine = new Map<string, AgentEvent[]>();
      for (const frame of events) byEngine.set(frame.event.engineId, [...(byEngine.get(frame.event.engineId) ?? []), frame.event]);
      const suspendedRuns = socket.frames.filter((frame) => frame.type === 'result' && frame.result.status === 'suspended');
      expect(byEngine.size).toBe(runIds.length + suspendedRuns.length);
      for (const engineEvents of byEngine.values()) {
        expect(engineEvents.map((event) => event.seq)).toEqual(engineEvents.map((_, index) => index));
        expect(new Set(engineEvents.map((event) => event.runId)).size).toBe(1);
        const span = `${engineEvents[0]!.type} → ${engineEvents.at(-1)!.type}`;
        expect([
          'workflow_started → workflow_completed',
          'workflow_started → workflow_suspended',
          'workflow_resumed → workflow_completed',
        ]).toContain(span);
      }

      // Cursor ids: increasing per user, unique.
      const ids = events.map((frame) => frame.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect([...ids].sort()).toEqual(ids);

      // A final result per run, after that run's last event, and nothing of other users' runs.
      const results = socket.frames.filter(
        (frame): frame is Extract<typeof frame, { type: 'result' }> => frame.type === 'result' && frame.result.status !== 'suspended',
      );
      expect(results.map((frame) => frame.runId).sort()).toEqual([...runIds].sort());
      for (const result of results) {
        expect(result.result.status).toBe('succeeded');
        const lastEvent = events.filter((frame) => frame.event.runId === result.runId).at(-1)!;
        expect(socket.frames.indexOf(result)).toBeGreaterThan(socket.frames.indexOf(lastEvent));
      }
      // `accepted` only ever names this user's runs.
      for (const frame of socket.frames) if (frame.type === 'accepted') expect(ownRuns.has(frame.runId)).toBe(true);
    }
  }

  await Promise.all(asked.flatMap(({ sockets }) => sockets.map((socket) => socket.close())));
});
