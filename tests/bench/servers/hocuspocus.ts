/**
 * Hocuspocus 3.4.4 with default settings; STORAGE=disk adds a file store shaped like
 * @hocuspocus/extension-database (fetch on load, store on its debounced onStoreDocument).
 */
import { mkdirSync } from 'node:fs'
import { readFile, writeFile, rename } from 'node:fs/promises'
import * as path from 'node:path'
import { Server, type Extension } from '@hocuspocus/server'
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
const server = new Server({
  port: Number(process.env.PORT ?? 0),
  address: '127.0.0.1',
  quiet: true,
  stopOnSignals: true,
  extensions: process.env.STORAGE === 'disk' ? [fileStore] : [],
})
await server.listen()
console.log(`bench-server listening ${server.address.port}`)
