/**
 * Warms V8's code for Yjs decoding and encoding before the server listens. In a fresh process the
 * first loads of a stored room run unoptimized: a 160 KB document took 64 ms to load and encode
 * instead of 8 ms (see README, "Performance"), so the first rooms opened after a restart paid for
 * the JIT. A few rounds over a synthetic workspace history — several authors typing and deleting
 * in texts, a ranking, nested ratings, presence — compile those paths ahead of time.
 */
import * as Y from 'yjs'
import * as awarenessProtocol from 'y-protocols/awareness'
import { getWorkspace } from '../../shared/schema'

const WORDS = ['def', 'return', 'for', 'in', 'range', 'if', 'else', 'assert', 'value', 'result']

function history(seed: number): Uint8Array[] {
  let s = seed
  const rand = () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31)
  const doc = new Y.Doc()
  const updates: Uint8Array[] = []
  doc.on('update', (u: Uint8Array) => updates.push(u))
  const ws = getWorkspace(doc)
  for (let i = 0; i < 1500; i++) {
    doc.clientID = 1000 + (i % 3)
    const text = [ws.solution, ws.tests, ws.explanation][i % 3]
    const at = rand() < 0.8 ? text.length : Math.floor(rand() * (text.length + 1))
    text.insert(at, `${WORDS[i % WORDS.length]} ${i}\n`)
    if (i % 20 === 0 && text.length > 30) text.delete(Math.floor(rand() * (text.length - 10)), 5)
    if (i % 50 === 0) {
      ws.ranking.insert(0, [`c${i % 4}`])
      const m = new Y.Map<number>()
      ws.ratings.set(`c${i % 4}`, m)
      m.set('correctness', i % 5)
    }
  }
  doc.destroy()
  return updates
}

/** Runs the warm-up; returns how long it took, in milliseconds. */
export function warmUpYjs(rounds = 6): number {
  const started = performance.now()
  for (let r = 0; r < rounds; r++) {
    const updates = history(r + 1)
    const source = new Y.Doc()
    source.transact(() => {
      for (const u of updates) Y.applyUpdate(source, u)
    })
    const snapshot = Y.encodeStateAsUpdate(source)
    const target = new Y.Doc()
    Y.applyUpdate(target, snapshot)
    Y.encodeStateAsUpdate(target, Y.encodeStateVector(new Y.Doc()))
    Y.mergeUpdates(updates.slice(0, 50))
    // Awareness starts an interval: both must be destroyed or the process never exits.
    const awareness = new awarenessProtocol.Awareness(target)
    const peer = new awarenessProtocol.Awareness(new Y.Doc())
    awareness.setLocalState({ user: { name: 'warm-up' }, cursor: { anchor: r, head: r } })
    awarenessProtocol.applyAwarenessUpdate(peer, awarenessProtocol.encodeAwarenessUpdate(awareness, [target.clientID]), null)
    awareness.destroy()
    peer.destroy()
    peer.doc.destroy()
    source.destroy()
    target.destroy()
  }
  return performance.now() - started
}
