import { BatonError } from './baton-error.js';

const name = 'UnknownAgentError';
const marker = `baton.error.${name}`;
const symbol = Symbol.for(marker);

/** Thrown by `executeAgent` for an agent name the factory was not given (`code: 'UNKNOWN_AGENT'`). */
export class UnknownAgentError extends BatonError {
  private readonly [symbol] = true;
  /** The name that was asked for. */
  readonly agentName: string;
  /** The names the engine knows. */
  readonly knownAgents: readonly string[];

  constructor(options: { agentName: string; knownAgents: readonly string[]; cause?: unknown }) {
    super({
      code: 'UNKNOWN_AGENT',
      message: `Unknown agent "${options.agentName}". Known agents: ${options.knownAgents.length > 0 ? options.knownAgents.join(', ') : '(none)'}.`,
      cause: options.cause,
    });
    this.name = name;
    this.agentName = options.agentName;
    this.knownAgents = Object.freeze([...options.knownAgents]);
  }

  /** True for a `UnknownAgentError` from any copy of this package; false for other errors. */
  static override isInstance(error: unknown): error is UnknownAgentError {
    return BatonError.hasMarker(error, marker);
  }
}
