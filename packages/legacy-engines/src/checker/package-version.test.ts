import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { readPackageVersion } from './package-version.js';
import { PACKAGE_DIR, removeTemporaryDirectories, temporaryDirectory } from './test-helpers.js';

afterEach(removeTemporaryDirectories);

describe('readPackageVersion', () => {
  it("finds this package's version from a folder inside it", () => {
    const { version } = JSON.parse(readFileSync(join(PACKAGE_DIR, 'package.json'), 'utf8')) as { version: string };
    expect(readPackageVersion(dirname(fileURLToPath(import.meta.url)))).toBe(version);
  });

  it('skips package.json files of other packages on the way up', () => {
    const root = temporaryDirectory();
    const nested = join(root, 'node_modules', 'other', 'dist');
    mkdirSync(nested, { recursive: true });
    writeFileSync(join(root, 'package.json'), JSON.stringify({ name: '@baton/legacy-engines', version: '1.2.3' }));
    writeFileSync(join(root, 'node_modules', 'other', 'package.json'), JSON.stringify({ name: 'other', version: '9.9.9' }));
    writeFileSync(join(nested, 'package.json'), '{ not json');
    expect(readPackageVersion(nested)).toBe('1.2.3');
  });

  it('returns undefined when no package.json above names the package', () => {
    expect(readPackageVersion(temporaryDirectory())).toBeUndefined();
  });
});
