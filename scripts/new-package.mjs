// One-off scaffolding helper kept for adding packages with the same template (style.md §4).
import { mkdirSync, writeFileSync, existsSync } from 'node:fs';
const [name, description, tag, depsJson = '{}', devJson = '{}', extraExports = ''] = process.argv.slice(2);
const dir = `packages/${name}`;
mkdirSync(`${dir}/src`, { recursive: true });
const entries = ['index', ...extraExports.split(',').filter(Boolean)];
const exportsMap = {};
for (const e of entries) {
  const key = e === 'index' ? '.' : `./${e}`;
  exportsMap[key] = {
    import: { types: `./dist/${e}.d.ts`, default: `./dist/${e}.js` },
    require: { types: `./dist/${e}.d.cts`, default: `./dist/${e}.cjs` },
  };
}
exportsMap['./package.json'] = './package.json';
const pkg = {
  name: `@baton/${name}`, version: '0.0.0', description, license: 'MIT', type: 'module', sideEffects: false,
  main: './dist/index.cjs', module: './dist/index.js', types: './dist/index.d.cts', exports: exportsMap,
  files: ['dist', 'src', '!src/**/*.test.ts', '!src/**/*.test-d.ts', '!src/**/__fixtures__', 'CHANGELOG.md'],
  engines: { node: '>=20' }, publishConfig: { access: 'public' },
  scripts: { build: 'tsup', 'type-check': 'tsc --noEmit', test: 'vitest run', 'lint:package': 'publint --strict && attw --pack . --profile node16' },
  dependencies: JSON.parse(depsJson),
  devDependencies: { '@types/node': 'catalog:', tsup: 'catalog:', typescript: 'catalog:', vitest: 'catalog:', ...JSON.parse(devJson) },
  repository: { type: 'git', url: 'git+https://github.com/baton-dev/baton.git', directory: dir },
  keywords: ['baton', 'agents', 'workflow', 'multi-tenant'],
};
writeFileSync(`${dir}/package.json`, JSON.stringify(pkg, null, 2) + '\n');
writeFileSync(`${dir}/turbo.json`, JSON.stringify({ extends: ['//'], tags: [tag] }, null, 2) + '\n');
writeFileSync(`${dir}/tsconfig.json`, JSON.stringify({ extends: '../../tsconfig.base.json', include: ['src', '*.config.ts'], compilerOptions: { noEmit: true } }, null, 2) + '\n');
writeFileSync(`${dir}/tsup.config.ts`, `import { defineConfig } from 'tsup';

export default defineConfig({
  entry: [${entries.map((e) => `'src/${e}.ts'`).join(', ')}],
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  platform: 'node',
});
`);
writeFileSync(`${dir}/vitest.config.ts`, `import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    environment: 'node',
    include: ['src/**/*.test.ts'],
    typecheck: { enabled: true, include: ['src/**/*.test-d.ts'] },
    restoreMocks: true,
  },
});
`);
if (!existsSync(`${dir}/src/index.ts`)) writeFileSync(`${dir}/src/index.ts`, 'export {};\n');
