import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

/** Monaco's package exports map only `.js` files; its CSS is reached through this alias. */
const monacoEsm = fileURLToPath(new URL('./node_modules/monaco-editor/esm/', import.meta.url));

/** The engine the dev server proxies `/v1` and `/socket.io` to. */
const engine = process.env.FLOWCRAFT_ENGINE_URL ?? 'http://127.0.0.1:4000';

export default defineConfig({
  plugins: [react()],
  resolve: { alias: [{ find: /^monaco-editor\/esm\/(.*)$/, replacement: `${monacoEsm}$1` }] },
  // Relative asset paths: the built app works wherever it is served (the engine serves it at `/`).
  base: './',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 4000,
  },
  worker: { format: 'es' },
  server: {
    proxy: {
      '/v1': { target: engine, changeOrigin: true },
      '/socket.io': { target: engine, ws: true, changeOrigin: true },
    },
  },
});
