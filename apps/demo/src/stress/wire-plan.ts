import { EXAMPLE_QUESTIONS } from '../shared/example-questions.js';
import { holdMarker } from './hold-agents.js';
import { createWirePrng } from './wire-prng.js';

/** The stages `triageWorkflow` runs on each example path, in order. */
export const PATH_STAGES: Readonly<Record<string, readonly string[]>> = {
  sufficient: ['triage', 'data', 'optimization', 'actions', 'reporting'],
  partial: ['triage', 'data_helper', 'data', 'reporting'],
  insufficient: ['triage', 'data_helper', 'reporting'],
};

/** One ask of a well-behaved socket. */
export interface WireAsk {
  /** Unique over the plan: `<user>.<socket>.<ask>` (also the ask's clientRequestId). */
  key: string;
  text: string;
  path: 'sufficient' | 'partial' | 'insufficient';
  /**
   * Held asks wait at `stage` until cancelled. The client cancels once that stage's agent_started
   * arrives (`stage-started`), or, for a run held at triage, as soon as `accepted` arrives (the server
   * starts triage before it sends `accepted`): either way the run is certainly waiting there, so the
   * outcome is deterministic. Others run to the end.
   */
  hold?: { stage: string; cancelOn: 'accepted' | 'stage-started'; foreignCancelFirst: boolean };
  /** After the result, cancel again: the run is gone, the answer must be UNKNOWN_RUN. */
  lateCancel: boolean;
}

/** What a misbehaving socket sends (see `malformed-frames.ts`). */
export type MisbehaviourKind = 'garbage' | 'oversize' | 'flood' | 'bad-utf8';

/** The close code each misbehaviour must get (`undefined`: the socket must stay open). */
export const EXPECTED_CLOSE: Readonly<Record<MisbehaviourKind, number | undefined>> = {
  garbage: undefined,
  oversize: 1009,
  flood: 1008,
  'bad-utf8': 1007,
};

/** The whole wire workload, a pure function of its seed and sizes. */
export interface WirePlan {
  seed: string;
  users: Array<{ username: string; password: string; tag: string }>;
  /** Well-behaved sockets: two per user. */
  sockets: Array<{ userIndex: number; socketIndex: number; asks: WireAsk[] }>;
  /** Misbehaving sockets: a third socket of every `misbehaveEvery`-th user. */
  misbehaving: Array<{ userIndex: number; kind: MisbehaviourKind; seed: string }>;
  /** Users that never ask; their sockets try to cancel other users' held runs. */
  probers: Array<{ username: string; password: string }>;
}

/** Sizes of the wire workload. */
export interface WirePlanOptions {
  seed: string;
  users: number;
  asksPerSocket: number;
  /** One misbehaving socket per this many users (0: none). */
  misbehaveEvery: number;
  probers: number;
}

// Letters only: a digit or a provider name in a question would change the path triage picks.
const LETTERS = 'bcdfhjklmnqrstvxz';
function letterTag(index: number): string {
  let tag = '';
  let rest = index;
  do {
    tag = LETTERS[rest % LETTERS.length]! + tag;
    rest = Math.floor(rest / LETTERS.length);
  } while (rest > 0);
  return `user${tag}`;
}

/**
 * Builds the seeded plan: per socket, a sequence of asks (example questions of every path), some held
 * at a random stage and cancelled after a random number of events (some first targeted by another
 * user's cancel), some cancelled again after their result.
 */
export function createWirePlan(options: WirePlanOptions): WirePlan {
  const prng = createWirePrng(options.seed);
  const kinds: MisbehaviourKind[] = ['garbage', 'oversize', 'flood', 'bad-utf8'];
  const users = Array.from({ length: options.users }, (_, index) => ({
    username: `wire-user-${index}`,
    password: `wire-pw-${index}`,
    tag: letterTag(index),
  }));
  const sockets = users.flatMap((user, userIndex) =>
    [0, 1].map((socketIndex) => ({
      userIndex,
      socketIndex,
      asks: Array.from({ length: options.asksPerSocket }, (_, askIndex): WireAsk => {
        const example = prng.pick(EXAMPLE_QUESTIONS);
        const held = prng.chance(0.3);
        const stages = PATH_STAGES[example.path]!;
        const holdStage = prng.pick(stages);
        const cancelOn = holdStage === 'triage' && prng.chance(0.5) ? ('accepted' as const) : ('stage-started' as const);
        const hold = held ? { stage: holdStage, cancelOn, foreignCancelFirst: prng.chance(0.3) } : undefined;
        const side = socketIndex === 0 ? 'left' : 'right';
        const text = `${example.text} (asked by ${user.tag} on the ${side} socket, ask ${LETTERS[askIndex % LETTERS.length]})${hold ? ` ${holdMarker(hold.stage)}` : ''}`;
        return {
          key: `${userIndex}.${socketIndex}.${askIndex}`,
          text,
          path: example.path,
          ...(hold ? { hold } : {}),
          lateCancel: prng.chance(0.15),
        };
      }),
    })),
  );
  const misbehaving =
    options.misbehaveEvery > 0
      ? users
          .map((_, userIndex) => userIndex)
          .filter((userIndex) => userIndex % options.misbehaveEvery === 0)
          .map((userIndex, index) => ({ userIndex, kind: kinds[index % kinds.length]!, seed: `${options.seed}/misbehave-${userIndex}` }))
      : [];
  const probers = Array.from({ length: options.probers }, (_, index) => ({
    username: `wire-prober-${index}`,
    password: `wire-prober-pw-${index}`,
  }));
  return { seed: options.seed, users, sockets, misbehaving, probers };
}
