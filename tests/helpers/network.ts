/** Test network switches: WebSockets cut through Playwright, and HTTP through offline emulation. */
import type { BrowserContext, WebSocketRoute } from 'playwright-core'

/**
 * A network switch for one context's WebSockets. Chromium's `context.setOffline(true)` leaves an
 * open WebSocket connected, so the sockets are routed through Playwright instead: going offline
 * closes both ends of every live socket, and refuses new ones until `online()`.
 */
export async function networkSwitch(context: BrowserContext) {
  let down = false
  const live = new Set<{ page: WebSocketRoute; server: WebSocketRoute }>()
  await context.routeWebSocket(/\/ws\//, (ws) => {
    if (down) {
      void ws.close({ code: 1001, reason: 'offline' })
      return
    }
    live.add({ page: ws, server: ws.connectToServer() })
  })
  return {
    /** Cuts the sockets; with `http`, the whole network (the service worker serves the app). */
    async offline(options: { http?: boolean } = {}) {
      down = true
      if (options.http) await context.setOffline(true)
      for (const pair of live) {
        await pair.server.close({ code: 1001, reason: 'offline' }).catch(() => {})
        await pair.page.close({ code: 1001, reason: 'offline' }).catch(() => {})
      }
      live.clear()
    },
    async online() {
      down = false
      await context.setOffline(false)
    },
  }
}

