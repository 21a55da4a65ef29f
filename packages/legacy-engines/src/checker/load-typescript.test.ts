import { cpSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { describeMissingTypeScript, isSupportedTypeScriptVersion, loadTypeScript } from './load-typescript.js';
import { FIXTURES_DIR, PACKAGE_DIR, projectWithTypeScript7, removeTemporaryDirectories, temporaryDirectory } from './test-helpers.js';

afterEach(removeTemporaryDirectories);

describe('isSupportedTypeScriptVersion', () => {
  it.each(['5.0.0', '5.9.3', '6.0.3', '6.1.0-beta'])('accepts %s (the peer range >=5.0.0 <7)', (version) => {
    expect(isSupportedTypeScriptVersion(version)).toBe(true);
  });

  it.each(['7.0.2', '7.0.0-dev.20250101', '4.9.5', '10.0.0', 'unknown', ''])('refuses %j', (version) => {
    expect(isSupportedTypeScriptVersion(version)).toBe(false);
  });
});

describe('loadTypeScript', () => {
  it("loads the package's own typescript 5 with its compiler API", () => {
    const lookup = loadTypeScript([PACKAGE_DIR]);
    if (!lookup.ok) throw new Error(`no typescript found: ${JSON.stringify(lookup.unusable)}`);
    expect(lookup.version).toMatch(/^5\./);
    expect(lookup.ts.version).toBe(lookup.version);
    expect(typeof lookup.ts.createSourceFile).toBe('function');
  });

  it('never loads a TypeScript 7 and reports its version, folder and why', () => {
    const project = projectWithTypeScript7();
    expect(loadTypeScript([project])).toEqual({
      ok: false,
      unusable: [
        {
          version: '7.0.2',
          directory: join(project, 'node_modules', 'typescript'),
          reason: 'TypeScript 7 has no JavaScript compiler API to parse your code with',
        },
      ],
    });
  });

  it('falls back to the next folder (the one next to the checker) when the first has TypeScript 7', () => {
    const project = projectWithTypeScript7();
    const lookup = loadTypeScript([project, PACKAGE_DIR]);
    expect(lookup.ok && lookup.version).toMatch(/^5\./);
  });

  it('reports an empty list when no typescript is installed', () => {
    expect(loadTypeScript([temporaryDirectory()])).toEqual({ ok: false, unusable: [] });
  });

  it('refuses a typescript in the supported range that has no compiler API, and one older than 5', () => {
    const project = temporaryDirectory();
    const fake = join(project, 'node_modules', 'typescript');
    cpSync(join(FIXTURES_DIR, 'typescript-7'), fake, { recursive: true });
    writeFileSync(join(fake, 'package.json'), JSON.stringify({ name: 'typescript', version: '6.0.0', main: 'lib/version.cjs' }));
    expect(loadTypeScript([project])).toMatchObject({
      ok: false,
      unusable: [{ version: '6.0.0', reason: 'it has no JavaScript compiler API' }],
    });
    writeFileSync(join(fake, 'package.json'), JSON.stringify({ name: 'typescript', version: '4.9.5', main: 'lib/version.cjs' }));
    expect(loadTypeScript([project])).toMatchObject({
      ok: false,
      unusable: [{ version: '4.9.5', reason: 'it is older than TypeScript 5' }],
    });
  });
});

describe('describeMissingTypeScript', () => {
  it('says none is installed and how to install typescript@5', () => {
    expect(describeMissingTypeScript([], (path) => path)).toBe(
      'legacy-engines: the checker needs the `typescript` package (>=5.0.0 <7, an optional peer dependency of @baton/legacy-engines) ' +
        'to parse your code, and none is installed.\nInstall typescript@5 next to it and run the check again: npm install --save-dev typescript@5\n',
    );
  });

  it('names each version found, where, and why, then how to run the checker with typescript@5 next to it', () => {
    const message = describeMissingTypeScript(
      [
        {
          version: '7.0.2',
          directory: '/work/app/node_modules/typescript',
          reason: 'TypeScript 7 has no JavaScript compiler API to parse your code with',
        },
      ],
      (path) => path.replace('/work/app/', ''),
    );
    expect(message.split('\n')).toEqual([
      'legacy-engines: found typescript 7.0.2 in node_modules/typescript (TypeScript 7 has no JavaScript compiler API to parse your code with), ' +
        'but the checker needs typescript >=5.0.0 <7.',
      'Install typescript@5 next to it and run the checker with that copy:',
      '  npx -p typescript@5 -p @baton/legacy-engines legacy-engines check [paths...]',
      "(or make typescript@5 your project's TypeScript: npm install --save-dev typescript@5)",
      '',
    ]);
  });
});
