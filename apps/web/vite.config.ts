// The shop in a browser. `pnpm dev`: Vite's dev server proxying /trpc and the REST routes under /api (docs
// included) to the API (API_URL, default http://127.0.0.1:3000), so one origin serves all of it, as in
// production. `pnpm build`: static assets in dist/, which the API serves at / in production.
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const api = new URL(process.env.API_URL ?? 'http://127.0.0.1:3000');

export default defineConfig({
  plugins: [react()],
  server: {
    port: 5173,
    strictPort: false,
    proxy: Object.fromEntries(['/trpc', '/api'].map((prefix) => [prefix, { target: api.origin, changeOrigin: false }])),
  },
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false },
});
