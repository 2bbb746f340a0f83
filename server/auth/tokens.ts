/** Bearer tokens: random, shown once, stored only as a SHA-256 hash. */
import { createHash, randomBytes } from 'node:crypto'

/** A new token: `cj_` + 32 random bytes in base64url; the prefix keeps it from reading as a CLI flag. */
export function newToken(): string {
  return `cj_${randomBytes(32).toString('base64url')}`
}

/** The stored form of a token. Tokens carry 256 bits of entropy, so a plain hash suffices. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex')
}

/** A short random id for users. */
export function newId(prefix: string): string {
  return `${prefix}_${randomBytes(6).toString('base64url').replace(/[^A-Za-z0-9]/g, 'x')}`
}
