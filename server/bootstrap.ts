/**
 * First start on an empty DATA_DIR: the lead account (its token written to DATA_DIR/lead-token,
 * mode 0600), and unless SEED_DEMO=0 a demo batch with demo users. Later starts print the links
 * again from the files written here.
 */
import fs from 'node:fs'
import path from 'node:path'
import type { Db } from './storage/db'
import { replaceFileSync } from './storage/durableFile'
import { createUser } from './services/users'

export const LEAD_TOKEN_FILE = 'lead-token'
export const DEMO_TOKENS_FILE = 'demo-tokens.json'

export interface SignInLink {
  name: string
  role: string
  token: string
}

/** Tokens are secrets: written whole (temporary file, fsync, rename) with mode 0600. */
function writeSecret(file: string, text: string): void {
  replaceFileSync(file, text)
}

/** Creates the lead on an empty directory; returns the lead's token (read back on later starts). */
export async function ensureLead(db: Db, dataDir: string): Promise<string | null> {
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

export function readDemoLinks(dataDir: string): SignInLink[] {
  try {
    return JSON.parse(fs.readFileSync(path.join(dataDir, DEMO_TOKENS_FILE), 'utf8')) as SignInLink[]
  } catch {
    return []
  }
}
