import type { z } from 'zod';
import { AGENT_NAME_RULE, isAgentName } from './agent-name.js';
import { InvalidConfigError } from './errors/invalid-config-error.js';
import type { TokenUsageReport } from './token-usage.js';
import type { UserExecutionContext } from './user-execution-context.js';
import { isZodSchema } from './zod-schema.js';

/** What an agent's `run` receives besides its input. */
export interface AgentContext {
  /** The context of the engine running the agent (whose user the run belongs to). */
  readonly userContext: UserExecutionContext;
  /** Fires on the run's timeout, the caller's signal and the engine's disposal. Pass it on to I/O. */
  readonly signal: AbortSignal;
  /** The workflow stage this call runs as, when it runs as one. */
  readonly stage?: string;
  /** Reports a thought: emits an `agent_thinking` event. */
  think(thought: string): void;
  /**
   * Streams a piece of the answer as it is produced: emits an `agent_output_delta` event. An empty
   * delta emits nothing; so does a write after the call ended (timeout, cancellation, dispose).
   * What the agent returns stays the call's `output`: the deltas are for watching it being written.
   * @throws InvalidConfigError (synchronously) when `delta` is not a string.
   */
  writeOutput(delta: string): void;
  /**
   * Reports tokens used (e.g. after each model call). Counts are summed over the call and carried as
   * `usage` on its `agent_completed` and its result; usage reported after the call ended is ignored.
   * @throws InvalidConfigError (synchronously) when `usage` is not an object or a count is not a
   *   non-negative integer.
   */
  reportUsage(usage: TokenUsageReport): void;
  /**
   * Runs `fn(signal)` as a tool call: emits `tool_executing` before and `tool_completed` after
   * (inputs and outputs redacted), and returns or rethrows what `fn` did.
   * @throws InvalidConfigError (as a rejection) for an empty `name`, a non-function `fn`, or a
   *   `toolCallId` that is not 1 to 256 characters or is the id of a tool call of this run still open.
   */
  tool<T>(name: string, input: unknown, fn: (signal: AbortSignal) => T | Promise<T>, options?: ToolCallOptions): Promise<T>;
}

/** Options of `ctx.tool`. */
export interface ToolCallOptions {
  /**
   * The id the tool events carry, when the call already has one (a model's tool call id, which the AI
   * SDK and UIs key on). Default: an id the engine makes, unique per call. 1 to 256 characters; must
   * not be the id of a tool call of the same run that is still open.
   */
  readonly toolCallId?: string;
}

/**
 * A named unit of work the engine can run. Made by `defineAgent`; frozen.
 * `TName` is the name's literal type (inferred by `defineAgent`), so that workflows can type
 * `previous.<name>` with the agent's `TOutput`; it defaults to `string`.
 */
export interface AgentDefinition<TInput = unknown, TOutput = unknown, TName extends string = string> {
  /** Unique within a factory; `[A-Za-z0-9_.:-]`, 1 to 128 characters; `'workflow'` is reserved. */
  readonly name: TName;
  readonly description?: string;
  /** Validates the input before `run`; a mismatch is a failed run with `INVALID_AGENT_IO`. */
  readonly input?: z.ZodType<TInput>;
  /** Validates what `run` returned; a mismatch is a failed run with `INVALID_AGENT_IO`. */
  readonly output?: z.ZodType<TOutput>;
  /** The agent's work. May be sync or async; a throw or a rejection is a failed run, never a crash. */
  readonly run: (input: TInput, ctx: AgentContext) => TOutput | Promise<TOutput>;
}

/** Any agent definition, whatever its input and output types. */
// biome-ignore lint: `any` lets definitions with precise types sit in one list.
export type AnyAgentDefinition = AgentDefinition<any, any>;

/** Reserved for the orchestrator's workflow events. */
export const WORKFLOW_AGENT_NAME = 'workflow';

/**
 * Declares an agent; validates the definition and returns it frozen.
 * @throws InvalidConfigError for a bad name, a missing `run` or a schema that is not a zod schema.
 * @example
 * const echo = defineAgent({ name: 'echo', input: z.string(), run: async (text, ctx) => { ctx.think('echoing'); return text; } });
 */
export function defineAgent<TInput = unknown, TOutput = unknown, const TName extends string = string>(
  definition: AgentDefinition<TInput, TOutput, TName>,
): AgentDefinition<TInput, TOutput, TName> {
  if (typeof definition !== 'object' || definition === null) {
    throw new InvalidConfigError({ message: 'defineAgent expects an object { name, run, input?, output?, description? }' });
  }
  const { name, description, input, output, run } = definition;
  if (!isAgentName(name)) {
    throw new InvalidConfigError({ message: `Agent name must be ${AGENT_NAME_RULE}` });
  }
  if (name === WORKFLOW_AGENT_NAME) {
    throw new InvalidConfigError({ message: `Agent name "${WORKFLOW_AGENT_NAME}" is reserved for workflow events` });
  }
  if (typeof run !== 'function') throw new InvalidConfigError({ message: `Agent "${name}" must have a run function` });
  if (description !== undefined && typeof description !== 'string') {
    throw new InvalidConfigError({ message: `Agent "${name}": description must be a string` });
  }
  if (input !== undefined && !isZodSchema(input)) throw new InvalidConfigError({ message: `Agent "${name}": input must be a zod schema` });
  if (output !== undefined && !isZodSchema(output))
    throw new InvalidConfigError({ message: `Agent "${name}": output must be a zod schema` });
  return Object.freeze({
    name,
    run,
    ...(description === undefined ? {} : { description }),
    ...(input === undefined ? {} : { input }),
    ...(output === undefined ? {} : { output }),
  });
}
