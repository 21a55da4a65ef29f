/** What Baton calls on an agent's `input`/`output` schema. */
export interface ZodSchemaLike {
  safeParse(value: unknown): unknown;
  safeParseAsync(value: unknown): Promise<unknown>;
}

/**
 * True for a zod schema: an object with `safeParse` and `safeParseAsync` methods, the two the engine
 * calls. Duck-typed rather than `instanceof z.ZodType`, so that schemas from another copy of zod 4
 * (or zod/mini) pass. A function carrying those methods is refused: zod schemas are objects. Never
 * throws (a revoked Proxy or a throwing getter is simply not a schema).
 * @internal For Baton's own packages; not public API.
 */
export function isZodSchema(value: unknown): value is ZodSchemaLike {
  if (typeof value !== 'object' || value === null) return false;
  try {
    const candidate = value as Partial<ZodSchemaLike>;
    return typeof candidate.safeParse === 'function' && typeof candidate.safeParseAsync === 'function';
  } catch {
    return false;
  }
}
