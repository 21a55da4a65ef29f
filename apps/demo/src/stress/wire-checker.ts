import type { AgentEvent } from '@baton/engine-contract';
import type { ServerFrame } from '../server/protocol.js';

/** One socket's recording, with who it belongs to. */
export interface SocketRecord {
  label: string;
  userId: string;
  /** The user's question tag (`asked by <tag>`), to spot another user's text in this socket's frames. */
  tag: string | undefined;
  frames: readonly ServerFrame[];
}

/** A broken promise of the wire protocol, found on one socket. */
export interface WireViolation {
  rule: string;
  message: string;
}

type EventFrame = Extract<ServerFrame, { type: 'event' }>;

const TAG = /asked by (user[a-z]+)/g;

/**
 * Checks what sockets received, frame by frame: only their user's events and results, of that user's
 * accepted runs, with gapless per-engine `seq`, workflow_started first and workflow_completed last per
 * engine, unique cursor ids, nothing of a run after its result, and no other user's question text.
 * Also compares the streams of sockets of one user.
 */
export class WireChecker {
  readonly violations: WireViolation[] = [];
  eventsChecked = 0;

  #report(rule: string, message: string): void {
    this.violations.push({ rule, message });
  }

  /**
   * Checks one socket. `userRuns` are the runIds accepted for this socket's user (on any of its
   * sockets); `complete` says the socket stayed open to the end (so every run must have ended on it).
   */
  checkSocket(record: SocketRecord, userRuns: ReadonlySet<string>, complete: boolean): void {
    const { label, userId } = record;
    const byEngine = new Map<string, AgentEvent[]>();
    const ids = new Set<string>();
    const resultAt = new Map<string, number>();
    record.frames.forEach((frame, index) => {
      switch (frame.type) {
        case 'event': {
          this.eventsChecked++;
          const { event } = frame;
          if (event.userId !== userId) this.#report('foreign-event', `${label} (user ${userId}) got an event of user ${event.userId}`);
          if (!userRuns.has(event.runId))
            this.#report('foreign-run', `${label} got an event of run ${event.runId}, not one of its user's runs`);
          if (resultAt.has(event.runId))
            this.#report('event-after-result', `${label}: ${event.type} of run ${event.runId} after its result`);
          if (ids.has(frame.id)) this.#report('duplicate-id', `${label}: event id ${frame.id} twice`);
          ids.add(frame.id);
          const engineEvents = byEngine.get(event.engineId);
          if (engineEvents === undefined) byEngine.set(event.engineId, [event]);
          else engineEvents.push(event);
          break;
        }
        case 'result':
          if (!userRuns.has(frame.runId))
            this.#report('foreign-run', `${label} got the result of run ${frame.runId}, not one of its user's runs`);
          if (resultAt.has(frame.runId)) this.#report('duplicate-result', `${label}: two results for run ${frame.runId}`);
          resultAt.set(frame.runId, index);
          break;
        case 'accepted':
        case 'error':
          break;
        default:
          this.#report('unknown-frame', `${label}: frame of unknown type ${JSON.stringify(frame).slice(0, 100)}`);
      }
    });
    for (const [engineId, events] of byEngine) {
      const runIds = new Set(events.map((event) => event.runId));
      if (runIds.size !== 1) this.#report('engine-runs', `${label}: engine ${engineId} carried runs ${[...runIds].join(',')}`);
      events.forEach((event, index) => {
        if (event.seq !== index)
          this.#report('seq-gap', `${label}: engine ${engineId} event #${index} (${event.type}) has seq ${event.seq}`);
      });
      if (events[0]?.type !== 'workflow_started')
        this.#report('workflow-order', `${label}: engine ${engineId} began with ${events[0]?.type}`);
      const last = events[events.length - 1];
      if (complete && last?.type !== 'workflow_completed')
        this.#report('workflow-order', `${label}: engine ${engineId} ended with ${last?.type}`);
      if (complete && !resultAt.has(last!.runId)) this.#report('missing-result', `${label}: run ${last!.runId} has events but no result`);
    }
    if (record.tag !== undefined) {
      for (const match of JSON.stringify(record.frames).matchAll(TAG)) {
        if (match[1] !== record.tag) this.#report('foreign-text', `${label} (${record.tag}) received text of ${match[1]}`);
      }
    }
  }

  /**
   * Sockets of one user see one stream: `other` must have received the same events (same ids, in the
   * same order) as `reference`, or a prefix of them when it was closed early (`prefixOnly`).
   */
  compareStreams(reference: SocketRecord, other: SocketRecord, prefixOnly: boolean): void {
    const events = (record: SocketRecord) =>
      record.frames
        .filter((frame): frame is EventFrame => frame.type === 'event')
        .map((frame) => `${frame.id}|${frame.event.engineId}|${frame.event.seq}|${frame.event.type}`);
    const expected = events(reference);
    const actual = events(other);
    const comparable = prefixOnly ? expected.slice(0, actual.length) : expected;
    if (actual.length !== comparable.length || actual.some((entry, index) => entry !== comparable[index])) {
      const at = actual.findIndex((entry, index) => entry !== comparable[index]);
      this.#report(
        'stream-mismatch',
        `${other.label} saw ${actual.length} events, ${reference.label} ${expected.length}${prefixOnly ? ' (prefix expected)' : ''}; first difference at #${at}: ${actual[at]} vs ${comparable[at]}`,
      );
    }
    const results = (record: SocketRecord) =>
      record.frames.filter((frame) => frame.type === 'result').map((frame) => JSON.stringify(frame));
    if (!prefixOnly && results(reference).sort().join('\n') !== results(other).sort().join('\n')) {
      this.#report('stream-mismatch', `${other.label} and ${reference.label} got different results`);
    }
  }

  /** A violation only the driver can see (timing of cancels, close codes, health). */
  add(rule: string, message: string): void {
    this.#report(rule, message);
  }
}
