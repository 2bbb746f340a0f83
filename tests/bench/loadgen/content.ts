/**
 * Stored-document content for the benchmark: realistic Yjs history (several authors, inserts at
 * random places, deletions) split into chunks.
 */
import * as Y from 'yjs'
import { getWorkspace } from '../../../shared/schema'
import { mulberry32 } from '../../../shared/seeded'

/** A document's history as update messages no larger than the chunk size, and its encoded size. */
export interface Content {
  chunks: Uint8Array[]
  encodedBytes: number
  /**
   * State vector of the document before its last TAIL_EDITS edits: what a client that was
   * disconnected (a server restart) holds, and sends in its sync step 1 when it reconnects.
   */
  heldStateVector: Uint8Array
  /**
   * Text inside the last edit, found nowhere else in the document: a reconnecting client has the
   * missing part once these bytes have reached it (in sync step 2 or a later update).
   */
  tailMarker: string
}

/** Edits a reconnecting client missed: one line from each author, the last carrying the marker. */
export const TAIL_EDITS = 3

const WORDS = [
  'def',
  'return',
  'for',
  'in',
  'range',
  'if',
  'else',
  'while',
  'assert',
  'len',
  'items',
  'total',
  'value',
  'result',
  'index',
  'self',
  'None',
  'True',
  'False',
  'import',
  'from',
  'class',
  'yield',
  'candidate',
  'score',
  'rank',
  'tests',
  'expected',
  'actual',
  'append',
  'sorted',
  'key',
  'lambda',
]

const cache = new Map<string, Content>()

/**
 * Builds (once per size) a document of about `targetBytes` encoded: three authors type lines of
 * code at random positions and delete a little, as a team does; Yjs' own struct merging then
 * leaves a realistic item count. Every room of the same size gets the same bytes.
 */
export function getContent(targetBytes: number, chunkBytes: number): Content {
  const key = `${targetBytes}/${chunkBytes}`
  const hit = cache.get(key)
  if (hit) return hit
  const rand = mulberry32(targetBytes)
  const doc = new Y.Doc()
  const text = getWorkspace(doc).solution
  const chunks: Uint8Array[] = []
  let batch: Uint8Array[] = []
  let batchBytes = 0
  const flush = () => {
    if (batch.length === 0) return
    chunks.push(batch.length === 1 ? batch[0] : Y.mergeUpdates(batch))
    batch = []
    batchBytes = 0
  }
  doc.on('update', (u: Uint8Array) => {
    if (batchBytes + u.length > chunkBytes * 0.9) flush()
    batch.push(u)
    batchBytes += u.length
  })
  const authors = [0x11111, 0x22222, 0x33333]
  const cursors = [0, 0, 0]
  // Encoded size runs ~1.5× the text length (item headers, tombstones); check it as we go.
  let textTarget = targetBytes / 1.5
  for (;;) {
    while (text.length < textTarget) {
      const who = Math.floor(rand() * authors.length)
      doc.clientID = authors[who]
      const words = 3 + Math.floor(rand() * 8)
      let line = '    '.repeat(Math.floor(rand() * 3))
      for (let i = 0; i < words; i++) line += WORDS[Math.floor(rand() * WORDS.length)] + ' '
      line += '\n'
      // mostly keep typing where this author was, sometimes jump elsewhere
      if (rand() < 0.1 || cursors[who] > text.length) {
        cursors[who] = Math.floor(rand() * (text.length + 1))
      }
      text.insert(cursors[who], line)
      cursors[who] += line.length
      if (rand() < 0.05 && text.length > 100) {
        const from = Math.floor(rand() * (text.length - 20))
        text.delete(from, 1 + Math.floor(rand() * 15))
      }
    }
    const encoded = Y.encodeStateAsUpdate(doc).length
    if (encoded >= targetBytes * 0.98) break
    textTarget = text.length * (targetBytes / encoded) * 1.01
  }
  // the tail: edits made while a reconnecting client was away (inserts only, so the state vector
  // alone says what it lacks; a delete would travel in every diff anyway)
  const heldStateVector = Y.encodeStateVector(doc)
  const tailMarker = `@@tail${String(targetBytes).padStart(9, '0')}@@`
  for (let i = 0; i < TAIL_EDITS; i++) {
    doc.clientID = authors[i % authors.length]
    const line = i === TAIL_EDITS - 1 ? `# ${tailMarker}\n` : `    total = total + ${i}\n`
    text.insert(Math.min(cursors[i % authors.length], text.length), line)
  }
  flush()
  const content: Content = {
    chunks,
    encodedBytes: Y.encodeStateAsUpdate(doc).length,
    heldStateVector,
    tailMarker,
  }
  doc.destroy()
  cache.set(key, content)
  return content
}
