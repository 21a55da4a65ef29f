import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const webRoot = fileURLToPath(new URL('./src/web', import.meta.url));
const outDir = fileURLToPath(new URL('./dist/public', import.meta.url));

// The page is static files served by the demo server (@fastify/static); `pnpm dev:web` proxies to a running server.
export default defineConfig({
  root: webRoot,
  plugins: [react()],
  build: { outDir, emptyOutDir: true, sourcemap: true },
  server: {
    proxy: {
      '/api': 'http://127.0.0.1:3000',
      '/ws': { target: 'ws://127.0.0.1:3000', ws: true },
    },
  },
});
