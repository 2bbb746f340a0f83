/** Vite build of the SolidJS client: `client/` in, `client/dist` out; dev proxies API and WS. */
import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vite'
import solid from 'vite-plugin-solid'

/** Where `node --import tsx server/main.ts` listens by default (DESIGN.md, "Running it"). */
const API_TARGET = 'http://127.0.0.1:8787'

export default defineConfig({
  root: fileURLToPath(new URL('./client', import.meta.url)),
  plugins: [solid()],
  server: {
    proxy: {
      '/api': { target: API_TARGET },
      '/signin': { target: API_TARGET },
      '/ws': { target: API_TARGET, ws: true },
    },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // The workspace route is a dynamic import (App.tsx), so CodeMirror and Yjs land in their own
    // chunks and the queue loads without them.
    sourcemap: false,
    target: 'es2022',
  },
})
