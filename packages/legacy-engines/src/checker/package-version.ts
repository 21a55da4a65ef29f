import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The name in this package's package.json. */
export const PACKAGE_NAME = '@baton/legacy-engines';

/**
 * The `version` of the nearest package.json named {@link PACKAGE_NAME} at or above `fromDirectory`, or `undefined`
 * when there is none. The bin is bundled into `dist/` and the tests run from `src/checker/`, so the file is looked
 * up by name rather than at a fixed relative path.
 * @internal
 */
export function readPackageVersion(fromDirectory: string): string | undefined {
  for (let directory = fromDirectory; ; directory = dirname(directory)) {
    try {
      const manifest = JSON.parse(readFileSync(join(directory, 'package.json'), 'utf8')) as { name?: unknown; version?: unknown };
      if (manifest.name === PACKAGE_NAME && typeof manifest.version === 'string') return manifest.version;
    } catch {
      // No (readable) package.json here: keep climbing.
    }
    if (dirname(directory) === directory) return undefined;
  }
}
