import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where `vite build` puts the page: `apps/demo/dist/public`. Computed from this file's location so it
 * is the same folder whether the server runs from `src/server` (tests, tsx) or `dist/server` (built).
 */
export function defaultStaticDir(): string {
  return join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'public');
}

/** True when the folder holds a built page. */
export function hasBuiltPage(staticDir: string): boolean {
  return existsSync(join(staticDir, 'index.html'));
}

/** Served at `/` when the page has not been built, so the API still works and the fix is obvious. */
export const PAGE_NOT_BUILT_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Baton demo</title></head>
<body>
<h1>Baton demo</h1>
<p>The server is running, but the web page has not been built. From the repository root run
<code>pnpm demo</code> (or <code>pnpm --filter @baton/demo build</code>) and reload.</p>
</body></html>`;
