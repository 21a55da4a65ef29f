/**
 * The part of a zod error these helpers read. zod 4's `ZodError` (classic and mini) fits, and so
 * does the error of another copy of zod 4: no `instanceof`, no dependency on one zod install.
 */
export interface ZodErrorLike {
  readonly issues: readonly { readonly path: readonly PropertyKey[]; readonly message: string }[];
}

/** The first issue of a zod error, flattened for messages. */
export interface ZodIssueSummary {
  /** The dotted path of the offending value (`a.0.b`); `''` when the value itself is at fault. */
  readonly path: string;
  /** zod's message for the issue; `'invalid'` when the error has no issue. */
  readonly message: string;
}

/**
 * The first issue of a zod error as `{ path, message }`: for messages that place the path
 * themselves (`... does not match its schema at a.b: ...`). Path segments are joined with `.`;
 * a symbol segment is written `Symbol(description)` instead of throwing as `Array#join` would.
 * @internal For Baton's own packages; not public API.
 */
export function firstZodIssue(error: ZodErrorLike): ZodIssueSummary {
  const issue = error.issues[0];
  if (issue === undefined) return { path: '', message: 'invalid' };
  return { path: issue.path.map(String).join('.'), message: issue.message };
}

/**
 * The first issue of a zod error as `path: message`, the one wording Baton uses for validation
 * failures; `root` stands for the path when the value itself is at fault (default `'value'`).
 * Never echoes the rejected value (zod's messages name the rule, not the input).
 * @example
 * describeZodIssue(AgentEventSchema.safeParse(x).error!, { root: 'event' }); // 'seq: Too small: expected number to be >=0'
 * @internal For Baton's own packages; not public API.
 */
export function describeZodIssue(error: ZodErrorLike, options?: { readonly root?: string }): string {
  const { path, message } = firstZodIssue(error);
  return `${path === '' ? (options?.root ?? 'value') : path}: ${message}`;
}
