/**
 * The record signing key: an Ed25519 key pair whose private half lives in one 0600 file outside
 * the record store, created on first start; and the set of public keys records are verified
 * against (the current key plus every earlier one kept as `<key_id>.pub.pem` beside it).
 */
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { createFileOnceSync, ensureDir } from './durableFile'

/** One published public key: its id and its SPKI PEM. */
export interface PublicRecordKey {
  key_id: string
  public_key: string
}

/** The outcome of checking one signature. */
export type SignatureCheck = 'ok' | 'unsigned' | 'unknown-key' | 'bad-signature'

/** The key a record names is `key_id`: the first 16 hex digits of SHA-256 over its SPKI DER bytes. */
export function keyIdOf(publicKey: crypto.KeyObject): string {
  const der = publicKey.export({ type: 'spki', format: 'der' })
  return crypto.createHash('sha256').update(der).digest('hex').slice(0, 16)
}

/**
 * Verifies an Ed25519 signature (base64) over the ASCII bytes of a record's hex `record_hash`.
 * Never throws: a malformed signature is simply not valid.
 */
export function verifyRecordSignature(publicKey: crypto.KeyObject, recordHash: string, signature: string): boolean {
  if (typeof signature !== 'string' || !/^[A-Za-z0-9+/]{86}==$/.test(signature)) return false
  try {
    return crypto.verify(null, Buffer.from(recordHash, 'ascii'), publicKey, Buffer.from(signature, 'base64'))
  } catch {
    return false
  }
}

/**
 * Reads every public key in a PEM text (one or more `PUBLIC KEY` blocks) or in the JSON that
 * `GET /api/records/key` answers. Throws with a readable message when none is found.
 */
export function parsePublicKeys(text: string): Map<string, crypto.KeyObject> {
  const keys = new Map<string, crypto.KeyObject>()
  const pems: string[] = []
  const trimmed = text.trim()
  if (trimmed.startsWith('{')) {
    const parsed = JSON.parse(trimmed) as { keys?: { public_key?: unknown }[] }
    for (const k of parsed.keys ?? []) if (typeof k.public_key === 'string') pems.push(k.public_key)
  } else {
    pems.push(...(trimmed.match(/-----BEGIN PUBLIC KEY-----[\s\S]*?-----END PUBLIC KEY-----/g) ?? []))
  }
  for (const pem of pems) {
    const key = crypto.createPublicKey(pem)
    if (key.asymmetricKeyType !== 'ed25519') throw new Error(`a key is ${key.asymmetricKeyType}, not Ed25519`)
    keys.set(keyIdOf(key), key)
  }
  if (keys.size === 0) throw new Error('no public key found (expected PEM "PUBLIC KEY" blocks or {"keys":[...]})')
  return keys
}

/** Thrown at start when the key file exists but is not an Ed25519 private key. */
export class RecordKeyError extends Error {
  constructor(file: string, problem: string) {
    super(`cannot start: the record key ${file} ${problem}. Nothing was changed: restore it from a backup, or point RECORD_KEY_FILE elsewhere.`)
    this.name = 'RecordKeyError'
  }
}

/**
 * The server's signing key and the public keys it accepts. Signing uses the current key only;
 * verifying accepts any key in the set, so records signed before a rotation still verify.
 */
export class RecordKeys {
  private constructor(
    private readonly privateKey: crypto.KeyObject,
    readonly keyId: string,
    private readonly accepted: Map<string, crypto.KeyObject>,
  ) {}

  /**
   * Loads the key at `file`, creating it (0600, its directory 0700) when absent, and writes its
   * public half as `<key_id>.pub.pem` beside it. Every `*.pub.pem` there is accepted for
   * verification: to rotate, move the private key file away and restart.
   */
  static open(file: string): RecordKeys {
    ensureDir(path.dirname(file))
    let pem: string
    try {
      pem = fs.readFileSync(file, 'utf8')
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new RecordKeyError(file, `cannot be read (${(err as NodeJS.ErrnoException).code})`)
      pem = createKeyFile(file)
    }
    let privateKey: crypto.KeyObject
    try {
      privateKey = crypto.createPrivateKey(pem)
    } catch {
      throw new RecordKeyError(file, 'is not a private key in PEM')
    }
    if (privateKey.asymmetricKeyType !== 'ed25519') throw new RecordKeyError(file, `is ${privateKey.asymmetricKeyType}, not Ed25519`)
    const publicKey = crypto.createPublicKey(privateKey)
    const keyId = keyIdOf(publicKey)
    const dir = path.dirname(file)
    const own = path.join(dir, `${keyId}.pub.pem`)
    if (!fs.existsSync(own)) createFileOnceSync(own, publicKey.export({ type: 'spki', format: 'pem' }) as string)
    const accepted = new Map<string, crypto.KeyObject>()
    for (const name of fs.readdirSync(dir).filter((n) => n.endsWith('.pub.pem')).sort()) {
      try {
        for (const [id, key] of parsePublicKeys(fs.readFileSync(path.join(dir, name), 'utf8'))) accepted.set(id, key)
      } catch (err) {
        throw new RecordKeyError(path.join(dir, name), `is not an Ed25519 public key (${(err as Error).message})`)
      }
    }
    accepted.set(keyId, publicKey)
    return new RecordKeys(privateKey, keyId, accepted)
  }

  /**
   * Accepts one more public key for verifying (one another instance published); returns its id.
   * Signing still uses the current key only.
   */
  accept(publicKey: crypto.KeyObject): string {
    if (publicKey.type !== 'public' || publicKey.asymmetricKeyType !== 'ed25519') throw new RangeError('only Ed25519 public keys verify records')
    const id = keyIdOf(publicKey)
    if (!this.accepted.has(id)) this.accepted.set(id, publicKey)
    return id
  }

  /** Signs a record hash: base64 Ed25519 over the hash's ASCII hex. */
  sign(recordHash: string): string {
    return crypto.sign(null, Buffer.from(recordHash, 'ascii'), this.privateKey).toString('base64')
  }

  /** Checks a stored record's signature against the accepted keys. */
  check(recordHash: string, signature: unknown, keyId: unknown): SignatureCheck {
    if (typeof signature !== 'string' || typeof keyId !== 'string') return 'unsigned'
    const key = this.accepted.get(keyId)
    if (!key) return 'unknown-key'
    return verifyRecordSignature(key, recordHash, signature) ? 'ok' : 'bad-signature'
  }

  /** The public keys records verify against, current first: what `GET /api/records/key` publishes. */
  publicKeys(): PublicRecordKey[] {
    const pem = (k: crypto.KeyObject) => k.export({ type: 'spki', format: 'pem' }) as string
    return [this.keyId, ...[...this.accepted.keys()].filter((id) => id !== this.keyId)].map((id) => ({
      key_id: id,
      public_key: pem(this.accepted.get(id)!),
    }))
  }
}

function createKeyFile(file: string): string {
  const { privateKey } = crypto.generateKeyPairSync('ed25519')
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }) as string
  createFileOnceSync(file, pem)
  // Whatever is there now is the key (a racing creator's, had there been one).
  return fs.readFileSync(file, 'utf8')
}
