import type WebSocket from 'ws';
import type { MisbehaviourKind } from './wire-plan.js';
import { createWirePrng } from './wire-prng.js';

/** What a misbehaving socket sent. */
export interface MalformedReport {
  kind: MisbehaviourKind;
  /** Frames sent that the server must refuse (an error frame each for `garbage`). */
  framesSent: number;
  /** Of those, frames that must each get an `error` frame (the socket stays open). */
  expectErrorFrames: number;
}

/** Frames that are well-formed WebSocket text but not valid client messages: each gets an `error` frame. */
function garbageTextFrames(foreignRunId: string): string[] {
  return [
    '{"type":"ask","text":',
    'not json at all',
    '',
    'null',
    '[]',
    '"ask"',
    '42',
    JSON.stringify({ type: 'ask', text: 5 }),
    JSON.stringify({ type: 'ask', text: '' }),
    JSON.stringify({ type: 'ask', text: '   ' }),
    JSON.stringify({ type: 'ask', text: 'x'.repeat(4001) }),
    JSON.stringify({ type: 'ask', text: 'hi', extra: true }),
    JSON.stringify({ type: 'ask', text: 'hi', clientRequestId: 7 }),
    JSON.stringify({ type: 'launch', text: 'hi' }),
    JSON.stringify({ type: 'cancel' }),
    JSON.stringify({ type: 'cancel', runId: 7 }),
    JSON.stringify({ type: 'cancel', runId: '' }),
    JSON.stringify({ TYPE: 'ask', text: 'hi' }),
    '{"type":"cancel","runId":"x","__proto__":{"admin":true}}',
    '{"type":"ask","text":"hi","type":"cancel"}',
    // Well-formed, but another user's run (or none): UNKNOWN_RUN, and the run must not notice.
    JSON.stringify({ type: 'cancel', runId: foreignRunId }),
    JSON.stringify({ type: 'cancel', runId: '../../etc/passwd' }),
  ];
}

/**
 * Sends one kind of malformed input on `socket`:
 * - `garbage`: random binary frames, invalid JSON, wrong types, unknown fields, foreign cancels; the
 *   server must answer each with an `error` frame and keep the socket open;
 * - `oversize`: a 1 MiB text frame (limit 16 KiB): close 1009;
 * - `flood`: 1,000 frames at once (limit 100 per second): close 1008;
 * - `bad-utf8`: a text frame that is not UTF-8: close 1007.
 */
export function sendMalformed(socket: WebSocket, kind: MisbehaviourKind, seed: string, foreignRunId: string): MalformedReport {
  const prng = createWirePrng(seed);
  switch (kind) {
    case 'garbage': {
      const binary = Array.from({ length: prng.int(3, 6) }, () =>
        Buffer.from(Array.from({ length: prng.int(1, 512) }, () => prng.int(0, 255))),
      );
      const texts = garbageTextFrames(foreignRunId);
      for (const frame of binary) socket.send(frame, { binary: true });
      for (const frame of texts) socket.send(frame);
      return { kind, framesSent: binary.length + texts.length, expectErrorFrames: binary.length + texts.length };
    }
    case 'oversize':
      socket.send(JSON.stringify({ type: 'ask', text: 'x'.repeat(1024 * 1024) }));
      return { kind, framesSent: 1, expectErrorFrames: 0 };
    case 'flood': {
      for (let index = 0; index < 1_000; index++) socket.send(JSON.stringify({ type: 'cancel', runId: `flood-${index}` }));
      return { kind, framesSent: 1_000, expectErrorFrames: 0 };
    }
    case 'bad-utf8':
      // A lone continuation byte and an overlong encoding inside an otherwise JSON-looking text frame.
      socket.send(Buffer.from([0x7b, 0x22, 0x74, 0x22, 0x3a, 0x22, 0x80, 0xc0, 0xaf, 0x22, 0x7d]), { binary: false });
      return { kind, framesSent: 1, expectErrorFrames: 0 };
  }
}
