/** Vite build of the SolidJS client: `client/` in, `client/dist` out; dev proxies API and WS. */
import { fileURLToPath } from 'node:url'
import { build, defineConfig, type Plugin } from 'vite'
import solid from 'vite-plugin-solid'
import { VitePWA } from 'vite-plugin-pwa'

/** Where `node --import tsx server/main.ts` listens by default (docs/configuration.md#environment). */
const API_TARGET = 'http://127.0.0.1:8787'
const RUNNER_ROOT = fileURLToPath(new URL('./client/runner', import.meta.url))

/**
 * The test-run sandbox is a separate build into client/dist/runner, so none of its
 * files (frame, workers, QuickJS, sucrase) share a chunk with the app: the opaque-origin frame
 * loads them with CORS from /runner/ only, and the app's initial bundle never carries them.
 * Worker entries keep fixed names because the frame imports them from a `data:` module.
 */
function runnerBuild(): Plugin {
  return {
    name: 'codejury-runner-build',
    apply: 'build',
    async closeBundle() {
      await build({
        configFile: false,
        root: RUNNER_ROOT,
        base: '/runner/',
        logLevel: 'warn',
        build: {
          outDir: '../dist/runner',
          emptyOutDir: true,
          target: 'es2022',
          sourcemap: false,
          // Vite's preload helper touches `document`, which a worker does not have.
          modulePreload: false,
          rollupOptions: {
            input: {
              frame: `${RUNNER_ROOT}/frame.html`,
              pyWorker: `${RUNNER_ROOT}/pyWorker.ts`,
              jsWorker: `${RUNNER_ROOT}/jsWorker.ts`,
            },
            output: { entryFileNames: 'assets/[name].js', chunkFileNames: 'assets/[name]-[hash].js' },
          },
        },
      })
    },
  }
}

export default defineConfig({
  root: fileURLToPath(new URL('./client', import.meta.url)),
  plugins: [
    solid(),
    runnerBuild(),
    // Offline reloads: a workbox service worker precaches the app shell; the two reads
    // a workspace needs to render (/api/me, /api/tasks/:id) fall back to their last answer.
    VitePWA({
      injectRegister: false,
      registerType: 'autoUpdate',
      manifest: false,
      workbox: {
        globPatterns: ['**/*.{js,css,html}'],
        // The test-run sandbox is served by the server with its own CSP and CORP headers: never
        // from this worker's cache, and never answered with the app shell.
        globIgnores: ['runner/**'],
        navigateFallback: '/index.html',
        navigateFallbackDenylist: [/^\/api\//, /^\/signin/, /^\/ws/, /^\/runner\//],
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
      '/runner': { target: API_TARGET },
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
