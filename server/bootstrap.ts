/**
 * First start on an empty DATA_DIR: the lead account (its token written to DATA_DIR/lead-token,
 * mode 0600), and unless SEED_DEMO=0 a demo batch with demo users. Later starts print again the
 * links saved here that still sign in, checked against each user's current token hash.
 */
import fs from 'node:fs'
import path from 'node:path'
import type { RecordsDb } from './storage/recordsDb'
import { replaceFileSync } from './storage/durableFile'
import { createUser, userForToken } from './services/users'
import type { Role } from '../shared/types'

export const LEAD_TOKEN_FILE = 'lead-token'
export const DEMO_TOKENS_FILE = 'demo-tokens.json'

export interface SignInLink {
  name: string
  role: string
  token: string
  /** The user's id; links saved before it was kept are matched by name and role. */
  id?: string
}

/**
 * A saved link as it stands now. Only `current` signs in (and names the user as they are now);
 * `rotated` is a user whose token was replaced since (`codejury users rotate` printed the new
 * link once); `gone` is a link whose user was removed or cannot be told apart from another.
 */
export type CheckedLink =
  | { state: 'current'; name: string; role: Role; token: string }
  | { state: 'rotated'; name: string; role: Role; id: string }
  | { state: 'gone'; name: string; role: string }

/** The lead's token file checked the same way (`stale`: it no longer signs in as a lead); null when there is none. */
export type CheckedLead = { state: 'current'; token: string } | { state: 'stale' } | null

/** Tokens are secrets: written whole (temporary file, fsync, rename) with mode 0600. */
function writeSecret(file: string, text: string): void {
  replaceFileSync(file, text)
}

/** Creates the lead on an empty directory; returns the lead's token (read back on later starts). */
export async function ensureLead(db: RecordsDb, dataDir: string): Promise<string | null> {
  const file = path.join(dataDir, LEAD_TOKEN_FILE)
  if (db.users.length === 0) {
    const { token } = await createUser(db, 'Lead', 'lead')
    writeSecret(file, `${token}\n`)
    return token
  }
  try {
    return fs.readFileSync(file, 'utf8').trim()
  } catch {
    return null
  }
}

/** Saves the demo users' links so later starts can print them again. */
export function saveDemoLinks(dataDir: string, links: SignInLink[]): void {
  writeSecret(path.join(dataDir, DEMO_TOKENS_FILE), JSON.stringify(links, null, 2))
}

/** The saved demo links; entries that are not a link (a hand-edited file) are left out. */
export function readDemoLinks(dataDir: string): SignInLink[] {
  let parsed: unknown
  try {
    parsed = JSON.parse(fs.readFileSync(path.join(dataDir, DEMO_TOKENS_FILE), 'utf8'))
  } catch {
    return []
  }
  if (!Array.isArray(parsed)) return []
  return parsed.filter(
    (l): l is SignInLink =>
      typeof l === 'object' && l !== null && typeof l.name === 'string' && typeof l.role === 'string' && typeof l.token === 'string' &&
      (l.id === undefined || typeof l.id === 'string'),
  )
}

/**
 * Each saved link against the users as they are now: a link signs in only while its token's hash
 * is its user's, so a rotated user's old link is never printed as if it worked.
 */
export function checkLinks(db: RecordsDb, links: readonly SignInLink[]): CheckedLink[] {
  return links.map((link) => {
    const user = userForToken(db, link.token)
    if (user && (link.id === undefined || user.id === link.id)) return { state: 'current', name: user.name, role: user.role, token: link.token }
    const owner = link.id !== undefined ? db.userById(link.id) : onlyOne(db.users.filter((u) => u.name === link.name && u.role === link.role))
    return owner ? { state: 'rotated', name: owner.name, role: owner.role, id: owner.id } : { state: 'gone', name: link.name, role: link.role }
  })
}

/** The lead's saved token, checked: it signs in only while it is still a lead's token. */
export function checkLead(db: RecordsDb, token: string | null): CheckedLead {
  if (token === null) return null
  return userForToken(db, token)?.role === 'lead' ? { state: 'current', token } : { state: 'stale' }
}

function onlyOne<T>(items: readonly T[]): T | undefined {
  return items.length === 1 ? items[0] : undefined
}
