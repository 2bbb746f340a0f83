/**
 * Hocuspocus 3.4.4 with default settings; STORAGE=disk adds a file store shaped like
 * @hocuspocus/extension-database (fetch on load, store on its debounced onStoreDocument).
 * REDIS_PREFIX adds @hocuspocus/extension-redis on REDIS_URL under that prefix, so several of these
 * processes serve one room (scaleBench.ts).
 */
import { mkdirSync } from 'node:fs'
import { readFile, writeFile, rename } from 'node:fs/promises'
import * as path from 'node:path'
import { Server, type Extension } from '@hocuspocus/server'
import { Redis } from '@hocuspocus/extension-redis'
import * as Y from 'yjs'

const dataDir = process.env.DATA_DIR ?? ''

const fileStore: Extension = {
  extensionName: 'bench-file-store',
  async onLoadDocument({ document, documentName }) {
    try {
      const bytes = await readFile(path.join(dataDir, encodeURIComponent(documentName)))
      Y.applyUpdate(document, bytes)
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
    }
    return document
  },
  async onStoreDocument({ document, documentName }) {
    const file = path.join(dataDir, encodeURIComponent(documentName))
    await writeFile(file + '.tmp', Y.encodeStateAsUpdate(document))
    await rename(file + '.tmp', file)
  },
}

if (process.env.STORAGE === 'disk') mkdirSync(dataDir, { recursive: true })
const extensions: Extension[] = process.env.STORAGE === 'disk' ? [fileStore] : []
if (process.env.REDIS_PREFIX) {
  const url = new URL(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379')
  extensions.push(
    new Redis({ host: url.hostname, port: Number(url.port || 6379), prefix: process.env.REDIS_PREFIX }),
  )
}
const server = new Server({
  port: Number(process.env.PORT ?? 0),
  address: '127.0.0.1',
  quiet: true,
  stopOnSignals: true,
  extensions,
})
await server.listen()
console.log(`bench-server listening ${server.address.port}`)
