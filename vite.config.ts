/** Vite build of the SolidJS client: `client/` in, `client/dist` out; dev proxies API and WS. */
import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vite'
import solid from 'vite-plugin-solid'
import { VitePWA } from 'vite-plugin-pwa'

/** Where `node --import tsx server/main.ts` listens by default (DESIGN.md, "Running it"). */
const API_TARGET = 'http://127.0.0.1:8787'

export default defineConfig({
  root: fileURLToPath(new URL('./client', import.meta.url)),
  plugins: [
    solid(),
    // Offline reloads (issue 13): a workbox service worker precaches the app shell; the two reads
    // a workspace needs to render (/api/me, /api/tasks/:id) fall back to their last answer.
    VitePWA({
      injectRegister: false,
      registerType: 'autoUpdate',
      manifest: false,
      workbox: {
        globPatterns: ['**/*.{js,css,html}'],
        navigateFallback: '/index.html',
        navigateFallbackDenylist: [/^\/api\//, /^\/signin/, /^\/ws/],
        clientsClaim: true,
        skipWaiting: true,
        runtimeCaching: [
          {
            urlPattern: ({ url }) =>
              url.pathname === '/api/me' || /^\/api\/tasks\/[A-Za-z0-9_-]+$/.test(url.pathname),
            handler: 'NetworkFirst',
            method: 'GET',
            options: {
              cacheName: 'codejury-api',
              networkTimeoutSeconds: 6,
              cacheableResponse: { statuses: [200] },
            },
          },
        ],
      },
    }),
  ],
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
