/** The app-shell service worker (vite-plugin-pwa, workbox): registered once, production only. */
/// <reference types="vite/client" />

/** The workbox runtime cache holding the last `/api/me` and `/api/tasks/:id` answers. */
export const API_CACHE = 'codejury-api'

/**
 * Registers `/sw.js` so a page opened once reloads without the network. The first
 * visit is not yet controlled when it fetches the session and the task, so once the worker takes
 * control those two reads are repeated through it, and the cache holds them from the start.
 */
export function registerServiceWorker(): void {
  if (!import.meta.env.PROD || !('serviceWorker' in navigator)) return
  const controlled = navigator.serviceWorker.controller !== null
  if (!controlled) {
    navigator.serviceWorker.addEventListener('controllerchange', () => void warmApiCache(), {
      once: true,
    })
  }
  navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch((err: unknown) => {
    console.warn('codejury: offline support is off (the service worker did not register)', err)
  })
}

async function warmApiCache(): Promise<void> {
  const task = /^\/tasks\/([A-Za-z0-9_-]+)$/.exec(location.pathname)?.[1]
  const urls = ['/api/me', ...(task ? [`/api/tasks/${task}`] : [])]
  await Promise.allSettled(
    urls.map((url) => fetch(url, { credentials: 'same-origin', headers: { Accept: 'application/json' } })),
  )
}

/** Deletes the cached API answers: at sign-out, the next person must not see ours offline. */
export async function clearApiCache(): Promise<void> {
  if (typeof caches === 'undefined') return
  await caches.delete(API_CACHE).catch(() => false)
}
