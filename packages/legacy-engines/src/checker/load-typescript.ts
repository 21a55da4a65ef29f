import { createRequire } from 'node:module';
import { join } from 'node:path';
import type * as TS from 'typescript';

/**
 * Loads the `typescript` package, an optional peer dependency used only by the checker: the project's own copy
 * (resolved from `cwd`) first, else the one next to this package. Resolves to `undefined` when neither exists.
 * @internal
 */
export async function loadTypeScript(cwd: string): Promise<typeof TS | undefined> {
  try {
    return createRequire(join(cwd, 'package.json'))('typescript') as typeof TS;
  } catch {
    // Not installed in the checked project: try the copy next to this package.
  }
  try {
    const module = (await import('typescript')) as typeof TS & { default?: typeof TS };
    return module.default ?? module;
  } catch {
    return undefined;
  }
}
