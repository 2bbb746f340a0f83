/**
 * The record signing key shared by the instances of one database. Every instance is given the
 * same private key (the same RECORD_KEY_FILE contents); PostgreSQL holds only public halves:
 * `record-key-pub` documents (key: the key id) that every instance verifies records against, and
 * one `record-key-active` document naming the key the instances sign with. The first instance on a
 * new database publishes its key and makes it active; an instance whose key differs from the
 * active one refuses to start, since its records would carry a key the others do not sign with.
 * Rotation is deliberate: start one instance with the new key and `rotate`, which publishes it
 * and makes it active; the earlier keys stay published, so older records still verify, and the
 * other instances must then be restarted with the new key file.
 */
import crypto from 'node:crypto'
import { keyIdOf } from '../recordKey'
import type { RecordKeys } from '../recordKey'
import type { RecordFeed } from './recordFeed'
import type { StoredDoc } from './recordDocs'
import { VersionConflictError } from './recordWrites'

export const KEY_PUB_KIND = 'record-key-pub'
export const KEY_ACTIVE_KIND = 'record-key-active'
const ACTIVE_KEY = 'current'

/** Thrown at start when this instance's key is not the one the other instances sign with. */
export class RecordKeyMismatchError extends Error {
  constructor(
    readonly own: string,
    readonly active: string,
  ) {
    super(
      `cannot start: this instance's record key (${own}, RECORD_KEY_FILE) is not the key the instances of this database ` +
        `sign with (${active}). Give every instance the same RECORD_KEY_FILE; to make this key the one they sign with, ` +
        'start this instance once with RECORD_KEY_ROTATE=1, then restart the others with the same key file.',
    )
    this.name = 'RecordKeyMismatchError'
  }
}

export interface ShareRecordKeyOptions {
  /** Make this instance's key the active one even when another is (a deliberate rotation). */
  rotate?: boolean
  /** A published document that is not a valid public key (changed outside codejury). */
  onBadKey?: (key: string, problem: string) => void
  /** Another instance made another key active while this one runs. */
  onRotated?: (activeKeyId: string) => void
}

/** The public key in a `record-key-pub` document, checked against its key id; or why not. */
function readPublished(doc: StoredDoc): crypto.KeyObject | string {
  const pem = (doc.body as { public_key?: unknown } | null)?.public_key
  if (typeof pem !== 'string') return 'it holds no public_key'
  let key: crypto.KeyObject
  try {
    key = crypto.createPublicKey(pem)
  } catch {
    return 'its public_key is not a PEM public key'
  }
  if (key.asymmetricKeyType !== 'ed25519') return `its public_key is ${key.asymmetricKeyType}, not Ed25519`
  if (keyIdOf(key) !== doc.key) return 'its public_key does not have the id it is stored under'
  return key
}

/**
 * Publishes this instance's public key, checks it is the active key (or makes it so: first start,
 * or `rotate`), and accepts every published key for verifying, now and as others are published.
 * Call before `feed.start()`; throws RecordKeyMismatchError when the keys differ.
 */
export async function shareRecordKey(feed: RecordFeed, keys: RecordKeys, options: ShareRecordKeyOptions = {}): Promise<void> {
  const onBadKey = options.onBadKey ?? ((key, problem) => console.error(`codejury: published record key ${key} is ignored: ${problem}`))
  const onRotated =
    options.onRotated ??
    ((id) => console.warn(`codejury: the instances now sign records with key ${id}; restart this one with that key file`))
  const docs = feed.docs
  const own = keys.keyId
  const pub = { key_id: own, public_key: keys.publicKeys()[0].public_key }
  for (let attempt = 1; ; attempt++) {
    const published = new Map((await docs.loadAll(KEY_PUB_KIND)).docs.map((d) => [d.key, d]))
    const active = (await docs.loadAll(KEY_ACTIVE_KIND)).docs.find((d) => d.key === ACTIVE_KEY)
    const activeId = (active?.body as { key_id?: unknown } | undefined)?.key_id
    if (active && activeId !== own && !options.rotate) throw new RecordKeyMismatchError(own, String(activeId))
    const writes = []
    if (!published.has(own)) writes.push({ kind: KEY_PUB_KIND, key: own, body: pub, expectVersion: 0 })
    if (activeId !== own) writes.push({ kind: KEY_ACTIVE_KIND, key: ACTIVE_KEY, body: { key_id: own }, expectVersion: active?.version ?? 0 })
    try {
      if (writes.length) await docs.putMany(writes)
      break
    } catch (err) {
      // Another instance published or activated at the same moment: look again.
      if (!(err instanceof VersionConflictError) || attempt >= 10) throw err
    }
  }
  feed.on(KEY_PUB_KIND, (list) => {
    for (const doc of list) {
      if (doc.removed) continue // a key once accepted stays accepted: records it signed still verify
      const key = readPublished(doc)
      if (typeof key === 'string') onBadKey(doc.key, key)
      else keys.accept(key)
    }
  })
  feed.on(KEY_ACTIVE_KIND, (list) => {
    for (const doc of list) {
      const id = (doc.body as { key_id?: unknown } | null)?.key_id
      if (typeof id === 'string' && id !== own) onRotated(id)
    }
  })
}
